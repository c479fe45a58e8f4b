"""Recipe -> a plain, JSON-able render context. All defaulting and path resolution lives here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from olivegen.recipe import Recipe
from olivegen.recipe.data import DataSpec
from olivegen.recipe.model import InputModel
from olivegen.recipe.passes import GenericPass, ModelBuilder, PassBase
from olivegen.recipe.systems import SystemSpec

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
FILE_FORMATS = {".json": "json", ".jsonl": "json", ".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".txt": "text"}


def workflow_name(recipe: Recipe, recipe_path: Path) -> str:
    """Return the workflow id: the recipe's `name`, else its file name without extensions."""
    return recipe.name or recipe_path.name.split(".")[0]


def resolve(base: Path, value: str) -> str:
    """Return a recipe-relative path as an absolute one, so `olive run` finds it from any folder."""
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def is_local_path(base: Path, value: str) -> bool:
    """Tell a local folder from a Hugging Face id: explicit path syntax, or it exists beside the recipe."""
    if value.startswith(("./", "../", "/", "~", ".\\")) or value in (".", ".."):
        return True
    return (base / value).exists()


def build_context(recipe: Recipe, recipe_path: Path, generation: str = "0.13") -> dict[str, Any]:
    """Build the render context: plain dicts and lists, in the order they are rendered.

    `generation` is the Olive release rendered for ("0.13" or "0.9"); see olivegen/generations.py.
    """
    from olivegen.generations import adapt_context

    base = recipe_path.resolve().parent
    name = workflow_name(recipe, recipe_path)
    systems, host_name, target_name = _systems(recipe, base)
    data_configs = [cfg for spec in recipe.data for cfg in _data_configs(spec, base)]
    context = {
        "workflow_id": name,
        "input_model": _input_model(recipe.model, base),
        "systems": systems,
        "data_configs": data_configs,
        "evaluators": _evaluators(recipe),
        "passes": _passes(recipe, lora_int4_exclusions(recipe, base)),
        "engine": _engine(recipe, base, name, host_name, target_name),
    }
    return adapt_context(context, recipe, base, generation)


def _input_model(model: InputModel, base: Path) -> dict[str, Any]:
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
    out: dict[str, Any] = {"type": "HfModel", "model_path": path, "task": model.task}
    if load_kwargs:
        out["load_kwargs"] = load_kwargs
    if model.adapter_path:
        out["adapter_path"] = resolve(base, model.adapter_path)
    return out


def _system(spec: SystemSpec, base: Path) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": OLIVE_SYSTEM_TYPES[spec.type],
        "accelerators": [{"device": spec.resolved_device(), "execution_providers": [spec.provider]}],
    }
    if spec.type == "docker":
        out["dockerfile"] = spec.dockerfile
        out["build_context_path"] = resolve(base, spec.build_context or ".")
        if spec.image_name:
            out["image_name"] = spec.image_name
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
    return out


def _systems(recipe: Recipe, base: Path) -> tuple[dict[str, Any], str, str]:
    target = recipe.target or recipe.host
    host_cfg, target_cfg = _system(recipe.host, base), _system(target, base)
    if host_cfg == target_cfg:
        name = SINGLE_SYSTEM_NAMES[host_cfg["type"]]
        return {name: host_cfg}, name, name
    return {"host_system": host_cfg, "target_system": target_cfg}, "host_system", "target_system"


def data_format(spec: DataSpec) -> str:
    """Return the `datasets` builder for a data set: its `format`, else from the file extension."""
    if spec.format:
        return spec.format
    if spec.datastore is not None:
        return spec.datastore.format
    files = spec.file_list()
    return FILE_FORMATS.get(Path(files[0]).suffix.lower(), "json") if files else "json"


def _data_configs(spec: DataSpec, base: Path) -> list[dict[str, Any]]:
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


KEY_OVERRIDES = {"LoRA": "lora", "QLoRA": "qlora", "AutoAWQQuantizer": "awq"}


