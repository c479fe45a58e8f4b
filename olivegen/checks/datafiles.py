"""The columns of a local data file, read from its first rows only (bounded in bytes and rows).

`datasets` reads these formats at run time; olivegen reads just enough to
know the column names: the first rows of a JSON array or JSON lines file,
the header of a CSV file, the schema of a Parquet file (only when pyarrow
can be imported). Anything it cannot tell for sure answers None.
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from stat import S_ISREG

from olivegen.source.files import read_head

HEAD_BYTES = 64 * 1024
HEAD_ROWS = 20


def columns(path: Path, file_format: str) -> frozenset[str] | None:
    """Return the column names of a local data file, or None when they cannot be told cheaply."""
    try:
        stat = path.stat()
    except (OSError, ValueError):  # ValueError: a NUL byte in the name
        return None
    if not S_ISREG(stat.st_mode):  # a device (/dev/zero), a FIFO, a folder: nothing to read
        return None
    return _columns(str(path), file_format, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _columns(path: str, file_format: str, size: int, mtime_ns: int) -> frozenset[str] | None:
    del mtime_ns  # part of the cache key only
    if file_format == "text":
        return frozenset({"text"})
    if file_format == "parquet":
        return _parquet_columns(path)
    try:  # O_NONBLOCK and an fstat check: the file may have become a FIFO since the stat above
        head, size = read_head(path, HEAD_BYTES)
    except (OSError, ValueError):
        return None
    complete = len(head) >= size
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if complete or exc.start < len(head) - 4:
            return None
        text = head[: exc.start].decode("utf-8-sig")  # a character cut at the end of the head
    if file_format == "json":
        return _json_columns(text, complete)
    if file_format == "csv":
        # olivegen renders `delimiter: "\t"` for .tsv files (context.py); read them the same way
        return _csv_columns(text, complete, "\t" if path.lower().endswith(".tsv") else ",")
    return None


def _json_columns(text: str, complete: bool) -> frozenset[str] | None:
    stripped = text.lstrip()
    if stripped.startswith("["):
        rows = _array_rows(stripped[1:])
    elif stripped.startswith("{"):
        rows = _lines_rows(text, complete)
    else:
        return None
    dicts = [row for row in rows or [] if isinstance(row, dict)]
    if not dicts or len(dicts) != len(rows or []):
        return None
    return frozenset(str(key) for row in dicts for key in row)


def _array_rows(body: str) -> list[object] | None:
    decoder = json.JSONDecoder()
    rows: list[object] = []
    pos = 0
    while len(rows) < HEAD_ROWS:
        while pos < len(body) and body[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(body) or body[pos] == "]":
            break
        try:
            row, pos = decoder.raw_decode(body, pos)
        except ValueError:
            break  # the head ends inside this row
        rows.append(row)
    return rows or None


def _lines_rows(text: str, complete: bool) -> list[object] | None:
    lines = text.splitlines()
    if not complete and lines:
        lines = lines[:-1]  # possibly cut
    rows: list[object] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except ValueError:
            return None  # not JSON lines (a pretty-printed document, say): cannot tell cheaply
        if len(rows) >= HEAD_ROWS:
            break
    return rows or None


def _csv_columns(text: str, complete: bool, delimiter: str = ",") -> frozenset[str] | None:
    if not complete and "\n" not in text:
        return None  # the header itself is cut
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return None
    # pandas (what `datasets` reads CSV with) keeps names as written and names blank ones "Unnamed: i"
    return frozenset(name if name else f"Unnamed: {i}" for i, name in enumerate(header)) or None


def _parquet_columns(path: str) -> frozenset[str] | None:
    if find_spec("pyarrow") is None:
        return None
    try:
        import pyarrow.parquet as pq

        return frozenset(pq.read_schema(path).names)
    except Exception:  # an unreadable or foreign file: Olive will report it at run time
        return None
