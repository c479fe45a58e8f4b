"""The documented GitHub Actions check works on a clean clone, with no package index entry for olivegen.

docs/ci-integration.md's workflow checks out the repository and uses the action at its root
(`uses: OWNER/olivegen@<commit-sha>`). This test clones this repository (`git clone`, the
committed HEAD), then runs the action's shell steps in bash the way the runner would: each
`run:` with its `env:`, `${{ inputs.* }}` from the documented `with:` over the action's defaults,
`${{ github.action_path }}` the clone, step outputs through $GITHUB_OUTPUT, `if:` conditions that
are plain input tests evaluated. The `uses:` steps (setup-python, upload-sarif) are GitHub's and
are not run: a fresh venv's bin on PATH stands for setup-python's Python.

About 10 s on the shared 2-core machine (most of it pip building and installing the clone), so
it is not marked slow. Offline: pip gets `PIP_NO_INDEX=1` (no index at all, so nothing named olivegen can come from one)
and `PIP_NO_BUILD_ISOLATION=0` (build with the hatchling already installed); the fresh venv sees
olivegen's dependencies through a .pth line naming this environment's site-packages, where no
olivegen package is importable (the checkout's editable install is a hook that a .pth path does
not run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT

DOC = ROOT / "docs" / "ci-integration.md"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def documented_workflow() -> dict[str, Any]:
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(encoding="utf-8"), flags=re.M | re.S)
    (block,) = [b for b in blocks if "jobs:" in b]
    workflow: dict[str, Any] = _yaml(block)
    return workflow


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean clone of this repository at its committed HEAD."""
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    path = tmp_path_factory.mktemp("clone") / "olivegen"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "checkout", "--quiet", head.stdout.strip()], check=True)
    return path


