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

from olivegen.knowledge.catalog import OLIVE_GENERATION, facts, suggest
from olivegen.knowledge.data_components import is_builtin_component
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


@cache
def _output_schema(generation: str = OLIVE_GENERATION) -> dict[str, Any]:
    schema: dict[str, Any] = schema_json(f"olive-{generation}/olive-config.schema.json")
    return schema


def _fits(value: Any, subschema: dict[str, Any], what: str) -> None:
    """Check a raw block against the part of the output schema it renders into (what the render check demands)."""
    from jsonschema import Draft202012Validator

    schema = {**subschema, "$defs": _output_schema()["$defs"]}
    for error in Draft202012Validator(schema).iter_errors(value):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise ValueError(f"{what}{where}: {error.message}")


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
    if kind.lower() == "optimummodel":
        _optimum_model(raw)
    if canonical is None:
        hint = suggest(kind, MODEL_TYPES)
        raise ValueError(f"unknown Olive model type {kind!r}" + (f"; {hint}" if hint else ""))
    _fits(raw, {"$ref": "#/$defs/raw_model"}, "the model")
    return raw


def _optimum_model(raw: dict[str, Any]) -> None:
    """Refuse Olive 0.4's OptimumModel, saying how Olive 0.13 writes what it did (OptimumConversion)."""
    files = raw.get("model_components")
    names = [str(f).removesuffix(".onnx") for f in files] if isinstance(files, list) else []
    components = f"`components: [{', '.join(names)}]`" if names else "`components` (the exported files without .onnx)"
    raise ValueError(
        "OptimumModel was removed after Olive 0.4; write `type: HfModel` with its `model_path`, and give the"
        f" OptimumConversion pass {components} and `extra_args: {{legacy: true, no_post_process: true}}`,"
        " which is how Olive 0.4 exported it"
    )


def check_data(raw: dict[str, Any]) -> dict[str, Any]:
    """Check a data config in Olive's form (without its name, which is the data set's)."""
    _legacy_data(raw)
    _unknown(raw, tuple(k for k in _props("DataConfig") if k != "name"), "a data config")
    for key in COMPONENTS:
        component = raw.get(key)
        if component is not None and not isinstance(component, dict):
            raise ValueError(f"`{key}` is a mapping with `type` and `params`")
    _fits({"name": "data", **raw}, {"$ref": "#/$defs/raw_data_config"}, "the data config")
    return raw


def _legacy_data(raw: dict[str, Any]) -> None:
    """Refuse Olive <= 0.6.1's `components` and `params_config`, saying what Olive 0.6.2 and later read instead."""
    if "components" in raw:
        raise ValueError(
            "`components` is gone since Olive 0.6.2: write each component as"
            " `load_dataset_config`, `pre_process_data_config`, `post_process_data_config` or"
            " `dataloader_config`, with `type` and `params`"
        )
    shared = raw.get("params_config")
    if shared is None:
        return
    key = next(iter(shared), None) if isinstance(shared, dict) else None
    own = [
        str(c["type"])
        for c in (raw.get(k) for k in COMPONENTS)
        if isinstance(c, dict) and isinstance(c.get("type"), str) and not is_builtin_component(c["type"])
    ]
    unsure = (
        f"; olivegen cannot tell whether {', '.join(repr(o) for o in own)} takes it"
        if own
        else "; which components took it changed between Olive 0.2 and 0.6.1, and the config does not say which"
        " release it was written for"
    )
    what = f"{key!r}" if key is not None else "each value"
    raise ValueError(
        "`params_config` is gone since Olive 0.6.2 (Olive 0.2-0.6.1 gave each value to every component"
        f" whose function has an argument of that name): write {what} under the `params` of each component"
        f" that takes it{unsure}"
    )


def check_evaluator(raw: dict[str, Any]) -> dict[str, Any]:
    """Check an evaluator in Olive's form: its metrics, sub types and settings."""
    if raw.get("type") is None:  # an evaluator type (LMEvaluator ...) takes its own arguments beside `type`
        _unknown(raw, _props("OliveEvaluatorConfig"), "an evaluator")
    metrics = raw.get("metrics") or []
    if not isinstance(metrics, list):
        raise ValueError("`metrics` is a list of metrics")
    for metric in metrics:
        if isinstance(metric, str):
            raise ValueError(
                f"metric {metric!r} is named, not written out: metrics referred to by name are newer than"
                " Olive 0.13 (only on Olive's main branch); write the metric itself"
            )
        if not isinstance(metric, dict):
            raise ValueError("each metric is a mapping with `name`, `type` and `sub_types`")
        _unknown(metric, _props("Metric"), "a metric")
        if isinstance(metric.get("user_config"), dict):
            check_user_config(str(metric.get("type")), metric["user_config"])
        subs = metric.get("sub_types") or []
        if not isinstance(subs, list):
            raise ValueError("`sub_types` is a list")
        for sub in subs:
            if isinstance(sub, dict):
                _unknown(sub, _props("SubMetric"), "a metric sub type")
    _fits(raw, {"$ref": "#/$defs/raw_evaluator"}, "the evaluator")
    return raw


# Olive 0.2-0.6.1 gave a metric its data through user_config; 0.6.2 replaced them by the metric's data_config.
LEGACY_USER_CONFIG = (
    "data_dir",
    "dataloader_func",
    "func_kwargs",
    "batch_size",
    "input_names",
    "input_shapes",
    "input_types",
    "post_processing_func",
)


def check_user_config(metric_type: str, user_config: dict[str, Any], generation: str = OLIVE_GENERATION) -> None:
    """Check a metric's user_config keys against what Olive reads for that metric type (it ignores the others)."""
    table = facts(generation)["metric_user_config"]
    allowed = (*table["*"], *table.get(metric_type, ()))
    for key in user_config:
        if key in allowed:
            continue
        if key in LEGACY_USER_CONFIG:
            raise ValueError(
                f"user_config {key!r} is how Olive <= 0.6 gave a metric its data, which Olive"
                f" {generation} ignores (the metric would get none); write the data as a data config (loading,"
                " pre- and post-processing, batch size as its components) and name it in the metric's `data_config`"
            )
        hint = suggest(str(key), allowed)
        raise ValueError(
            f"{key!r} is not a key of a {metric_type} metric's user_config in Olive {generation}, which ignores it"
            + (f"; {hint}" if hint else "")
        )


def check_engine(raw: dict[str, Any], typed: set[str]) -> dict[str, Any]:
    """Check the engine keys the typed engine fields do not cover."""
    allowed = tuple(k for k in _props("RunEngineConfig") if k not in typed | {"host", "target", "evaluator"})
    _unknown(raw, allowed, "the engine (or it has a typed field)")
    search = raw.get("search_strategy")
    if isinstance(search, dict):
        _unknown(search, (*_props("SearchStrategyConfig"), *SAMPLER_KEYS), "a search strategy")
    engine = _output_schema()["$defs"]["engine"]["properties"]
    for key, value in raw.items():
        if key in engine:
            _fits(value, engine[key], f"engine.{key}")
    return raw


def check_pass_entry(raw: dict[str, Any]) -> dict[str, Any]:
    """Check the keys of a pass entry beside its type and parameters (Olive 0.13: `host`, `evaluator`)."""
    _unknown(raw, tuple(k for k in _props("RunPassConfig") if k not in ("type", "config")), "a pass entry")
    return raw
