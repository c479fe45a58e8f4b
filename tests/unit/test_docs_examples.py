"""The team-feature docs show real examples: YAML excerpts of real files, commands with their real output."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

import pytest

from tests.conftest import ROOT, CliResult

PAGES = ["extends", "overrides", "environment", "matrix", "presets", "explain-diff"]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(kind: str) -> list[tuple[str, str, str]]:
    """Return (page, text before the block, block body) for every fenced block of this kind."""
    found = []
    for page in PAGES:
        text = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if match.group(1) == kind:
                found.append((page, text[: match.start()], match.group(2)))
    return found


def commands() -> list[tuple[str, str, str]]:
    """Return (page, command, expected output) for every `$ olivegen ...` line of a console block."""
    out = []
    for page, _, body in blocks("console"):
        for chunk in re.split(r"^(?=\$ )", body, flags=re.MULTILINE):
            if chunk.strip():
                command, _, expected = chunk.partition("\n")
                out.append((page, command.removeprefix("$ "), expected))
    return out


@pytest.fixture(autouse=True)
def _docs_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TRAVEL_STEPS", "OLIVEGEN_DOCS_UNSET"):
        monkeypatch.delenv(name, raising=False)


def test_every_page_exists_and_has_checked_examples() -> None:
    for page in PAGES:
        text = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
        assert "```console" in text or "```yaml" in text, f"docs/{page}.md shows no checked example"


YAML = blocks("yaml")


@pytest.mark.parametrize(
    ("page", "before", "body"), YAML, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(YAML)]
)
def test_yaml_blocks_are_excerpts_of_real_files(page: str, before: str, body: str) -> None:
    first, _, rest = body.partition("\n")
    assert first.startswith("# "), f"docs/{page}.md: a yaml block starts with `# <file it is taken from>`"
    source = ROOT / first.removeprefix("# ").strip()
    assert source.is_file(), f"docs/{page}.md quotes {source}, which does not exist"
    assert rest in source.read_text(encoding="utf-8"), (
        f"docs/{page}.md: the block is not an excerpt of {source}"
    )


COMMANDS = commands()


@pytest.mark.parametrize(
    ("page", "command", "expected"), COMMANDS, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(COMMANDS)]
)
def test_console_commands_print_what_the_docs_show(
    run_cli: Callable[..., CliResult], page: str, command: str, expected: str
) -> None:
    argv = shlex.split(command)
    assert argv[0] == "olivegen"
    result = run_cli(*argv[1:], cwd=ROOT)
    assert result.out + result.err == expected, f"docs/{page}.md: `{command}` prints something else"


MERMAID = blocks("mermaid")


@pytest.mark.parametrize(("page", "before", "body"), MERMAID, ids=[p for p, _, _ in MERMAID])
def test_mermaid_diagrams_are_the_commands_output(
    run_cli: Callable[..., CliResult], page: str, before: str, body: str
) -> None:
    comment = re.search(r"<!-- (olivegen [^>]*) -->\s*$", before)
    assert comment, f"docs/{page}.md: put the command that draws a diagram in a comment above it"
    result = run_cli(*shlex.split(comment.group(1))[1:], cwd=ROOT)
    assert result.out == body


def test_python_examples_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    examples = blocks("python")
    assert examples
    for _, _, body in examples:
        exec(compile(body, "<docs>", "exec"), {})
    assert "cpu-int4-phi35" in capsys.readouterr().out


def test_docs_cover_every_team_file() -> None:
    text = "".join((ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8") for page in PAGES)
    for path in sorted((ROOT / "examples" / "team").rglob("*.yaml")):
        assert path.relative_to(ROOT / "examples" / "team").as_posix() in text
