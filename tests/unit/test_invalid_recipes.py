"""Each file in tests/recipes/invalid/ pins the exact first line `olivegen validate` prints for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

INVALID = Path(__file__).resolve().parent.parent / "recipes" / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))


def expected_line(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# error: "), f"{path.name} must start with '# error: <expected first line>'"
    return first.removeprefix("# error: ")


def test_enough_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_first_error_line(path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("validate", path.name, cwd=INVALID)
    assert result.code == 1
    assert result.first_out_line == expected_line(path)
    assert result.err == ""  # the report is on stdout; stderr is for usage and internal errors


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_render_refuses_too(path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("render", path.name, cwd=INVALID)
    assert result.code == 1
    assert result.out == ""
    assert result.first_err_line == expected_line(path)
    validated = run_cli("validate", path.name, cwd=INVALID)
    # render reports on stderr exactly what validate reports on stdout, code frames included
    assert result.err == validated.out.rsplit("\n", 2)[0] + "\n"
