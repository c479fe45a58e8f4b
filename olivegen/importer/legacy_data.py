"""Olive <= 0.6.1 data configs (`components` + `params_config`) -> today's component configs, same meaning.

Olive 0.2.0-0.6.1 (`DataConfig.fill_in_params`) built each of the four components (load_dataset,
pre_process_data, post_process_data, dataloader) from: the type `components` names, else the
container's default for it (overridden by the task's, from `params_config.task` or the input
model's `hf_config.task`); its `params`; then every key of `params_config` its function has an
argument of that name for (the first argument of the last three is the data, never filled);
then `params_config.component_kwargs[<component>]`, above everything. Olive 0.6.2 replaced
both keys by `load_dataset_config` ... `dataloader_config`, where each component's params are
written out. This writes them out the same way. A key whose component olivegen cannot
resolve (a user script's function) stays under `params_config`, which `validate` refuses
at its line with what to write instead.
"""

from __future__ import annotations

from typing import Any

from olivegen.importer.pieces import JsonPath, Notes, flat
from olivegen.knowledge.data_components import (
    KINDS,
    current_default_type,
    legacy_default_types,
    legacy_takes,
)
from olivegen.knowledge.model_types import HF_KIND, OLIVE_HF_TASK, ONNX_KIND

AUTO_FILLED = {"model_name", "task"}  # Olive filled these in from the input model (0.2-0.6.1 and 0.13 alike)


def input_model_task(input_model: Any) -> str | None:
    """Return the task Olive <= 0.6.1 put into a Hugging Face data config: the input model's `hf_config.task`."""
    task = flat(flat(input_model).get("hf_config")).get("task")
    return task if isinstance(task, str) and task else None


def model_task_now(model: dict[str, Any]) -> str | None:
    """Return the task Olive 0.13 puts into a Hugging Face data config, for the recipe model import wrote."""
    raw = model.get("olive")
    if isinstance(raw, dict):
        kind = str(raw.get("type", "")).lower()
        config = flat(raw)
        if kind == HF_KIND:
            return str(config.get("task") or OLIVE_HF_TASK)
        attributes = config.get("model_attributes")
        if kind == ONNX_KIND and isinstance(attributes, dict):
            return str(attributes.get("hf_task") or OLIVE_HF_TASK)
        return None
    return str(model.get("task") or OLIVE_HF_TASK)


def modern_data(
    cfg: dict[str, Any], path: JsonPath, index: int, notes: Notes, legacy_task: str | None, task_now: str | None
) -> dict[str, Any]:
    """Return a data config with `components`/`params_config` written as today's component configs.

    `path` is where the data config was written, `index` the recipe data set it becomes; `legacy_task`
    is the input model's `hf_config.task`, `task_now` the task Olive 0.13 reads from the imported model.
    """
    components, shared = cfg.get("components"), cfg.get("params_config")
    if components is None and shared is None:
        return cfg
    if (
        not isinstance(components, dict | None)
        or not isinstance(shared, dict | None)
        or any(k not in KINDS or not isinstance(v, dict | None) for k, v in (components or {}).items())
        or any(f"{k}_config" in cfg for k in KINDS)
        or not isinstance((shared or {}).get("component_kwargs") or {}, dict)
    ):
        return cfg  # not the shape Olive read: `validate` refuses it as written
    out = {k: v for k, v in cfg.items() if k not in ("components", "params_config")}
    notes.carry(path, "components", "params_config")  # written out below; what no component takes is reported
    shared = dict(shared or {})
    since = "component_kwargs" in shared  # written for Olive 0.3.1 or later (0.2 had no such key)
    extra = shared.pop("component_kwargs", None) or {}
    for key in extra:
        if key not in KINDS:  # Olive looked up the four components' names only
            notes.dropped(
                (*path, "params_config", "component_kwargs", key),
                f"not a component (Olive read {', '.join(KINDS)}): Olive ignored it",
            )
    container = str(cfg.get("type") or "DataContainer")
    hf = container == "HuggingfaceContainer"
    task = shared.get("task") or (legacy_task if hf else None)
    placed: set[str] = set()
    unsure: set[str] = set()
    built: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        given = flat((components or {}).get(kind), "params")
        given.pop("name", None)
        named = given.pop("type", None)
        types = {named} if named else legacy_default_types(container, kind, task, kwargs_form=since)
        params = dict(given)
        own: dict[str, Any] = extra[kind] if isinstance(extra.get(kind), dict) else {}
        for key, value in shared.items():
            if key in own:
                continue
            takes = {legacy_takes(kind, t, key, kwargs_form=since) for t in types} if types else {None}
            if takes == {True}:
                params[key] = value
                placed.add(key)
            elif takes != {False}:
                unsure.add(key)
        params.update(own)
        built[kind] = {"named": named, "types": types, "params": params}
    now_task = next((str(b["params"]["task"]) for b in built.values() if b["params"].get("task")), None)
    if now_task is None and hf:
        now_task = task_now
    for kind, b in built.items():
        kind_type = next(iter(b["types"])) if len(b["types"]) == 1 else None
        component: dict[str, Any] = {}
        if b["named"] or (kind_type is not None and kind_type != current_default_type(container, kind, now_task)):
            component["type"] = b["named"] or kind_type
        elif len(b["types"]) > 1:  # the default differs by release: the config does not say which it meant
            unsure.add(f"type of {kind}")
        if b["params"]:
            component["params"] = b["params"]
        if component:
            out[f"{kind}_config"] = component
    left = {k: v for k, v in shared.items() if k in unsure}
    if unsure:
        out["params_config"] = left or {"task": task}
        notes.decided(
            ("data", index, "olive", "params_config"),
            "Olive <= 0.6.1 gave these to every component whose function takes them; olivegen cannot tell which do",
        )
    for key in shared:
        if key not in placed and key not in unsure and key not in AUTO_FILLED:
            notes.dropped((*path, "params_config", key), "no component of this data config takes it (Olive ignored it)")
    return out


