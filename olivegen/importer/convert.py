"""Olive config (<=0.6 legacy, 0.7-0.9, 0.10+ flat or nested) -> recipe data."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from olivegen.errors import Diagnostic
from olivegen.importer.data import convert_data, fold_eval_pairs
from olivegen.importer.passes import convert_passes, qlora_before_int4
from olivegen.importer.pieces import Notes, flat, section
from olivegen.importer.scrub import scrub_secrets
from olivegen.importer.systems import convert_systems
from olivegen.source.document import SourceMap

ENGINE_KEYS = {
    "host",
    "target",
    "output_dir",
    "cache_dir",
    "log_severity_level",
    "evaluate_input_model",
    "search_strategy",
    "execution_providers",
    "clean_cache",
    "evaluator",
    "packaging_config",
    "cache_config",
    "no_artifacts",
    "log_to_file",
    "ort_log_severity_level",
    "ort_py_log_severity_level",
    "plot_pareto_frontier",
    "clean_evaluation_cache",
    "enable_shared_cache",
    "output_name",
}


@dataclass
class Converted:
    """The recipe data, and what the conversion had to say about the input."""

    recipe: dict[str, Any]
    diagnostics: list[Diagnostic]
    comments: dict[tuple[str | int, ...], str]
    generation: str


def convert_config(config: dict[str, Any], where: SourceMap | None, display: str) -> Converted:
    """Map every block of an Olive config to recipe data; report what has no modern meaning."""
    cfg = copy.deepcopy(config)
    notes = Notes(where, display)
    generation = _generation(cfg)
    engine = flat(section(cfg, "engine", dict, display, where))
    for key in list(cfg):
        if key in ENGINE_KEYS:
            engine[key] = cfg.pop(key)
            notes.moved[("engine", key)] = (key,)
    recipe: dict[str, Any] = {}
    if "workflow_id" in cfg:
        recipe["name"] = cfg.pop("workflow_id")
    client = flat(section(cfg, "azureml_client", dict, display, where))
    if client:
        recipe["azureml"] = {
            "subscription_id": client.pop("subscription_id", None),
            "resource_group": client.pop("resource_group", None),
            "workspace": client.pop("workspace_name", None),
            **({"keyvault": client.pop("keyvault_name")} if "keyvault_name" in client else {}),
        }
        for key in client:
            notes.dropped(("azureml_client", key), "not needed to reach the workspace")
    recipe["model"] = _model(flat(section(cfg, "input_model", dict, display, where)), notes)
    datas = convert_data(section(cfg, "data_configs", list, display, where), notes)
    systems = {name: flat(spec) for name, spec in section(cfg, "systems", dict, display, where).items()}
    eval_splits: dict[str, float] = {}
    passes = convert_passes(section(cfg, "passes", dict, display, where), notes, eval_splits)
    for data in datas:
        if data["name"] in eval_splits:
            data["eval_split"] = eval_splits[data["name"]]
    fold_eval_pairs(datas, passes)
    qlora_before_int4(passes, notes)
    if datas:
        recipe["data"] = datas
    recipe.update(convert_systems(systems, engine, notes))
    recipe["passes"] = passes
    recipe["engine"] = _engine(engine, notes, recipe.get("name"))
    evaluators = section(cfg, "evaluators", dict, display, where)
    if evaluators:
        evaluate = _evaluate(evaluators, engine.pop("evaluator", None), notes)
        if evaluate:
            recipe["evaluate"] = evaluate
    scrub_secrets(recipe, notes)
    for key in cfg:
        notes.dropped((key,), "not a section of a recipe")
    if engine:
        for key in engine:
            notes.dropped(("engine", key), "engine setting olivegen does not render")
    return Converted(recipe, notes.diagnostics, notes.comments, generation)


def _generation(cfg: dict[str, Any]) -> str:
    model = cfg.get("input_model", {})
    if isinstance(model, dict) and "hf_config" in flat(model):
        return "<=0.6"
    systems = cfg.get("systems") or {}
    if any(flat(s).get("type") == "AzureML" for s in systems.values() if isinstance(s, dict)):
        return "0.7-0.9"
    if "engine" not in cfg and any(k in cfg for k in ENGINE_KEYS):
        return "0.10+ (flat)"
    return "0.10+"


def _model(model: dict[str, Any], notes: Notes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    hf_config = flat(model.pop("hf_config", {}))
    load = {
        **flat(hf_config.pop("model_loading_args", {})),
        **flat(hf_config.pop("from_pretrained_args", {})),
    }
    load.update(model.pop("load_kwargs", None) or {})
    path = model.pop("model_path", None)
    name = hf_config.pop("model_name", None)
    if isinstance(path, dict) and flat(path).get("type") == "azureml_registry_model":
        reg = flat(path)
        out["registry"] = {
            "registry": reg.get("registry_name"),
            "name": reg.get("name"),
            "version": str(reg.get("version")),
        }
    elif isinstance(path, str):
        out["path"] = path
    elif name:
        out["path"] = name
    if path is not None and not isinstance(path, str | dict):
        notes.dropped(("input_model", "model_path"), f"{path!r} is neither a path, a Hub id nor a registry model")
    if name and "path" in out and out["path"] != name:
        notes.decided(("model", "path"), f"the config also names the Hub model {name!r}; model_path wins")
    task = hf_config.pop("task", None) or model.pop("task", None)
    if task and task != "text-generation":
        out["task"] = task
    for key in ("trust_remote_code", "torch_dtype"):
        if key in load:
            out[key] = load.pop(key)
    if load:
        out["load_kwargs"] = load
    adapter = model.pop("adapter_path", None)
    if isinstance(adapter, str):
        out["adapter_path"] = adapter
    kind = model.pop("type", "HfModel")
    if str(kind).lower() not in ("hfmodel", "pytorchmodel"):
        notes.dropped(("input_model", "type"), f"{kind!r} models are not recipe inputs (Hugging Face models only)")
    if model.pop("model_file_format", None):
        notes.decided(("model",), "model_file_format dropped: Olive 0.13 detects MLflow models by itself")
    for key in list(model) + list(hf_config):
        notes.dropped(("input_model", key), "not an HfModel setting")
    return out


# the folders olivegen renders when a recipe writes none (relative to where `olive run` starts)
DEFAULT_FOLDERS = {"output_dir": "outputs/{name}", "cache_dir": ".olive-cache"}


def _engine(engine: dict[str, Any], notes: Notes, name: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ours, theirs in (
        ("output_dir", "output_dir"),
        ("cache_dir", "cache_dir"),
        ("log_level", "log_severity_level"),
        ("evaluate_input_model", "evaluate_input_model"),
        ("clean_cache", "clean_cache"),
    ):
        if theirs in engine:
            out[ours] = engine.pop(theirs)
    if isinstance(out.get("cache_dir"), list):
        out["cache_dir"] = out["cache_dir"][0]
    for key, default in DEFAULT_FOLDERS.items():  # a recipe's default renders the same relative folder
        if out.get(key) == default.replace("{name}", str(name)):
            del out[key]
    search = engine.pop("search_strategy", None)
    if isinstance(search, dict):
        out["search"] = {k: search[k] for k in ("execution_order", "sampler", "max_iter", "max_time") if k in search}
    elif search:
        out["search"] = {}
    if "output_dir" in out or "cache_dir" in out:
        notes.decided(("engine",), "paths were relative to where `olive run` ran; in a recipe they are relative to it")
    for key in ("no_artifacts", "log_to_file", "ort_log_severity_level", "ort_py_log_severity_level"):
        if key in engine:
            notes.dropped(("engine", key), "a run-time logging/artifact switch olivegen leaves at Olive's default")
            engine.pop(key)
    return out


def _evaluate(evaluators: dict[str, Any], chosen: Any, notes: Notes) -> dict[str, Any] | None:
    name = chosen if isinstance(chosen, str) else next(iter(evaluators), None)
    evaluator = flat(evaluators.get(name, {})) if name else {}
    metrics = []
    for i, metric in enumerate(evaluator.get("metrics", [])):
        data = metric.get("data_config")
        if not isinstance(data, str) or metric.get("type") not in ("latency", "throughput", "accuracy"):
            notes.dropped(
                ("evaluators", str(name), "metrics", i),
                "only latency/throughput/accuracy metrics on a named data set",
            )
            continue
        subs = [s["name"] if isinstance(s, dict) else s for s in metric.get("sub_types", [])]
        metrics.append({"name": metric["name"], "type": metric["type"], "sub_types": subs, "data": data})
    return {"metrics": metrics} if metrics else None