@pytest.fixture(scope="module")
def python_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (what setup-python provides), olivegen not installed, its dependencies reachable offline."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    site = Path(
        subprocess.run(
            [env_dir / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    probe = subprocess.run(
        [env_dir / "bin" / "python", "-c", "import olivegen.cli"],
        capture_output=True,
        text=True,
        env=_clean_env(),
        cwd=env_dir,
    )
    assert probe.returncode != 0, "the fresh venv must not see an olivegen before the action installs it"
    return env_dir / "bin"


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("PIP_")}


def _evaluate(expression: str, context: dict[str, Any]) -> Any:
    """The few expressions the action uses: `inputs.x`, `steps.id.outputs.x`, `github.action_path`, `!cancelled()`,
    `a == 'b'`, `a != ''` joined by `&&`."""
    if "&&" in expression:
        return all(_evaluate(part, context) for part in expression.split("&&"))
    expression = expression.strip()
    if expression == "!cancelled()":
        return True
    for op in ("==", "!="):
        if op in expression:
            left, right = (side.strip() for side in expression.split(op))
            equal = str(_evaluate(left, context)) == right.strip("'")
            return equal if op == "==" else not equal
    value: Any = context
    for part in expression.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value


def _substitute(text: str, context: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda m: str(_evaluate(m.group(1), context)), text)


def run_action(clone: Path, python_bin: Path, workspace: Path, tmp: Path, with_: dict[str, str]) -> dict[str, Any]:
    """Run action.yml's shell steps in `workspace`; return each step's result and the final exit code."""
    action = _yaml((clone / "action.yml").read_text(encoding="utf-8"))
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update({k: str(v) for k, v in with_.items()})
    context: dict[str, Any] = {"inputs": inputs, "github": {"action_path": str(clone)}, "steps": {}}
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    summary = tmp / "step-summary.md"
    summary.touch()
    base = {
        **_clean_env(),
        "PATH": f"{python_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(runner_temp),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
    }
    results: dict[str, Any] = {"uses": [], "runs": [], "summary": summary}
    for step in action["runs"]["steps"]:
        if "if" in step and not _evaluate(EXPRESSION.sub(r"\1", str(step["if"])), context):
            continue
        if "uses" in step:
            results["uses"].append(step["uses"])
            continue
        assert step["shell"] == "bash"
        output = tmp / "github-output"
        output.write_text("", encoding="utf-8")
        env = {**base, "GITHUB_OUTPUT": str(output)}
        env.update({k: _substitute(str(v), context) for k, v in step.get("env", {}).items()})
        assert "${{" not in step["run"], "inputs reach the shell through env only"
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        outputs = dict(
            line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line
        )
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": outputs}
        results["runs"].append((step.get("name", ""), done))
        if done.returncode != 0:
            results["exit"] = done.returncode
            return results
    results["exit"] = 0
    return results


@pytest.fixture
def workspace(tmp_path: Path, clone: Path) -> Path:
    """A consumer repository: one clean recipe and its data (its modeline names the schema by URL, as `init` does
    in a repository without a schema file: a path to a missing file is a `schema-file` warning)."""
    from olivegen.knowledge.resources import schema_url

    work = tmp_path / "consumer"
    shutil.copytree(clone / "examples" / "data", work / "data")
    (work / "travel.olive.yaml").write_text(
        (clone / "examples" / "phi35-travel-lab.yaml")
        .read_text(encoding="utf-8")
        .replace("../schemas/recipe.schema.json", schema_url()),
        encoding="utf-8",
    )
    return work


def test_the_documented_workflow_uses_the_action_by_commit() -> None:
    workflow = documented_workflow()
    steps = workflow["jobs"]["validate"]["steps"]
    (step,) = [s for s in steps if "/olivegen@" in s.get("uses", "")]
    assert step["uses"] == "OWNER/olivegen@<commit-sha>"
    assert workflow["permissions"]["security-events"] == "write"


def test_the_documented_workflow_runs_on_a_clean_clone(
    clone: Path, python_bin: Path, workspace: Path, tmp_path: Path
) -> None:
    (step,) = [s for s in documented_workflow()["jobs"]["validate"]["steps"] if "/olivegen@" in s.get("uses", "")]
    clean = run_action(clone, python_bin, workspace, tmp_path, step.get("with", {}))
    names = [name for name, _ in clean["runs"]]
    assert clean["exit"] == 0, [(n, r.stdout, r.stderr) for n, r in clean["runs"]]
    assert names[0] == "Install olivegen from the action's checkout"
    assert any(u.startswith("actions/setup-python@") for u in clean["uses"])
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in clean["uses"])
    installed = subprocess.run(
        [python_bin / "python", "-c", "import olivegen, sys; print(olivegen.__file__)"],
        capture_output=True,
        text=True,
        env=_clean_env(),
        cwd=tmp_path,
        check=True,
    )
    assert str(python_bin.parent) in installed.stdout  # olivegen came from the clone, into the fresh venv
    sarif = tmp_path / "runner-temp" / "olivegen.sarif"
    assert '"version": "2.1.0"' in sarif.read_text(encoding="utf-8")
    assert "1 recipes checked: no finding." in clean["summary"].read_text(encoding="utf-8")

    # a broken recipe: an annotation at its line, the SARIF still written, and the check fails
    broken = workspace / "recipes" / "broken.yaml"
    broken.parent.mkdir()
    broken.write_text(
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\npasses:\n  - type: lora\n    lora_r: 64\n", encoding="utf-8"
    )
    failing = run_action(clone, python_bin, workspace, tmp_path, step.get("with", {}))
    assert failing["exit"] == 1
    validate = dict(failing["runs"])["Validate recipes (annotations on the pull request)"]
    assert "::error file=recipes/broken.yaml,line=5,col=5,title=olivegen legacy-key::" in validate.stdout
    assert "recipes/broken.yaml" in sarif.read_text(encoding="utf-8")
    assert [n for n, _ in failing["runs"]][-1] == "Fail on findings"


def test_the_matrix_summary_is_rerendered_escaped(
    clone: Path, python_bin: Path, workspace: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "matrix-summary.json"
    summary.write_text(
        '{"recipe": "r.yaml", "ok": true, "variants": [{"variant": "<img src=x>", "status": "ok"}]}', encoding="utf-8"
    )
    done = run_action(clone, python_bin, workspace, tmp_path, {"matrix-summary": str(summary), "sarif": "false"})
    assert done["exit"] == 0, [(n, r.stderr) for n, r in done["runs"]]
    text = done["summary"].read_text(encoding="utf-8")
    assert "### olivegen run `r.yaml`: 1 of 1 variants succeeded" in text
    assert "| \\<img src\\=x\\> | ok |" in text and re.search(r"(?<!\\)<img", text) is None

