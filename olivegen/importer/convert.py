"""Olive config (<=0.6 legacy, 0.7-0.9, 0.10+ flat or nested) -> recipe data."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from olivegen.catalog import canonical_pass, canonical_provider, training_argument_names
from olivegen.context import pass_key
from olivegen.errors import Diagnostic
from olivegen.importer.pieces import JsonPath, Notes, flat, section
from olivegen.recipe.passes import TYPED_PASSES
from olivegen.recipe.training import TrainingArgs
from olivegen.yamlsource import SourceMap

ENGINE_KEYS = {
    "host", "target", "output_dir", "cache_dir", "log_severity_level", "evaluate_input_model", "search_strategy",
    "execution_providers", "clean_cache", "evaluator", "packaging_config", "cache_config", "no_artifacts",
    "log_to_file", "ort_log_severity_level", "ort_py_log_severity_level", "plot_pareto_frontier",
    "clean_evaluation_cache", "enable_shared_cache", "output_name",
}
PRE_PROCESS_KEYS = {
    "text_template": "text_template", "text_cols": "text_cols", "chat_template": "chat_template",
    "message_col": "message_col", "max_seq_len": "max_seq_len", "source_max_len": "max_seq_len",
    "strategy": "strategy", "corpus_strategy": "strategy", "stride": "stride", "pad_to_max_len": "pad_to_max_len",
    "use_attention_mask": "use_attention_mask", "max_samples": "max_samples",
    "add_special_tokens": "add_special_tokens",
}
LOCAL_FORMATS = {"json", "csv", "parquet", "text"}
DATASTORE_URI = re.compile(
    r"^azureml://subscriptions/(?P<subscription_id>[^/]+)/resourcegroups/(?P<resource_group>[^/]+)"
    r"/workspaces/(?P<workspace>[^/]+)/datastores/(?P<datastore>[^/]+)/paths/(?P<path>.+)$"
)


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
    datas = _data(section(cfg, "data_configs", list, display, where), notes)
    systems = {name: flat(spec) for name, spec in section(cfg, "systems", dict, display, where).items()}
    eval_splits: dict[str, float] = {}
    passes = _passes(section(cfg, "passes", dict, display, where), notes, eval_splits)
    for data in datas:
        if data["name"] in eval_splits:
            data["eval_split"] = eval_splits[data["name"]]
    _fold_eval_pairs(datas, passes)
    _qlora_before_int4(passes, notes)
    if datas:
        recipe["data"] = datas
    recipe.update(_systems(systems, engine, notes))
    recipe["passes"] = passes
    recipe["engine"] = _engine(engine, notes)
    evaluators = section(cfg, "evaluators", dict, display, where)
    if evaluators:
        evaluate = _evaluate(evaluators, engine.pop("evaluator", None), notes)
        if evaluate:
            recipe["evaluate"] = evaluate
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
    load = {**flat(hf_config.pop("model_loading_args", {})), **flat(hf_config.pop("from_pretrained_args", {}))}
    load.update(model.pop("load_kwargs", None) or {})
    path = model.pop("model_path", None)
    name = hf_config.pop("model_name", None)
    if isinstance(path, dict) and flat(path).get("type") == "azureml_registry_model":
        reg = flat(path)
        out["registry"] = {"registry": reg.get("registry_name"), "name": reg.get("name"), "version": str(reg.get("version"))}
    elif isinstance(path, str):
        out["path"] = path
    elif name:
        out["path"] = name
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


def _data(configs: Any, notes: Notes) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, raw in enumerate(configs):
        if not isinstance(raw, dict):
            notes.dropped(("data_configs", i), "a data config is an object")
            continue
        cfg = dict(raw)
        name = cfg.pop("name", f"data_{i}")
        cfg.pop("type", None)
        load = notes.flat(cfg.pop("load_dataset_config", {}), ("data_configs", i, "load_dataset_config"), "params")
        pre = notes.flat(cfg.pop("pre_process_data_config", {}), ("data_configs", i, "pre_process_data_config"), "params")
        load.pop("type", None)
        pre.pop("type", None)
        data: dict[str, Any] = {"name": name}
        data_name = load.pop("data_name", None)
        files = load.pop("data_files", None)
        if isinstance(files, dict) and flat(files).get("type") == "azureml_datastore":
            store = flat(files)
            client = flat(store.get("azureml_client", {}))
            data["datastore"] = {
                "subscription_id": client.get("subscription_id"),
                "resource_group": client.get("resource_group"),
                "workspace": client.get("workspace_name"),
                "datastore": store.get("datastore_name", "workspaceblobstore"),
                "path": store.get("relative_path"),
                "format": data_name if data_name in LOCAL_FORMATS else "json",
            }
        elif isinstance(files, str) and DATASTORE_URI.match(files):
            parts = DATASTORE_URI.match(files)
            assert parts is not None
            data["datastore"] = {**parts.groupdict(), "format": data_name if data_name in LOCAL_FORMATS else "json"}
        elif files is not None:
            data["files"] = files
            if data_name in LOCAL_FORMATS and data_name != "json":
                data["format"] = data_name
        elif data_name:
            data["hub"] = {"name": data_name, **({"subset": load.pop("subset")} if "subset" in load else {})}
        split = load.pop("split", "train")
        if split != "train":
            data["split"] = split
        if pre.pop("dataset_type", "corpus") != "corpus":
            notes.decided(("data", i, "name"), "the source used a non-corpus dataset_type; recipes build text corpora")
        for key, target in PRE_PROCESS_KEYS.items():
            if key in pre:
                data[target] = pre.pop(key)
        if isinstance(data.get("text_cols"), str):
            data["text_cols"] = [data["text_cols"]]
        if "text_template" in data and "text_cols" in data:
            del data["text_cols"]  # the template names its columns; Olive ignores text_cols then
        for key in ("model_name", "trust_remote_code", "task"):
            pre.pop(key, None)
        for key in list(load):
            notes.dropped(("data_configs", i, "load_dataset_config", key), "not a data loading setting")
        for key in list(pre):
            notes.dropped(("data_configs", i, "pre_process_data_config", key), "not a text preprocessing setting")
        for key in cfg:
            notes.dropped(("data_configs", i, key), "not a data setting")
        out.append(data)
    return out


def _fold_eval_pairs(datas: list[dict[str, Any]], passes: list[dict[str, Any]]) -> None:
    """Turn `<n>` split `s[:70%]` + `<n>_eval` split `s[70%:]` (what eval_split renders) back into eval_split."""
    by_name = {d["name"]: d for d in datas}
    for data in list(datas):
        twin = by_name.get(f"{data['name']}_eval")
        split = str(data.get("split", ""))
        if twin is None or not split.endswith("%]") or "[:" not in split:
            continue
        base, cut = split[:-2].split("[:")
        rest = {k: v for k, v in twin.items() if k not in ("name", "split")}
        if twin.get("split") != f"{base}[{cut}%:]" or rest != {k: v for k, v in data.items() if k not in ("name", "split")}:
            continue
        data["split"] = base
        if base == "train":
            del data["split"]
        data["eval_split"] = round(1 - int(cut) / 100, 2)
        datas.remove(twin)
        for item in passes:
            if item.get("eval_data") == twin["name"]:
                del item["eval_data"]


def _passes(passes: dict[str, Any], notes: Notes, eval_splits: dict[str, float]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    for key, raw in passes.items():
        for spec in raw if isinstance(raw, list) else [raw]:
            path: JsonPath = ("passes", key)
            if not isinstance(spec, dict) or not isinstance(flat(spec).get("type"), str):
                notes.dropped(path, "a pass is an object with a `type`")
                continue
            params = notes.flat(spec, path)
            kind = canonical_pass(str(params.pop("type", ""))) or str(spec.get("type"))
            if kind == "LoRA" and ("double_quant" in params or "quant_type" in params):
                kind = "QLoRA"
                notes.decided(("passes", len(out), "type"), "LoRA with double_quant/quant_type is QLoRA in Olive 0.13")
            item: dict[str, Any] = {"type": kind}
            if pass_key(kind, None, taken) != key:
                item["name"] = key
            taken.add(key)
            if kind in TYPED_PASSES:
                item.update(_typed_params(kind, params, path, notes, eval_splits, len(out)))
            else:
                if params:
                    item["config"] = params
            out.append(item)
    return out


def _qlora_before_int4(passes: list[dict[str, Any]], notes: Notes) -> None:
    """QLoRA's 4-bit base cannot go through ModelBuilder int4; save it unquantized, as `olive finetune` does."""
    for i, item in enumerate(passes):
        later = [p for p in passes[i + 1 :] if p["type"] == "ModelBuilder"]
        if item["type"] == "QLoRA" and later and "save_quant_config" not in item:
            item["save_quant_config"] = False
            notes.decided(
                ("passes", i, "type"),
                "save_quant_config: false added so ModelBuilder can convert the merged model (int4 does not take QLoRA)",
            )


