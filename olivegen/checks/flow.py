"""The order of passes: what each pass needs from the passes before it."""

from __future__ import annotations

from collections.abc import Iterator

from olivegen.checks.base import Scope, metadata_only, rule
from olivegen.checks.base import pass_type as _type
from olivegen.errors import Diagnostic, Severity
from olivegen.knowledge import passes as P
from olivegen.knowledge.catalog import takes_only_onnx
from olivegen.knowledge.model_types import HF_MODEL_TYPES, ONNX_MODEL_TYPES
from olivegen.knowledge.passes import EXPORTS_ONNX, KEEPS_PYTORCH, PYTORCH_QUANTIZERS, TAKES_HF, TAKES_ONNX
from olivegen.recipe.passes import QLoRA

# Olive input models (the `olive:` form of `model:`) that already are ONNX.
ONNX_INPUTS = ONNX_MODEL_TYPES


def _input_is_onnx(scope: Scope) -> bool:
    raw = scope.recipe.model.olive
    return raw is not None and str(raw.get("type", "")).lower() in ONNX_INPUTS


def _input_unknown(scope: Scope) -> bool:
    """Tell whether the input model is neither Hugging Face nor ONNX as far as olivegen knows (an Olive type)."""
    raw = scope.recipe.model.olive
    return raw is not None and str(raw.get("type", "")).lower() not in (*ONNX_INPUTS, *HF_MODEL_TYPES)


def _adapter_reaches(scope: Scope) -> Iterator[tuple[int, str, bool]]:
    """Yield (index, type, whether an unmerged adapter reaches the pass) for each pass, in order."""
    has_adapter = scope.recipe.model.adapter_path is not None
    for i, spec in enumerate(scope.recipe.passes):
        kind = _type(spec)
        yield i, kind, has_adapter
        if kind in P.TRAINS_ADAPTER:
            has_adapter = True
        elif kind in P.MERGES_ADAPTERS:
            has_adapter = False


@rule("merge-without-adapter")
def merge_without_adapter(scope: Scope) -> Iterator[Diagnostic]:
    """MergeAdapterWeights needs an adapter: a LoRA-family pass before it, or `model.adapter_path`."""
    for i, kind, has_adapter in _adapter_reaches(scope):
        if kind in P.MERGES_ADAPTERS and not has_adapter:
            yield scope.error(
                "merge-without-adapter",
                "MergeAdapterWeights has no adapter to merge",
                ("passes", i, "type"),
                "put a LoRA or QLoRA pass before it, or set `model.adapter_path`",
            )


@rule("extract-without-adapter", Severity.WARNING)
def extract_without_adapter(scope: Scope) -> Iterator[Diagnostic]:
    """ExtractAdapters with no LoRA weights in the ONNX model (none trained, or merged): no adapter file."""
    for i, kind, has_adapter in _adapter_reaches(scope):
        if kind in P.EXTRACTS_ADAPTERS and not has_adapter:
            yield scope.warning(
                "extract-without-adapter",
                "ExtractAdapters has no LoRA weights to extract: Olive runs it and writes no adapter file",
                ("passes", i, "type"),
                "put a LoRA pass before the ONNX export and no MergeAdapterWeights between them,"
                " or drop ExtractAdapters",
            )


@rule("model-kind")
def model_kind(scope: Scope) -> Iterator[Diagnostic]:
    """Each pass gets the kind of model it works on: PyTorch passes before the ONNX export, ONNX passes after it."""
    onnx_at: int | None = -1 if _input_is_onnx(scope) else None
    unknown = _input_unknown(scope)  # the kind of model is not known from here on
    for i, spec in enumerate(scope.recipe.passes):
        kind = _type(spec)
        takes_onnx = kind in TAKES_ONNX or takes_only_onnx(kind, scope.recipe.olive)
        if kind == P.MODEL_BUILDER and metadata_only(spec):
            continue
        if unknown and onnx_at is None:
            continue
        if kind in TAKES_HF and onnx_at == -1:
            yield scope.error(
                "model-kind",
                f"{kind} needs a Hugging Face model, but the input model is ONNX",
                ("passes", i, "type"),
                "start from the Hugging Face model, or leave this pass out",
            )
        elif kind in TAKES_HF and onnx_at is not None:
            maker = _type(scope.recipe.passes[onnx_at])
            yield scope.error(
                "model-kind",
                f"{kind} needs a Hugging Face model, but {maker} (pass {onnx_at + 1}) already made it ONNX",
                ("passes", i, "type"),
                "a workflow exports to ONNX once: keep one of them" if kind == maker else f"move {kind} before {maker}",
            )
        elif takes_onnx and onnx_at is None:
            yield scope.error(
                "model-kind",
                f"{kind} needs an ONNX model, but no pass before it exports one",
                ("passes", i, "type"),
                "put ModelBuilder or OnnxConversion before it",
            )
        if kind in EXPORTS_ONNX and onnx_at is None:
            onnx_at = i
        elif kind not in KEEPS_PYTORCH and not takes_onnx and onnx_at is None:
            unknown = True  # after OptimumConversion, a vendor's converter ... the kind of model is not known


