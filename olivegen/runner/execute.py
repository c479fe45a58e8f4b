"""Run `python -m olive run --config ...` as a child process and follow it.

A subprocess keeps Olive's imports, logging and memory out of olivegen's process, lets the
environment be set exactly (CI=1, caches), and gives a log file with everything it printed.
Lines are read as they come (a reader thread feeds a queue, so a long silent pass still gets
a heartbeat); each goes to the log file and through `OliveLog`, whose events reach the caller.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from olivegen.runner.logparse import Event, OliveLog

if TYPE_CHECKING:
    from olivegen.runner.plan import Plan
    from olivegen.runner.summary import RunSummary

HEARTBEAT_SECONDS = 30.0


@dataclass(frozen=True)
class Heartbeat:
    """A pass is still running after this many seconds."""

    index: int
    key: str
    type: str
    seconds: float


@dataclass(frozen=True)
class Finished:
    """How the Olive process ended."""

    returncode: int
    seconds: float
    peak_rss_bytes: int | None  # the largest resident set of the Olive process (and the children it waited for)


def olive_command(config_path: Path, python: str | None = None) -> list[str]:
    """Return the command that runs a config with the Olive installed beside this Python."""
    return [python or sys.executable, "-m", "olive", "run", "--config", str(config_path)]


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    try:
        for line in stream:
            lines.put(line)
    finally:
        lines.put(None)


def start_olive(
    command: Sequence[str], cwd: str, env: Mapping[str, str]
) -> tuple[subprocess.Popen[str], queue.Queue[str | None], threading.Thread]:
    """Start Olive in its own session; return it, a queue of its output lines (None at the end) and their reader."""
    popen_kwargs: dict[str, Any] = {"start_new_session": True} if os.name == "posix" else {}
    proc = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
        **popen_kwargs,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    reader.start()
    return proc, lines, reader


def ticks(lines: queue.Queue[str | None], every: float = 1.0) -> Iterator[tuple[str, float]]:
    """Yield (line, time) for each line of the child's output, and ("", time) after `every` s of silence."""
    while True:
        try:
            line = lines.get(timeout=every)
        except queue.Empty:
            line = ""
        if line is None:
            return
        yield line, time.monotonic()


def _wait(proc: subprocess.Popen[str]) -> tuple[int, int | None]:
    """Wait for the child; return its exit code and peak RSS in bytes (Linux/macOS: from wait4)."""
    if hasattr(os, "wait4"):
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except ChildProcessError:
            return proc.wait(), None
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
        return code, int(usage.ru_maxrss) * scale
    return proc.wait(), None


def _stop(proc: subprocess.Popen[str]) -> None:
    """Stop the Olive process group we started (it runs in its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, PermissionError):
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def run_olive(
    command: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log_path: Path,
    log: OliveLog,
    on_event: Callable[[Event | Heartbeat], None] = lambda _: None,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> Finished:
    """Run Olive, write its output to `log_path`, report pass events; return how it ended."""
    start = time.monotonic()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8", errors="replace") as sink:
        sink.write(f"$ {' '.join(command)}\n")
        sink.flush()
        proc, lines, reader = start_olive(command, str(cwd), env)
        last_beat = start
        try:
            for line, now in ticks(lines):
                if line:
                    sink.write(line)
                    for event in log.feed(line, now):
                        on_event(event)
                        last_beat = now
                running = next((i for i, run in enumerate(log.passes) if run.status == "running"), None)
                if running is not None and now - last_beat >= heartbeat:
                    run = log.passes[running]
                    on_event(Heartbeat(running, run.key, run.type, now - (run.started or now)))
                    last_beat = now
            returncode, peak = _wait(proc)
        except BaseException:
            _stop(proc)
            raise
        finally:
            sink.flush()
        reader.join(timeout=5)
    end = time.monotonic()
    for event in log.finish(returncode, end):
        on_event(event)
    return Finished(returncode, end - start, peak)


@dataclass
class Prepared:
    """A plan ready to run: its folders made, config written, inputs recorded, log reader ready."""

    plan: Plan
    env: dict[str, str]
    inputs: Any  # fingerprint.take() of the inputs as they were when the run started
    log: OliveLog


def prepare(plan: Plan, env: Mapping[str, str] | None = None, extra_env: Mapping[str, str] | None = None) -> Prepared:
    """Make the run's folders, record its inputs, empty the model folder and write the config."""
    from olivegen.render.write import write_atomic
    from olivegen.runner import fingerprint, reuse
    from olivegen.runner.layout import child_env, clear_model_dir, prepare_dirs

    layout = plan.layout
    child = {**child_env(layout, env), **(extra_env or {})}
    prepare_dirs(layout, child)
    known = fingerprint.load(layout.inputs_path)
    inputs = fingerprint.take(plan.config, known[1] if known else None)  # as they are when the run starts
    reuse.forget(layout)
    clear_model_dir(layout)
    write_atomic(layout.config_path, plan.text)
    return Prepared(plan, child, inputs, OliveLog.for_config(plan.config))


def conclude(prepared: Prepared, finished: Finished) -> RunSummary:
    """Inspect what the run left, write run-summary.json (and the fingerprint after a success)."""
    from olivegen.render.write import write_atomic
    from olivegen.runner import reuse
    from olivegen.runner.summary import RunSummary, failure_line, inspect_output, read_metrics

    plan, log = prepared.plan, prepared.log
    layout = plan.layout
    model = inspect_output(layout.model_dir)
    summary = RunSummary(
        recipe=str(plan.recipe_path),
        workflow_id=plan.workflow_id,
        outdir=str(layout.outdir),
        config=str(layout.config_path),
        log=str(layout.log_path),
        passes=log.passes,
        model=model,
        returncode=finished.returncode,
        seconds=finished.seconds,
        peak_rss_bytes=finished.peak_rss_bytes,
        failure=failure_line(log, finished.returncode, model, layout.log_path),
        notes=list(plan.notes),
        caches=layout.caches(prepared.env),
        metrics=read_metrics(layout.model_dir) if model is not None else {},
    )
    write_atomic(layout.summary_path, summary.to_json())
    if summary.ok:
        reuse.remember(layout, plan.text, prepared.inputs)
    return summary


def execute_plan(
    plan: Plan,
    *,
    on_event: Callable[[Event | Heartbeat], None] = lambda _: None,
    env: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> RunSummary:
    """Write the plan's config, run it with Olive, and return the summary (also written as JSON).

    The run fails (`summary.ok` is False) when no output model was produced, whatever
    Olive's exit code: Olive 0.13 exits 0 after some pass failures. `extra_env` is added to
    the child's environment last (the demo sets the Hugging Face offline switches with it).
    """
    prepared = prepare(plan, env, extra_env)
    layout = plan.layout
    finished = run_olive(
        olive_command(layout.config_path),
        cwd=layout.outdir,
        env=prepared.env,
        log_path=layout.log_path,
        log=prepared.log,
        on_event=on_event,
        heartbeat=heartbeat,
    )
    return conclude(prepared, finished)
