"""The agreement benchmark's recorded verdicts (issue 19, item 2): a rule change that flips one fails here.

bench/agreement.py records, for every case of bench/agreement_cases.py, olivegen's verdict and Olive
0.13's (config check, validate_config, source lines, real runs). This test recompiles every case with
olivegen alone (no Olive) and compares with the record. After a deliberate rule change, re-record
with `python bench/agreement.py` (or `--olivegen-only` to keep Olive's recorded verdicts) and read
the new docs/agreement.md: the case then agrees with Olive, or the change made a disagreement.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from olivegen.knowledge.catalog import canonical_pass, canonical_provider
from olivegen.recipe.passes import TYPED_PASSES

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "bench" / "agreement-verdicts.json"
TARGET_KINDS = {
    "CPUExecutionProvider",
    "CUDAExecutionProvider",
    "DmlExecutionProvider",
    "WebGpuExecutionProvider",
    "OpenVINOExecutionProvider",
    "QNNExecutionProvider",
    "NvTensorRTRTXExecutionProvider",
    "VitisAIExecutionProvider",
}


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> Any:
    return _load("agreement")


@pytest.fixture(scope="module")
def cat(bench: Any) -> Any:
    return bench.catalogue()


def test_catalogue_size_and_coverage(bench: Any, cat: Any) -> None:
    kinds = [c["kind"] for c in cat.CASES]
    assert kinds.count("mistake") >= 150
    assert kinds.count("valid") >= 30
    assert len(cat.BASES) >= 8
    assert len({c["id"] for c in cat.CASES}) == len(cat.CASES)
    passes, targets = set(), set()
    for case in cat.CASES:
        recipe = bench.recipe_of(case, cat.BASES)
        for spec in recipe.get("passes") or []:
            if isinstance(spec, dict) and isinstance(spec.get("type"), str):
                passes.add(canonical_pass(spec["type"]))
        target = recipe.get("target") or recipe.get("host")
        provider = target if isinstance(target, str) else (target or {}).get("provider", "")
        targets.add(canonical_provider(str(provider)))
    assert set(TYPED_PASSES) <= passes, set(TYPED_PASSES) - passes
    assert TARGET_KINDS <= targets, TARGET_KINDS - targets


def test_recorded_olivegen_verdicts(bench: Any, cat: Any) -> None:
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert {c["id"] for c in cat.CASES} <= set(recorded), "record new cases: python bench/agreement.py"
    now = bench.olivegen_only(cat.CASES, cat.BASES)
    flipped = {
        case_id: {"recorded": recorded[case_id]["olivegen"], "now": mine}
        for case_id, mine in now.items()
        if recorded[case_id]["olivegen"] != mine
    }
    assert not flipped, (
        "olivegen's verdict changed on these agreement cases; check each against its Olive verdict in"
        f" docs/agreement.md, then re-record with `python bench/agreement.py --olivegen-only`: {flipped}"
    )


def test_every_case_has_an_olive_verdict_recorded() -> None:
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert all(entry.get("olive", {}).get("verdict") for entry in recorded.values())


def test_no_disagreement_where_olive_judges_here(bench: Any) -> None:
    """Issue 19's goal: 0 false refusals and 0 false acceptances among the cases Olive can judge on this machine."""
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    wrong = {
        case_id: (entry["olivegen"], entry["olive"])
        for case_id, entry in recorded.items()
        if entry["olive"]["how"] != "hardware"
        and bench.outcome(entry["olivegen"]["verdict"], entry["olive"]["verdict"]).startswith("false")
    }
    assert not wrong, f"olivegen disagrees with Olive's recorded verdict (docs/agreement.md): {wrong}"