def _typed_params(
    kind: str, params: dict[str, Any], path: JsonPath, notes: Notes, eval_splits: dict[str, float], index: int
) -> dict[str, Any]:
    model = TYPED_PASSES[kind]
    fields = set(model.model_fields) - {"type", "name", "options"}
    reverse = {olive: ours for ours, olive in model.RENAMES.items()}
    item: dict[str, Any] = {}
    renames = {"lora_r": "r", "lora_alpha": "alpha"}
    options: dict[str, Any] = {}
    for olive_key, value in params.items():
        key = reverse.get(renames.get(olive_key, olive_key), renames.get(olive_key, olive_key))
        if olive_key == "eval_dataset_size":
            train = params.get("train_data_config")
            if isinstance(train, str):
                eval_splits[train] = value
                notes.decided(("passes", index, "type"), f"eval_dataset_size {value} became eval_split on data set {train!r}")
            else:
                notes.dropped((*path, olive_key), "no train data set named to split")
        elif key == "training":
            item["training"] = _training(flat(value), (*path, olive_key), notes)
        elif key in fields:
            if isinstance(value, dict) and key in ("train_data", "eval_data", "data"):
                notes.dropped((*path, olive_key), "inline data configs are not supported; name a data set")
            else:
                item[key] = value
        else:
            options[olive_key] = value
    if options:
        item["options"] = options
    return item


