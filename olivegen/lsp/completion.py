"""Completion: keys (pass-specific), pass types, providers, devices, data set names, template columns, LoRA modules.

A column name comes from a data file (the pull request's as much as the author's): it is inserted
escaped for the YAML scalar it goes into (`_column_edit`), so a newline, a quote, `: `, `#` or
surrounding spaces never break the recipe or change what else it says; names shaped like a
credential are not offered at all (`facts.data_columns`).
"""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types as lsp

from olivegen.knowledge.catalog import PASS_ALIASES, all_pass_names
from olivegen.lsp.documents import Document, compose_text, from_lsp, to_lsp
from olivegen.lsp.facts import DATA_REFS, data_columns, data_set_names, model_modules, providers
from olivegen.lsp.fields import Path as RecipePath
from olivegen.lsp.fields import is_list_field, key_at, keys, place_at
from olivegen.lsp.hover import describe_key
from olivegen.lsp.outline import Cursor, Line, cursor_at

TRIGGERS = [":", " ", "{", "-", ","]


def _edit(line: str, row: int, start: int, end: int, text: str) -> lsp.TextEdit:
    return lsp.TextEdit(lsp.Range(lsp.Position(row, to_lsp(line, start)), lsp.Position(row, to_lsp(line, end))), text)


def _siblings(lines: list[Line], cur: Cursor) -> set[str]:
    """Return the keys already written in the mapping the cursor is in (same column, same block)."""
    col = cur.start
    out: set[str] = set()
    starts_item = any(d < col for d in lines[cur.line].dashes)
    for step in (-1, 1):
        if step == -1 and starts_item:
            continue
        i = cur.line + step
        while 0 <= i < len(lines):
            line = lines[i]
            if line.block_of is None and line.first >= 0:
                if line.first < col:
                    if step == -1 and line.key_col == col and line.key:
                        out.add(line.key)  # the line that starts this list item
                    break
                if line.key_col == col and line.key:
                    out.add(line.key)
            i += step
    return out


def _key_items(doc: Document, cur: Cursor, path: RecipePath) -> list[lsp.CompletionItem]:
    place = place_at(path, doc.pass_type)
    taken = _siblings(doc.lines, cur) - {cur.word}
    line = doc.lines[cur.line].text
    items = []
    for key in keys(place):
        if key.name in taken:
            continue
        items.append(
            lsp.CompletionItem(
                key.name,
                kind=lsp.CompletionItemKind.Property,
                detail=key.type or None,
                documentation=lsp.MarkupContent(lsp.MarkupKind.Markdown, describe_key(key.name, key)),
                text_edit=_edit(line, cur.line, cur.start, cur.end, f"{key.name}: "),
                filter_text=key.name,
            )
        )
    return items


def _values(
    doc: Document, texts: dict[Path, str], cur: Cursor, path: RecipePath
) -> list[tuple[str, str | None, lsp.CompletionItemKind]]:
    """Return (value, detail, kind) for the value at `path`."""
    Value = lsp.CompletionItemKind.Value
    last = path[-1] if path else None
    in_pass = len(path) == 3 and path[0] == "passes"
    if in_pass and last == "type":
        types: list[tuple[str, str | None, lsp.CompletionItemKind]]
        types = [(n, None, lsp.CompletionItemKind.Class) for n in all_pass_names()]
        return types + [(a, f"= {t}", lsp.CompletionItemKind.Class) for a, t in PASS_ALIASES.items()]
    if last == "provider" or path in (("host",), ("target",)):
        return [(name, detail, lsp.CompletionItemKind.EnumMember) for name, detail in providers()]
    if in_pass and last in DATA_REFS:
        composed = compose_text(doc, texts)
        sets = data_set_names(composed.data) if composed else []
        return [(n, "data set", lsp.CompletionItemKind.Reference) for n in sets]
    if in_pass and last == "target_modules":
        composed = compose_text(doc, texts)
        found = model_modules(composed.data, doc.path.parent) if composed else None
        if found is None:
            return []
        label, modules, default = found
        return [(m, f"{label}" + (" (LoRA default)" if m in default else ""), Value) for m in modules]
    key = key_at(path, doc.pass_type)
    return [(c, key.type, Value) for c in key.choices] if key else []


_PLAIN_SAFE = re.compile(r"\w[\w.\-]*(?: [\w.\-]+)*")  # a name every scalar style takes as written
_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def double_quoted_body(text: str) -> str:
    """Return `text` escaped for the inside of a YAML double-quoted scalar (no raw line break, no control character)."""
    out = []
    for ch in text:
        if ch in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[ch])
        elif not ch.isprintable() or ch in "\u0085\u2028\u2029\ufeff":
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _single_quoted_end(text: str, start: int) -> int | None:
    """Return the column of the quote closing a single-quoted scalar opened at `start` (None: not on this line)."""
    i = start + 1
    while i < len(text):
        if text[i] == "'":
            if text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return None


