"""The columns of a local data file, read from its first rows only (bounded in bytes and rows).

`datasets` reads these formats at run time; olivegen reads just enough to
know the column names: the first rows of a JSON array or JSON lines file,
the header of a CSV file, the schema of a Parquet file (only when pyarrow
can be imported, and only from a footer of at most HEAD_BYTES: its length is
read first, from the file's last 8 bytes). Anything it cannot tell for sure
answers None; `unread` says why when the file was too large to tell.
"""

from __future__ import annotations

import csv
import io
import json
import os
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from stat import S_ISREG

from olivegen.source.files import read_head

HEAD_BYTES = 64 * 1024
HEAD_ROWS = 20


def columns(path: Path, file_format: str) -> frozenset[str] | None:
    """Return the column names of a local data file, or None when they cannot be told cheaply."""
    found = _read(path, file_format)
    return None if isinstance(found, str) else found


def unread(path: Path, file_format: str) -> str | None:
    """Say why the columns of a data file were not read although it is there (its schema is too large), or None."""
    found = _read(path, file_format)
    return found if isinstance(found, str) else None


def _read(path: Path, file_format: str) -> frozenset[str] | str | None:
    try:
        stat = path.stat()
    except (OSError, ValueError):  # ValueError: a NUL byte in the name
        return None
    if not S_ISREG(stat.st_mode):  # a device (/dev/zero), a FIFO, a folder: nothing to read
        return None
    return _columns(str(path), file_format, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _columns(path: str, file_format: str, size: int, mtime_ns: int) -> frozenset[str] | str | None:
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


PARQUET_MAGIC = b"PAR1"


def _parquet_columns(path: str) -> frozenset[str] | str | None:
    """Read a Parquet schema from its footer only, and only when the footer is at most HEAD_BYTES.

    A Parquet file ends with its metadata, the metadata's length (4 bytes, little-endian) and
    `PAR1`; pyarrow would read and decode the whole metadata (407 MB for 100,000 columns).
    """
    if find_spec("pyarrow") is None:
        return None
    try:
        footer = _parquet_footer(path)
        if not isinstance(footer, bytes):
            return footer
        import pyarrow as pa
        import pyarrow.parquet as pq

        # the footer alone, framed as a file: the schema needs nothing else
        framed = PARQUET_MAGIC + footer + len(footer).to_bytes(4, "little") + PARQUET_MAGIC
        return frozenset(pq.read_schema(pa.BufferReader(framed)).names)
    except Exception:  # an unreadable or foreign file: Olive will report it at run time
        return None


def _parquet_footer(path: str) -> bytes | str | None:
    """Return a Parquet file's metadata bytes; why not (too large) as text; None when it is no Parquet file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))  # as read_head
    try:
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode) or info.st_size < 12:
            return None
        os.lseek(fd, info.st_size - 8, os.SEEK_SET)
        tail = os.read(fd, 8)
        if len(tail) != 8 or tail[4:] != PARQUET_MAGIC:
            return None
        length = int.from_bytes(tail[:4], "little")
        if length > HEAD_BYTES:
            return (
                f"its Parquet footer (the schema) is {length:,} bytes, more than the {HEAD_BYTES // 1024} KiB"
                " olivegen reads"
            )
        if length + 12 > info.st_size:
            return None
        os.lseek(fd, info.st_size - 8 - length, os.SEEK_SET)
        footer = os.read(fd, length)
        return footer if len(footer) == length else None
    finally:
        os.close(fd)