def _training(args: dict[str, Any], path: JsonPath, notes: Notes) -> dict[str, Any]:
    typed = set(TrainingArgs.model_fields) - {"extra"}
    known = set(training_argument_names())
    out: dict[str, Any] = {}
    extra: dict[str, Any] = dict(args.pop("extra_args", None) or {})
    for key, value in args.items():
        key = "eval_strategy" if key == "evaluation_strategy" else key
        if key in typed:
            out[key] = value
        elif key in known:
            extra[key] = value
        else:
            notes.dropped((*path, key), "not a transformers.TrainingArguments field (removed or misspelled)")
    if extra:
        out["extra"] = extra
    return out


def _provider(accelerators: Any, engine_eps: Any) -> tuple[str | None, str | None]:
    device, provider = None, None
    if isinstance(accelerators, list) and accelerators:
        first = accelerators[0]
        if isinstance(first, str):
            device = first.lower()
        elif isinstance(first, dict):
            device = first.get("device")
            eps = first.get("execution_providers") or []
            provider = eps[0] if eps else None
    if provider is None and isinstance(engine_eps, list) and engine_eps:
        provider = engine_eps[0]
    return device, provider


def _system_spec(spec: dict[str, Any], engine_eps: Any, label: str, notes: Notes) -> dict[str, Any]:
    device, provider = _provider(spec.get("accelerators"), engine_eps)
    kind = spec.get("type", "LocalSystem")
    out: dict[str, Any] = {}
    if kind == "AzureML":
        out["type"] = "azureml"
        docker = flat(spec.get("aml_docker_config") or {})
        for ours, value in (("compute", spec.get("aml_compute")), ("image", docker.get("base_image")),
                            ("conda_file", docker.get("conda_file_path"))):
            if value:
                out[ours] = value
        if spec.get("hf_token"):
            out["hf_token"] = True
        notes.decided(
            (label, "type"),
            "Olive 0.13 has no AzureML system: olivegen renders a job that runs `olive run` on this compute"
            " (or the native system with `olive: \"0.9\"`)",
        )
    elif kind == "Docker":
        out["type"] = "docker"
        for ours, theirs in (("dockerfile", "dockerfile"), ("build_context", "build_context_path"),
                             ("image_name", "image_name")):
            if spec.get(theirs):
                out[ours] = spec[theirs]
    elif kind == "PythonEnvironment":
        out["type"] = "python_environment"
        if spec.get("python_environment_path"):
            out["python"] = spec["python_environment_path"]
        if spec.get("environment_variables"):
            out["environment"] = spec["environment_variables"]
    canonical = canonical_provider(provider) if provider else None
    out["provider"] = canonical or ("CUDAExecutionProvider" if device in (None, "gpu") else "CPUExecutionProvider")
    if device and device != {"CPUExecutionProvider": "cpu"}.get(out["provider"], "gpu"):
        out["device"] = device
    return out


def _systems(systems: dict[str, dict[str, Any]], engine: dict[str, Any], notes: Notes) -> dict[str, Any]:
    eps = engine.pop("execution_providers", None)
    host_name, target_name = engine.pop("host", None), engine.pop("target", None)
    out: dict[str, Any] = {}
    for label, name in (("host", host_name), ("target", target_name)):
        spec = systems.get(name) if isinstance(name, str) else flat(name) if isinstance(name, dict) else None
        if spec is None:
            continue
        out[label] = _system_spec(spec, eps, label, notes)
    if "target" in out and out.get("host") == out["target"]:
        del out["target"]
    for label in ("host", "target"):
        if label in out and set(out[label]) == {"provider"}:
            short = {"CUDAExecutionProvider": "cuda", "CPUExecutionProvider": "cpu"}.get(out[label]["provider"])
            if short:
                out[label] = short
    return out


def _engine(engine: dict[str, Any], notes: Notes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ours, theirs in (("output_dir", "output_dir"), ("cache_dir", "cache_dir"), ("log_level", "log_severity_level"),
                         ("evaluate_input_model", "evaluate_input_model"), ("clean_cache", "clean_cache")):
        if theirs in engine:
            out[ours] = engine.pop(theirs)
    if isinstance(out.get("cache_dir"), list):
        out["cache_dir"] = out["cache_dir"][0]
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
            notes.dropped(("evaluators", name, "metrics", i), "only latency/throughput/accuracy metrics on a named data set")
            continue
        subs = [s["name"] if isinstance(s, dict) else s for s in metric.get("sub_types", [])]
        metrics.append({"name": metric["name"], "type": metric["type"], "sub_types": subs, "data": data})
    return {"metrics": metrics} if metrics else None
