"""The built wheel works on its own: installed in a fresh venv, it renders every example from elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("olivegen-*.whl")
    return found


def test_wheel_ships_templates_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "olivegen/templates/olive-0.13/olive-config.json.j2" in names
    assert "olivegen/schemas/olive-0.13/passes.json" in names
    assert "olivegen/schemas/recipe.schema.json" in names


def test_installed_wheel_renders_examples_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    cli = env_dir / "bin" / "olivegen"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for example in sorted(EXAMPLES.glob("*.yaml")):
        result = subprocess.run(
            [cli, "render", str(example)], capture_output=True, text=True, cwd=elsewhere, env=env
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["workflow_id"]
    where = subprocess.run(
        [python, "-c", "import olivegen.knowledge.resources as r; print(r.templates_dir('0.13'))"],
        capture_output=True, text=True, cwd=elsewhere, env=env, check=True,
    )
    assert str(env_dir) in where.stdout, "the installed wheel must use its own packaged templates"
