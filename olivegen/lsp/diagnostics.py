"""Diagnostics for an open recipe: the `validate` pipeline run on the editor's text, as LSP diagnostics.

`check` compiles every variant with `olivegen.api.compile`, reading open documents
from their unsaved text, and groups what it finds by file: a problem located in a base the
recipe `extends` is published on the base's URI. A diagnostic's range starts where
`validate` points and covers the key or value written there; its code is the rule id and
its hint is related information (or a second line of the message, for clients without it).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from lsprotocol import types as lsp

from olivegen.errors import Diagnostic, OlivegenError, RecipeError, Severity
from olivegen.lsp.documents import path_to_uri, to_lsp

log = logging.getLogger(__name__)

SOURCE = "olivegen"
_QUOTED = {'"': re.compile(r'"(?:[^"\\]|\\.)*"?'), "'": re.compile(r"'(?:[^']|'')*'?")}
_PLAIN = re.compile(r"[^\s:,\[\]{}#]+|[^\s,\[\]{}#]+")


def find(path: Path, texts: dict[Path, str], outside: bool = False) -> list[Diagnostic]:
    """Return every diagnostic `validate` reports for a recipe, reading `texts` instead of those files.

    `outside`: trust `extends` bases outside the recipe's repository (`--allow-extends-outside`).
    """
    from olivegen.api import Options, compile

    try:
        variants = compile(path, Options(display=str(path), texts=texts, outside=outside, builds=True))
    except RecipeError as exc:
        return list(exc.diagnostics)
    return [w for compiled in variants for w in compiled.warnings]


def token_end(line: str, col: int) -> int:
    """Return where the key or value starting at a character column ends (one past its last character)."""
    if col >= len(line):
        return col
    pattern = _QUOTED.get(line[col], _PLAIN)
    match = pattern.match(line, col)
    return match.end() if match and match.end() > col else min(col + 1, len(line))


def _lines_of(path: Path, texts: dict[Path, str], cache: dict[Path, list[str]]) -> list[str]:
    if path not in cache:
        text = texts.get(path)
        if text is None:
            try:
                from olivegen.source.files import read_text

                text = read_text(path, str(path))
            except RecipeError:
                text = ""
        cache[path] = text.split("\n")
    return cache[path]


def to_lsp_diagnostic(diag: Diagnostic, lines: list[str], related: bool, uri: str) -> lsp.Diagnostic:
    """Convert one diagnostic; `related`: the client shows related information (else the hint joins the message)."""
    line = max((diag.at.line if diag.at else 1) - 1, 0)
    col = max((diag.at.col if diag.at else 1) - 1, 0)
    text = lines[line] if line < len(lines) else ""
    end = token_end(text, col)
    span = lsp.Range(lsp.Position(line, to_lsp(text, col)), lsp.Position(line, to_lsp(text, end)))
    message = diag.message
    info = None
    if diag.hint and related:
        info = [lsp.DiagnosticRelatedInformation(lsp.Location(uri, span), f"hint: {diag.hint}")]
    elif diag.hint:
        message += f"\nhint: {diag.hint}"
    severity = lsp.DiagnosticSeverity.Error if diag.severity is Severity.ERROR else lsp.DiagnosticSeverity.Warning
    return lsp.Diagnostic(
        span,
        message,
        severity=severity,
        code=diag.rule,
        source=SOURCE,
        related_information=info,
        data={"hint": diag.hint} if diag.hint else None,
    )


def by_uri(
    path: Path, texts: dict[Path, str], related: bool, outside: bool = False
) -> dict[str, list[lsp.Diagnostic]]:
    """Check a recipe and return its diagnostics by the URI of the file each is located in.

    The recipe's own URI is always present (an empty list clears what was shown before). A failure
    inside olivegen is reported as one diagnostic at the top of the recipe, never raised.
    """
    own = path_to_uri(path)
    out: dict[str, list[lsp.Diagnostic]] = {own: []}
    try:
        found = find(path, texts, outside)
    except OlivegenError as exc:
        found = [Diagnostic(f"olivegen cannot check this recipe: {exc}", None, rule="internal")]
    except Exception:  # a bug in olivegen must not take the editor's server down with it
        log.exception("checking %s failed", path)
        found = [Diagnostic("olivegen failed while checking this recipe (a bug: see the server log)", rule="internal")]
    cache: dict[Path, list[str]] = {}
    for diag in found:
        file = Path(diag.at.path) if diag.at else path
        if not file.is_absolute():
            file = path
        uri = path_to_uri(file)
        out.setdefault(uri, []).append(to_lsp_diagnostic(diag, _lines_of(file, texts, cache), related, uri))
    return out