def pass_key(canonical: str, name: str | None, taken: set[str]) -> str:
    """Return a pass's key in the config: its `name`, else its type in snake case, made unique."""
    if name:
        return name
    snake = KEY_OVERRIDES.get(canonical) or re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", canonical).lower()
    key, n = snake, 2
    while key in taken:
        key, n = f"{snake}_{n}", n + 1
    return key


def default_train_data(recipe: Recipe) -> str | None:
    """Return the data set LoRA trains on when a pass names none: the first one."""
    return recipe.data[0].name if recipe.data else None


def _passes(recipe: Recipe, exclusions: dict[int, list[str]] | None = None) -> dict[str, dict[str, Any]]:
    eval_names = {f"{d.name}_eval" for d in recipe.data if d.eval_split is not None}
    out: dict[str, dict[str, Any]] = {}
    for index, spec in enumerate(recipe.passes):
        key = pass_key(str(getattr(spec, "type")), spec.name, set(out))
        if isinstance(spec, GenericPass):
            out[key] = {"type": spec.type, **spec.config}
            continue
        params = spec.model_dump(mode="json", exclude={"name", "type", "options"}, exclude_none=True)
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
        out[key] = {"type": str(getattr(spec, "type")), **renamed, **spec.options}
    return out


# LoRA -> ModelBuilder int4 -> ExtractAdapters. The model builder writes a LoRA layer as two extra
# MatMuls beside the base one (onnxruntime-genai `make_matmul_lora`): for the base MatMul
# `/model/layers.{i}/{block}/{proj}/MatMul` they are `.../{proj}/lora_A/MatMul` and
# `.../{proj}/lora_B/MatMul`.
# At int4 it quantizes those too, and ExtractAdapters then turns their int4 weights into optional
# inputs whose empty defaults MatMulNBits rejects: the base model no longer runs without its
# adapter. Listing them in `int4_nodes_to_exclude` keeps them float, so it does.
# Packed Phi-3 layers (`qkv_proj`, `gate_up_proj`) are unpacked by the builder when they carry LoRA.
LORA_BUILDER_NODES: dict[str, tuple[str, ...]] = {
    "q_proj": ("attn/q_proj",),
    "k_proj": ("attn/k_proj",),
    "v_proj": ("attn/v_proj",),
    "o_proj": ("attn/o_proj",),
    "qkv_proj": ("attn/q_proj", "attn/k_proj", "attn/v_proj"),
    "gate_proj": ("mlp/gate_proj",),
    "up_proj": ("mlp/up_proj",),
    "down_proj": ("mlp/down_proj",),
    "gate_up_proj": ("mlp/gate_proj", "mlp/up_proj"),
}
_LLAMA_LINEAR = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
# What Olive's LoRA adapts when a pass names no `target_modules` (peft's table; Olive's own for phi3).
DEFAULT_LORA_TARGETS: dict[str, tuple[str, ...]] = {
    "phi3": ("o_proj", "qkv_proj"),
    "llama": ("q_proj", "v_proj"),
    "mistral": ("q_proj", "v_proj"),
    "qwen2": ("q_proj", "v_proj"),
}
# QLoRA adapts every linear layer it quantizes to 4 bits (Olive overrides `target_modules`).
ALL_LINEAR: dict[str, tuple[str, ...]] = {
    "phi3": ("qkv_proj", "o_proj", "gate_up_proj", "down_proj"),
    "llama": _LLAMA_LINEAR,
    "mistral": _LLAMA_LINEAR,
    "qwen2": _LLAMA_LINEAR,
}
# Hub models the examples name, whose config.json cannot be read offline: (model_type, layers).
KNOWN_MODELS: dict[str, tuple[str, int]] = {
    "microsoft/phi-3-mini-4k-instruct": ("phi3", 32),
    "microsoft/phi-3-mini-128k-instruct": ("phi3", 32),
    "microsoft/phi-3.5-mini-instruct": ("phi3", 32),
    "microsoft-phi-3-mini-4k-instruct": ("phi3", 32),
}
LORA_FAMILY = ("LoRA", "QLoRA")


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def model_layout(model: InputModel, base: Path) -> tuple[str, int] | None:
    """Return the input model's `model_type` and layer count: its local config.json, else a known id."""
    registry = model.registry_ref()
    name = registry.name if registry is not None else model.path
    if name is None:
        return None
    if registry is None and is_local_path(base, name):
        config = _read_json(Path(resolve(base, name)) / "config.json")
        if config is None:
            return None
        kind, layers = config.get("model_type"), config.get("num_hidden_layers")
        if isinstance(kind, str) and isinstance(layers, int) and not isinstance(layers, bool) and layers > 0:
            return kind, layers
        return None
    return KNOWN_MODELS.get(name.lower())


