"""Recipe -> a plain, JSON-able render context. All defaulting and path resolution lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from olivegen.knowledge.catalog import OLIVE_GENERATION, pass_key
from olivegen.knowledge.model_types import HF_MODEL
from olivegen.recipe import Recipe
from olivegen.recipe.data import DataSpec
from olivegen.recipe.model import InputModel
from olivegen.recipe.naming import data_format, default_train_data
from olivegen.recipe.passes import GenericPass
from olivegen.recipe.systems import SystemSpec
from olivegen.render.lora_nodes import lora_int4_exclusions
from olivegen.source.paths import is_local_path, raw_paths, resolve

OLIVE_SYSTEM_TYPES = {
    "local": "LocalSystem",
    "docker": "Docker",
    "python_environment": "PythonEnvironment",
    "azureml": "AzureML",
}
SINGLE_SYSTEM_NAMES = {
    "LocalSystem": "local_system",
    "Docker": "docker_system",
    "PythonEnvironment": "python_system",
    "AzureML": "aml",
}

def workflow_name(recipe: Recipe, recipe_path: Path) -> str:
    """Return the workflow id: the recipe's `name`, else its file name without extensions."""
    return recipe.name or recipe_path.name.split(".")[0]


def build_context(recipe: Recipe, recipe_path: Path, generation: str = OLIVE_GENERATION) -> dict[str, Any]:
    """Build the render context: plain dicts and lists, in the order they are rendered.

    `generation` is the Olive release rendered for ("0.13" or "0.9"); see olivegen/render/generations.py.
    """
    from olivegen.render.generations import adapt_context

    base = recipe_path.resolve().parent
    name = workflow_name(recipe, recipe_path)
    systems, host_name, target_name = _systems(recipe, base)
    data_configs = [cfg for spec in recipe.data for cfg in _data_configs(spec, base)]
    context = {
        "workflow_id": name,
        "input_model": _input_model(recipe.model, base),
        "systems": systems,
        "data_configs": data_configs,
        "evaluators": _evaluators(recipe, base),
        "passes": _passes(recipe, lora_int4_exclusions(recipe, base)),
        "engine": _engine(recipe, base, name, host_name, target_name),
    }
    return adapt_context(context, recipe, base, generation)


def _input_model(model: InputModel, base: Path) -> dict[str, Any]:
    if model.olive is not None:
        raw: dict[str, Any] = raw_paths(model.olive, base)
        return raw
    registry = model.registry_ref()
    path: Any
    if registry is not None:
        path = {
            "type": "azureml_registry_model",
            "config": {"registry_name": registry.registry, "name": registry.name, "version": registry.version},
        }
    elif model.path is not None and is_local_path(base, model.path):
        path = resolve(base, model.path)
    else:
        path = model.path
    load_kwargs: dict[str, Any] = {}
    if model.trust_remote_code:
        load_kwargs["trust_remote_code"] = True
    if model.torch_dtype:
        load_kwargs["torch_dtype"] = model.torch_dtype
    load_kwargs.update(model.load_kwargs)
    out: dict[str, Any] = {"type": HF_MODEL, "model_path": path, "task": model.task}
    if load_kwargs:
        out["load_kwargs"] = load_kwargs
    if model.adapter_path:
        out["adapter_path"] = resolve(base, model.adapter_path)
    return out


def _system(spec: SystemSpec, base: Path) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": OLIVE_SYSTEM_TYPES[spec.type],
        "accelerators": [
            {"device": spec.resolved_device(), "execution_providers": [spec.provider, *spec.extra_providers]}
        ],
    }
    if spec.type == "docker":
        out["dockerfile"] = spec.dockerfile
        out["build_context_path"] = resolve(base, spec.build_context or ".")
        if spec.image_name:
            out["image_name"] = spec.image_name
        for key in ("work_dir", "build_args", "run_params", "clean_image"):
            if getattr(spec, key) is not None:
                out[key] = getattr(spec, key)
    if spec.type == "azureml":
        out["aml_compute"] = spec.compute
        docker: dict[str, Any] = {"base_image": spec.image}
        if spec.conda_file:
            docker["conda_file_path"] = resolve(base, spec.conda_file)
        out["aml_docker_config"] = docker
        if spec.hf_token:
            out["hf_token"] = True
    if spec.type == "python_environment":
        if spec.python:
            out["python_environment_path"] = resolve(base, spec.python)
        if spec.environment:
            out["environment_variables"] = dict(sorted(spec.environment.items()))
        if spec.prepend_to_path:
            out["prepend_to_path"] = [resolve(base, p) for p in spec.prepend_to_path]
    return out


def _systems(recipe: Recipe, base: Path) -> tuple[dict[str, Any], str, str]:
    target = recipe.target or recipe.host
    host_cfg, target_cfg = _system(recipe.host, base), _system(target, base)
    if host_cfg == target_cfg:
        name = SINGLE_SYSTEM_NAMES[host_cfg["type"]]
        return {name: host_cfg}, name, name
    return {"host_system": host_cfg, "target_system": target_cfg}, "host_system", "target_system"


