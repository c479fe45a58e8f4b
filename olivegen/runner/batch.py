"""Run several configs (a matrix's variants) in one Olive process, one after another.

Starting Olive costs seconds before its first pass (importing torch, transformers and Olive's
passes), as much as a whole ModelBuilder pass on a small model. Variants that share their
first passes then pay mostly for that start: one process that imports Olive once and calls
`olive.workflows.run` per config pays it once. The driver prints a marker line before and
after each config; the parent splits the stream at the markers into each variant's log,
progress events and summary, exactly as for a process of its own.

A variant that raises is logged and reported like `olive run` would (exit code 1), and the next
one starts. If the process itself dies (a signal, out of memory), the variant it was running is
reported failed with that signal and the variants not yet started run in a new process.

A variant's peak memory is the process's peak resident set at the end of that variant (the
largest of it and every variant before it in the same process).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import IO

from olivegen.errors import OlivegenError
from olivegen.runner.execute import (
    HEARTBEAT_SECONDS,
    Finished,
    Heartbeat,
    Prepared,
    _stop,
    _wait,
    conclude,
    prepare,
    start_olive,
    ticks,
)
from olivegen.runner.logparse import Event
from olivegen.runner.plan import Plan
from olivegen.runner.summary import RunSummary

MARK = "@@olivegen-batch"

# Runs in the child: `python -c DRIVER OUTDIR CONFIG OUTDIR CONFIG ...`.
DRIVER = f"""\
import logging, os, sys, traceback
try:
    import resource
except ImportError:
    resource = None
from olive.common.config_utils import load_config_file
from olive.workflows import run

def peak():
    if resource is None:
        return 0
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale

