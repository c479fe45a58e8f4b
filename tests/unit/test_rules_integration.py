"""The pre-commit hooks and the CI workflow in docs/ci-integration.md do what they say."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from olivegen.cli import build_parser
from tests.conftest import EXAMPLES, ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"
DOC = ROOT / "docs" / "ci-integration.md"


def hooks() -> dict[str, dict[str, Any]]:
    data = YAML(typ="safe", pure=True).load(HOOKS.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in data}


def test_hook_manifest_shape() -> None:
    found = hooks()
    assert sorted(found) == ["olivegen-render-check", "olivegen-validate"]
    for hook in found.values():
        assert {"id", "name", "entry", "language", "files"} <= set(hook)
        assert hook["language"] == "python"
        re.compile(hook["files"])
    assert found["olivegen-validate"]["entry"] == "olivegen validate --strict"


@pytest.mark.parametrize(
    ("name", "validate", "render_check"),
    [
        ("travel.olive.yaml", True, True),
        ("deploy/travel.olive.yml", True, True),
        ("deploy/travel.olive-config.json", False, True),
        ("recipes/travel.yaml", True, False),
        ("ml/recipes/sub/travel.yml", True, False),
        (".github/workflows/ci.yaml", False, False),
        ("olive-config.json", False, False),
        ("notrecipes/x.yaml", False, False),
    ],
)
def test_hook_file_patterns(name: str, validate: bool, render_check: bool) -> None:
    found = hooks()
    assert bool(re.search(found["olivegen-validate"]["files"], name)) is validate
    assert bool(re.search(found["olivegen-render-check"]["files"], name)) is render_check


def test_validate_hook_entry_is_a_real_command_line() -> None:
    entry = hooks()["olivegen-validate"]["entry"].split()
    args = build_parser().parse_args([*entry[1:], "x.olive.yaml"])
    assert args.command == "validate" and args.strict


@pytest.mark.skipif(shutil.which("sh") is None, reason="the render-check hook is a POSIX sh entry")
def test_render_check_hook_entry(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "data", tmp_path / "data")
    recipe = (EXAMPLES / "phi35-travel-lab.yaml").read_text(encoding="utf-8")
    (tmp_path / "lab.olive.yaml").write_text(recipe, encoding="utf-8")
    (tmp_path / "other.olive.yaml").write_text(recipe, encoding="utf-8")  # nothing committed beside it
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    entry = hooks()["olivegen-render-check"]["entry"]

    def run(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", "-c", f'{entry} "$@"', "hook", *files], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    assert run("lab.olive.yaml", "other.olive.yaml").returncode == 0  # no config committed: nothing to compare
    subprocess.run(
        ["olivegen", "render", "lab.olive.yaml", "-o", "lab.olive-config.json", "--relative-to", "."],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert str(tmp_path) not in (tmp_path / "lab.olive-config.json").read_text(), "portable: no absolute paths"
    fresh = run("lab.olive.yaml", "lab.olive-config.json")
    assert fresh.returncode == 0, fresh.stderr
    config = tmp_path / "lab.olive-config.json"
    config.write_text(config.read_text().replace('"int4"', '"int8"'))
    stale = run("lab.olive-config.json", "lab.olive.yaml")
    assert stale.returncode == 1
    assert stale.stderr.count("out of date") == 1, "each pair is checked once"
    (tmp_path / "orphan.olive-config.json").write_text("{}\n")
    orphan = run("orphan.olive-config.json")
    assert orphan.returncode == 1 and "no recipe orphan.olive.yaml beside it" in orphan.stderr


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", text, flags=re.M | re.S)


def test_documented_workflow_is_valid_and_runs_validate() -> None:
    blocks = [b for b in _yaml_blocks(DOC.read_text(encoding="utf-8")) if "jobs:" in b]
    assert len(blocks) == 1
    workflow = YAML(typ="safe", pure=True).load(blocks[0])
    steps = workflow["jobs"]["validate"]["steps"]
    assert [s["uses"] for s in steps if "/olivegen@" in s.get("uses", "")] == ["OWNER/olivegen@<commit-sha>"]
    assert workflow["permissions"]["security-events"] == "write"
    # the action at the repository root does the work (tests/test_action.py runs it on a clean clone)
    action = YAML(typ="safe", pure=True).load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    action_steps = action["runs"]["steps"]
    runs = "\n".join(step.get("run", "") for step in action_steps)
    assert "olivegen validate --format github" in runs and "olivegen validate --format sarif" in runs
    assert 'pip install --disable-pip-version-check --quiet "$OLIVEGEN_ACTION_PATH"' in runs
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in action_steps)
    assert any(step.get("uses", "").startswith("actions/setup-python") for step in action_steps)


def test_no_document_names_a_release_that_does_not_exist() -> None:
    for path in (DOC, HOOKS, ROOT / "README.md"):
        text = path.read_text(encoding="utf-8")
        assert "olivegen==" not in text and "rev: v0." not in text and "@v0.1.0" not in text, path


def test_documented_ci_command_passes_on_the_examples(run_cli: Any) -> None:
    text = DOC.read_text(encoding="utf-8")
    command = re.search(r"^olivegen validate --strict examples/.*$", text, flags=re.M)
    assert command is not None
    files = [p for pattern in command.group().split()[3:] for p in sorted(ROOT.glob(pattern))]
    assert len(files) >= 4
    result = run_cli("validate", "--strict", "--format", "text", *files)
    assert result.code == 0, result.err
