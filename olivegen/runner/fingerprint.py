"""What a run's output depends on, recorded cheaply, so an unchanged rerun reuses the output instead of running Olive.

A run depends on its rendered config (which names every input by absolute path) and on the
contents of the local files and folders the config names: the model folder, data files, an
adapter. The fingerprint records, per file, its size and modification time, and a sha256 for
files up to HASH_LIMIT bytes (at most HASH_BUDGET bytes hashed per recording). A later check
walks the same paths again: a file whose size and mtime are unchanged counts as unchanged
without being read; only a file whose mtime moved but whose size did not is hashed, to tell a
touched file from an edited one. The walk is bounded (MAX_FILES files): an input tree larger
than that is never judged unchanged. Links to files are followed (reading only), links to
folders are not.

Written to OUTDIR/run-inputs.json only after a run that produced an output model.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = 1
MAX_FILES = 20_000  # files walked per run; more than that and the inputs are never judged unchanged
HASH_LIMIT = 64 * 2**20  # files larger than this are compared by size and mtime alone
HASH_BUDGET = 1024 * 2**20  # bytes hashed per recording; files past it are compared by size and mtime alone
_SKIPPED_ENGINE_KEYS = ("output_dir", "cache_dir")


@dataclass(frozen=True)
class FileState:
    """One input file as last seen."""

    size: int
    mtime_ns: int
    sha256: str | None


class TooManyFiles(Exception):
    """The inputs hold more than MAX_FILES files."""


def config_sha256(text: str) -> str:
    """Return the sha256 of the config text that ran."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_paths(config: Mapping[str, Any]) -> list[Path]:
    """Return the existing local files and folders a config names (absolute paths), except the run's own folders."""
    found: set[Path] = set()

    def visit(value: Any, key: str | None) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                visit(v, str(k))
        elif isinstance(value, list):
            for item in value:
                visit(item, key)
        elif isinstance(value, str) and os.path.isabs(value) and "\n" not in value and len(value) < 4096:
            path = Path(value)
            if path.exists():
                found.add(path)

    for key, value in config.items():
        if key == "engine" and isinstance(value, Mapping):
            visit({k: v for k, v in value.items() if k not in _SKIPPED_ENGINE_KEYS}, key)
        else:
            visit(value, key)
    roots = sorted(found)
    # a folder already covers the files inside it
    return [p for p in roots if not any(q != p and q in p.parents for q in roots)]


def _walk(roots: list[Path]) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (path, stat) of every regular file under the roots.

    A link to a file is followed (a Hugging Face snapshot folder is links into its blob store);
    a link to a folder is not (no cycles), nor is a broken one.
    """
    count = 0
    for root in roots:
        try:
            info = root.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            count += 1
            yield str(root), info
            continue
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    continue
                count += 1
                if count > MAX_FILES:
                    raise TooManyFiles
                yield path, info


def _hash(path: str, size: int) -> str | None:
    if size > HASH_LIMIT:
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def take(config: Mapping[str, Any], known: Mapping[str, FileState] | None = None) -> dict[str, FileState] | None:
    """Record the config's input files; reuse a known file's hash when its size and mtime are unchanged.

    Returns None when the inputs are too many to record.
    """
    known = known or {}
    states: dict[str, FileState] = {}
    budget = HASH_BUDGET
    try:
        for path, info in _walk(input_paths(config)):
            before = known.get(path)
            if before is not None and before.size == info.st_size and before.mtime_ns == info.st_mtime_ns:
                states[path] = before
            else:
                digest = _hash(path, info.st_size) if info.st_size <= budget else None
                budget -= info.st_size if digest is not None else 0
                states[path] = FileState(info.st_size, info.st_mtime_ns, digest)
    except TooManyFiles:
        return None
    return states


def changed(config: Mapping[str, Any], stored: Mapping[str, FileState]) -> str | None:
    """Return what changed in the inputs since `stored` (one short phrase), or None when nothing did."""
    seen = 0
    try:
        for path, info in _walk(input_paths(config)):
            seen += 1
            before = stored.get(path)
            if before is None:
                return f"new input file {path}"
            if before.size != info.st_size:
                return f"{path} changed size"
            if before.mtime_ns != info.st_mtime_ns:
                if before.sha256 is None or _hash(path, info.st_size) != before.sha256:
                    return f"{path} changed"
    except TooManyFiles:
        return f"the inputs hold more than {MAX_FILES} files"
    if seen != len(stored):
        return "an input file was removed"
    return None


def dump(config_hash: str, states: Mapping[str, FileState]) -> str:
    """Return the fingerprint file's text."""
    files = {p: [s.size, s.mtime_ns, s.sha256] for p, s in sorted(states.items())}
    return json.dumps({"version": VERSION, "config_sha256": config_hash, "files": files}, indent=1) + "\n"


def load(path: Path) -> tuple[str, dict[str, FileState]] | None:
    """Read a fingerprint file; None when absent or not one olivegen wrote (then nothing is reused)."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 64 * 2**20:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return None
        files = {
            str(p): FileState(int(size), int(mtime), sha if isinstance(sha, str) else None)
            for p, (size, mtime, sha) in data["files"].items()
        }
        return str(data["config_sha256"]), files
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
