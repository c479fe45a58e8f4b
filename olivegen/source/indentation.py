"""Explain a YAML parser error caused by indentation in a recipe's own terms.

ruamel.yaml words an indentation slip as parser state ("mapping values are not
allowed here", "expected <block end>, but found '?'"), often at the line after
the mistake. `explain` looks at the lines around the parser's mark and, when
the cause is a recognisable indentation or missing-colon slip, returns what
happened, where, and how to fix it. Anything else is left to the parser's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^(?P<dash>-\s+)?(?P<key>[^\s#:'\"][^:#]*?)\s*:(\s|$)")


@dataclass(frozen=True)
class Explained:
    """What the slip is: 0-based line and column, a message and a hint."""

    line: int
    col: int
    message: str
    hint: str


@dataclass(frozen=True)
class _Line:
    number: int  # 0-based
    indent: int
    body: str  # without the indentation

    @property
    def key(self) -> str | None:
        found = _KEY.match(self.body)
        return found["key"] if found else None

    @property
    def is_item(self) -> bool:
        return self.body == "-" or self.body.startswith("- ")

    @property
    def key_col(self) -> int:
        """The column where this line's key starts (after `- ` for a list item)."""
        found = _KEY.match(self.body)
        dash = found["dash"] if found and found["dash"] else ""
        return self.indent + len(dash)


def _lines(text: str) -> list[_Line]:
    out = []
    for number, raw in enumerate(text.split("\n")):
        body = raw.rstrip("\r").lstrip(" ")
        if body and not body.startswith("#"):
            out.append(_Line(number, len(raw) - len(raw.lstrip(" ")), body.rstrip()))
    return out


def _spaces(n: int) -> str:
    return f"{n} space{'s' * (n != 1)}"


def explain(text: str, problem: str, line0: int) -> Explained | None:
    """Return the indentation slip behind a parser error at 0-based `line0`, or None when it is not one."""
    lines = _lines(text)
    here = next((i for i, item in enumerate(lines) if item.number == line0), None)
    if here is None or here == 0:
        return None
    cur, prev = lines[here], lines[here - 1]
    if "mapping values are not allowed" in problem:
        return _mapping_values(cur, prev)
    if "expected <block end>" in problem:
        return _dedent(cur, lines[:here], problem)
    return None


def _mapping_values(cur: _Line, prev: _Line) -> Explained | None:
    key = cur.key
    if key is None:
        return None
    if prev.key is None and not prev.is_item and prev.indent <= cur.indent and " " in prev.body:
        # `path m` then `trust_remote_code: true`: the first line lacks its colon
        word, _, rest = prev.body.partition(" ")
        return Explained(
            prev.number,
            prev.indent + len(word),
            f"`{word}` has no `:` after it",
            f"write `{word}: {rest.strip()}`; without the colon YAML reads the line and the next as one text",
        )
    if prev.key is not None and cur.indent > prev.key_col:
        return Explained(
            cur.number,
            cur.indent,
            f"`{key}` is indented more than `{prev.key}` above it, which already has a value",
            f"line `{key}:` up with `{prev.key}:` ({_spaces(prev.key_col)}); to nest it under `{prev.key}:`,"
            f" remove the value after `{prev.key}:`",
        )
    return None


def _dedent(cur: _Line, above: list[_Line], problem: str) -> Explained | None:
    """Explain a line indented to a column that no mapping or list above it uses."""
    # the enclosing levels: walking up, each line less indented than everything after it
    levels: list[_Line] = []
    lowest = cur.indent + 10**6
    for line in reversed(above):
        if line.indent < lowest or (line.is_item and line.indent <= lowest):
            levels.append(line)
            lowest = min(lowest, line.indent)
    if cur.is_item:
        items = [line for line in levels if line.is_item]
        if not items:
            return None
        item = items[0]
        return Explained(
            cur.number,
            cur.indent,
            f"this list item is indented by {_spaces(cur.indent)}, but the items above it by {item.indent}",
            f"line the `-` up with the `-` on line {item.number + 1} ({_spaces(item.indent)})",
        )
    key = cur.key
    if key is None:
        return None
    if key.startswith("-") and len(key) > 1:  # `-type: merge`: a dash with no space is part of the key
        return Explained(
            cur.number,
            cur.indent,
            f"`{key}` is a key, not a list item: YAML needs a space after `-`",
            f"write `- {key[1:]}:`",
        )
    if "'?'" in problem:  # a key where a list item was expected: it belongs inside the item above
        owner = next((line for line in levels if line.is_item and line.indent == cur.indent), None)
        if owner is not None:
            return Explained(
                cur.number,
                cur.indent,
                f"`{key}` is not indented under the list item `{owner.body}` above it",
                f"indent `{key}:` to line up with `{owner.key or 'the item'}:` ({_spaces(owner.key_col)})",
            )
    columns = {line.key_col: line for line in levels if line.key is not None}
    if not columns:
        return None
    best = min(abs(col - cur.indent) for col in columns)
    mates = sorted((col for col in columns if abs(col - cur.indent) == best), reverse=True)
    choices = " or ".join(f"`{columns[col].key}:` on line {columns[col].number + 1} ({_spaces(col)})" for col in mates)
    return Explained(
        cur.number,
        cur.indent,
        f"`{key}` is indented by {_spaces(cur.indent)}, which lines up with no key above it",
        f"keys of one mapping start in the same column: line `{key}:` up with {choices}",
    )
