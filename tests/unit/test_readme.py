"""Every olivegen command README.md shows runs as pasted from the repository root.

The commands are taken from README's fenced blocks and run, in this process, in a copy of the
repository (so the files they write land in the copy). `run`, `demo` and `olive run` need Olive and
minutes; the e2e tests cover them. A `$ olivegen ...` line of a `console` block must print what
the block shows.
"""

from __future__ import annotations

import glob
import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, CliResult

README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
CHECKED = {"render", "validate", "explain", "diff", "import", "init", "schema", "passes", "lsp", "--help", "--version"}
NOT_HERE = {"run", "demo"}  # need Olive and minutes: tests/e2e runs them


def readme_commands() -> list[str]:
    """Return every `olivegen ...` line of README's plain and console blocks, comments stripped."""
    found = []
    for match in FENCE.finditer(README.read_text(encoding="utf-8")):
        if match.group(1) not in ("", "console", "sh", "bash"):
            continue
        for line in match.group(2).splitlines():
            line = line.removeprefix("$ ")
            if line.startswith("olivegen "):
                found.append(line.split("  #", 1)[0].strip())
    return found


COMMANDS = readme_commands()
RUN_HERE = [c for c in COMMANDS if c.split()[1] in CHECKED]


def test_readme_shows_the_commands_and_each_is_checked_or_known() -> None:
    assert len(RUN_HERE) >= 10
    assert {c.split()[1] for c in COMMANDS} <= CHECKED | NOT_HERE


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository root with what the commands read (not .git, venvs or caches)."""
    copy = tmp_path_factory.mktemp("checkout")
    skip = shutil.ignore_patterns(".git", ".venv*", "__pycache__", ".*_cache", ".hypothesis", "outputs", "*.egg-info")
    for name in ("examples", "tests", "schemas", "templates", "docs"):
        shutil.copytree(ROOT / name, copy / name, ignore=skip)
    shutil.copy(README, copy / "README.md")
    return copy


def argv(command: str, cwd: Path) -> list[str]:
    """Split a command as a shell would, globs expanded in `cwd`."""
    out: list[str] = []
    for word in shlex.split(command)[1:]:
        matches = sorted(glob.glob(word, root_dir=cwd)) if any(ch in word for ch in "*?[") else []
        out.extend(matches or [word])
    return out


@pytest.mark.parametrize("command", RUN_HERE)
def test_readme_command_runs_as_pasted(
    command: str, checkout: Path, run_cli: Callable[..., CliResult], capsys: pytest.CaptureFixture[str]
) -> None:
    words = argv(command, checkout)
    if words[-1] in ("--help", "--version"):
        with pytest.raises(SystemExit) as exc:
            run_cli(*words, cwd=checkout)
        assert exc.value.code == 0
        return
    for target in ("my.olive.yaml", "imported.yaml"):  # a second run of the module must not refuse
        (checkout / target).unlink(missing_ok=True)
    result = run_cli(*words, cwd=checkout)
    expected = 1 if "tests/recipes/invalid/" in command else 0
    assert result.code == expected, f"{command}\n{result.out}\n{result.err}"
    assert "Traceback" not in result.err


def console_transcripts() -> list[tuple[str, str]]:
    out = []
    for match in FENCE.finditer(README.read_text(encoding="utf-8")):
        if match.group(1) == "console":
            for chunk in re.split(r"^(?=\$ )", match.group(2), flags=re.MULTILINE):
                if chunk.strip():
                    command, _, expected = chunk.partition("\n")
                    out.append((command.removeprefix("$ "), expected))
    return out


@pytest.mark.parametrize(("command", "expected"), console_transcripts())
def test_readme_transcripts_are_the_real_output(
    command: str, expected: str, checkout: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(*argv(command, checkout), cwd=checkout)
    assert result.out == expected


def test_readme_counts_the_pinned_mistakes() -> None:
    count = len(list((ROOT / "tests" / "recipes" / "invalid").glob("*.yaml")))
    assert f"`tests/recipes/invalid/` pins {count} of these" in README.read_text(encoding="utf-8")


def test_readme_lists_the_base_dependencies() -> None:
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~ ]", d, maxsplit=1)[0] for d in deps}
    text = README.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "is light:" in line) + text.split("is light:", 1)[1][:200]
    for name in names:
        assert name in line, f"README's base dependencies do not name {name}"
