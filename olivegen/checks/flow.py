"""The order of passes: what each pass needs from the passes before it."""

from __future__ import annotations

from collections.abc import Iterator

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic

ADAPTER_PASSES = ("LoRA", "QLoRA", "LoHa", "LoKr", "DoRA")


def _type(spec: object) -> str:
    return str(getattr(spec, "type", ""))


@rule("merge-without-adapter")
def merge_without_adapter(scope: Scope) -> Iterator[Diagnostic]:
    """MergeAdapterWeights needs an adapter: a LoRA-family pass before it, or `model.adapter_path`."""
    has_adapter = scope.recipe.model.adapter_path is not None
    for i, spec in enumerate(scope.recipe.passes):
        kind = _type(spec)
        if kind in ADAPTER_PASSES:
            has_adapter = True
        elif kind == "MergeAdapterWeights" and not has_adapter:
            yield scope.error(
                "merge-without-adapter",
                "MergeAdapterWeights has no adapter to merge",
                ("passes", i, "type"),
                "put a LoRA or QLoRA pass before it, or set `model.adapter_path`",
            )


@rule("extract-without-adapter")
def extract_without_adapter(scope: Scope) -> Iterator[Diagnostic]:
    """ExtractAdapters needs LoRA weights in the ONNX model, and none left after a merge."""
    has_adapter = scope.recipe.model.adapter_path is not None
    for i, spec in enumerate(scope.recipe.passes):
        kind = _type(spec)
        if kind in ADAPTER_PASSES:
            has_adapter = True
        elif kind == "MergeAdapterWeights":
            has_adapter = False
        elif kind == "ExtractAdapters" and not has_adapter:
            yield scope.error(
                "extract-without-adapter",
                "ExtractAdapters has no LoRA weights to extract",
                ("passes", i, "type"),
                "put a LoRA pass before the ONNX export and no MergeAdapterWeights between them",
            )


@rule("eval-split-on-slice")
def eval_split_on_slice(scope: Scope) -> Iterator[Diagnostic]:
    """`eval_split` slices the split itself, so the split must not already be a slice."""
    for i, data in enumerate(scope.recipe.data):
        if data.eval_split is not None and "[" in data.split:
            yield scope.error(
                "eval-split-on-slice",
                f"eval_split cannot be combined with the sliced split {data.split!r}",
                ("data", i, "eval_split"),
                "use a plain split name, or write a second data set with its own slice",
            )
