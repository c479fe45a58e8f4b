"""Forked workers for `validate` of many files: every file gets its report, none is waited for forever.

Each worker checks a share of the files and sends `(index, diagnostics)` back through a pipe.
When no worker has sent anything for `STALL` seconds (one file takes well under a second; the
input limits of docs/security.md bound the slowest to a few), the workers still running are
killed. Every file without a report is then checked in a process of its own, under the same
limit, and one that kills that process or outlasts the limit gets an `internal` finding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, Position

STALL = 120.0  # seconds without any report before the workers still running count as stuck

Check = Callable[[Any], list[Diagnostic]]


def check_all(jobs: Sequence[Any], check: Check, workers: int, context: Any) -> list[list[Diagnostic]]:
    """Return `check(job)` for every job, in order, computed in `workers` forked processes."""
    from multiprocessing.connection import wait

    results: list[list[Diagnostic] | None] = [None] * len(jobs)
    running = []
    for share in range(workers):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(jobs, share, workers, check, send), daemon=True)
        process.start()
        send.close()
        running.append((process, receive))
    live = {receive: process for process, receive in running}
    while live:
        ready = wait(list(live), timeout=STALL)
        if not ready:
            break  # nothing from any worker for STALL seconds
        for receive in ready:
            try:
                index, found = _receive(receive)
            except EOFError:  # the worker is done, or died
                del live[receive]
                continue
            results[index] = found
    for process, receive in running:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    pairs = zip(jobs, results, strict=True)
    return [found if found is not None else alone(job, check, context) for job, found in pairs]


def _receive(connection: Any) -> tuple[int, list[Diagnostic]]:
    index, found = connection.recv()
    return int(index), list(found)


def _work(jobs: Sequence[Any], share: int, workers: int, check: Check, send: Any) -> None:
    """Check every `workers`-th job from `share` on; send each report as it is done."""
    for index in range(share, len(jobs), workers):
        send.send((index, check(jobs[index])))
    send.close()


def alone(job: Any, check: Check, context: Any) -> list[Diagnostic]:
    """Check one job in a process of its own; report a process that stops or outlasts `STALL` seconds."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_one, args=(job, check, send), daemon=True)
    process.start()
    send.close()
    found: list[Diagnostic] | None = None
    why = "olivegen's process stopped while checking this file (killed, or out of memory)"
    if receive.poll(STALL):
        try:
            found = receive.recv()
        except EOFError:
            pass
    else:
        why = f"olivegen did not finish checking this file in {STALL:g} s"
    if process.is_alive():
        process.kill()
    process.join()
    receive.close()
    if found is not None:
        return found
    return [
        Diagnostic(
            why,
            Position(str(_path(job)), 1, 1),
            "check it alone with `olivegen validate FILE`; if it stops again, please report it",
            rule="internal",
        )
    ]


def _one(job: Any, check: Check, send: Any) -> None:
    send.send(check(job))
    send.close()


def _path(job: Any) -> Path | str:
    return job[0] if isinstance(job, tuple) and job else str(job)
