"""The server object itself: no memory kept per notification (pygls 2.1 keeps one Future each)."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.workspace import Workspace

from olivegen.lsp.server import build


def test_notifications_leave_no_future_behind() -> None:
    server = build()
    server.protocol._workspace = Workspace(None)  # what `initialize` sets up
    for i in range(50):
        item = lsp.TextDocumentItem(f"file:///tmp/notes-{i}.txt", "plaintext", 1, "not a recipe")
        server.protocol._handle_notification(lsp.TEXT_DOCUMENT_DID_OPEN, lsp.DidOpenTextDocumentParams(item))
        server.protocol._handle_notification(
            lsp.TEXT_DOCUMENT_DID_CLOSE, lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(item.uri))
        )
    assert server.protocol._request_futures == {}
    assert server.docs == {}
