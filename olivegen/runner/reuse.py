"""Nothing recomputed: an unchanged rerun reports the last successful run's output instead of starting Olive.

A run is unchanged when OUTDIR holds a record this machine sealed after a successful run
(olivegen/runner/fingerprint.py: HMAC-SHA256 under a per-user key outside the working tree), and
everything it recorded is still so: the config about to run is byte for byte the one that ran,
the summary and the output model are the ones that run wrote, the config's input files hash the
same, and the installed versions, the environment variables that matter and the Hub model's
resolved revision are unchanged. A record committed to a repository or copied from elsewhere
does not verify: Olive runs. `olivegen run --force` skips the check.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from olivegen.runner import fingerprint
from olivegen.runner.layout import RunLayout
from olivegen.runner.summary import RunSummary, inspect_output

NO_RUN = "no earlier successful run here"
SUMMARY_LIMIT = 16 * 2**20


@dataclass(frozen=True)
class Verdict:
    """The last successful run, when it can stand for this one, or why not."""

    summary: RunSummary | None
    why_not: str | None


def _read_summary(path: Path) -> str | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > SUMMARY_LIMIT:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def _hub(config: dict[str, Any], layout: RunLayout) -> dict[str, str | None]:
    caches = layout.caches(os.environ)
    return fingerprint.hub_revisions(config, fingerprint.hub_cache(os.environ, caches["HF_HOME"]))


def _differs(name: str, before: dict[str, Any], now: dict[str, Any]) -> str | None:
    for key in sorted(set(before) | set(now)):
        if before.get(key) != now.get(key):
            return f"{name} {key} changed"
    return None


def check(layout: RunLayout, config: dict[str, object], text: str) -> Verdict:
    """Tell whether the last run in `layout.outdir` can be reused for the config `text` (parsed: `config`)."""
    start = time.monotonic()
    if not layout.inputs_path.exists() and not layout.inputs_path.is_symlink():
        return Verdict(None, NO_RUN)
    try:
        key = fingerprint.signing_key()
    except fingerprint.NoKey as exc:
        return Verdict(None, f"no signing key to check the last run's record ({exc})")
    record = fingerprint.load_record(layout.inputs_path, key)
    if record is None:
        return Verdict(None, f"{layout.inputs_path.name} was not written by olivegen on this machine")
    if record.config_sha256 != fingerprint.config_sha256(text):
        return Verdict(None, "the config changed")
    summary_text = _read_summary(layout.summary_path)
    if summary_text is None or fingerprint.sha256_text(summary_text) != record.summary_sha256:
        return Verdict(None, f"{layout.summary_path.name} is not the one the last run wrote")
    try:
        previous = RunSummary.from_json(summary_text)
    except (ValueError, KeyError, TypeError, AttributeError):
        return Verdict(None, NO_RUN)
    if not previous.ok:
        return Verdict(None, NO_RUN)
    if inspect_output(layout.model_dir) is None:
        return Verdict(None, "the output model is gone")
    why = (
        _differs("the installed version of", record.versions, dict(fingerprint.versions()))
        or _differs("the environment variable", record.environment, fingerprint.environment())
        or _differs("the Hub revision of", record.hub, dict(_hub(config, layout)))
        or fingerprint.model_changed(layout.model_dir, record.model)
        or fingerprint.changed(config, record.files)
    )
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
    """Seal and write the record after a successful run (`states`: the inputs as they were when it started).

    Nothing is written when the inputs or the output model are too many to record, or when there is
    no signing key (then no rerun is ever reused here).
    """
    from olivegen.render.write import write_atomic

    if states is None:
        return
    summary_text = _read_summary(layout.summary_path)
    model = fingerprint.take_model(layout.model_dir)
    if summary_text is None or model is None:
        return
    try:
        key = fingerprint.signing_key()
    except fingerprint.NoKey:
        return
    try:
        config = json.loads(text)
    except ValueError:
        return
    record = fingerprint.Record(
        config_sha256=fingerprint.config_sha256(text),
        files=dict(states),
        versions=fingerprint.versions(),
        environment=fingerprint.environment(),
        hub=_hub(config if isinstance(config, dict) else {}, layout),
        summary_sha256=fingerprint.sha256_text(summary_text),
        model=model,
    )
    write_atomic(layout.inputs_path, fingerprint.dump(record, key))
