"""Regenerate the vendored Olive facts in ``schemas/olive-<version>/``.

Run with the Olive release to vendor installed (``pip install olive-ai==0.13.0``)::

    python tools/vendor_olive.py

Writes ``passes.json`` (every registered pass with its supported execution
providers, devices, precisions, dependencies and config parameters: type, default, the
values of an Enum parameter and whether Olive takes them in any case; and `input_models`,
the model handler classes its ``_run_for_config(self, model: ...)`` is annotated to take),
``run-config.schema.json`` (``RunConfig.model_json_schema()``) and
``PROVENANCE.json`` with the versions used and the sha256 of each file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import inspect
import json
import logging
import re
import sys
import typing
from enum import Enum
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _type_name(tp: Any) -> str:
    if tp is None:
        return "any"
    if isinstance(tp, type):
        if issubclass(tp, Enum):
            return "enum"
        return tp.__name__
    text = repr(tp).replace("typing.", "")
    return text


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


def _enum_class(tp: Any) -> type[Enum] | None:
    for arg in (tp, *typing.get_args(tp)):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return arg
    return None


def _enum_values(tp: Any) -> list[Any] | None:
    found = _enum_class(tp)
    return None if found is None else [m.value for m in found]


def _case_insensitive(tp: Any) -> bool:
    """Tell whether a str Enum also takes its values in any case (Olive's CaseInsensitiveEnum defines `_missing_`)."""
    found = _enum_class(tp)
    if found is None or not issubclass(found, str):
        return False
    return "_missing_" in {name for klass in found.__mro__ if klass is not Enum for name in vars(klass)}


# Olive's model handler classes, by name: what a pass's `_run_for_config(self, model: ...)` takes.
_HANDLER = re.compile(r"\b(\w+ModelHandler)\b")


def _input_models(cls: Any) -> list[str] | None:
    """Return the model handler classes a pass's `_run_for_config` is annotated to take (None: not annotated)."""
    try:
        annotation = inspect.signature(cls._run_for_config).parameters["model"].annotation
    except (KeyError, TypeError, ValueError):
        return None
    if annotation is inspect.Parameter.empty or annotation is None:
        return None
    text = annotation if isinstance(annotation, str) else repr(annotation)
    if isinstance(annotation, type):
        text = annotation.__name__
    names = sorted(set(_HANDLER.findall(text)))
    return names or None


def _pass_class(module_path: str) -> Any:
    module_name, _, cls_name = module_path.rpartition(".")
    return getattr(importlib.import_module(module_name), cls_name)


def _pass_params(name: str, module_path: str) -> dict[str, Any] | str:
    from olive.hardware.accelerator import DEFAULT_CPU_ACCELERATOR

    try:
        params = _pass_class(module_path).default_config(DEFAULT_CPU_ACCELERATOR)
    except Exception as exc:  # a pass whose optional dependency is missing
        return f"not importable here: {type(exc).__name__}: {exc}"[:300]
    out: dict[str, Any] = {}
    for key, param in sorted(params.items()):
        entry: dict[str, Any] = {
            "type": _type_name(param.type_),
            "required": bool(param.required),
            "default": _jsonable(param.default_value),
            "description": (param.description or "").strip(),
        }
        values = _enum_values(param.type_)
        if values is not None:
            entry["enum"] = values
            if _case_insensitive(param.type_):
                entry["enum_case_insensitive"] = True
        out[key] = entry
    return out


def _run_config_schema(run_config: Any) -> Any:
    """Pydantic v2 (Olive >= 0.10) or the v1 API (older Olive)."""
    if hasattr(run_config, "model_json_schema"):
        return run_config.model_json_schema()
    return json.loads(run_config.schema_json())


def main() -> int:
    """Write the vendored files and print where they went."""
    logging.disable(logging.WARNING)
    import olive
    import transformers
    from olive.package_config import OlivePackageConfig
    from olive.workflows.run.config import RunConfig

    version = olive.__version__
    short = ".".join(version.split(".")[:2])
    out_dir = ROOT / "schemas" / f"olive-{short}"
    out_dir.mkdir(parents=True, exist_ok=True)

    registry = json.loads((Path(olive.__file__).parent / "olive_config.json").read_text())
    passes: dict[str, Any] = {}
    for name, info in sorted(registry["passes"].items()):
        entry = {
            "supported_providers": info.get("supported_providers", []),
            "supported_accelerators": info.get("supported_accelerators", []),
            "supported_precisions": info.get("supported_precisions", []),
            "extra_dependencies": info.get("extra_dependencies", []),
            "module_dependencies": info.get("module_dependencies", []),
            "dataset": info.get("dataset", "dataset_not_required"),
            "run_on_target": bool(info.get("run_on_target", False)),
            "params": _pass_params(name, info["module_path"]),
        }
        try:
            takes = _input_models(_pass_class(info["module_path"]))
        except Exception:  # noqa: BLE001  (not importable here: its input is not known)
            takes = None
        if takes is not None:
            entry["input_models"] = takes
        passes[name] = entry
    training_fields = sorted(f.name for f in dataclasses.fields(transformers.TrainingArguments) if f.init)
    from olive.evaluator import metric_config
    from olive.hardware.constants import DEVICE_TO_EXECUTION_PROVIDERS, ExecutionProvider

    user_config = {"*": sorted(metric_config._common_user_config)}  # every metric type's, then each type's own
    user_config.update({t: sorted(keys) for t, keys in sorted(metric_config._type_to_user_config.items())})

    facts = {
        "olive_version": version,
        "execution_providers": [ep.value for ep in ExecutionProvider],
        "device_to_execution_providers": {
            d: sorted(ep.value for ep in eps) for d, eps in sorted(DEVICE_TO_EXECUTION_PROVIDERS.items())
        },
        "extra_dependencies": registry.get("extra_dependencies", {}),
        "training_arguments": training_fields,
        "metric_user_config": user_config,
        "passes": passes,
    }
    assert OlivePackageConfig is not None
    files = {
        "passes.json": json.dumps(facts, indent=1, sort_keys=True) + "\n",
        "run-config.schema.json": json.dumps(_run_config_schema(RunConfig), indent=1, sort_keys=True) + "\n",
    }
    for fname, text in files.items():
        (out_dir / fname).write_text(text, encoding="utf-8")
    provenance = {
        "olive_ai": version,
        "transformers": transformers.__version__,
        "python": sys.version.split()[0],
        "generated_by": "python tools/vendor_olive.py",
        "sha256": {f: hashlib.sha256(t.encode()).hexdigest() for f, t in files.items()},
    }
    (out_dir / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out_dir}: {len(passes)} passes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
