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

from olivegen.knowledge.catalog import OLIVE_GENERATION, article, facts, shape, suggest
from olivegen.knowledge.data_components import is_builtin_component
from olivegen.knowledge.history import why_gone_entry_key
from olivegen.knowledge.model_types import MODEL_TYPES
from olivegen.knowledge.resources import schema_json

# Keys of a data component (`load_dataset_config` ...): Olive's DataComponentConfig, nested or flat.
# Keys Olive moves from a search strategy into its sampler's config (olive.search.samplers, 0.13).
SAMPLER_KEYS = ("max_samples", "seed", "multivariate", "group")
# A metric's user_config: the keys each metric type reads are vendored (`metric_user_config` of
# schemas/olive-<gen>/passes.json, from olive.evaluator.metric_config). Olive nests a metric's keys
# that are not Metric fields into it, so they may be written beside `type` too.
# Olive <= 0.6 loaded a metric's data itself from these; Olive 0.7 moved that into the metric's data config.
USER_CONFIG_BEFORE_07 = (
    "data_dir",
    "dataloader_func",
    "func_kwargs",
    "batch_size",
    "input_names",
    "input_shapes",
    "input_types",
    "post_processing_func",
)
COMPONENTS = ("load_dataset_config", "pre_process_data_config", "post_process_data_config", "dataloader_config")


class RawKeyError(ValueError):
    """A problem inside a raw block, with the path below the block where it is (so it is reported there)."""

    def __init__(self, message: str, at: tuple[str | int, ...] = (), on_key: bool = False) -> None:
        super().__init__(message)
        self.at = at
        self.on_key = on_key  # the key itself is wrong (point at it), not its value


class Findings(RawKeyError):
    """Several findings in one block, each at its own place (diagnose reports one per finding).

    A validator raises once; this carries all its findings, the first being the error itself.
    """

    def __init__(self, found: list[RawKeyError]) -> None:
        super().__init__(str(found[0]), found[0].at, on_key=found[0].on_key)
        self.found = tuple(found)


def _collect(found: list[RawKeyError], check: Any, *args: Any) -> None:
    """Run one check; keep what it finds instead of stopping at it."""
    try:
        check(*args)
    except Findings as exc:
        found.extend(exc.found)
    except RawKeyError as exc:
        found.append(exc)


@cache
def _props(definition: str, generation: str = OLIVE_GENERATION) -> tuple[str, ...]:
    schema = schema_json(f"olive-{shape(generation)}/run-config.schema.json")
    defs = schema.get("$defs") or schema["definitions"]  # pydantic v2 (0.13) or v1 (0.9)
    return tuple(sorted(defs[definition]["properties"]))


def olive_keys(definition: str, generation: str = OLIVE_GENERATION) -> tuple[str, ...]:
    """Return the keys of one of Olive's config classes (`RunEngineConfig` ...) in the vendored run-config schema."""
    return _props(definition, generation)


@cache
def _output_schema(generation: str = OLIVE_GENERATION) -> dict[str, Any]:
    schema: dict[str, Any] = schema_json(f"olive-{shape(generation)}/olive-config.schema.json")
    return schema


@cache
def _quick() -> Any:
    """Return the output schema's yes/no compiler (the render check's own): a valid block never imports jsonschema."""
    from olivegen.source.schema_fast import Compiler

    return Compiler(_output_schema())


def _fits(value: Any, subschema: dict[str, Any], what: str, at: tuple[str | int, ...] = ()) -> None:
    """Check a raw block against the part of the output schema it renders into (what the render check demands).

    The quick check answers first; jsonschema is asked only for the message of a block that does not fit.
    """
    from olivegen.source.schema_fast import Unsupported

    try:
        if _quick().compile(subschema)(value):
            return
    except Unsupported:
        pass
    from jsonschema import Draft202012Validator

    schema = {**subschema, "$defs": _output_schema()["$defs"]}
    for error in Draft202012Validator(schema).iter_errors(value):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise RawKeyError(f"{what}{where}: {error.message}", (*at, *error.absolute_path))


def _unknown(keys: Any, allowed: tuple[str, ...], what: str, at: tuple[str | int, ...] = ()) -> None:
    for key in keys:
        if key not in allowed:
            hint = suggest(str(key), allowed)
            message = f"{key!r} is not a key of {what} in Olive" + (f"; {hint}" if hint else "")
            raise RawKeyError(message, (*at, key), on_key=True)


