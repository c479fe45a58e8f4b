"""Where the cursor is in a recipe, read from indentation alone, so that it works while the YAML is broken.

An editor asks about a document that is being typed: most of the time it is not valid YAML
(`  lor` without its colon yet). This module reads each line's dashes, key and value, and
walks upwards by indentation to find the path of the key or value under the cursor, e.g.
`("passes", 1, "training", "max_steps")`. It reads block mappings and sequences, `- key:`
items, block scalars (`|`, `>`) and one-line flow lists (`[a, b]`); nothing else is needed
for a recipe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Path = tuple[str | int, ...]

_KEY = re.compile(r"""("[^"]*"|'[^']*'|[^\s#'"\[\]{},:][^#:]*?)[ \t]*:(?=\s|$)""")
_BLOCK = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")


@dataclass
class Line:
    """One line: the columns of its dashes, its key and value (if any), or the block scalar it belongs to."""

    text: str
    dashes: list[int] = field(default_factory=list)
    key: str | None = None
    key_col: int = -1
    value_col: int = -1  # where the value starts (after `: `), or the end of the line
    scalar_col: int = -1  # a plain `- item` (no key): where the item starts
    block_of: int | None = None  # content line of the block scalar started on that line

    @property
    def first(self) -> int:
        """Return the column of the first thing on the line (-1: blank or comment)."""
        cols = [*self.dashes, self.key_col, self.scalar_col]
        found = [c for c in cols if c >= 0]
        return min(found) if found else -1


def read_line(text: str) -> Line:
    """Split one line into its dashes, key and value."""
    line = Line(text)
    i = len(text) - len(text.lstrip(" "))
    while i < len(text) and text[i] == "-" and (i + 1 == len(text) or text[i + 1] in " \t") and len(line.dashes) < 64:
        line.dashes.append(i)
        i += 1
        while i < len(text) and text[i] in " \t":
            i += 1
    if i >= len(text) or text[i] == "#":
        return line
    match = _KEY.match(text, i)
    if match:
        line.key = match.group(1).strip("'\"")
        line.key_col = i
        j = match.end()
        while j < len(text) and text[j] in " \t":
            j += 1
        line.value_col = j
    else:
        line.scalar_col = i
    return line


def read_lines(text: str) -> list[Line]:
    """Read every line of a document, marking the content lines of block scalars."""
    lines: list[Line] = []
    block: tuple[int, int] | None = None  # (line index of the key, indentation the content must exceed)
    for raw in text.split("\n"):
        raw = raw.rstrip("\r")
        indent = len(raw) - len(raw.lstrip(" "))
        if block is not None and (not raw.strip() or indent > block[1]):
            lines.append(Line(raw, block_of=block[0]))
            continue
        block = None
        line = read_line(raw)
        if line.key is not None and _BLOCK.match(raw[line.value_col :]):
            block = (len(lines), line.first)
        lines.append(line)
    return lines


def _value(line: Line) -> str:
    return line.text[line.value_col :].split(" #")[0].strip() if line.key is not None else ""


def mapping_path(lines: list[Line], i: int, col: int) -> Path:
    """Return the path of the mapping whose key stands at `col` on line `i` (the line may be blank)."""
    line = lines[i]
    before = [d for d in line.dashes if d < col]
    if before and (line.key_col == col or line.scalar_col == col or not line.text[before[-1] + 1 : col].strip()):
        return item_path(lines, i, before[-1])
    for j in range(i - 1, -1, -1):
        above = lines[j]
        first = above.first
        if first < 0 or above.block_of is not None or first > col:
            continue
        if above.key_col == col:
            return mapping_path(lines, j, col)
        if above.key_col == -1 and above.dashes and above.dashes[-1] < col and above.scalar_col == -1:
            return item_path(lines, j, above.dashes[-1])  # `-` alone on its line, the item's keys below
        if first < col or first == col:
            if above.key is not None and above.key_col < col and not _value(above):
                return (*mapping_path(lines, j, above.key_col), above.key)
            if first < col:
                return ()
    return ()


def item_path(lines: list[Line], i: int, dash: int) -> Path:
    """Return the path of the list item whose dash stands at column `dash` on line `i`."""
    index = 0
    start = i
    for j in range(i - 1, -1, -1):
        above = lines[j]
        first = above.first
        if first < 0 or above.block_of is not None or first > dash:
            continue
        if first == dash and dash in above.dashes:
            index += 1
            start = j
            continue
        break
    opener = lines[start]
    outer = [d for d in opener.dashes if d < dash]
    if outer:
        return (*item_path(lines, start, outer[-1]), index)
    for j in range(start - 1, -1, -1):
        above = lines[j]
        if above.first < 0 or above.block_of is not None or above.first > dash:
            continue
        if above.key is not None and above.key_col <= dash and not _value(above):
            return (*mapping_path(lines, j, above.key_col), above.key, index)
        break
    return (index,)


Kind = Literal["key", "value", "item", "blank"]


@dataclass(frozen=True)
class Cursor:
    """What the cursor is on.

    kind "key": a key (`path` is its mapping, `word` the key); "value": the value of the key at the end of
    `path`; "item": a plain list item (`path` ends with its index); "blank": nothing typed yet on the line,
    where a key of the mapping `path` (or an item, when `item` is set) would go.
    """

    kind: Kind
    path: Path
    word: str  # the whole key or value token under the cursor
    prefix: str  # the part of `word` before the cursor
    start: int  # column where `word` starts on the line
    end: int
    line: int
    value: str = ""  # the whole value text, for "value"


_TOKEN = re.compile(r"[^\s,\[\]{}#]*")


def _token(text: str, col: int, begin: int) -> tuple[int, int]:
    """Return the token around `col` that starts no earlier than `begin` (flow lists split on commas)."""
    start = col
    while start > begin and text[start - 1] not in " \t,[]{}":
        start -= 1
    match = _TOKEN.match(text, col)
    end = match.end() if match else col
    return start, end


def cursor_at(lines: list[Line], line: int, col: int) -> Cursor | None:
    """Describe what is under (or just before) a 0-based line and column (None: nothing this reader follows)."""
    try:
        return _cursor_at(lines, line, col)
    except RecursionError:  # nesting deeper than any recipe (the YAML reader refuses it too)
        return None


def _cursor_at(lines: list[Line], line: int, col: int) -> Cursor | None:
    if line >= len(lines):
        return None
    current = lines[line]
    text = current.text
    col = min(col, len(text))
    if current.block_of is not None:
        owner = lines[current.block_of]
        path = (*mapping_path(lines, current.block_of, owner.key_col), owner.key or "")
        start, end = _token(text, col, 0)
        return Cursor("value", path, text[start:end], text[start:col], start, end, line, text)
    if current.key is not None:
        key_end = current.key_col + len(text[current.key_col :].split(":")[0].rstrip())
        mapping = mapping_path(lines, line, current.key_col)
        if col <= key_end:
            word = text[current.key_col : key_end]
            return Cursor("key", mapping, word, text[current.key_col : col], current.key_col, key_end, line)
        begin = max(current.value_col, key_end + 1)
        start, end = _token(text, col, min(begin, col))
        value = _value(current)
        return Cursor("value", (*mapping, current.key), text[start:end], text[start:col], start, end, line, value)
    if current.scalar_col >= 0 and col >= current.scalar_col:
        at = current.scalar_col
        path = item_path(lines, line, current.dashes[-1]) if current.dashes else mapping_path(lines, line, at)
        start, end = _token(text, col, current.scalar_col)
        word = text[start:end]
        if current.dashes:
            return Cursor("item", path, word, text[start:col], start, end, line)
        return Cursor("key", path, word, text[start:col], start, end, line)
    if text[:col].strip(" -"):
        return None  # after a comment, or something this reader does not follow
    dashes = [d for d in current.dashes if d < col]
    if dashes:
        return Cursor("item", item_path(lines, line, dashes[-1]), "", "", col, col, line)
    return Cursor("blank", mapping_path(lines, line, col), "", "", col, col, line)


def item_line(lines: list[Line], line: int, key_col: int) -> tuple[int, int] | None:
    """Return (line, dash column) of the list item holding the key at `key_col` on `line`, or None."""
    for j in range(line, -1, -1):
        here = lines[j]
        if here.block_of is not None or here.first < 0:
            continue
        if here.key_col == key_col and here.dashes and here.dashes[-1] < key_col:
            return j, here.dashes[-1]
        if here.first < key_col:
            return None
    return None


def item_value(lines: list[Line], line: int, dash: int, key: str) -> tuple[str, int] | None:
    """Return (value, line) of `key` in the list item whose dash is at `dash` on `line`."""
    key_col = next((c for c in (lines[line].key_col, lines[line].scalar_col) if c > dash), dash + 2)
    for j in range(line, len(lines)):
        here = lines[j]
        if j > line and here.first >= 0 and here.block_of is None and here.first <= dash:
            break
        if here.key == key and here.key_col == key_col:
            return _value(here).strip("'\""), j
    return None
