"""`olivegen lsp` as a command: its help, the missing extra, and nothing else importing pygls."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from olivegen.api import compile_variants
from olivegen.errors import RecipeError
from tests.conftest import EXAMPLES, ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
LAB = EXAMPLES / "phi35-travel-lab.yaml"


def test_help_says_what_it_does_its_exit_codes_and_an_example() -> None:
    command = [sys.executable, "-m", "olivegen", "lsp", "--help"]
    result = subprocess.run(command, capture_output=True, text=True, env=ENV)
    assert result.returncode == 0
    assert "Language Server Protocol server on stdin/stdout" in result.stdout
    assert "exit codes:\n  0  the client ended the session" in result.stdout
    assert "examples:\n  olivegen lsp" in result.stdout


def test_without_the_extra_it_says_what_to_install_and_exits_2() -> None:
    code = "import sys\nsys.modules['pygls'] = None\nfrom olivegen.cli import main\nsys.exit(main(['lsp']))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert result.returncode == 2
    assert "needs the lsp extra (pygls is not installed): pip install 'olivegen[lsp]'" in result.stderr


def test_import_olivegen_help_and_validate_never_import_pygls() -> None:
    code = (
        "import sys, contextlib, io\nimport olivegen\nfrom olivegen.cli import main\n"
        f"assert main(['validate', {str(LAB)!r}]) == 0\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "loaded = sorted(m for m in ('pygls', 'lsprotocol', 'olivegen.lsp') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr


def test_compile_variants_reads_unsaved_text_instead_of_the_files(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text("model:\n  path: microsoft/Phi-3-mini-4k-instruct\npasses:\n  - type: rtn\n", encoding="utf-8")
    child = tmp_path / "child.yaml"  # never written: only its unsaved text exists
    texts = {child.resolve(): "extends: base.yaml\nname: child\n"}
    (compiled,) = compile_variants(child, texts=texts)
    assert compiled.config["workflow_id"] == "child"
    texts[base.resolve()] = "model:\n  path: microsoft/Phi-3-mini-4k-instruct\npasses:\n  - type: rtm\n"
    with pytest.raises(RecipeError) as caught:
        compile_variants(child, texts=texts)
    (diag,) = caught.value.diagnostics
    assert diag.rule == "pass-type" and diag.at is not None and diag.at.path == str(base) and diag.at.line == 4
    assert not child.exists()
