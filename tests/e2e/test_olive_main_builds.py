"""A matrix rendered as Olive main's `builds` runs there: `olive run` on the tiny model, two builds, one config."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.render.olive_check import problems_in
from olivegen.runner.tinymodel import TinyModel
from tests.conftest import OLIVE_MAIN, ROOT, CliResult, needs_olive_main
from tests.e2e.conftest import write_recipe

pytestmark = [pytest.mark.slow, pytest.mark.olive, needs_olive_main]

RECIPE = """\
name: tiny-builds
model:
  path: {model}
host: cpu
passes:
  - type: builder
    precision: int4
matrix:
  precision:
    int4: ~
    fp32: {{passes.builder.precision: fp32}}
"""


def test_olive_main_runs_both_builds_of_one_rendered_config(
    tiny_llama: TinyModel, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    assert OLIVE_MAIN
    recipe = write_recipe(tmp_path, RECIPE.format(model=tiny_llama.model_dir))
    rendered = run_cli("render", recipe, "--olive-version", "main", "-o", tmp_path / "olive-config.json")
    assert rendered.code == 0, rendered.err
    config = json.loads((tmp_path / "olive-config.json").read_text(encoding="utf-8"))
    assert list(config["builds"]) == ["int4", "fp32"]
    assert problems_in(OLIVE_MAIN, [config], run_in=tmp_path) == [[]]  # Olive main's parse_run_config and passes
    started = time.monotonic()
    done = subprocess.run(
        [OLIVE_MAIN, "-m", "olive", "run", "--config", "olive-config.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for name in ("int4", "fp32"):
        out = tmp_path / "outputs" / f"tiny-builds-{name}"
        assert f"Build '{name}': model is saved under outputs/tiny-builds-{name}" in done.stdout
        assert (out / "model.onnx").is_file() and (out / "genai_config.json").is_file()
    # each build used its own precision: int4 writes MatMulNBits, fp32 does not
    int4 = (tmp_path / "outputs" / "tiny-builds-int4" / "model.onnx").read_bytes()
    fp32 = (tmp_path / "outputs" / "tiny-builds-fp32" / "model.onnx").read_bytes()
    assert b"MatMulNBits" in int4 and b"MatMulNBits" not in fp32
    print(f"olive run, two builds: {seconds:.1f} s")
