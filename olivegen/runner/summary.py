"""What a run produced: each pass's status and time, the output model's files, adapters, and why it failed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from olivegen.report.safe_text import shown
from olivegen.runner.layout import OLIVE_BOOKKEEPING
from olivegen.runner.logparse import FAILED_, PRUNED_, OliveLog, PassRun, shorten

ADAPTER_SUFFIXES = (".onnx_adapter",)
SHOWN_FILES = 12


@dataclass(frozen=True)
class FileEntry:
    """A file of the output model, relative to its folder."""

    path: str
    bytes: int


@dataclass(frozen=True)
class OutputModel:
    """The output model on disk."""

    path: str
    files: list[FileEntry]
    total_bytes: int
    adapters: list[FileEntry]
    genai: bool  # has genai_config.json: onnxruntime-genai loads it


@dataclass
class RunSummary:
    """Everything `olivegen run` reports, also written as run-summary.json."""

    recipe: str
    workflow_id: str
    outdir: str
    config: str
    log: str
    passes: list[PassRun]
    model: OutputModel | None
    returncode: int
    seconds: float
    peak_rss_bytes: int | None
    failure: str | None
    notes: list[str] = field(default_factory=list)
    caches: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)  # the recipe's `evaluate:` metrics on the output model
    reused: bool = False  # nothing changed since the last successful run: its output was reported, Olive not started

    @property
    def ok(self) -> bool:
        """A run succeeded when it left an output model, whatever Olive's exit code."""
        return self.failure is None and self.model is not None

    def to_json(self) -> str:
        """Return the summary as JSON text."""
        data = asdict(self)
        data["ok"] = self.ok
        for run in data["passes"]:
            run.pop("started", None)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> RunSummary:
        """Read a summary written by `to_json` (ValueError, KeyError or TypeError when it is not one)."""
        data = json.loads(text)
        data.pop("ok", None)
        data["passes"] = [PassRun(**run) for run in data["passes"]]
        model = data.get("model")
        if model is not None:
            model["files"] = [FileEntry(**f) for f in model["files"]]
            model["adapters"] = [FileEntry(**f) for f in model["adapters"]]
            data["model"] = OutputModel(**model)
        return cls(**data)


def human(size: float) -> str:
    """Return a size as `12.3 MB` (powers of 1024)."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


def _files(folder: Path) -> list[FileEntry]:
    return sorted(
        (FileEntry(str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*") if p.is_file()),
        key=lambda f: f.path,
    )


def inspect_output(model_dir: Path) -> OutputModel | None:
    """Return the output model Olive left in `model_dir`, or None when there is none.

    Olive writes `model_config.json` beside the model only when the workflow produced one.
    """
    marker = model_dir / "model_config.json"
    if not marker.is_file():
        return None
    folder = model_dir
    try:
        declared = json.loads(marker.read_text(encoding="utf-8")).get("config", {}).get("model_path")
    except (OSError, ValueError, AttributeError):
        declared = None
    if isinstance(declared, str) and Path(declared).is_dir():
        folder = Path(declared)
    files = [f for f in _files(folder) if f.path not in OLIVE_BOOKKEEPING]
    if not files:
        return None
    adapters = [f for f in files if f.path.endswith(ADAPTER_SUFFIXES)]
    return OutputModel(
        str(folder),
        files,
        sum(f.bytes for f in files),
        adapters,
        any(f.path == "genai_config.json" for f in files),
    )


def read_metrics(model_dir: Path) -> dict[str, float]:
    """Return the output model's metrics from Olive's `metrics.json` ({"accuracy-accuracy_score": 0.81, ...})."""
    path = model_dir / "metrics.json"
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 2**20:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, float] = {}
    if isinstance(data, dict):
        for name, entry in data.items():
            value = entry.get("value") if isinstance(entry, dict) else entry
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                found[str(name)] = float(value)
    return found


def failure_line(log: OliveLog, returncode: int, model: OutputModel | None, log_path: Path) -> str | None:
    """Return one readable line naming the failed pass and why, with the log's path; None on success."""
    where = f" (log: {log_path})"
    if log.network_error is not None and not (model is not None and returncode == 0):
        return (
            f"could not reach the Hugging Face Hub for {log.model or 'the model'}"
            f" (offline? set HF_HUB_OFFLINE=1 and use a local path): {log.network_error}{where}"
        )
    failed = log.failed()
    if failed is not None:
        verb = "was pruned" if failed.status == PRUNED_ else "failed"
        return f"pass {failed.key!r} ({failed.type}) {verb}: {failed.reason or 'see the log'}{where}"
    if log.setup_error is not None:
        return f"Olive failed before running a pass: {log.setup_error}{where}"
    if model is not None and returncode == 0:
        return None
    if model is not None:
        return f"Olive exited with code {returncode} after writing the model{where}"
    if returncode != 0:
        detail = f": {log.last_exception}" if log.last_exception else ""
        return f"Olive exited with code {returncode}{detail}{where}"
    said = " and says 'No output model produced'" if log.no_output else ""
    return f"Olive exited 0{said}, but left no output model{where}"


