"""`render --relative-to DIR`: a rendered config whose local paths are relative to where `olive run` starts."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from olivegen.source.paths import RAW_MAYBE_PATH_KEYS, RAW_PATH_KEYS


def relocate(config: dict[str, Any], anchor: Path) -> dict[str, Any]:
    """Return a rendered config whose local paths are relative to `anchor` (where `olive run` will start).

    Only the places olivegen renders paths into are touched: the input model and adapter, system
    folders and conda files, local data files, the engine's output and cache folders, and the
    path keys of raw Olive blocks (`user_script`, `script_dir`, ... wherever they stand).
    """
    out = copy.deepcopy(config)

    def rel(value: Any) -> Any:
        if isinstance(value, str) and os.path.isabs(value):
            return Path(os.path.relpath(value, anchor)).as_posix()
        if isinstance(value, list):
            return [rel(v) for v in value]
        return value

    model = out.get("input_model", {})
    for key in ("model_path", "adapter_path"):
        if key in model:
            model[key] = rel(model[key])
    for system in out.get("systems", {}).values():
        for key in ("build_context_path", "python_environment_path", "prepend_to_path"):
            if key in system:
                system[key] = rel(system[key])
        docker = system.get("aml_docker_config")
        if isinstance(docker, dict) and "conda_file_path" in docker:
            docker["conda_file_path"] = rel(docker["conda_file_path"])
    for data in out.get("data_configs", []):
        load = data.get("load_dataset_config", {})
        if "data_files" in load:
            load["data_files"] = rel(load["data_files"])
    engine = out.get("engine", {})
    for key in ("output_dir", "cache_dir"):
        if key in engine:
            engine[key] = rel(engine[key])

    def raw(node: Any) -> None:  # the keys `source.paths.raw_paths` made absolute
        if isinstance(node, dict):
            for key, value in node.items():
                if key in RAW_PATH_KEYS or key in RAW_MAYBE_PATH_KEYS:
                    node[key] = rel(value)
                else:
                    raw(value)
        elif isinstance(node, list):
            for item in node:
                raw(item)

    raw(out)
    return out