pairs = sys.argv[1:]
for index in range(len(pairs) // 2):
    outdir, config = pairs[2 * index], pairs[2 * index + 1]
    print("{MARK} start", index, flush=True)
    code = 0
    try:
        os.chdir(outdir)
        run(load_config_file(config))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    for handler in list(logging.getLogger("olive").handlers):
        if isinstance(handler, logging.FileHandler):  # Olive adds one per run
            logging.getLogger("olive").removeHandler(handler)
            handler.close()
    sys.stdout.flush()
    sys.stderr.flush()
    print("{MARK} end", index, code, peak(), flush=True)
"""


def batch_command(prepared: Sequence[Prepared], python: str | None = None) -> list[str]:
    """Return the command that runs every prepared config in one Olive process."""
    args = [str(a) for p in prepared for a in (p.plan.layout.outdir, p.plan.layout.config_path)]
    return [python or sys.executable, "-c", DRIVER, *args]


def can_share_a_process(plans: Sequence[Plan], env: Mapping[str, str] | None = None) -> bool:
    """Tell whether the plans can run in one process: the same environment (caches) for all."""
    from olivegen.runner.layout import child_env

    envs = [child_env(p.layout, env) for p in plans]
    return all(e == envs[0] for e in envs[1:])


class _Split:
    """Routes the process's lines to the variant running now: its log file, its OliveLog, its events."""

    def __init__(
        self,
        prepared: Sequence[Prepared],
        on_event: Sequence[Callable[[Event | Heartbeat], None]],
        command: list[str],
    ) -> None:
        self.prepared, self.on_event, self.command = prepared, on_event, command
        self.current: int | None = None
        self.sink: IO[str] | None = None
        self.started: dict[int, float] = {}
        self.finished: dict[int, Finished] = {}
        self.preamble: list[str] = []  # printed before the first variant started (importing Olive)

    def _open(self, index: int, now: float) -> None:
        path = self.prepared[index].plan.layout.log_path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.sink = open(path, "w", encoding="utf-8", errors="replace")  # noqa: SIM115 - closed in _close
        shown = [*self.command[:2], "<olivegen batch driver>", *self.command[3:]]
        self.sink.write(f"$ {' '.join(shown)}\n# variant {index + 1} of {len(self.prepared)} in this process\n")
        self.sink.writelines(self.preamble)
        self.current, self.started[index] = index, now

    def _close(self, index: int, code: int, peak: int | None, now: float) -> None:
        if self.sink is not None:
            self.sink.close()
            self.sink = None
        for event in self.prepared[index].log.finish(code, now):
            self.on_event[index](event)
        self.finished[index] = Finished(code, now - self.started[index], peak or None)
        self.current = None

    def line(self, line: str, now: float) -> None:
        if line.startswith(MARK):
            parts = line.split()
            if parts[1] == "start":
                self._open(int(parts[2]), now)
                return
            if parts[1] == "end" and self.current == int(parts[2]):
                self._close(self.current, int(parts[3]), int(parts[4]), now)
                return
        if self.current is None:
            self.preamble.append(line)  # every variant's log starts with it
            return
        assert self.sink is not None
        self.sink.write(line)
        for event in self.prepared[self.current].log.feed(line, now):
            self.on_event[self.current](event)

    def died(self, returncode: int, peak: int | None, now: float) -> None:
        """End the variant the process was running with the process's exit code.

        If it died between variants or while importing Olive, the next variant ends so, with what it printed.
        """
        code = returncode if returncode != 0 else 1
        if self.current is not None:
            self._close(self.current, code, peak, now)
        elif len(self.finished) < len(self.prepared) and (returncode != 0 or self.preamble):
            index = min(i for i in range(len(self.prepared)) if i not in self.finished)
            self._open(index, now)
            for line in self.preamble:
                self.prepared[index].log.feed(line, now)
            self._close(index, code, peak, now)


def _run_batch(
    prepared: Sequence[Prepared],
    on_event: Sequence[Callable[[Event | Heartbeat], None]],
    heartbeat: float,
) -> dict[int, Finished]:
    """Run the configs in one process; return how each variant that started ended (by index)."""
    command = batch_command(prepared)
    first = prepared[0]
    split = _Split(prepared, on_event, command)
    proc, lines, reader = start_olive(command, str(first.plan.layout.outdir), first.env)
    last_beat = time.monotonic()
    try:
        for line, now in ticks(lines):
            if line:
                split.line(line, now)
                last_beat = now
            index = split.current
            if index is not None and now - last_beat >= heartbeat:
                log = prepared[index].log
                running = next((i for i, run in enumerate(log.passes) if run.status == "running"), None)
                if running is not None:
                    run = log.passes[running]
                    on_event[index](Heartbeat(running, run.key, run.type, now - (run.started or now)))
                last_beat = now
        returncode, peak = _wait(proc)
    except BaseException:
        _stop(proc)
        if split.sink is not None:
            split.sink.close()
        raise
    reader.join(timeout=5)
    split.died(returncode, peak, time.monotonic())
    return split.finished


def execute_plans(
    plans: Sequence[Plan],
    *,
    on_event: Sequence[Callable[[Event | Heartbeat], None]] | None = None,
    on_done: Callable[[int, RunSummary | OlivegenError], None] = lambda i, s: None,
    env: Mapping[str, str] | None = None,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> list[RunSummary | OlivegenError]:
    """Run the plans in as few Olive processes as possible; return their summaries in order.

    A plan whose folders cannot be prepared (an output folder olivegen will not empty, ...)
    gets its OlivegenError instead and does not run. `on_done(index, result)` is called as
    each variant ends.
    """
    callbacks = list(on_event) if on_event is not None else [lambda _: None for _ in plans]
    results: dict[int, RunSummary | OlivegenError] = {}
    pending = list(range(len(plans)))
    while pending:
        ready: list[tuple[int, Prepared]] = []
        for index in pending:
            try:
                ready.append((index, prepare(plans[index], env)))
            except OlivegenError as exc:
                results[index] = exc
                on_done(index, exc)
        if not ready:
            break
        finished = _run_batch([p for _, p in ready], [callbacks[i] for i, _ in ready], heartbeat)
        if not finished:  # ended before it started a variant, and printed nothing: the first one fails
            finished = {0: Finished(1, 0.0, None)}
        for local, end in sorted(finished.items()):
            index, prepared = ready[local]
            results[index] = conclude(prepared, end)
            on_done(index, results[index])
        pending = [index for local, (index, _) in enumerate(ready) if local not in finished]
    return [results[i] for i in range(len(plans))]


__all__ = ["DRIVER", "MARK", "batch_command", "can_share_a_process", "execute_plans"]
