"""Real runs at team scale: every variant of a matrix in one `olivegen run`, and a rerun that starts no Olive."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from olivegen.runner import execute
from olivegen.runner.tinymodel import TinyModel
from tests.conftest import CliResult
from tests.e2e.conftest import Ran, recipe_text, write_recipe

pytestmark = [pytest.mark.slow, pytest.mark.olive]
POPEN = subprocess.Popen

LORA = (
    "- type: lora\n"
    "  r: 4\n"
    "  alpha: 8\n"
    "  torch_dtype: float32\n"
    "  training: {max_steps: 3, learning_rate: 0.01, per_device_train_batch_size: 2, seed: 0}\n"
    "- type: merge\n"
)

# The variants differ in the last pass only; the TorchScript exporter cannot trace transformers 5's
# DynamicCache, so that variant fails on purpose (Olive logs the error and exits 0).
MATRIX = """\
matrix:
  last:
    int4-b32: {passes.2.precision: int4, passes.2.int4_block_size: 32}
    int4-b16: {passes.2.precision: int4, passes.2.int4_block_size: 16}
    torchscript: {passes.2.type: onnx, passes.2.use_dynamo_exporter: false}
"""


def _no_olive(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError(f"Olive was started: {args[0] if args else kwargs}")


def test_a_three_variant_matrix_runs_every_variant_shares_the_cache_and_survives_a_failure(
    tiny_phi3: TinyModel, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    recipe = write_recipe(
        tmp_path, recipe_text(tiny_phi3, LORA + "- type: builder\n", name="tiny-matrix", extra=MATRIX)
    )
    out = tmp_path / "out"
    result = run_cli("run", recipe, "-o", out)
    assert result.code == 3, result.err  # one variant failed
    summary = json.loads((out / "matrix-summary.json").read_text(encoding="utf-8"))
    rows = {r["variant"]: r for r in summary["variants"]}
    assert [r["variant"] for r in summary["variants"]] == ["int4-b32", "int4-b16", "torchscript"]
    assert rows["int4-b32"]["status"] == "ok" and rows["int4-b16"]["status"] == "ok"
    assert rows["torchscript"]["status"] == "failed"
    assert "pass 'onnx_conversion' (OnnxConversion) failed" in rows["torchscript"]["failure"]
    for name in ("int4-b32", "int4-b16"):
        assert rows[name]["output_bytes"] > 0 and rows[name]["peak_rss_bytes"] > 0
        assert (out / name / "model" / "model.onnx").is_file()

    def statuses(name: str) -> list[str]:
        data = json.loads((out / name / "run-summary.json").read_text(encoding="utf-8"))
        return [p["status"] for p in data["passes"]]

    # LoRA and merge ran once, for the first variant; the others took them from the shared Olive cache
    assert statuses("int4-b32") == ["ok", "ok", "ok"]
    assert statuses("int4-b16") == ["cached", "cached", "ok"]
    assert statuses("torchscript") == ["cached", "cached", "failed"]
    assert (out / "cache" / "olive").is_dir()
    assert "| torchscript | failed |" in (out / "matrix-summary.md").read_text(encoding="utf-8")
    assert "variants:" in result.out and "int4-b16" in result.out.split("variants:")[1]


def test_an_unchanged_rerun_does_not_start_olive(
    tiny_phi3: TinyModel,
    tmp_path: Path,
    olivegen_run: Callable[..., Ran],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data.jsonl"  # a copy: the tiny model's own data file is shared by the session
    data.write_bytes(tiny_phi3.data_file.read_bytes())
    text = recipe_text(tiny_phi3, LORA + "- type: builder\n  precision: int4\n", name="tiny-again")
    recipe = write_recipe(tmp_path, text.replace(str(tiny_phi3.data_file), str(data)))
    out = tmp_path / "out"
    first = olivegen_run(recipe, out)
    assert first.cli.code == 0, first.cli.err
    log = (out / "olive-run.log").read_bytes()
    assert (out / "run-inputs.json").is_file()

    monkeypatch.setattr(execute.subprocess, "Popen", _no_olive)  # any Olive start fails the test
    again = olivegen_run(recipe, out)
    assert again.cli.code == 0, again.cli.err
    assert "reusing its output, Olive not started" in again.cli.err
    assert "tiny-again: reused" in again.cli.out
    assert (out / "olive-run.log").read_bytes() == log  # no new log
    assert again.model_dir == first.model_dir and (again.model_dir / "model.onnx").is_file()

    # a changed data file is an input: Olive runs again
    monkeypatch.setattr(execute.subprocess, "Popen", POPEN)
    with open(data, "a", encoding="utf-8") as sink:
        sink.write(json.dumps({"prompt": "Where to eat in Osaka?", "response": "Dotonbori."}) + "\n")
    third = olivegen_run(recipe, out)
    assert third.cli.code == 0, third.cli.err
    assert f"running again: {data} changed" in third.cli.err
    assert (out / "olive-run.log").read_bytes() != log
