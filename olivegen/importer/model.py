"""The input model of any generation -> the recipe's `model:` (typed for Hugging Face models, raw otherwise)."""

from __future__ import annotations

import copy
from typing import Any

from olivegen.importer.pieces import Notes, flat
from olivegen.knowledge.catalog import OLIVE_GENERATION
from olivegen.knowledge.model_types import HF_KIND, HF_MODEL, OLIVE_HF_TASK, PYTORCH_KIND

HF_KEYS = {"type", "model_path", "task", "load_kwargs", "adapter_path", "hf_config", "model_file_format"}
HF_CONFIG_KEYS = {"model_name", "task", "model_loading_args", "from_pretrained_args"}


def convert_model(raw: dict[str, Any], notes: Notes) -> dict[str, Any]:
    """Return the recipe model: typed when every key has a typed home, else Olive's own words under `olive:`."""
    model = notes.flat(raw, ("input_model",))
    kind = str(model.get("type", HF_MODEL)).lower()
    hf_config = flat(model.get("hf_config"))
    typed = (
        (kind == HF_KIND or (kind == PYTORCH_KIND and hf_config and "model_path" not in model))
        and set(model) <= HF_KEYS
        and set(hf_config) <= HF_CONFIG_KEYS
        and (isinstance(model.get("model_path"), str) or model.get("model_path") is None)
        and bool(model.get("model_path") or hf_config.get("model_name"))
        and _plain_load_kwargs(model, hf_config)
    )
    registry = isinstance(model.get("model_path"), dict) and flat(model["model_path"]).get("type") == (
        "azureml_registry_model"
    )
    if typed or (registry and kind == HF_KIND and set(model) <= HF_KEYS and not hf_config):
        notes.carry(("input_model",), *(set(model) - {"model_file_format"}))
        return _hf_model(model, notes)
    if kind == PYTORCH_KIND and hf_config:
        notes.decided(("model", "olive"), "an Olive <=0.6 PyTorchModel with hf_config: check it is an HfModel now")
    notes.carry(("input_model",))
    return {"olive": _olive_form(copy.deepcopy(raw))}


def _plain_load_kwargs(model: dict[str, Any], hf_config: dict[str, Any]) -> bool:
    load = {
        **flat(hf_config.get("model_loading_args", {})),
        **flat(hf_config.get("from_pretrained_args", {})),
        **(model.get("load_kwargs") or {}),
    }
    dtype = load.get("torch_dtype")
    return dtype is None or dtype in ("auto", "float32", "float16", "bfloat16")


def _olive_form(raw: dict[str, Any]) -> dict[str, Any]:
    """Return a raw model as Olive 0.13 reads it: flat keys beside `type` (`config:` nesting is the same)."""
    out = flat(raw)
    out.setdefault("type", HF_MODEL)
    return out


def _hf_model(model: dict[str, Any], notes: Notes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    hf_config = flat(model.pop("hf_config", {}))
    load = {
        **flat(hf_config.pop("model_loading_args", {})),
        **flat(hf_config.pop("from_pretrained_args", {})),
    }
    load.update(model.pop("load_kwargs", None) or {})
    path = model.pop("model_path", None)
    name = hf_config.pop("model_name", None)
    if isinstance(path, dict):
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
    if name and "path" in out and out["path"] != name:
        notes.decided(("model", "path"), f"the config also names the Hub model {name!r}; model_path wins")
    task = hf_config.pop("task", None) or model.pop("task", None)
    out["task"] = task or OLIVE_HF_TASK
    for key in ("trust_remote_code", "torch_dtype"):
        if key in load:
            out[key] = load.pop(key)
    if load:
        out["load_kwargs"] = load
    adapter = model.pop("adapter_path", None)
    if isinstance(adapter, str):
        out["adapter_path"] = adapter
    if model.pop("model_file_format", None):
        notes.decided(
            ("model",), f"model_file_format dropped: Olive {OLIVE_GENERATION} detects MLflow models by itself"
        )
        notes.dropped(("input_model", "model_file_format"), "Olive detects MLflow models by itself")
    else:
        notes.carry(("input_model", "model_file_format"))  # absent, null or false: nothing to carry
    return out
