"""A cheap scan for absurd nesting, run before the recursive YAML parsers see the text.

Flow collections (`[` and `{`) are counted only where YAML starts a node: at
the start of a line's content, after `- `, `? ` or `: ` in block context, and
after `[`, `{`, `,` or `:` inside a flow collection. So a bracket inside a
plain scalar (`a: x[[[`), a quoted scalar (`'[['`, `"{{"`), a comment or a
block scalar (`|`, `>`) is text, and an apostrophe inside a plain scalar
(`it's`) starts nothing. Block nesting shows up as indentation, capped at
four columns a level. Anything the scan gets wrong only moves the error to the
parsers, which are bounded too (RecursionError is caught there).
"""

from __future__ import annotations

import re

from olivegen.errors import Position, RecipeError
from olivegen.source.document import MAX_DEPTH

MAX_MERGES = 100  # `<<` merge keys in one document: ruamel's cost grows with their square
_OPENERS = re.compile(r"[\[{\"'|>]")
_DOUBLE_QUOTED = re.compile(r'["\\]')  # what ends, or escapes within, a double-quoted scalar
_SINGLE_QUOTED = re.compile(r"'")
_PLAIN_END = re.compile(r":(?=[ \t]|$)|(?<=[ \t])#")  # `: ` or ` #`: the end of a plain scalar in block context
_MERGE = re.compile(r"(?:^|[\s{,])<<\s*:", re.MULTILINE)


def check_nesting(text: str, display: str, what: str = "recipe") -> None:
    """Raise RecipeError at the first place nesting goes beyond MAX_DEPTH, or merge keys beyond MAX_MERGES."""
    _check_merges(text, display, what)
    depth = 0
    quote = ""  # the quote a scalar spanning lines is still inside
    block_indent = -1  # inside a block scalar: lines more indented than this are its text
    for lineno, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent >= 0:
            if not stripped.strip() or indent > block_indent:
                continue
            block_indent = -1
        if not quote and depth == 0:
            lead = len(line) - len(line.lstrip(" -"))
            if lead > 4 * MAX_DEPTH:
                _too_deep(Position(display, lineno + 1, lead + 1), what)
            if not _OPENERS.search(line):
                continue  # nothing on this line can open a collection, a quote or a block scalar
        depth, quote, opens_block = _scan(line, lineno, display, depth, quote, what)
        if opens_block:
            block_indent = indent


def _scan(line: str, lineno: int, display: str, depth: int, quote: str, what: str) -> tuple[int, str, bool]:
    """Scan one line; return the flow depth and open quote after it, and whether it opens a block scalar."""
    node_start = True  # a node may start here (line start, in block or flow context)
    col = 0
    end = len(line)
    while col < end:
        ch = line[col]
        if quote:  # jump to the next character that can end the quote (a 2 MiB string is one search)
            stop = (_DOUBLE_QUOTED if quote == '"' else _SINGLE_QUOTED).search(line, col)
            if stop is None:
                break
            col = stop.start()
            if line[col] == "\\" or (quote == "'" and line.startswith("''", col)):
                col += 2
                continue
            quote = ""
            col += 1
            continue
        if ch == " " or ch == "\t":
            col += 1
            continue
        if ch == "#" and (col == 0 or line[col - 1] in " \t"):
            break
        if node_start and ch in "\"'":
            quote = ch
            node_start = False
        elif node_start and ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                _too_deep(Position(display, lineno + 1, col + 1), what)
        elif depth and ch in "]}":
            depth -= 1
            node_start = False
        elif depth and ch == ",":
            node_start = True
        elif ch in "-?:" and (col + 1 == end or line[col + 1] in " \t"):
            node_start = True
        elif ch == ":" and depth:
            node_start = True
        elif node_start and ch in "|>" and depth == 0:
            return depth, quote, True  # `|` or `>` where a node starts: a block scalar
        else:
            node_start = False
            if depth == 0:  # a plain scalar in block context: only `: ` or ` #` end it
                nxt = _next_indicator(line, col)
                col = nxt
                continue
        col += 1
    return depth, quote, False


def _next_indicator(line: str, col: int) -> int:
    """Skip a plain scalar in block context: to the next `: `, ` #` or the end of the line."""
    found = _PLAIN_END.search(line, col)
    return found.start() if found is not None else len(line)


def _check_merges(text: str, display: str, what: str) -> None:
    if text.count("<<") <= MAX_MERGES:
        return
    for count, match in enumerate(_MERGE.finditer(text), start=1):
        if count > MAX_MERGES:
            line = text.count("\n", 0, match.start()) + 1
            col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise RecipeError.single(
                f"the {what} has more than {MAX_MERGES} YAML merge keys (<<)",
                Position(display, line, col),
                "write the shared values once, or use `extends:`",
                rule="yaml",
            )


def _too_deep(at: Position, what: str) -> None:
    raise RecipeError.single(
        f"the {what} is nested more than {MAX_DEPTH} levels deep", at, "flatten the structure", rule="yaml"
    )
