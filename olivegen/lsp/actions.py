"""Quick fixes for the diagnostics whose hint has exactly one right fix.

- a did-you-mean (unknown key, pass type, provider, template column): write the suggestion;
- an outdated key with a plain rename (`lora_r` -> `r`).

A fix is offered only when the text under the diagnostic is the word its message names, so a
stale diagnostic (the text changed since) never gets an edit that lands in the wrong place.
"""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from olivegen.lsp.diagnostics import SOURCE
from olivegen.lsp.documents import Document, from_lsp, to_lsp

# Outdated keys whose modern key takes the same value in the same place.
RENAMES = {
    "lora_r": "r",
    "lora_alpha": "alpha",
    "evaluation_strategy": "eval_strategy",
    "source_max_len": "max_seq_len",
    "corpus_strategy": "strategy",
}
_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")
_COLUMN = re.compile(r"uses column '([^']+)'")


def _hint(diag: lsp.Diagnostic) -> str:
    if isinstance(diag.data, dict) and isinstance(diag.data.get("hint"), str):
        return str(diag.data["hint"])
    texts = [info.message for info in diag.related_information or []] + diag.message.split("\n")[1:]
    return " ".join(t.removeprefix("hint: ") for t in texts)


def _fix(title: str, uri: str, edits: list[lsp.TextEdit], diag: lsp.Diagnostic) -> lsp.CodeAction:
    return lsp.CodeAction(
        title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diag],
        is_preferred=True,
        edit=lsp.WorkspaceEdit(changes={uri: edits}),
    )


def _at(doc: Document, diag: lsp.Diagnostic) -> tuple[str, int, int] | None:
    """Return (line text, start, end) in characters of the diagnostic's range, when it is on one line."""
    start, end = diag.range.start, diag.range.end
    if start.line != end.line or start.line >= len(doc.lines):
        return None
    text = doc.lines[start.line].text
    return text, from_lsp(text, start.character), from_lsp(text, end.character)


def _insert(row: int, text: str) -> lsp.TextEdit:
    return lsp.TextEdit(lsp.Range(lsp.Position(row, 0), lsp.Position(row, 0)), text)


def fixes_for(doc: Document, diag: lsp.Diagnostic) -> list[lsp.CodeAction]:
    """Return the quick fixes for one olivegen diagnostic on a document."""
    if diag.source != SOURCE:
        return []
    found = _at(doc, diag)
    if found is None:
        return []
    text, start, end = found
    word = text[start:end]
    bare = word.strip("'\"")
    hint = _hint(diag)
    first = diag.message.split("\n")[0]
    uri = doc.uri
    row = diag.range.start.line
    out = []
    suggestion = _DID_YOU_MEAN.search(hint)
    column = _COLUMN.search(first)
    if diag.code == "unknown-column" and suggestion and column:
        placeholder = "{" + column.group(1) + "}"
        at = text.find(placeholder, start)
        if at >= 0:
            begin, stop = to_lsp(text, at), to_lsp(text, at + len(placeholder))
            span = lsp.Range(lsp.Position(row, begin), lsp.Position(row, stop))
            new = "{" + suggestion.group(1) + "}"
            out.append(_fix(f"change {placeholder} to {new}", uri, [lsp.TextEdit(span, new)], diag))
    elif suggestion and bare and f"'{bare}'" in first:
        new = suggestion.group(1)
        out.append(_fix(f"change {bare!r} to {new!r}", uri, [lsp.TextEdit(diag.range, new)], diag))
    if diag.code == "legacy-key" and bare in RENAMES and f"'{bare}'" in first:
        new = RENAMES[bare]
        out.append(_fix(f"rename {bare!r} to {new!r}", uri, [lsp.TextEdit(diag.range, new)], diag))
    return out


def code_actions(doc: Document, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """Answer a code action request: the quick fixes of the diagnostics in its context."""
    return [action for diag in params.context.diagnostics for action in fixes_for(doc, diag)]
