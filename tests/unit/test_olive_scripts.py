"""`validate --olive` never imports or runs code that its input names (issue 20, finding 1).

Olive's own config check imports `user_script` (data configs, evaluators even of an unknown type,
passes) with `script_dir` on sys.path, and asks a python environment target's `python` for its
providers. A pull request controls all of those files, so `--olive` refuses them at their key
unless `--trust-scripts` says the input is trusted.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

Run = Callable[..., CliResult]
MODEL = {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"}
PASSES = {"conv": {"type": "OnnxConversion", "target_opset": 17}}


def _evil(folder: Path, name: str = "evil.py") -> Path:
    """A script that leaves a marker file beside itself when it is imported."""
    marker = folder / "IMPORTED"
    (folder / name).write_text(f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8")
    return marker


def _config(folder: Path, extra: dict[str, object]) -> Path:
    """An Olive config; `evil.py` in it names the script in `folder` by its absolute path.

    (Olive caches imports by the name written: a relative `evil.py` imported by one test would not
    be imported again by the next in this process.)
    """
    path = folder / "olive-config.json"
    body = {"input_model": MODEL, "passes": PASSES, **extra}
    text = json.dumps(body, indent=2).replace('"evil.py"', json.dumps(str(folder / "evil.py")))
    text = text.replace('"script_dir": "."', f'"script_dir": {json.dumps(str(folder))}')
    path.write_text(text + "\n", encoding="utf-8")
    return path


CASES: dict[str, tuple[dict[str, object], str]] = {
    "data-config-user-script": (
        {"data_configs": [{"name": "d", "type": "HuggingfaceContainer", "user_script": "evil.py"}]},
        '"user_script"',
    ),
    "evaluator-user-script-invalid-type": (
        {"evaluators": {"e": {"type": "NoSuchEvaluator", "user_script": "evil.py", "metrics": []}}},
        '"user_script"',
    ),
    "evaluator-script-dir": (
        {"evaluators": {"e": {"script_dir": ".", "user_script": "evil.py", "metrics": []}}},
        '"script_dir"',
    ),
    "model-script": (
        {"input_model": {"type": "PyTorchModel", "model_script": "evil.py", "model_loader": "load"}},
        '"model_script"',
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_olive_config_naming_a_script_is_refused_at_its_key(run_cli: Run, tmp_path: Path, case: str) -> None:
    extra, key = CASES[case]
    marker = _evil(tmp_path)
    config = _config(tmp_path, extra)
    result = run_cli("validate", "--olive", config)
    assert not marker.exists(), "Olive's check imported the script"
    assert result.code == 1, result.out
    line = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if key in text)
    refusal = [row for row in result.out.splitlines() if "error[olive]" in row]
    assert refusal and refusal[0].startswith(f"{config}:{line}:"), result.out
    assert "Olive's check would import and run" in result.out and "--trust-scripts" in result.out


def test_a_recipe_naming_a_data_script_is_refused_at_its_key(run_cli: Run, tmp_path: Path) -> None:
    marker = _evil(tmp_path)
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "model:\n  olive:\n    type: ONNXModel\n    model_path: model.onnx\n"
        "evaluate:\n  olive:\n    metrics:\n      - name: latency\n        type: latency\n"
        "        data_config: bench\n        sub_types: [{name: avg}]\n"
        "data:\n  - name: bench\n    olive:\n      type: DummyDataContainer\n"
        f"      user_script: {tmp_path / 'evil.py'}\n"
        "      load_dataset_config:\n        params: {input_names: [x], input_shapes: [[1, 4]]}\n"
        "passes:\n  - type: OnnxBlockWiseRtnQuantization\n",
        encoding="utf-8",
    )
    (tmp_path / "model.onnx").write_bytes(b"")
    result = run_cli("validate", "--olive", recipe)
    assert not marker.exists(), "Olive's check imported the script"
    assert f"{recipe}:16:7: error[olive]: Olive's check would import and run" in result.out, result.out
    assert result.code == 1


def test_a_python_environment_target_is_never_run(run_cli: Run, tmp_path: Path) -> None:
    """Olive asks a python environment target's `python` for its providers: a pull request's `python` would run."""
    bin_dir = tmp_path / "env"
    bin_dir.mkdir()
    marker = tmp_path / "RAN"
    python = bin_dir / "python"
    python.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    system = {
        "type": "PythonEnvironment",
        "config": {"python_environment_path": str(bin_dir), "accelerators": [{"device": "cpu"}]},
    }
    config = _config(tmp_path, {"systems": {"env": system}, "engine": {"target": "env"}})
    result = run_cli("validate", "--olive", config)
    assert not marker.exists()
    assert result.code == 1 and "Olive's check would run the `python` found in" in result.out, result.out


def test_without_olive_nothing_is_refused_for_a_script(run_cli: Run, tmp_path: Path) -> None:
    """Plain `validate` imports nothing, so a script named by a config is no finding of its own."""
    marker = _evil(tmp_path)
    config = _config(tmp_path, CASES["data-config-user-script"][0])
    result = run_cli("validate", config)
    assert not marker.exists() and "Olive's check would" not in result.out


def test_the_check_itself_refuses_without_trust() -> None:
    """`python -m olivegen.render.olive_check` (another Python's Olive) refuses too, before importing Olive."""
    from olivegen.render.olive_check import olive_problems

    config = {"input_model": MODEL, "data_configs": [{"name": "d", "user_script": "/x/evil.py"}]}
    problems = olive_problems(config)
    assert problems == [
        "data_configs.0.user_script: Olive's check would import and run /x/evil.py (pass --trust-scripts only for"
        " inputs you trust: it lets Olive import the scripts they name)"
    ]


@pytest.mark.olive
def test_trust_scripts_lets_olive_import_them(run_cli: Run, tmp_path: Path) -> None:
    """The control: the same input with the flag does import the script, so the refusal above is what stops it."""
    pytest.importorskip("olive", reason="olive-ai is not installed")
    marker = _evil(tmp_path)
    config = _config(tmp_path, CASES["evaluator-user-script-invalid-type"][0])
    here = os.getcwd()
    result = run_cli("validate", "--olive", "--trust-scripts", config)
    assert os.getcwd() == here
    assert marker.exists(), result.out
    assert "Olive's check would" not in result.out


def test_the_flag_says_what_it_is_for(run_cli: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_cli("validate", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "--trust-scripts for inputs you trust: lets Olive import the scripts they name" in out