INPUT_MODEL_DATA = "__input_model_data_config__"  # the name Olive <= 0.6.1 gave the data of `hf_config.dataset`


def input_model_data(cfg: dict[str, Any], notes: Notes) -> None:
    """Write an input model's `hf_config.dataset` (Olive <= 0.6.1) out as the data config Olive made of it.

    Olive added a HuggingfaceContainer named `__input_model_data_config__` whose `params_config` is
    the model's `model_name` and `task` and the `dataset` mapping, and named it as the `data_config`
    of every metric that had none (passes had to name it themselves). Olive 0.13 has no
    `hf_config`: this does the same in today's words, in place.
    """
    model = cfg.get("input_model")
    holder = model.get("config") if isinstance(model, dict) and isinstance(model.get("config"), dict) else model
    hf_config = holder.get("hf_config") if isinstance(holder, dict) else None
    if not isinstance(hf_config, dict) or not isinstance(hf_config.get("dataset"), dict):
        return
    datas = cfg.get("data_configs")
    names = [d.get("name") for d in datas if isinstance(d, dict)] if isinstance(datas, list) else list(datas or {})
    if (datas is not None and not isinstance(datas, list | dict)) or INPUT_MODEL_DATA in names:
        return  # not a shape Olive read (or the reserved name taken, which Olive refused): left as written
    dataset = hf_config.pop("dataset")
    written = ("input_model", *(("config",) if holder is not model else ()), "hf_config", "dataset")
    index = len(datas or [])  # where the data config lands in the list import reads
    notes.moved[("data_configs", index)] = written
    notes.moved[("data_configs", index, "params_config")] = written
    shared = {k: hf_config.get(k) for k in ("model_name", "task") if hf_config.get(k) is not None}
    data = {"name": INPUT_MODEL_DATA, "type": "HuggingfaceContainer", "params_config": {**shared, **dataset}}
    if isinstance(datas, dict):
        datas[INPUT_MODEL_DATA] = data
    else:
        cfg["data_configs"] = [*(datas or []), data]
    for evaluator in _evaluators(cfg):
        for metric in evaluator.get("metrics") or []:
            if isinstance(metric, dict) and not metric.get("data_config"):
                metric["data_config"] = INPUT_MODEL_DATA


def _evaluators(cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Every evaluator of a config: named ones, and those written inline on the engine or a pass."""
    evaluators, engine, passes = cfg.get("evaluators"), cfg.get("engine"), cfg.get("passes")
    found = list(evaluators.values()) if isinstance(evaluators, dict) else []
    found.append((engine if isinstance(engine, dict) else cfg).get("evaluator"))
    found += [p.get("evaluator") for p in (passes.values() if isinstance(passes, dict) else []) if isinstance(p, dict)]
    return [flat(e) if "config" in e else e for e in found if isinstance(e, dict)]
