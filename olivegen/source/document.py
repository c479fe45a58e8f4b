"""What a parsed recipe or config is: plain data, the position of each part, and the limits on reading it."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from olivegen.errors import Position

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 100_000  # values after aliases and merge keys are expanded
MAX_SLOW_BYTES = 256 * 1024  # text the pure-Python parser takes (when the libyaml fast path steps aside)
MAX_WRITTEN = 20_000  # keys, values and items written in the text (bounds the pure-Python parser's time)

Loc = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Positions of keys and values, by their path in the data."""

    path: str
    keys: dict[Loc, Position] = field(default_factory=dict)
    values: dict[Loc, Position] = field(default_factory=dict)

    def at(self, line0: int, col0: int) -> Position:
        """Turn ruamel's 0-based line and column into a Position."""
        return Position(self.path, line0 + 1, col0 + 1)

    def lookup(self, loc: Loc, *, prefer_value: bool = False) -> Position:
        """Find the best position for a path: the longest prefix that was written in the file."""
        for end in range(len(loc), 0, -1):
            prefix = loc[:end]
            first, second = (self.values, self.keys) if prefer_value else (self.keys, self.values)
            if prefix in first:
                return first[prefix]
            if prefix in second:
                return second[prefix]
        return self.values.get((), Position(self.path, 1, 1))


@dataclass
class Source:
    """A parsed recipe: plain data and where each part of it was written."""

    data: dict[str, Any]
    where: SourceMap
    text: str


def plain_scalar(value: Any) -> Any:
    """Return a parsed scalar as a plain JSON value (dates as ISO text, YAML subclasses as builtins)."""
    if isinstance(value, bool) or value is None:
        return value
    if type(value).__name__ == "ScalarBoolean":  # ruamel's anchored `&x true`: an int subclass
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return str(value)


_SURROGATE_ESCAPE = re.compile(r"\\(?:u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")


def find_surrogates(text: str, data: Any) -> list[Loc]:
    """Return every place `data` holds a lone surrogate (made by a `u` escape such as `ud800` in YAML or JSON).

    Such a string is not text: no file name, model id or JSON output can hold it. Only an escape
    in the text can make one, so texts without such an escape are not walked.
    """
    if not _SURROGATE_ESCAPE.search(text):
        return []
    found: list[Loc] = []
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, str) and _has_surrogate(node):
            found.append(loc)
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and _has_surrogate(key):
                    found.append((*loc, key))
                stack.append(((*loc, key), value))
        elif isinstance(node, list):
            stack.extend(((*loc, i), item) for i, item in enumerate(node))
    return found


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)
