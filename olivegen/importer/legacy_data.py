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
        if kind == "hfmodel":
            return str(config.get("task") or "text-generation-with-past")
        attributes = config.get("model_attributes")
        if kind == "onnxmodel" and isinstance(attributes, dict):
            return str(attributes.get("hf_task") or "text-generation-with-past")
        return None
    return str(model.get("task") or "text-generation-with-past")


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
    shared = dict(shared or {})
    since = "component_kwargs" in shared  # written for Olive 0.3.1 or later (0.2 had no such key)
    extra = shared.pop("component_kwargs", None) or {}
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
