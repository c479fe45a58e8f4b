"""bench/olive_main.py picks the configs that need Olive's main branch by the pass tables, nothing else."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bench() -> Any:
    sys.path.insert(0, str(ROOT / "bench"))  # it imports its neighbours (corpus, olive_semantics)
    try:
        spec = importlib.util.spec_from_file_location("olive_main_bench", ROOT / "bench" / "olive_main.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return module


def _tables(folder: Path) -> Path:
    """Hand-written pass tables in the shape of ../shared/olive-pass-tables/."""
    passes = {"v0.13.0": ["ModelBuilder", "VitisGenerateModelLLM"], "HEAD": ["ModelBuilder", "RyzenGenerateModelLLM"]}
    (folder / "olive_passes_by_version.json").write_text(json.dumps({"passes": passes}), encoding="utf-8")
    params = {"_source": "test", "VitisGenerateModelLLM": ["cpu_only"], "ModelBuilder": ["precision"]}
    (folder / "olive_head_pass_params.json").write_text(json.dumps(params), encoding="utf-8")
    return folder


def test_a_main_only_pass_or_parameter_selects_a_config(bench: Any, tmp_path: Path) -> None:
    passes, params = bench.main_only(_tables(tmp_path))
    assert passes == {"ryzengeneratemodelllm": "RyzenGenerateModelLLM"}

    def needs(config: dict[str, Any]) -> list[str]:
        return list(bench.needs_main(config, passes, params))

    assert needs({"passes": {"r": {"type": "RyzenGenerateModelLLM"}}}) == ["RyzenGenerateModelLLM"]
    assert needs({"passes": {"v": {"type": "VitisGenerateModelLLM", "cpu_only": True}}}) == [
        "VitisGenerateModelLLM.cpu_only"
    ]
    assert needs({"passes": {"v": {"type": "VitisGenerateModelLLM", "config": {"cpu_only": True}}}}) == [
        "VitisGenerateModelLLM.cpu_only"
    ]
    assert needs({"passes": {"b": {"type": "ModelBuilder", "precision": "int4"}}}) == []  # 0.13 has it
    assert needs({"passes": [{"type": "RyzenGenerateModelLLM"}]}) == []  # not a config Olive reads
