"""Hover: a key's description, type and default; a pass type's description and parameters; a data set's source.

Everything shown is masked (`source/secrets.py`): a recipe whose composition was refused for holding a
credential is still read from its own text, so a data file, hub name or path may be token-shaped.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from olivegen.knowledge.catalog import canonical_provider
from olivegen.lsp.documents import Document, compose_text, cursor_of, to_lsp
from olivegen.lsp.facts import DATA_REFS, describe_data_set, describe_pass, find_data_set
from olivegen.lsp.fields import Key, key_at
from olivegen.lsp.outline import Cursor
from olivegen.source.secrets import mask


def describe_key(name: str, key: Key) -> str:
    """Return markdown for a key: its description, type and default."""
    lines = [f"**{name}**: {key.type}" if key.type else f"**{name}**", "", key.description]
    if key.default is not None:
        lines += ["", f"default: `{key.default}`"]
    return "\n".join(lines)


def _value_text(cur: Cursor) -> str:
    return (cur.value or cur.word).strip().strip("'\"")


def hover(doc: Document, texts: dict[Path, str], position: lsp.Position) -> lsp.Hover | None:
    """Answer a hover request on a recipe."""
    cur = cursor_of(doc, position.line, position.character)
    if cur is None:
        return None
    path = cur.path
    content: str | None = None
    if cur.kind == "key":
        found = key_at((*path, cur.word), doc.pass_type)
        content = describe_key(cur.word, found) if found else None
    elif cur.kind == "value" and path:
        last = path[-1]
        in_pass = len(path) == 3 and path[0] == "passes"
        if in_pass and last == "type":
            content = describe_pass(_value_text(cur))
        elif (in_pass and last in DATA_REFS) or (len(path) == 3 and path[0] == "data" and last == "name"):
            composed = compose_text(doc, texts)
            found_set = find_data_set(composed.data, _value_text(cur)) if composed else None
            content = describe_data_set(found_set[1], doc.path.parent) if found_set else None
        elif last == "provider" or path in (("host",), ("target",)):
            canonical = canonical_provider(_value_text(cur))
            content = f"execution provider **{canonical}**" if canonical else None
        if content is None:
            found = key_at(path, doc.pass_type)
            content = describe_key(str(last), found) if found else None
    elif cur.kind == "item" and len(path) > 1:
        found = key_at(path[:-1], doc.pass_type)
        content = describe_key(str(path[-2]), found) if found else None
    if not content:
        return None
    span = lsp.Range(
        lsp.Position(cur.line, to_lsp(doc.lines[cur.line].text, cur.start)),
        lsp.Position(cur.line, to_lsp(doc.lines[cur.line].text, cur.end)),
    )
    return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, mask(content)), span)
