"""Nothing recomputed: an unchanged rerun reports the last successful run's output instead of starting Olive.

A run is unchanged when OUTDIR holds the summary of a successful run, its output model is still
there, the config about to run is byte for byte the one that ran (its sha256), and the config's
input files are unchanged (olivegen/runner/fingerprint.py). `olivegen run --force` skips the check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from olivegen.runner import fingerprint
from olivegen.runner.layout import RunLayout
from olivegen.runner.summary import RunSummary, inspect_output

NO_RUN = "no earlier successful run here"


@dataclass(frozen=True)
class Verdict:
    """The last successful run, when it can stand for this one, or why not."""

    summary: RunSummary | None
    why_not: str | None


def _previous(layout: RunLayout) -> RunSummary | None:
    path = layout.summary_path
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 16 * 2**20:
            return None
        return RunSummary.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def check(layout: RunLayout, config: dict[str, object], text: str) -> Verdict:
    """Tell whether the last run in `layout.outdir` can be reused for the config `text` (parsed: `config`)."""
    start = time.monotonic()
    stored = fingerprint.load(layout.inputs_path)
    if stored is None:
        return Verdict(None, NO_RUN)
    config_hash, files = stored
    if config_hash != fingerprint.config_sha256(text):
        return Verdict(None, "the config changed")
    previous = _previous(layout)
    if previous is None or not previous.ok:
        return Verdict(None, NO_RUN)
    if inspect_output(layout.model_dir) is None:
        return Verdict(None, "the output model is gone")
    why = fingerprint.changed(config, files)
    if why is not None:
        return Verdict(None, why)
    return Verdict(replace(previous, reused=True, seconds=time.monotonic() - start, peak_rss_bytes=None), None)


def forget(layout: RunLayout) -> None:
    """Remove the fingerprint before a run, so a failed or interrupted run is never taken as the last good one."""
    try:
        layout.inputs_path.unlink(missing_ok=True)
    except OSError:
        pass


def remember(layout: RunLayout, text: str, states: dict[str, fingerprint.FileState] | None) -> None:
    """Write the fingerprint after a successful run (`states`: the inputs as they were when it started)."""
    from olivegen.render.write import write_atomic

    if states is not None:
        write_atomic(layout.inputs_path, fingerprint.dump(fingerprint.config_sha256(text), states))