def _continues(lines: list[Line], row: int) -> bool:
    """Tell whether a plain scalar on line `row` goes on to the next lines (a multi-line plain scalar)."""
    indent = lines[row].first
    for line in lines[row + 1 :]:
        if line.block_of is None and line.first < 0 and not line.text.strip():
            continue
        stripped = line.text.strip()
        if stripped.startswith("#"):
            return False
        return line.first > indent and line.key is None and not line.dashes
    return False


def _column_edit(doc: Document, row: int, start: int, end: int, name: str) -> lsp.TextEdit | None:
    """Return the edit writing `name` over columns start..end of a template, escaped for its scalar style.

    Double-quoted: escaped in place. Single-quoted: `'` doubled, or the value rewritten double-quoted
    when the name holds what single quotes cannot (a line break, a control character). Plain: a
    name that is not plain-safe turns the value into a double-quoted scalar. Block (`|`, `>`):
    only names without a line break or control character. None: the name cannot go here.
    """
    line = doc.lines[row]
    text = line.text
    if _PLAIN_SAFE.fullmatch(name):
        return _edit(text, row, start, end, name)
    printable = all(ch.isprintable() for ch in name)
    if line.block_of is not None:
        return _edit(text, row, start, end, name) if printable else None
    at = line.value_col
    if at < 0 or at >= len(text):
        return None
    quote = text[at]
    if quote == '"':
        return _edit(text, row, start, end, double_quoted_body(name))
    if quote == "'":
        close = _single_quoted_end(text, at)
        if printable:
            return _edit(text, row, start, end, name.replace("'", "''"))
        if close is None or not (at < start and end <= close):
            return None
        before = text[at + 1 : start].replace("''", "'")
        after = text[end:close].replace("''", "'")
        return _edit(text, row, at, close + 1, '"' + double_quoted_body(before + name + after) + '"')
    if _continues(doc.lines, row):
        return None
    comment = re.search(r"[ \t]#", text[at:])
    stop = at + comment.start() if comment else len(text.rstrip())
    if not (at <= start and end <= stop):
        return None
    value = text[at:start] + name + text[end:stop]
    return _edit(text, row, at, stop, '"' + double_quoted_body(value) + '"')


def _template_columns(doc: Document, texts: dict[Path, str], cur: Cursor, col: int) -> list[lsp.CompletionItem] | None:
    """Complete a column name inside `{...}` of a data set's `text_template` (None: not in a placeholder)."""
    path = cur.path
    if not (len(path) == 3 and path[0] == "data" and path[2] == "text_template" and isinstance(path[1], int)):
        return None
    line = doc.lines[cur.line].text
    before = line[:col]
    open_at = before.rfind("{")
    if open_at < 0 or "}" in before[open_at:] or before[open_at - 1 : open_at] == "{":
        return None
    composed = compose_text(doc, texts)
    specs = composed.data.get("data") if composed else None
    spec = specs[path[1]] if isinstance(specs, list) and path[1] < len(specs) else None
    if not isinstance(spec, dict):
        return []
    found = data_columns(spec, doc.path.parent)
    if found is None:
        return []
    end = col
    while end < len(line) and (line[end].isalnum() or line[end] in "_-. "):
        end += 1
    close = "" if line[end : end + 1] == "}" else "}"
    items = []
    for name in found[1]:
        edit = _column_edit(doc, cur.line, open_at + 1, end, name + close)
        if edit is None:
            continue
        shown = name if _PLAIN_SAFE.fullmatch(name) else '"' + double_quoted_body(name) + '"'
        items.append(
            lsp.CompletionItem(shown, kind=lsp.CompletionItemKind.Field, detail=f"column of {found[0]}", text_edit=edit)
        )
    return items


def complete(doc: Document, texts: dict[Path, str], position: lsp.Position) -> list[lsp.CompletionItem]:
    """Answer a completion request on a recipe."""
    if position.line >= len(doc.lines):
        return []
    line = doc.lines[position.line].text
    col = from_lsp(line, position.character)
    cur = cursor_at(doc.lines, position.line, col)
    if cur is None:
        return []
    if cur.kind in ("key", "blank"):
        return _key_items(doc, cur, cur.path)
    if cur.kind == "value":
        columns = _template_columns(doc, texts, cur, col)
        if columns is not None:
            return columns
        path = cur.path
    else:  # a list item: a new mapping in a list of mappings, or a value of a list of values
        path = cur.path[:-1]
        if place_at(cur.path, doc.pass_type).model is not None and not cur.word:
            return _key_items(doc, cur, cur.path)
        if not is_list_field(path, doc.pass_type) and path != ("extends",):
            return []
    return [
        lsp.CompletionItem(
            value,
            kind=kind,
            detail=detail,
            text_edit=_edit(line, cur.line, cur.start, cur.end, value),
        )
        for value, detail, kind in _values(doc, texts, cur, path)
    ]