def _pass_line(index: int, total: int, run: PassRun, key_width: int, type_width: int) -> str:
    took = f"{run.seconds:6.1f} s" if run.seconds is not None else "      -"
    key, kind, status = shown(run.key), shown(run.type), shown(run.status)
    line = f"  [{index}/{total}] {key:<{key_width}} {kind:<{type_width}} {status:<8} {took}"
    if run.status in (FAILED_, PRUNED_) and run.reason:
        line += f"  {shown(shorten(run.reason, 160))}"
    return line


def format_summary(summary: RunSummary) -> list[str]:
    """Return the summary as lines of text.

    Every name and path in it came from files (the recipe, Olive's log, the output folder's file
    names, a summary read back from disk) and is shown with its control characters escaped: a
    file name holding a line break cannot start a line of its own (`::warning file=...::` is a
    GitHub workflow command when a line starts with it).
    """
    workflow = shown(summary.workflow_id)
    lines = [f"{workflow}: {'ok' if summary.ok else 'FAILED'} in {summary.seconds:.1f} s"]
    if summary.reused:
        lines[0] = f"{workflow}: reused: nothing changed since the last successful run, Olive not started"
    if summary.peak_rss_bytes:
        lines[0] += f", peak memory {human(summary.peak_rss_bytes)}"
    lines.append("passes:")
    total = len(summary.passes)
    key_width = max([len(shown(run.key)) for run in summary.passes] + [12])
    type_width = max([len(shown(run.type)) for run in summary.passes] + [12])
    lines += [_pass_line(i, total, run, key_width, type_width) for i, run in enumerate(summary.passes, 1)]
    model = summary.model
    if model is not None:
        lines.append(f"output model: {shown(model.path)} ({len(model.files)} files, {human(model.total_bytes)})")
        biggest = sorted(model.files, key=lambda f: -f.bytes)[:SHOWN_FILES]
        for f in sorted(biggest, key=lambda f: f.path):
            lines.append(f"  {human(f.bytes):>10}  {shown(f.path)}")
        if len(model.files) > SHOWN_FILES:
            lines.append(f"  ... and {len(model.files) - SHOWN_FILES} smaller files")
        if model.genai:
            if model.adapters:
                names = ", ".join(f"{shown(a.path)} ({human(a.bytes)})" for a in model.adapters)
                lines.append(f"adapters (og.Adapters.load): {names}")
            else:
                lines.append("adapters: none (the adapter, if any, is merged into the weights)")
    if summary.metrics:
        lines.append("metrics: " + ", ".join(f"{shown(k)} {v:.4g}" for k, v in sorted(summary.metrics.items())))
    lines.append(f"config: {shown(summary.config)}")
    lines.append(f"log: {shown(summary.log)}")
    return lines


__all__ = [
    "FileEntry",
    "OutputModel",
    "RunSummary",
    "failure_line",
    "format_summary",
    "inspect_output",
    "read_metrics",
]
