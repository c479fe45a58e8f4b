"""The CLI's contract: outputs, exit codes, atomic writes, --check, and no traceback for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, CliResult

LAB = EXAMPLES / "phi35-travel-lab.yaml"
Run = Callable[..., CliResult]


def test_render_to_stdout_is_the_config(run_cli: Run) -> None:
    result = run_cli("render", LAB)
    assert result.code == 0
    config = json.loads(result.out)
    assert list(config["passes"]) == ["awq", "lora", "model_builder", "extract_adapters"]
    assert [p["type"] for p in config["passes"].values()] == [
        "AutoAWQQuantizer", "LoRA", "ModelBuilder", "ExtractAdapters"
    ]


def test_render_is_deterministic(run_cli: Run) -> None:
    assert run_cli("render", LAB).out == run_cli("render", LAB).out


def test_render_from_another_directory_gives_the_same_bytes(run_cli: Run, tmp_path: Path) -> None:
    here = run_cli("render", LAB, cwd=ROOT).out
    elsewhere = run_cli("render", LAB, cwd=tmp_path).out
    assert here == elsewhere
    data_file = json.loads(elsewhere)["data_configs"][0]["load_dataset_config"]["data_files"]
    assert Path(data_file).is_absolute() and Path(data_file).is_file()


def test_render_writes_file_and_check_detects_drift(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "olive-config.json"
    assert run_cli("render", LAB, "-o", out).code == 0
    assert json.loads(out.read_text())["workflow_id"] == "phi35-travel-lab"
    assert run_cli("render", LAB, "-o", out, "--check").code == 0
    out.write_text(out.read_text().replace('"int4"', '"int8"'))
    drift = run_cli("render", LAB, "-o", out, "--check")
    assert drift.code == 1
    assert "out of date" in drift.err and "olivegen render" in drift.err


def test_check_without_output_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("render", LAB, "--check")
    assert result.code == 2
    assert "--check needs" in result.err


def test_failed_render_leaves_existing_output_untouched(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "olive-config.json"
    out.write_text("previous\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("model:\n  path: x/y\npasses:\n  - type: nope\n")
    assert run_cli("render", bad, "-o", out).code == 1
    assert out.read_text() == "previous\n"
    assert not list(tmp_path.glob(".olive-config.json.*"))


def test_atomic_write_keeps_permissions(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "olive-config.json"
    out.write_text("{}\n")
    out.chmod(0o640)
    assert run_cli("render", LAB, "-o", out).code == 0
    assert out.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing.yaml", "missing.yaml:1:1: error[recipe]: no such file"),
        (lambda d: d, "error[recipe]: is a directory, not a recipe file"),
    ],
    ids=["missing-file", "directory"],
)
def test_unreadable_inputs(run_cli: Run, tmp_path: Path, make: Callable[[Path], Path], expected: str) -> None:
    result = run_cli("validate", make(tmp_path))
    assert result.code == 1
    assert result.first_err_line.endswith(expected)


def test_validate_many_files_reports_all_and_summarizes(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model:\n  path: x/y\npasses:\n  - type: rtn\n    bits: 3\n  - type: builder\n")
    examples = sorted(EXAMPLES.glob("*.yaml"))
    result = run_cli("validate", *examples, bad)
    assert result.code == 1
    assert result.err.count("error[") == 2
    assert result.err.splitlines()[-1] == f"{len(examples) + 1} files, 2 errors, 0 warnings"


def test_examples_validate_clean(run_cli: Run) -> None:
    examples = sorted(EXAMPLES.glob("*.yaml"))
    result = run_cli("validate", *examples)
    assert result.code == 0, result.err
    assert result.err.splitlines()[-1] == f"{len(examples)} files, 0 errors, 0 warnings"


def test_schema_check_matches_committed_copy(run_cli: Run) -> None:
    result = run_cli("schema", "--check", "-o", ROOT / "schemas" / "recipe.schema.json")
    assert result.code == 0, "schemas/recipe.schema.json is stale; run: olivegen schema -o schemas/recipe.schema.json"


def test_passes_lists_every_olive_pass(run_cli: Run) -> None:
    lines = run_cli("passes").out.splitlines()
    assert len(lines) == 81
    assert any(line.startswith("typed   ModelBuilder") for line in lines)


def test_module_entry_point_and_exit_codes(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run([sys.executable, "-m", "olivegen", "validate", LAB], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    usage = subprocess.run([sys.executable, "-m", "olivegen", "render"], capture_output=True, text=True, env=env)
    assert usage.returncode == 2
    assert "usage:" in usage.stderr


def test_render_and_validate_import_no_heavy_modules() -> None:
    code = (
        "import sys\nfrom olivegen.cli import main\n"
        f"assert main(['validate', {str(LAB)!r}]) == 0\n"
        f"assert main(['render', {str(LAB)!r}]) == 0\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'olive', 'onnxruntime', 'datasets') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_relative_to_makes_the_config_portable(run_cli: Run, tmp_path: Path) -> None:
    import shutil

    rendered = []
    for checkout in ("a", "b"):
        root = tmp_path / checkout
        shutil.copytree(EXAMPLES, root / "examples")
        out = root / "configs" / "lab.json"
        assert run_cli("render", root / "examples" / LAB.name, "-o", out, "--relative-to", root).code == 0
        rendered.append(out.read_text())
        config = json.loads(rendered[-1])
        data = config["data_configs"][0]["load_dataset_config"]["data_files"]
        assert data == "examples/data/data_sample_travel.jsonl"
        assert (root / data).is_file()
        assert config["engine"]["output_dir"] == "examples/models/phi/onnx-ao"
        assert run_cli("render", root / "examples" / LAB.name, "-o", out, "--relative-to", root, "--check").code == 0
    assert rendered[0] == rendered[1]


@pytest.mark.parametrize("command", ["render", "schema"])
def test_unwritable_output_is_one_line_not_a_traceback(run_cli: Run, tmp_path: Path, command: str) -> None:
    (tmp_path / "afile").write_text("x")
    out = tmp_path / "afile" / "config.json"  # a folder that is a file
    args = ("render", LAB, "-o", out) if command == "render" else ("schema", "-o", out)
    result = run_cli(*args)
    assert result.code == 2
    assert result.err.startswith(f"olivegen: error: cannot write {out}: ")
    assert "Traceback" not in result.err


def test_init_into_a_folder_is_one_line(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("init", "--preset", "int4", "-o", tmp_path, "--force")
    assert result.code == 2
    assert result.err.startswith(f"olivegen: error: cannot write {tmp_path}: ")


def test_run_output_that_is_a_file_is_refused(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    recipe = tmp_path / "r.yaml"
    recipe.write_text("model: {path: x/y}\nhost: cpu\npasses: [{type: builder, precision: int4}]\n")
    result = run_cli("run", recipe, "-o", tmp_path / "afile", "--dry-run")
    assert result.code == 2
    assert "is a file; -o names the output folder of the run" in result.err
    assert "Traceback" not in result.err


def test_dash_output_means_stdout(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("render", LAB, "-o", "-", cwd=tmp_path)
    assert result.code == 0 and json.loads(result.out)["workflow_id"] == "phi35-travel-lab"
    assert not (tmp_path / "-").exists()
