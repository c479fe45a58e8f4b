"""What an Olive config means, as a comparable value: Olive's defaults filled in, legacy spellings normalized.

`meaning(config, base)` turns a config of any Olive generation (<=0.6 nested `{type, config}`,
0.7-0.9, 0.10+ flat or nested) into one plain structure: the input model, each data set by
name, the host and the target (device and execution providers), each pass in run order with
every parameter (Olive 0.13's defaults filled in from the vendored registry), the evaluator
the engine uses, and the engine settings Olive acts on. Two configs whose meanings are equal
make Olive do the same thing; `differences(a, b)` lists where they are not.

Used by bench/corpus.py to compare an original config with what olivegen renders from its
imported recipe. Relative paths are resolved against the config's folder on both sides.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from olivegen.importer.convert import ENGINE_KEYS  # engine keys Olive also takes at the top level
from olivegen.knowledge.catalog import PROVIDER_DEFAULT_DEVICE, canonical_pass, pass_params_in
from olivegen.knowledge.data_components import KINDS, current_default_type, legacy_default_types, legacy_takes

# Olive 0.13 RunEngineConfig defaults (read from olive.workflows.run.config.RunEngineConfig)
ENGINE_DEFAULTS: dict[str, Any] = {
    "evaluate_input_model": True,
    "cache_dir": ".olive-cache",
    "clean_cache": False,
    "log_severity_level": 1,
    "plot_pareto_frontier": False,
    "clean_evaluation_cache": False,
    "enable_shared_cache": False,
    "packaging_config": None,
    "cache_config": None,
    "output_dir": None,
}
# Logging/artifact switches change no model: ignored in the comparison.
ENGINE_IGNORED = {"no_artifacts", "log_to_file", "ort_log_severity_level", "ort_py_log_severity_level"}
PATH_KEYS = {
    "output_dir",
    "cache_dir",
    "user_script",
    "script_dir",
    "data_dir",
    "data_files",
    "model_script",
    "adapter_path",
    "build_context_path",
    "python_environment_path",
    "prepend_to_path",
    "conda_file_path",
    "model_path",
}
# Olive's own legacy pass names and the pass that replaced each (Olive's change log).
LEGACY_PASSES = {
    "ortperftuning": "OrtSessionParamsTuning",
    "onnxmatmul4quantizer": "OnnxBlockWiseRtnQuantization",
    "onnxmodeloptimizer": "OnnxPeepholeOptimizer",
}
# Parameters Olive renamed, by pass (the commit of each; the new name takes the same value). Kept here,
# apart from olivegen's own table (knowledge/history.py PARAM_RENAMES), so that a wrong entry there
# shows up as a changed meaning instead of being taken for granted on both sides.
_SYMMETRIC = {"ActivationSymmetric": "activation_symmetric", "WeightSymmetric": "weight_symmetric"}  # 381cf4cb7
_QUANTIZERS = {"onnxquantization", "onnxstaticquantization", "onnxdynamicquantization"}
PARAM_RENAMES = {
    "onnxconversion": {"use_device": "device"},  # 39548134e, Olive 0.5.1
    "sparsegpt": {"compute_device": "device"},  # 39548134e
    "lora": {"lora_r": "r", "lora_alpha": "alpha"},  # cd3cefbac, Olive 0.8.0
    "qlora": {"lora_r": "r", "lora_alpha": "alpha"},
    "loftq": {"lora_r": "r", "lora_alpha": "alpha"},
    "autoawqquantizer": {"w_bit": "bits"},  # 29be1e2aa, Olive 0.9.0
    "onnxbnb4quantization": {"quant_type": "precision"},  # 29be1e2aa
    "onnxquantization": _SYMMETRIC,
    "onnxstaticquantization": _SYMMETRIC,
    "onnxdynamicquantization": _SYMMETRIC,
    "openvinoconversion": {"output_model": "model_name", "input": "input_shapes"},  # 96133c857, Olive 0.9.0
    "nvmodeloptquantization": {"random_calib_data": "use_random_calibration_data"},  # 2a9c42bd7, Olive 0.9.2
}
# ONNX Runtime extra options Olive 0.8 exposed as parameters and copied into `extra_options` (over
# a key written there); Olive 0.9 takes them in `extra_options` only (381cf4cb7).
EXTRA_OPTIONS = {"EnableSubgraph", "ForceQuantizeNoInputCheck", "MatMulConstBOnly", "extra.Sigmoid.nnapi"}
PASS_ENTRY_KEYS = {"host", "evaluator", "disable_search", "output_name", "clean_run_cache", "search_space"}
MODEL_TYPES = {
    "hfmodel": "HfModel",
    "pytorchmodel": "PyTorchModel",
    "onnxmodel": "ONNXModel",
    "compositemodel": "CompositeModel",
    "distributedhfmodel": "DistributedHfModel",
    "distributedonnxmodel": "DistributedOnnxModel",
    "openvinomodel": "OpenVINOModel",
    "qnnmodel": "QNNModel",
    "snpemodel": "SNPEModel",
    "tensorflowmodel": "TensorFlowModel",
    "compositepytorchmodel": "CompositePyTorchModel",
}


def flat(obj: Any, nested: str = "config") -> dict[str, Any]:
    """`{type, config: {...}}` as one flat mapping."""
    if not isinstance(obj, dict):
        return {}
    out = {k: v for k, v in obj.items() if k != nested}
    if isinstance(obj.get(nested), dict):
        out.update(obj[nested])
    return out


def _path(value: Any, base: str, always: bool) -> Any:
    if isinstance(value, list):
        return [_path(v, base, always) for v in value]
    if not isinstance(value, str) or "://" in value or not value:
        return value
    local = always or value.startswith(("./", "../", "/", "~")) or os.path.exists(os.path.join(base, value))
    return os.path.normpath(os.path.join(base, os.path.expanduser(value))) if local else value


def _paths(obj: Any, base: str) -> Any:
    """Resolve every value under a path key, recursively."""
    if isinstance(obj, dict):
        return {k: (_path(v, base, k != "model_path") if k in PATH_KEYS else _paths(v, base)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_paths(v, base) for v in obj]
    return obj


def _model(raw: Any) -> Any:
    model = flat(raw)
    hf_config = flat(model.pop("hf_config", None))
    kind = str(model.pop("type", "HfModel"))
    kind = MODEL_TYPES.get(kind.lower(), kind)
    if hf_config:
        kind = "HfModel" if kind == "PyTorchModel" and "model_path" not in model else kind
        name = hf_config.pop("model_name", None)
        if name and "model_path" not in model:
            model["model_path"] = name
        if "task" in hf_config:
            model["task"] = hf_config.pop("task")
        load = {**flat(hf_config.pop("model_loading_args", {})), **flat(hf_config.pop("from_pretrained_args", {}))}
        if load:
            model["load_kwargs"] = {**load, **(model.get("load_kwargs") or {})}
        model.update({f"hf_config.{k}": v for k, v in hf_config.items()})
    if kind == "HfModel":
        model.setdefault("task", "text-generation-with-past")
    model.pop("model_file_format", None)  # Olive 0.13 detects MLflow folders itself
    if isinstance(model.get("model_path"), dict):
        model["model_path"] = flat(model["model_path"])
    if kind == "CompositeModel":
        model["model_components"] = [_model(c) for c in model.get("model_components") or []]
    return {"type": kind, **{k: v for k, v in model.items() if v not in (None, {}, [])}}


def _system(spec: Any, engine_eps: Any) -> dict[str, Any]:
    spec = flat(spec)
    kind = str(spec.get("type", "LocalSystem"))
    accelerators = spec.get("accelerators") or []
    device, eps = None, None
    if accelerators:
        first = accelerators[0]
        if isinstance(first, str):
            device = first
        elif isinstance(first, dict):
            device = first.get("device")
            eps = first.get("execution_providers")
    if eps is None:
        eps = engine_eps if isinstance(engine_eps, list) and engine_eps else None
    if device is None:  # Olive infers the device from the providers (CPU when none is given)
        device = PROVIDER_DEFAULT_DEVICE.get(str(eps[0]), "gpu") if eps else "cpu"
    if eps is None:
        eps = {"cpu": ["CPUExecutionProvider"], "gpu": ["CUDAExecutionProvider"]}.get(str(device).lower())
    rest = {
        k: v for k, v in spec.items() if k not in ("type", "accelerators", "olive_managed_env", "requirements_file")
    }
    return {"type": kind, "device": str(device).lower(), "execution_providers": eps, **rest}


def _component(raw: Any, default_type: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None if default_type is None else {"type": default_type}
    comp = flat(raw, "params")
    comp.setdefault("type", default_type)
    return comp


def _legacy_components(cfg: dict[str, Any], model_task: Any) -> dict[str, Any]:
    """Olive <= 0.6.1 `components` + `params_config` as the component configs Olive built from them.

    Each component: the type `components` names, else the container's (and task's) default in
    those releases; its params; each `params_config` key its function takes by name; then
    `params_config.component_kwargs[<component>]` (Olive's `DataConfig.fill_in_params`). A key no
    release-independent answer exists for is kept as `params_config.<key>` (it then differs).
    """
    components = cfg.pop("components", None) or {}
    shared = dict(cfg.pop("params_config", None) or {})
    since = "component_kwargs" in shared
    extra = shared.pop("component_kwargs", None) or {}
    container = str(cfg.get("type") or "DataContainer")
    task = shared.get("task") or (model_task if container == "HuggingfaceContainer" else None)
    left = dict(shared)
    for kind in KINDS:
        comp = flat(components.get(kind), "params")
        comp.pop("name", None)
        types = {comp["type"]} if comp.get("type") else legacy_default_types(container, kind, task, kwargs_form=since)
        for key, value in shared.items():
            if key in (extra.get(kind) or {}):
                continue
            takes = {legacy_takes(kind, t, key, kwargs_form=since) for t in types} if types else {None}
            if takes == {True}:
                comp[key] = value
                left.pop(key, None)
        comp.update(extra.get(kind) or {})
        if len(types) == 1:
            comp["type"] = next(iter(types))
        cfg[f"{kind}_config"] = comp
    for key in ("model_name", "task"):  # filled in from the input model when Olive needed them
        left.pop(key, None)
    if left:
        cfg["params_config"] = left
    return cfg


def _data(raw: Any, legacy_task: Any = None, task_now: Any = None) -> dict[str, Any]:
    cfg = dict(raw) if isinstance(raw, dict) else {}
    if "components" in cfg or "params_config" in cfg:
        cfg = _legacy_components(cfg, legacy_task)
    cfg.pop("name", None)
    kind = cfg.pop("type", "DataContainer")
    hf = kind == "HuggingfaceContainer"
    out: dict[str, Any] = {"type": kind}
    for key in ("user_script", "script_dir"):
        if cfg.get(key) is not None:
            out[key] = cfg.pop(key)
    given_task = next(
        (
            flat(cfg[k], "params").get("task")
            for k in cfg
            if k.endswith("_config") and isinstance(cfg[k], dict) and flat(cfg[k], "params").get("task")
        ),
        None,
    )
    task = given_task or (task_now if hf else None)  # Olive 0.13 picks the default components by the task
    for part in KINDS:
        key = f"{part}_config"
        comp = _component(cfg.pop(key, None), current_default_type(str(kind), part, str(task) if task else None))
        if comp is not None:
            if key == "pre_process_data_config" and comp.get("type") == "huggingface_pre_process":
                comp.pop("model_name", None)  # Olive fills it in from the input model
                comp.pop("trust_remote_code", None)
            if key == "load_dataset_config" and comp.get("type") == "huggingface_dataset":
                comp.setdefault("split", "validation")  # the function's default (Olive 0.2 to 0.13)
            out[key] = comp
    out.update(cfg)
    return out


# olive.data.component.text_generation.TextGenParams defaults (Olive 0.13)
TEXT_GEN_DEFAULTS = {
    "max_seq_len": 1024,
    "pad_to_max_len": True,
    "padding_side": "right",
    "drop_short_sequences": False,
    "use_attention_mask": True,
    "chat_template": None,
    "message_col": "messages",
    "add_special_tokens": True,
    "strategy": "join",
    "joiner": "\n\n",
    "max_samples": None,
}
TEXT_GEN_RENAMES = {"source_max_len": "max_seq_len", "corpus_strategy": "strategy"}


def _text_generation_defaults(data: dict[str, Any]) -> None:
    """A Hugging Face data set of a text-generation model: Olive's text-generation pre-processing and its defaults."""
    pre = data.get("pre_process_data_config")
    if data.get("type") != "HuggingfaceContainer" or not isinstance(pre, dict):
        return
    if pre.get("type") not in (None, "huggingface_pre_process", "text_generation_huggingface_pre_process"):
        return
    pre["type"] = "text_generation_huggingface_pre_process"
    for old, new in TEXT_GEN_RENAMES.items():
        if old in pre:
            pre.setdefault(new, pre.pop(old))
    pre.pop("dataset_type", None)
    for key, value in TEXT_GEN_DEFAULTS.items():
        pre.setdefault(key, value)
    if isinstance(pre.get("text_cols"), str):
        pre["text_cols"] = [pre["text_cols"]]
    if pre.get("text_template") or pre.get("chat_template"):
        pre.pop("text_cols", None)  # the template (or chat template) builds the text
    else:
        pre.setdefault("text_cols", ["text"])


def _datas(raw: Any, legacy_task: Any = None, task_now: Any = None) -> dict[str, Any]:
    if isinstance(raw, dict):  # the legacy dict form: name -> config
        raw = [{"name": k, **(v if isinstance(v, dict) else {})} for k, v in raw.items()]
    if not isinstance(raw, list):
        return {}
    return {str(d.get("name")): _data(d, legacy_task, task_now) for d in raw if isinstance(d, dict)}


def _metric(raw: Any) -> dict[str, Any]:
    metric = dict(raw) if isinstance(raw, dict) else {"name": raw}
    subs = []
    for sub in metric.get("sub_types") or []:
        sub = dict(sub) if isinstance(sub, dict) else {"name": sub}
        sub.setdefault("priority", -1)
        sub.setdefault("higher_is_better", None)
        sub.setdefault("goal", None)
        sub.setdefault("metric_config", None)
        subs.append(sub)
    metric["sub_types"] = subs
    metric.setdefault("backend", "torch_metrics")
    metric.setdefault("user_config", None)
    return metric


def _evaluator(raw: Any, evaluators: dict[str, Any]) -> Any:
    if isinstance(raw, str):
        raw = evaluators.get(raw, raw)
    if not isinstance(raw, dict):
        return raw
    ev = flat(raw)
    ev.pop("name", None)
    ev.setdefault("type", None)
    ev["metrics"] = [_metric(m) for m in ev.get("metrics") or []]
    return {k: v for k, v in ev.items() if v is not None}


def _write_out_named_metrics(top: Any, evaluators: dict[str, Any], engine: dict[str, Any], passes: Any) -> None:
    """A metric an evaluator gives by name is the top-level metric of that name (no Olive release reads the
    form; Olive 0.13 and main reject it), as `olivegen import` reads it."""
    named = {m["name"]: m for m in top if isinstance(m, dict) and "name" in m} if isinstance(top, list) else {}
    found = [*evaluators.values(), engine.get("evaluator")]
    for raw in passes.values() if isinstance(passes, dict) else []:
        found += [spec.get("evaluator") for spec in (raw if isinstance(raw, list) else [raw]) if isinstance(spec, dict)]
    for ev in found:
        inner = ev.get("config") if isinstance(ev, dict) and isinstance(ev.get("config"), dict) else ev
        metrics = inner.get("metrics") if isinstance(inner, dict) else None
        for i, metric in enumerate(metrics if isinstance(metrics, list) else []):
            if isinstance(metric, str) and metric in named:
                metrics[i] = copy.deepcopy(named[metric])


def _pass_type(raw: str) -> str:
    legacy = LEGACY_PASSES.get(raw.replace("_", "").lower())
    return legacy or canonical_pass(raw) or raw


def _pass(raw: Any, systems: dict[str, Any], evaluators: dict[str, Any], eps: Any) -> dict[str, Any]:
    spec = dict(raw) if isinstance(raw, dict) else {}
    entry = {k: spec.pop(k) for k in list(spec) if k in PASS_ENTRY_KEYS}
    params = flat(spec)
    kind = _pass_type(str(params.pop("type", "")))
    for old, new in PARAM_RENAMES.get(kind.lower(), {}).items():
        if old in params:  # with both spellings Olive reads only the new one
            value = params.pop(old)
            params.setdefault(new, value)
    if kind.lower() in _QUANTIZERS:  # 29be1e2aa, Olive 0.9.0: onnxruntime's QuantType names -> Olive's precisions
        spelled = {"QInt4": "int4", "QUInt4": "uint4", "QInt8": "int8", "QUInt8": "uint8"}
        spelled.update({"QInt16": "int16", "QUInt16": "uint16"})
        if params.get("weight_type") in spelled:
            value = spelled[params.pop("weight_type")]
            params.setdefault("precision", value)
        if params.get("activation_type") in spelled:
            params["activation_type"] = spelled[params["activation_type"]]
    exposed = {k: params.pop(k) for k in list(params) if k in EXTRA_OPTIONS and kind.lower() in _QUANTIZERS}
    if exposed and isinstance(params.get("extra_options") or {}, dict):
        params["extra_options"] = {**(params.get("extra_options") or {}), **exposed}
    elif exposed:
        params.update(exposed)
    defaults = pass_params_in(kind, "0.13")
    full = {k: v.get("default") for k, v in defaults.items() if isinstance(v, dict) and not v.get("required")}
    full.update(params)
    out: dict[str, Any] = {"type": kind.lower(), "params": full}
    if entry.get("host") is not None:
        out["host"] = _system(systems.get(entry["host"], entry["host"]), eps)
    if entry.get("evaluator") is not None:
        out["evaluator"] = _evaluator(entry["evaluator"], evaluators)
    return out  # disable_search, output_name ...: gone in Olive 0.13 (import warns about each)


def _hf_config_dataset(cfg: dict[str, Any]) -> None:
    """Olive <= 0.6.1 (workflows/run/config.py): `hf_config.dataset` made a data config of its own.

    Named `__input_model_data_config__`, a HuggingfaceContainer with `params_config` = the model's
    `model_name`, `task` and the `dataset` keys; every metric without a `data_config` used it.
    """
    model = cfg.get("input_model")
    inner = model["config"] if isinstance(model, dict) and isinstance(model.get("config"), dict) else model
    hf = inner.get("hf_config") if isinstance(inner, dict) else None
    if not isinstance(hf, dict) or not isinstance(hf.get("dataset"), dict):
        return
    name = "__input_model_data_config__"
    params = {"model_name": hf.get("model_name"), "task": hf.get("task"), **hf.pop("dataset")}
    data = {"name": name, "type": "HuggingfaceContainer", "params_config": {k: v for k, v in params.items() if v}}
    datas = cfg.get("data_configs") or []
    cfg["data_configs"] = {**datas, name: data} if isinstance(datas, dict) else [*datas, data]
    engine = cfg.get("engine") if isinstance(cfg.get("engine"), dict) else cfg
    evaluators = [*(cfg.get("evaluators") or {}).values(), engine.get("evaluator")]
    evaluators += [p.get("evaluator") for p in (cfg.get("passes") or {}).values() if isinstance(p, dict)]
    for evaluator in evaluators:
        for metric in flat(evaluator).get("metrics") or [] if isinstance(evaluator, dict) else []:
            if isinstance(metric, dict):
                metric.setdefault("data_config", None)
                metric["data_config"] = metric["data_config"] or name


def meaning(config: dict[str, Any], base: str) -> dict[str, Any]:
    """Return what a config makes Olive do, as one comparable structure."""
    cfg = _paths(copy.deepcopy(config), base)
    _hf_config_dataset(cfg)
    engine = flat(cfg.pop("engine", None))
    for key in list(cfg):
        if key in ENGINE_KEYS:
            engine[key] = cfg.pop(key)
    eps = engine.pop("execution_providers", None)
    systems = {k: flat(v) for k, v in (cfg.pop("systems", None) or {}).items()}
    evaluators = {k: v for k, v in (cfg.pop("evaluators", None) or {}).items()}

    def system(ref: Any, engine_eps: Any = None) -> dict[str, Any]:
        spec = systems.get(ref) if isinstance(ref, str) else ref
        return _system(spec or {}, engine_eps)

    _write_out_named_metrics(cfg.pop("metrics", None), evaluators, engine, cfg.get("passes"))

    def run(raw_passes: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            _pass(spec, systems, evaluators, eps)
            for raw in raw_passes.values()
            for spec in (raw if isinstance(raw, list) else [raw])
        ]

    all_passes = cfg.pop("passes", None) or {}
    flows = cfg.pop("pass_flows", None)  # Olive <= 0.7: each flow ran exactly its passes, in its order
    if isinstance(flows, list) and flows:
        ran = [run({n: all_passes[n] for n in flow if n in all_passes}) for flow in flows]
        passes: list[Any] = ran[0] if len(ran) == 1 else ran
    else:
        passes = run(all_passes)
    search = engine.pop("search_strategy", None)
    if isinstance(search, dict):
        renames = {"search_algorithm": "sampler", "search_algorithm_config": "sampler_config"}  # Olive 0.10
        search = {renames.get(k, k): v for k, v in search.items()}
        search["sampler"] = {"exhaustive": "sequential"}.get(search.get("sampler"), search.get("sampler"))
        search = {k: v for k, v in search.items() if v not in (None, False)} or None
    elif search is False:
        search = None
    out_engine = {k: engine.pop(k, v) for k, v in ENGINE_DEFAULTS.items()}
    if isinstance(out_engine.get("cache_dir"), str):
        out_engine["cache_dir"] = os.path.normpath(os.path.join(base, out_engine["cache_dir"]))
    if out_engine["output_dir"] is None:
        out_engine["output_dir"] = os.path.normpath(base)  # Olive writes beside where it runs
    out_engine["search_strategy"] = search
    host, target = engine.pop("host", None), engine.pop("target", None)
    evaluator = engine.pop("evaluator", None)
    for key in ENGINE_IGNORED:
        engine.pop(key, None)
    engine.pop("output_name", None)  # gone in Olive 0.13 (import warns)
    out_engine.update(engine)
    for key in ("workflow_id", "azureml_client", "auto_optimizer_config", "verbose", "$schema"):
        cfg.pop(key, None)
    resolved_evaluator = _evaluator(evaluator, evaluators) if evaluator is not None else None
    if not resolved_evaluator:
        out_engine.pop("evaluate_input_model")  # nothing to evaluate the input model with
    raw_model = cfg.pop("input_model", None)
    legacy_task = flat(flat(raw_model).get("hf_config")).get("task")  # Olive <= 0.6.1 read the task from here
    model = _model(raw_model)
    task_now = None  # the task Olive 0.13 fills into Hugging Face data configs (HfModel and ONNXModel inputs)
    if model["type"] == "HfModel":
        task_now = model.get("task")
    elif model["type"] == "ONNXModel" and isinstance(model.get("model_attributes"), dict):
        task_now = model["model_attributes"].get("hf_task") or "text-generation-with-past"
    datas = _datas(cfg.pop("data_configs", None), legacy_task, task_now)
    if model["type"] == "HfModel":  # Olive 0.13 fills a Hugging Face data set's model_name from the input model
        for data in datas.values():
            for part in ("pre_process_data_config", "post_process_data_config"):
                comp = data.get(part) if data.get("type") == "HuggingfaceContainer" else None
                if isinstance(comp, dict) and comp.get("model_name") == model.get("model_path"):
                    comp.pop("model_name")
    if str(model.get("task", "")).startswith("text-generation"):
        for data in datas.values():
            _text_generation_defaults(data)
    return {
        "input_model": model,
        "data_configs": datas,
        "host": system(host),
        "target": system(target, eps),  # the engine's execution_providers (Olive <= 0.6) are the target's
        "passes": passes,
        "evaluator": resolved_evaluator,
        "engine": out_engine,
        **{f"other.{k}": v for k, v in cfg.items()},
    }


def differences(old: Any, new: Any, path: str = "") -> list[str]:
    """Return `path: old -> new` for every leaf where two meanings differ (lists compared item by item)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in list(old) + [k for k in new if k not in old]:
            out += differences(old.get(key, "<unset>"), new.get(key, "<unset>"), f"{path}.{key}" if path else key)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new, strict=True)) for d in differences(a, b, f"{path}[{i}]")]
    if _same(old, new):
        return []
    return [f"{path}: {_short(old)} -> {_short(new)}"]


def _same(a: Any, b: Any) -> bool:
    if {_key(a), _key(b)} == {"<unset>", "null"}:  # unset and None mean Olive's default on both sides
        return True
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _key(value: Any) -> str:
    return value if value == "<unset>" else json.dumps(value, default=str)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."
