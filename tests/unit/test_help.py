"""Every --help text is pinned in tests/golden/help/ (regenerate: pytest tests/unit/test_help.py --update-golden).

Each command's help has a one-line description, its exit codes and an example;
bare `olivegen` prints the help and exits 2; `--version` names the Olive releases.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from olivegen.cli import build_parser, main
from olivegen.commands import COMMANDS
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "help"
WIDTH = "100"  # argparse wraps to the terminal; the goldens are written at this width


def help_text(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exc:
        main([*args, "--help"])
    assert exc.value.code == 0
    return out.getvalue()


@pytest.fixture(autouse=True)
def fixed_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", WIDTH)


@pytest.mark.parametrize("command", ["olivegen", *COMMANDS])
def test_help_matches_golden(command: str, update_golden: bool) -> None:
    text = help_text(*([] if command == "olivegen" else [command]))
    golden = GOLDEN / f"{command}.txt"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no {golden.name}; run: python -m pytest tests/unit/test_help.py --update-golden"
    assert text == golden.read_text(encoding="utf-8"), (
        "--help changed; if that is the point, run: python -m pytest tests/unit/test_help.py --update-golden"
    )


def test_no_stale_goldens() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(["olivegen", *COMMANDS])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_describes_itself(command: str) -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    parser = sub.choices[command]  # type: ignore[attr-defined]
    assert parser.description and parser.description[0].isupper(), f"{command}: needs a description"
    text = help_text(command)
    assert "\nexit codes:\n  0  " in text and "\n  2  " in text
    examples = text.split("\nexamples:\n", 1)[1].splitlines()
    assert examples and all(line.startswith(f"  olivegen {command}") for line in examples if line)


def test_bare_olivegen_prints_the_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: olivegen") and "exit codes:" in err and "validate" in err


def test_version_names_the_olive_releases(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    out = capsys.readouterr().out
    assert out.startswith("olivegen ") and "0.13" in out and "0.9.2" in out


def test_goldens_are_plain_text() -> None:
    for path in GOLDEN.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n") and "\t" not in text, path.name
        assert Path(path).stat().st_size < 8000
