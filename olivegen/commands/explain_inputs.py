"""The input model and the data sets of a rendered Olive config, in words, for `olivegen explain`.

A recipe's own `model:` and `data:` render to a few fixed shapes, but an `olive:`
block (Olive's own words) renders as written: any model type, a model path that
is a hub id, a local file, an Azure ML resource or nothing at all (a
`model_loader`), data components flat or under `params`. So every field is read
as maybe missing and maybe of another type, and what cannot be read well is told
plainly ("an ONNX model at ...", "Olive data config of type DummyDataContainer").
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MODEL_KINDS = {  # Olive's model types (lower case) as a person says them
    "hfmodel": "a Hugging Face model",
    "pytorchmodel": "a PyTorch model",
    "onnxmodel": "an ONNX model",
    "compositemodel": "a composite model",
    "compositepytorchmodel": "a composite PyTorch model",
    "distributedhfmodel": "a distributed Hugging Face model",
    "distributedonnxmodel": "a distributed ONNX model",
    "openvinomodel": "an OpenVINO model",
    "qnnmodel": "a QNN model",
    "snpemodel": "an SNPE model",
    "tensorflowmodel": "a TensorFlow model",
    "diffusersmodel": "a Diffusers model",
}


def shown(path: str) -> str:
    """Show an absolute path relative to the current folder when it lies inside it; anything else as it is."""
    if not Path(path).is_absolute():
        return path
    try:
        inside = Path(path).resolve().is_relative_to(Path.cwd().resolve())
    except (OSError, ValueError):
        return path
    return os.path.relpath(path) if inside else path


def value(item: Any) -> str:
    """Show a rendered value short: a plain word as it is, anything else as (cut) JSON."""
    if isinstance(item, str):
        return item if item and " " not in item and len(item) <= 60 else json.dumps(item)
    if isinstance(item, list) and len(item) > 4:
        return f"[{', '.join(value(v) for v in item[:2])}, ... {len(item)} items]"
    text = json.dumps(item, separators=(", ", ": "))
    return text if len(text) <= 100 else text[:97] + "..."


def _mapping(item: Any) -> Mapping[str, Any]:
    return item if isinstance(item, Mapping) else {}


def _word(item: Any) -> str:
    """Show a name or number as written, a path relative to here, anything else as short JSON."""
    if isinstance(item, str) and item:
        return shown(item) if len(item) <= 300 else value(item)
    return value(item)


def resource(path: Any) -> str:
    """Describe a model or data location: a path or hub id, or an Olive resource (`{type, config}` or flat)."""
    if isinstance(path, str):
        return _word(path)
    if not isinstance(path, Mapping):
        return value(path)
    kind = str(path.get("type", "")).lower()
    conf = {**{k: v for k, v in path.items() if k not in ("type", "config")}, **_mapping(path.get("config"))}
    name, version = conf.get("name"), conf.get("version")
    named = (_word(name) if name is not None else "") + (f" v{_word(version)}" if version is not None else "")
    if kind == "azureml_registry_model":
        registry = conf.get("registry_name")
        return "Azure ML registry " + (f"{_word(registry)}/" if registry is not None else "") + named
    if kind == "azureml_model":
        return f"Azure ML model {named}".rstrip()
    if kind == "azureml_datastore":
        store, rel = conf.get("datastore_name"), conf.get("relative_path")
        return (
            "Azure ML datastore"
            + (f" {_word(store)}" if store is not None else "")
            + (f" path {_word(rel)}" if rel is not None else "")
        )
    if kind == "azureml_job_output":
        job, output, rel = conf.get("job_id"), conf.get("output_name"), conf.get("relative_path")
        return (
            "Azure ML job"
            + (f" {_word(job)}" if job is not None else "")
            + (f" output {_word(output)}" if output is not None else "")
            + (f" path {_word(rel)}" if rel is not None else "")
        )
    if kind in ("file", "folder", "string_name") and "path" in conf:
        return _word(conf["path"])
    return value(dict(path))


def model_source(model: Mapping[str, Any]) -> str:
    """Say where the input model comes from: `org/name (Hugging Face)`, a path, a registry, a loader."""
    kind = model.get("type")
    path = model.get("model_path")
    hugging_face = isinstance(kind, str) and kind.lower() == "hfmodel"
    if hugging_face and isinstance(path, str) and path and not Path(path).is_absolute() and "://" not in path:
        return f"{path} (Hugging Face)"
    if hugging_face and path is not None:
        return resource(path)  # a local folder or an Azure ML model: the type goes without saying
    what = MODEL_KINDS.get(kind.lower(), f"a {kind} model") if isinstance(kind, str) else "a model"
    if path is not None:
        what += f" at {resource(path)}" if isinstance(path, str) else f" from {resource(path)}"
    loader, script = model.get("model_loader"), model.get("model_script")
    if loader is not None:
        what += f" loaded by {_word(loader)}" + (f" from {_word(script)}" if script is not None else "")
    elif script is not None:
        what += f" with model_script {_word(script)}"
    hf_config = _mapping(model.get("hf_config"))
    if "model_name" in hf_config:
        what += f" (Hugging Face {_word(hf_config['model_name'])})"
    return what


def model_line(model: Mapping[str, Any]) -> str:
    """Tell the model in one line: its source, the task and the load arguments when given."""
    parts = [model_source(model)]
    task = model.get("task", _mapping(model.get("hf_config")).get("task"))
    if task is not None:
        parts.append(f"task {_word(task)}")
    parts += [f"{k}={value(v)}" for k, v in _mapping(model.get("load_kwargs")).items()]
    return ", ".join(parts)


def model_label(model: Mapping[str, Any]) -> str:
    """Tell the model in a few words, for a diagram node: its name, path or loader."""
    path = model.get("model_path")
    if isinstance(path, Mapping):
        conf = {**path, **_mapping(path.get("config"))}
        for key in ("name", "path", "relative_path"):
            if conf.get(key) is not None:
                return _word(conf[key])
        return resource(path)
    if path is not None:
        return _word(path)
    kind, loader = model.get("type"), model.get("model_loader")
    what = MODEL_KINDS.get(kind.lower(), f"a {kind} model") if isinstance(kind, str) else "a model"
    return what + (f" loaded by {_word(loader)}" if loader is not None else "")


def component(data: Mapping[str, Any], key: str) -> tuple[Any, dict[str, Any]]:
    """Return a data component's type and its parameters, whether under `params` or written flat."""
    comp = _mapping(data.get(key))
    params = {k: v for k, v in comp.items() if k not in ("type", "params")}
    params.update(_mapping(comp.get("params")))
    return comp.get("type"), params