def _data_configs(spec: DataSpec, base: Path) -> list[dict[str, Any]]:
    if spec.olive is not None:
        return [{"name": spec.name, **raw_paths(spec.olive, base)}]
    load: dict[str, Any]
    if spec.hub is not None:
        load = {"data_name": spec.hub.name}
        if spec.hub.subset:
            load["subset"] = spec.hub.subset
    elif spec.datastore is not None:
        load = {"data_name": data_format(spec), "data_files": spec.datastore.uri()}
    else:
        files = [resolve(base, f) for f in spec.file_list()]
        load = {"data_name": data_format(spec), "data_files": files[0] if len(files) == 1 else files}
        if spec.format is None and all(f.lower().endswith(".tsv") for f in files):
            load["delimiter"] = "\t"  # `datasets`' csv builder reads commas unless told
    pre: dict[str, Any] = {"strategy": spec.strategy, "max_seq_len": spec.max_seq_len}
    if spec.text_template is not None:
        pre["text_template"] = spec.text_template
    if spec.text_cols:
        pre["text_cols"] = list(spec.text_cols)
    if spec.chat_template:
        pre["chat_template"] = True
        if spec.message_col:
            pre["message_col"] = spec.message_col
    if spec.stride is not None:
        pre["stride"] = spec.stride
    pre["pad_to_max_len"] = spec.pad_to_max_len
    pre["use_attention_mask"] = spec.use_attention_mask
    if not spec.add_special_tokens:
        pre["add_special_tokens"] = False
    if spec.max_samples is not None:
        pre["max_samples"] = spec.max_samples

    def config(name: str, split: str) -> dict[str, Any]:
        return {
            "name": name,
            "type": "HuggingfaceContainer",
            "load_dataset_config": {**load, "split": split},
            "pre_process_data_config": dict(pre),
        }

    if spec.eval_split is None:
        return [config(spec.name, spec.split)]
    cut = round((1 - spec.eval_split) * 100)
    return [config(spec.name, f"{spec.split}[:{cut}%]"), config(f"{spec.name}_eval", f"{spec.split}[{cut}%:]")]


def _passes(recipe: Recipe, exclusions: dict[int, list[str]] | None = None) -> dict[str, dict[str, Any]]:
    eval_names = {f"{d.name}_eval" for d in recipe.data if d.eval_split is not None}
    out: dict[str, dict[str, Any]] = {}
    for index, spec in enumerate(recipe.passes):
        key = pass_key(str(spec.type), spec.name, set(out))
        if isinstance(spec, GenericPass):
            out[key] = {"type": spec.type, **spec.config, **spec.olive}
            continue
        params = spec.model_dump(mode="json", exclude={"name", "type", "options", "olive"}, exclude_none=True)
        if "training" in params:
            training = params.pop("training")
            extra = training.pop("extra", {})
            training = {**training, **extra}
            params["training"] = training or None
            if params["training"] is None:
                del params["training"]
        if "train_data" in spec.model_fields:
            train = params.get("train_data") or default_train_data(recipe)
            if train is not None:
                params["train_data"] = train
            if "eval_data" not in params and f"{train}_eval" in eval_names:
                params["eval_data"] = f"{train}_eval"
        if exclusions and index in exclusions:
            params["int4_nodes_to_exclude"] = exclusions[index]
        renamed = {spec.RENAMES.get(k, k): v for k, v in params.items()}
        out[key] = {"type": str(spec.type), **renamed, **spec.options, **spec.olive}
    return out


def _evaluators(recipe: Recipe, base: Path) -> dict[str, Any]:
    if recipe.evaluate is None:
        return {}
    if recipe.evaluate.olive is not None:
        return {"evaluator": raw_paths(recipe.evaluate.olive, base)}
    metrics = []
    for m in recipe.evaluate.metrics:
        metric: dict[str, Any] = {"name": m.name, "type": m.type, "sub_types": m.sub_type_list(), "data_config": m.data}
        if m.backend is not None:
            metric["backend"] = m.backend
        if m.user_config is not None:
            metric["user_config"] = raw_paths(m.user_config, base)
        metrics.append(metric)
    subs = [s for metric in metrics for s in metric["sub_types"]]
    if len(subs) > 1 and not any("priority" in s for s in subs):  # Olive: "Priority must be specified ..."
        for rank, sub in enumerate(subs, start=1):
            sub["priority"] = rank
    return {"evaluator": {"metrics": metrics}}


def _engine_folder(engine: Any, field: str, base: Path, name: str) -> str:
    """Return an engine folder: a written one from the recipe's folder; a default one left relative.

    Olive resolves a relative folder against the folder `olive run` starts in, so the defaults
    (`outputs/<name>`, `.olive-cache`) land where the run is started, never beside the recipe
    (a checkout's examples/ stays clean).
    """
    value = str(getattr(engine, field)).replace("{name}", name)
    return resolve(base, value) if field in engine.model_fields_set else value


def _engine(recipe: Recipe, base: Path, name: str, host: str, target: str) -> dict[str, Any]:
    engine = recipe.engine
    out: dict[str, Any] = {
        "host": host,
        "target": target,
        "output_dir": _engine_folder(engine, "output_dir", base, name),
        "cache_dir": _engine_folder(engine, "cache_dir", base, name),
        "log_severity_level": engine.log_level,
        "evaluate_input_model": engine.evaluate_input_model,
    }
    if engine.search is None:
        out["search_strategy"] = False
    else:
        out["search_strategy"] = engine.search.model_dump(mode="json", exclude_none=True)
    if recipe.evaluate is not None:
        out["evaluator"] = "evaluator"
    if engine.clean_cache:
        out["clean_cache"] = True
    out.update(raw_paths(engine.olive, base))
    return out
