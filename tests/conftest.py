"""Shared fixtures: run the CLI in-process, and the --update-golden switch."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
HEAVY_MODULES = ("olive", "torch", "transformers", "datasets", "peft", "onnxruntime", "onnxruntime_genai")
IMPORTED_AT_COLLECTION = pytest.StashKey[list[str]]()
# A Python with Olive's main branch (the wheel in ../shared/olive-main/; .ci/run makes the venv), like
# OLIVEGEN_OLIVE09_PYTHON for olive-ai 0.9.2: tests that need it skip without it.
OLIVE_MAIN = os.environ.get("OLIVEGEN_OLIVE_MAIN_PYTHON")
needs_olive_main = pytest.mark.skipif(
    not OLIVE_MAIN, reason="set OLIVEGEN_OLIVE_MAIN_PYTHON to a Python with Olive's main branch (.ci/run does)"
)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note which heavy modules collection imported: none should be (tests import them in fixtures or bodies)."""
    session.config.stash[IMPORTED_AT_COLLECTION] = [name for name in HEAVY_MODULES if name in sys.modules]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*.json from the examples")


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def first_err_line(self) -> str:
        return self.err.splitlines()[0] if self.err else ""

    @property
    def first_out_line(self) -> str:
        """The first line of stdout: where `validate` reports (diagnostics go to stdout, as linters do)."""
        return self.out.splitlines()[0] if self.out else ""


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests expect the text format: GitHub Actions' own GITHUB_ACTIONS=true would switch validate to annotations."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(scope="session")
def _run_key_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("run-key-home")


@pytest.fixture(autouse=True)
def run_key_folder(_run_key_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`olivegen run` in a test seals its rerun records with a key of the test session, never the user's."""
    from olivegen.runner import fingerprint

    folder = _run_key_home / "olivegen"
    monkeypatch.setattr(fingerprint, "key_folder", lambda env=None: folder, raising=False)
    return folder


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run `olivegen ARGS...` in this process; return exit code, stdout and stderr."""
    from olivegen.cli import main

    def run(*args: str | Path, cwd: Path | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