def check_user_config(
    metric_type: Any,
    keys: Any,
    at: tuple[str | int, ...],
    metric_keys: tuple[str, ...] = (),
    generation: str = OLIVE_GENERATION,
) -> None:
    """Check keys of a metric's user_config against what Olive reads for its type (it only logs the others).

    With `metric_keys`, the keys are written beside the metric's own (Olive nests them into its user_config).
    """
    table = facts(generation)["metric_user_config"]
    allowed = (*table["*"], *table.get(str(metric_type), ()))
    found: list[RawKeyError] = []
    for key in keys:
        if key in allowed:
            continue
        if key in USER_CONFIG_BEFORE_07:
            found.append(RawKeyError(
                f"user_config {key!r} is how Olive <= 0.6 gave a metric its data, which Olive {generation} ignores"
                " (the metric would get none); write the data as a data config (loading, pre- and"
                " post-processing, batch size as its components) and name it in the metric's `data_config`",
                (*at, key),
                on_key=True,
            ))
            continue
        hint = suggest(str(key), (*metric_keys, *allowed))
        what = "a metric" if metric_keys else f"{article(str(metric_type))} {metric_type} metric's user_config"
        message = f"{key!r} is not a key of {what} in Olive {generation}, which ignores it" + (
            f"; {hint}" if hint else ""
        )
        found.append(RawKeyError(message, (*at, key), on_key=True))
    if found:
        raise Findings(found)


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
        raise RawKeyError(f"unknown Olive model type {kind!r}" + (f"; {hint}" if hint else ""), ("type",))
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
            raise RawKeyError(f"`{key}` is a mapping with `type` and `params`", (key,))
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
        raise RawKeyError("`metrics` is a list of metrics", ("metrics",))
    found: list[RawKeyError] = []  # every key of every metric that Olive ignores, each at its place
    for i, metric in enumerate(metrics):
        at: tuple[str | int, ...] = ("metrics", i)
        if isinstance(metric, str):
            raise RawKeyError(
                f"metric {metric!r} is named, not written out: no Olive release reads a metric by name"
                f" (Olive {OLIVE_GENERATION} and Olive's main branch reject it); write the metric itself",
                at,
            )
        if not isinstance(metric, dict):
            raise RawKeyError("each metric is a mapping with `name`, `type` and `sub_types`", at)
        own = _props("Metric")
        beside = [k for k in metric if k not in own]  # Olive nests these into the user_config
        _collect(found, check_user_config, metric.get("type"), beside, at, own)
        if isinstance(metric.get("user_config"), dict):
            _collect(found, check_user_config, metric.get("type"), metric["user_config"], (*at, "user_config"))
        subs = metric.get("sub_types") or []
        if not isinstance(subs, list):
            raise RawKeyError("`sub_types` is a list", (*at, "sub_types"))
        for j, sub in enumerate(subs):
            if isinstance(sub, dict):
                _collect(found, _unknown, sub, _props("SubMetric"), "a metric sub type", (*at, "sub_types", j))
    if found:
        raise Findings(found)
    _fits(raw, {"$ref": "#/$defs/raw_evaluator"}, "the evaluator")
    return raw


def check_engine(raw: dict[str, Any], typed: set[str]) -> dict[str, Any]:
    """Check the engine keys the typed engine fields do not cover."""
    allowed = tuple(k for k in _props("RunEngineConfig") if k not in typed | {"host", "target", "evaluator"})
    _unknown(raw, allowed, "the engine (or it has a typed field)")
    search = raw.get("search_strategy")
    if isinstance(search, dict):
        _unknown(search, (*_props("SearchStrategyConfig"), *SAMPLER_KEYS), "a search strategy", ("search_strategy",))
    engine = _output_schema()["$defs"]["engine"]["properties"]
    for key, value in raw.items():
        if key in engine:
            _fits(value, engine[key], f"engine.{key}", (key,))
    return raw


def check_pass_entry(raw: dict[str, Any]) -> dict[str, Any]:
    """Check the keys of a pass entry beside its type and parameters (Olive 0.13: `host`, `evaluator`)."""
    for key in raw:
        why = why_gone_entry_key(str(key))
        if why:
            raise ValueError(f"{key!r} is not a key of a pass entry in Olive {OLIVE_GENERATION}: {why}; remove it")
    _unknown(raw, tuple(k for k in _props("RunPassConfig") if k not in ("type", "config")), "a pass entry")
    return raw
