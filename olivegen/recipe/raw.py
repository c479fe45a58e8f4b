"""The escape hatch: raw Olive keys under `olive:` on the model, a data set, the evaluation, the engine or a pass.

What the typed recipe fields do not cover (an ONNX or PyTorch input model with a model loader, a
data set built by a user script, metrics with goals and a custom backend, engine packaging ...) is
written in Olive's own words under `olive:` and rendered as written. It is still checked: every key
against the vendored Olive run-config schema (`schemas/olive-<gen>/run-config.schema.json`), the
model type against Olive's model handlers; relative paths in it are resolved against the recipe.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from olivegen.knowledge.catalog import OLIVE_GENERATION, suggest
from olivegen.knowledge.resources import schema_json

MODEL_TYPES = (
    "HfModel",
    "PyTorchModel",
    "ONNXModel",
    "CompositeModel",
    "CompositePyTorchModel",
    "DistributedHfModel",
    "DistributedOnnxModel",
    "OpenVINOModel",
    "QNNModel",
    "SNPEModel",
    "TensorFlowModel",
    "DiffusersModel",
)
# Keys of a data component (`load_dataset_config` ...): Olive's DataComponentConfig, nested or flat.
# Keys Olive moves from a search strategy into its sampler's config (olive.search.samplers, 0.13).
SAMPLER_KEYS = ("max_samples", "seed", "multivariate", "group")
COMPONENTS = ("load_dataset_config", "pre_process_data_config", "post_process_data_config", "dataloader_config")


@cache
def _props(definition: str, generation: str = OLIVE_GENERATION) -> tuple[str, ...]:
    schema = schema_json(f"olive-{generation}/run-config.schema.json")
    defs = schema.get("$defs") or schema["definitions"]  # pydantic v2 (0.13) or v1 (0.9)
    return tuple(sorted(defs[definition]["properties"]))


def _unknown(keys: Any, allowed: tuple[str, ...], what: str) -> None:
    for key in keys:
        if key not in allowed:
            hint = suggest(str(key), allowed)
            raise ValueError(f"{key!r} is not a key of {what} in Olive" + (f"; {hint}" if hint else ""))


def check_model(raw: dict[str, Any]) -> dict[str, Any]:
    """Check an input model in Olive's form: a known model type; its own keys are the handler's."""
    kind = raw.get("type")
    if not isinstance(kind, str):
        raise ValueError("a raw Olive model needs a `type`, such as ONNXModel or PyTorchModel")
    canonical = {t.lower(): t for t in MODEL_TYPES}.get(kind.lower())
    if canonical is None:
        hint = suggest(kind, MODEL_TYPES)
        raise ValueError(f"unknown Olive model type {kind!r}" + (f"; {hint}" if hint else ""))
    return raw


def check_data(raw: dict[str, Any]) -> dict[str, Any]:
    """Check a data config in Olive's form (without its name, which is the data set's)."""
    _unknown(raw, tuple(k for k in _props("DataConfig") if k != "name"), "a data config")
    for key in COMPONENTS:
        component = raw.get(key)
        if component is not None and not isinstance(component, dict):
            raise ValueError(f"`{key}` is a mapping with `type` and `params`")
    return raw


def check_evaluator(raw: dict[str, Any]) -> dict[str, Any]:
    """Check an evaluator in Olive's form: its metrics, sub types and settings."""
    if raw.get("type") is None:  # an evaluator type (LMEvaluator ...) takes its own arguments beside `type`
        _unknown(raw, _props("OliveEvaluatorConfig"), "an evaluator")
    for metric in raw.get("metrics") or []:
        if isinstance(metric, str):
            raise ValueError(
                f"metric {metric!r} is named, not written out: metrics referred to by name are newer than"
                " Olive 0.13 (only on Olive's main branch); write the metric itself"
            )
        if not isinstance(metric, dict):
            raise ValueError("each metric is a mapping with `name`, `type` and `sub_types`")
        _unknown(metric, _props("Metric"), "a metric")
        for sub in metric.get("sub_types") or []:
            if isinstance(sub, dict):
                _unknown(sub, _props("SubMetric"), "a metric sub type")
    return raw


def check_engine(raw: dict[str, Any], typed: set[str]) -> dict[str, Any]:
    """Check the engine keys the typed engine fields do not cover."""
    allowed = tuple(k for k in _props("RunEngineConfig") if k not in typed | {"host", "target", "evaluator"})
    _unknown(raw, allowed, "the engine (or it has a typed field)")
    search = raw.get("search_strategy")
    if isinstance(search, dict):
        _unknown(search, (*_props("SearchStrategyConfig"), *SAMPLER_KEYS), "a search strategy")
    return raw


def check_pass_entry(raw: dict[str, Any]) -> dict[str, Any]:
    """Check the keys of a pass entry beside its type and parameters (Olive 0.13: `host`, `evaluator`)."""
    _unknown(raw, tuple(k for k in _props("RunPassConfig") if k not in ("type", "config")), "a pass entry")
    return raw
