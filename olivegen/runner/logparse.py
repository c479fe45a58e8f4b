"""Read Olive 0.13's log as it streams: which pass runs, how it ended, and why a pass failed.

The lines it relies on (olive/engine/engine.py):

    [time] [INFO] [engine.py:665:_run_pass] Running pass lora:lora
    [time] [INFO] [engine.py:702:_run_pass] Loaded model from cache: 8642f56f
    [time] [INFO] [engine.py:733:_run_pass] Pass lora:lora finished in 1.800144 seconds
    [time] [WARNING] [engine.py:...] Invalid config, pruned.
    [time] [ERROR] [engine.py:728:_run_pass] Pass run failed.      (then a traceback)
    [time] [WARNING] [engine.py:237:run] No output model produced. Please check the log for details.
    [time] [INFO] [engine.py:235:run] Saved output model to /out/model

A pass fails in one of three ways: Olive logs "Pass run failed." and a traceback and exits 0;
an error Olive re-raises ends the process with a traceback and exit 1; or the process dies
(a signal, e.g. out of memory). A pass whose config Olive finds invalid is "pruned".
"""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass, field

RECORD = re.compile(r"^\[\d{4}-\d\d-\d\d [\d:,.]+\] \[(?P<level>[A-Z]+)\] \[(?P<where>[^\]]*)\] (?P<msg>.*)$")
RUNNING = re.compile(r"^Running pass (?P<key>[^:\s]+):(?P<type>\S+)$")
FINISHED = re.compile(r"^Pass (?P<key>[^:\s]+):(?P<type>\S+) finished in (?P<sec>[\d.]+) seconds$")
CACHED = re.compile(r"^Loaded model from cache: (?P<id>\S+)$")
PRUNED = "Invalid config, pruned."
FAILED = ("Pass run failed.", "Pass run_pass failed")
NO_OUTPUT = "No output model produced"
TRACEBACK = "Traceback (most recent call last):"
MAX_REASON = 300
# The last line of a traceback when the Hugging Face Hub could not be reached (no network, DNS, offline)
NETWORK = re.compile(
    r"ConnectError|ConnectionError|ConnectTimeout|Name or service not known|Temporary failure in name resolution"
    r"|LocalEntryNotFoundError|OfflineModeIsEnabled|MaxRetryError|Failed to resolve|Network is unreachable"
    r"|couldn't connect to 'https://huggingface\.co'"
)

# Statuses a pass goes through.
PENDING, RUNNING_, OK, CACHED_, FAILED_, PRUNED_ = "not run", "running", "ok", "cached", "failed", "pruned"


@dataclass
class PassRun:
    """One pass of the workflow as the log tells it."""

    key: str
    type: str
    status: str = PENDING
    started: float | None = None
    seconds: float | None = None  # wall time olivegen measured, start to end
    reason: str | None = None


@dataclass(frozen=True)
class Event:
    """Something the progress display shows: a pass started, ended (ok, cached, failed, pruned)."""

    kind: str  # "start" or the pass's final status
    index: int
    run: PassRun


def shorten(text: str, limit: int = MAX_REASON) -> str:
    """Return one line of at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."


@dataclass
class OliveLog:
    """Feed it Olive's output line by line; it keeps each pass's status and the failure reason."""

    passes: list[PassRun]
    no_output: bool = False
    last_exception: str | None = None
    setup_error: str | None = None  # an exception before any pass started
    network_error: str | None = None  # the first exception that says the Hub (or any host) was out of reach
    model: str | None = None  # the input model's path or Hub id, to name it in a failure
    _in_traceback: bool = False
    _failing: bool = False
    _last_info: str | None = None
    _current: int | None = None
    _exceptions: list[str] = field(default_factory=list)

    @classmethod
    def for_config(cls, config: dict[str, object]) -> OliveLog:
        """Start a log reader for the passes of a rendered config, in order."""
        passes = config.get("passes")
        items = passes.items() if isinstance(passes, dict) else []
        model = config.get("input_model")
        path = model.get("model_path") if isinstance(model, dict) else None
        return cls(
            [PassRun(str(key), str(spec.get("type", "")) if isinstance(spec, dict) else "") for key, spec in items],
            model=path if isinstance(path, str) else None,
        )

    def _index(self, key: str) -> int | None:
        for i, run in enumerate(self.passes):
            if run.key == key:
                return i
        return None

    def _end(self, status: str, now: float, reason: str | None = None) -> list[Event]:
        if self._current is None:
            return []
        i, run = self._current, self.passes[self._current]
        run.status = status
        run.seconds = now - run.started if run.started is not None else None
        run.reason = reason
        self._current = None
        return [Event(status, i, run)]

    def feed(self, line: str, now: float) -> list[Event]:
        """Read one line of output (no newline); return what changed."""
        line = line.rstrip("\r\n")
        handled, events = self._traceback_line(line, now)
        if handled:
            return events
        match = RECORD.match(line)
        if match is None:
            return []
        msg = match["msg"].strip()
        level = match["level"]
        if (m := RUNNING.match(msg)) is not None:
            events += self._end(FAILED_, now, self._reason()) if self._current is not None else []
            i = self._index(m["key"])
            if i is not None:
                self._current = i
                run = self.passes[i]
                run.status, run.started, run.reason = RUNNING_, now, None
                self._exceptions.clear()
                self._failing = False
                self._last_info = None
                events.append(Event("start", i, run))
        elif FINISHED.match(msg) and self._current is not None:
            events += self._end(OK, now)
        elif CACHED.match(msg) and self._current is not None:
            events += self._end(CACHED_, now)
        elif msg.startswith(PRUNED) and self._current is not None:
            why = self._last_info or "Olive found the pass's config invalid for this target"
            events += self._end(PRUNED_, now, f"pruned by Olive: {why}")
        elif msg.startswith(FAILED) and self._current is not None:
            self._failing = True  # the traceback that follows names the error
        elif msg.startswith(NO_OUTPUT):
            self.no_output = True
        elif level == "INFO" and self._current is not None:
            self._last_info = msg
        return events

    def _traceback_line(self, line: str, now: float) -> tuple[bool, list[Event]]:
        if line.startswith(TRACEBACK):
            self._in_traceback = True
            return True, []
        if not self._in_traceback:
            return False, []
        if not line or line[0].isspace():
            return True, []
        self._in_traceback = False
        self.last_exception = shorten(line)
        if self.network_error is None and NETWORK.search(line):
            self.network_error = self.last_exception
        if self._current is not None:
            self._exceptions.append(self.last_exception)
            if self._failing:
                self._failing = False
                return True, self._end(FAILED_, now, self.last_exception)
        elif not any(run.status != PENDING for run in self.passes):
            self.setup_error = self.last_exception
        return True, []

    def _reason(self) -> str:
        return self._exceptions[-1] if self._exceptions else "failed (see the log)"

    def finish(self, returncode: int, now: float) -> list[Event]:
        """Mark a pass still running when the process ended as failed, with the reason."""
        if self._current is None:
            return []
        if self._exceptions:
            reason = self._exceptions[-1]
        elif returncode < 0:
            name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
            hint = " (often: out of memory)" if -returncode == signal.SIGKILL else ""
            reason = f"the Olive process was killed by {name}{hint}"
        else:
            reason = f"Olive exited with code {returncode} while the pass was running"
        return self._end(FAILED_, now, reason)

    def failed(self) -> PassRun | None:
        """Return the pass that failed or was pruned, if any."""
        return next((run for run in self.passes if run.status in (FAILED_, PRUNED_)), None)