def lora_builder_nodes(layers: int, modules: list[str] | tuple[str, ...]) -> list[str]:
    """Return the names the model builder gives the LoRA MatMuls of these modules (unknown ones: none)."""
    blocks = [block for module in modules for block in LORA_BUILDER_NODES.get(module.split(".")[-1], ())]
    blocks = list(dict.fromkeys(blocks))
    return [f"/model/layers.{i}/{b}/lora_{ab}/MatMul" for i in range(layers) for b in blocks for ab in "AB"]


def _adapter_targets(model: InputModel, base: Path) -> list[str] | None:
    if not model.adapter_path:
        return None
    config = _read_json(Path(resolve(base, model.adapter_path)) / "adapter_config.json")
    targets = config.get("target_modules") if config else None
    return [str(t) for t in targets] if isinstance(targets, list) else None


def lora_int4_exclusions(recipe: Recipe, base: Path) -> dict[int, list[str]]:
    """Return, per ModelBuilder int4 pass that keeps a LoRA adapter for ExtractAdapters, its nodes to exclude.

    The pass's own `int4_nodes_to_exclude` come first; `extra_options.int4_nodes_to_exclude`
    (which overrides the field in Olive) leaves the pass alone. Models whose type or layer count
    cannot be read (a hub id olivegen does not know) get nothing added.
    """
    passes = list(recipe.passes)
    kinds = [str(getattr(spec, "type", "")) for spec in passes]
    out: dict[int, list[str]] = {}
    layout: tuple[str, int] | None = None
    targets = _adapter_targets(recipe.model, base)
    for index, spec in enumerate(passes):
        kind = kinds[index]
        if kind in LORA_FAMILY:
            layout = layout or model_layout(recipe.model, base)
            model_type = layout[0] if layout else ""
            chosen = getattr(spec, "target_modules", None)
            if kind == "QLoRA":
                targets = list(ALL_LINEAR.get(model_type, ()))
            else:
                targets = list(chosen) if chosen else list(DEFAULT_LORA_TARGETS.get(model_type, ()))
        elif kind == "MergeAdapterWeights":
            targets = None
        elif isinstance(spec, ModelBuilder) and spec.precision == "int4" and targets:
            user_owned = "int4_nodes_to_exclude" in (spec.extra_options or {})
            if "ExtractAdapters" not in kinds[index + 1 :] or user_owned:
                continue
            layout = layout or model_layout(recipe.model, base)
            if layout is None:
                continue
            derived = lora_builder_nodes(layout[1], targets)
            if derived:
                out[index] = list(dict.fromkeys([*(spec.int4_nodes_to_exclude or []), *derived]))
    return out


def _evaluators(recipe: Recipe) -> dict[str, Any]:
    if recipe.evaluate is None:
        return {}
    metrics = [
        {
            "name": m.name,
            "type": m.type,
            "sub_types": [{"name": s} for s in m.sub_types],
            "data_config": m.data,
        }
        for m in recipe.evaluate.metrics
    ]
    return {"evaluator": {"metrics": metrics}}


def _engine(recipe: Recipe, base: Path, name: str, host: str, target: str) -> dict[str, Any]:
    engine = recipe.engine
    out: dict[str, Any] = {
        "host": host,
        "target": target,
        "output_dir": resolve(base, engine.output_dir.replace("{name}", name)),
        "cache_dir": resolve(base, engine.cache_dir.replace("{name}", name)),
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
    return out