def _trainers_after_quantizer(
    scope: Scope, quantizers: tuple[str, ...], trainer: str
) -> Iterator[tuple[int, int, str]]:
    """Yield (trainer pass index, first quantizer index, quantizer type) for each `trainer` after a quantizer."""
    quantizer: tuple[int, str] | None = None
    for i, spec in enumerate(scope.recipe.passes):
        kind = _type(spec)
        if kind in quantizers and quantizer is None:
            quantizer = (i, kind)
        elif kind == trainer and quantizer is not None:
            yield i, *quantizer


@rule("qlora-on-quantized")
def qlora_on_quantized(scope: Scope) -> Iterator[Diagnostic]:
    """QLoRA quantizes the base model itself, so it cannot follow AWQ, GPTQ or RTN."""
    for i, q_index, q_kind in _trainers_after_quantizer(scope, PYTORCH_QUANTIZERS, P.QLORA):
        yield scope.error(
            "qlora-on-quantized",
            f"QLoRA cannot train the model {q_kind} (pass {q_index + 1}) already quantized",
            ("passes", i, "type"),
            "Olive stops with 'Model is already quantized'; drop the quantizer and let QLoRA quantize"
            + (", or use `type: lora` after AWQ" if q_kind == P.AUTO_AWQ else ""),
        )


@rule("lora-on-olive-quant")
def lora_on_olive_quant(scope: Scope) -> Iterator[Diagnostic]:
    """LoRA cannot train on the QuantLinear layers Olive's Gptq and Rtn passes write (peft rejects them)."""
    for i, q_index, q_kind in _trainers_after_quantizer(scope, P.OLIVE_PYTORCH_QUANTIZERS, P.LORA):
        yield scope.error(
            "lora-on-olive-quant",
            f"LoRA cannot train the model {q_kind} (pass {q_index + 1}) quantized",
            ("passes", i, "type"),
            "peft stops with 'Target module QuantLinear(...) is not supported'; train first"
            " (LoRA -> MergeAdapterWeights -> quantizer -> ModelBuilder), or drop the quantizer and let"
            " ModelBuilder int4 quantize",
        )


@rule("qlora-int4", Severity.WARNING)
def qlora_int4(scope: Scope) -> Iterator[Diagnostic]:
    """A QLoRA adapter that reaches ModelBuilder int4 unmerged was trained against another base than it runs on."""
    passes = scope.recipe.passes
    for i, spec in enumerate(passes):
        if not isinstance(spec, QLoRA):
            continue
        for j in range(i + 1, len(passes)):
            later = passes[j]
            kind = _type(later)
            if kind in P.MERGES_ADAPTERS or kind in P.TRAINS_ADAPTER:
                break
            if kind == P.MODEL_BUILDER and getattr(later, "precision", None) == "int4":
                yield scope.warning(
                    "qlora-int4",
                    f"the QLoRA adapter of pass {i + 1} was trained against a bitsandbytes NF4 base; ModelBuilder"
                    f" int4 (pass {j + 1}) builds the base from the full-precision weights with its own int4"
                    " quantizer, and the adapter is applied to that",
                    ("passes", j, "precision"),
                    "Olive runs this; compare the int4 model with its adapter against the QLoRA model before"
                    " shipping it, or train with `type: lora` so the adapter is trained against the weights"
                    " ModelBuilder quantizes",
                )
                break


@rule("qlora-target-modules", Severity.WARNING)
def qlora_target_modules(scope: Scope) -> Iterator[Diagnostic]:
    """Olive's QLoRA ignores `target_modules`: it adapts every linear layer it quantized to 4 bits."""
    for i, spec in enumerate(scope.recipe.passes):
        if isinstance(spec, QLoRA) and spec.target_modules:
            yield scope.warning(
                "qlora-target-modules",
                "target_modules does nothing on QLoRA: Olive's QLoRA adapts every 4-bit linear layer of the model",
                ("passes", i, "target_modules"),
                "leave target_modules out (it changes nothing), or use `type: lora` to adapt only these layers",
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