def data_origin(data: Mapping[str, Any]) -> str:
    """Say where a data set comes from: `name files` or `name (Hub)`, subset and split; else what kind it is."""
    load_type, load = component(data, "load_dataset_config")
    kind, name = data.get("type"), load.get("data_name")
    hub_type = isinstance(kind, str) and kind.lower() == "huggingfacecontainer"
    parts = []
    if name is not None and (load_type == "huggingface_dataset" or (hub_type and load_type is None)):
        files = load.get("data_files")
        if isinstance(files, (str, Mapping)):
            files = [files]
        where = ", ".join(resource(f) for f in files) if isinstance(files, list) else ""
        parts.append(f"{_word(name)} {where}".strip() if files else f"{_word(name)} (Hub)")
        if load.get("subset") is not None:
            parts.append(f"subset {_word(load['subset'])}")
    else:
        parts.append(f"Olive data config of type {_word(kind) if kind is not None else 'DataContainer'}")
        if load_type is not None:
            parts.append(f"loaded by {_word(load_type)}")
        if name is not None:
            parts.append(f"data_name {_word(name)}")
    for key in ("data_dir", "data_path"):
        if load.get(key) is not None:
            parts.append(f"{key} {resource(load[key])}")
    split = load.get("split", load.get("data_split"))
    if split is not None:
        parts.append(f"split {_word(split)}")
    script = data.get("user_script")
    if script is not None:
        parts.append(f"user_script {_word(script)}")
    return ", ".join(parts)
