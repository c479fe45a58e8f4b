"""The Olive subprocess plumbing, with a stand-in process that prints Olive's log lines (no Olive needed)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from olivegen.errors import OlivegenError
from olivegen.runner.execute import Heartbeat, olive_command, run_olive
from olivegen.runner.layout import RunLayout, child_env, clear_model_dir
from olivegen.runner.logparse import Event, OliveLog
from olivegen.runner.summary import failure_line

CONFIG = {"passes": {"lora": {"type": "LoRA"}, "model_builder": {"type": "ModelBuilder"}}}


def fake_olive(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "fake_olive.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, str(script)]


def test_a_run_streams_events_writes_the_log_and_reports_the_exit(tmp_path: Path) -> None:
    command = fake_olive(
        tmp_path,
        """\
        import os, sys
        L = "[2026-11-22 00:35:01,000] [INFO] [engine.py:665:_run_pass] "
        print(L + "Running pass lora:lora")
        print("progress bar\\r 50%\\r100%")
        print(L + "Pass lora:lora finished in 1.5 seconds")
        print(L + "Running pass model_builder:modelbuilder", flush=True)
        print("Traceback (most recent call last):", file=sys.stderr)
        print('  File "x.py", line 1, in <module>', file=sys.stderr)
        print("KeyError: 'multi_cache'", file=sys.stderr)
        print("CI=" + os.environ.get("CI", "unset"))
        sys.exit(1)
        """,
    )
    events: list[Event | Heartbeat] = []
    log = OliveLog.for_config(CONFIG)
    finished = run_olive(
        command,
        cwd=tmp_path,
        env={"CI": "1", "PATH": "/usr/bin"},
        log_path=tmp_path / "o.log",
        log=log,
        on_event=events.append,
    )
    assert finished.returncode == 1
    assert [(e.kind, e.run.key) for e in events if isinstance(e, Event)] == [
        ("start", "lora"),
        ("ok", "lora"),
        ("start", "model_builder"),
        ("failed", "model_builder"),
    ]
    text = (tmp_path / "o.log").read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"$ {' '.join(command)}"
    assert "KeyError: 'multi_cache'" in text and "CI=1" in text
    assert failure_line(log, 1, None, tmp_path / "o.log") == (
        f"pass 'model_builder' (ModelBuilder) failed: KeyError: 'multi_cache' (log: {tmp_path / 'o.log'})"
    )
    if sys.platform.startswith("linux"):
        assert finished.peak_rss_bytes is not None and finished.peak_rss_bytes > 0


def test_the_olive_command_uses_this_python() -> None:
    assert olive_command(Path("/o/c.json")) == [sys.executable, "-m", "olive", "run", "--config", "/o/c.json"]


def test_the_child_environment_sets_ci_and_caches_under_the_output(tmp_path: Path) -> None:
    layout = RunLayout.under(tmp_path / "out")
    env = child_env(layout, {"PATH": "/usr/bin", "HF_HOME": ""})
    assert env["CI"] == "1"
    assert env["HF_HOME"] == str((tmp_path / "out" / "cache" / "huggingface").resolve())
    assert env["XDG_CACHE_HOME"] == str((tmp_path / "out" / "cache" / "xdg").resolve())
    assert child_env(layout, {"HF_HOME": "/shared"})["HF_HOME"] == "/shared"


def test_the_model_folder_is_emptied_only_when_olive_wrote_it(tmp_path: Path) -> None:
    layout = RunLayout.under(tmp_path / "out")
    layout.model_dir.mkdir(parents=True)
    (layout.model_dir / "run_history.txt").write_text("[]")
    (layout.model_dir / "model.onnx").write_bytes(b"old")
    clear_model_dir(layout)
    assert not layout.model_dir.exists()
    layout.model_dir.mkdir()
    (layout.model_dir / "thesis.docx").write_bytes(b"mine")
    with pytest.raises(OlivegenError, match="holds files Olive did not write"):
        clear_model_dir(layout)
    assert (layout.model_dir / "thesis.docx").exists()


def test_importing_the_runner_and_commands_pulls_in_no_heavy_module() -> None:
    code = (
        "import sys, olivegen.cli, olivegen.commands.run, olivegen.commands.demo, olivegen.runner.plan, "
        "olivegen.runner.execute, olivegen.runner.preflight, olivegen.runner.summary, olivegen.runner.genai, "
        "olivegen.runner.tinymodel\n"
        "heavy = ('torch', 'transformers', 'olive', 'onnxruntime', 'onnxruntime_genai')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
