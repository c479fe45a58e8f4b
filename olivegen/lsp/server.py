"""The language server: pygls wiring, the open recipes, and when their checks run.

A check runs `debounce` seconds after the last change of a document (at once on open), in one
worker thread, so typing is never blocked. Each run is for one version of a document: a newer
change cancels a run still waiting, and a run that finishes after a newer change is dropped, so
only the latest version's diagnostics are published. Diagnostics located in a base recipe are
published on the base's URI, merged with what any other open recipe reports there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from olivegen import __version__
from olivegen.lsp.actions import code_actions
from olivegen.lsp.completion import TRIGGERS, complete
from olivegen.lsp.definition import definition
from olivegen.lsp.diagnostics import by_uri
from olivegen.lsp.documents import Document, is_recipe, uri_to_path, use_codec
from olivegen.lsp.hover import hover

log = logging.getLogger(__name__)
DEBOUNCE = 0.05  # seconds: bursts of keystrokes make one check; a single edit is checked within ~60 ms
T = TypeVar("T")


class _Protocol(LanguageServerProtocol):
    """pygls 2.1's protocol, without its leak of one Future per notification.

    pygls files the future of every notification whose handler is a generator or coroutine (its own
    didOpen/didChange/didClose are) in `_request_futures`, under a fresh id that nothing removes:
    about 2.5 KB of memory per keystroke, measured with bench/lsp_latency.py. Each is dropped when done.
    pygls 2.1.1 has no public API for this, so the `lsp` extra pins pygls to 2.1.x (pyproject.toml);
    tests/lsp/test_server.py fails if a release changes these internals.
    """

    def _handle_notification(self, method_name: str, params: Any) -> None:
        before = set(self._request_futures)
        super()._handle_notification(method_name, params)
        for msg_id in set(self._request_futures) - before:
            self._request_futures[msg_id].add_done_callback(partial(self._forget, msg_id))

    def _forget(self, msg_id: Any, _: Any) -> None:
        self._request_futures.pop(msg_id, None)


class RecipeServer(LanguageServer):
    """olivegen's language server for recipe files."""

    def __init__(self, debounce: float = DEBOUNCE, outside: bool = False) -> None:
        super().__init__(
            "olivegen",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.debounce = debounce
        self.outside = outside  # --allow-extends-outside, or the client's `allowExtendsOutside` option
        self.docs: dict[str, Document] = {}
        self.globs: list[str] = []
        self.related = True
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.results: dict[str, dict[str, list[lsp.Diagnostic]]] = {}  # recipe URI -> file URI -> diagnostics
        self.checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="olivegen-check")
        self.finding: set[asyncio.Task[None]] = set()  # dependents being found (kept referenced until done)

    def texts(self) -> dict[Path, str]:
        """Return the unsaved text of every open YAML file (recipes, and bases that are not recipes alone)."""
        out = {}
        for uri, document in self.workspace.text_documents.items():
            path = uri_to_path(uri)
            if path is not None and path.suffix.lower() in (".yaml", ".yml"):
                try:
                    out[path.resolve()] = document.source
                except (OSError, RuntimeError):  # a link loop: the check reports the file as unreadable
                    continue
        return out

    def track(self, uri: str, text: str, version: int) -> Document | None:
        """Start or update tracking a document; None when it is not a recipe."""
        doc = self.docs.get(uri)
        if doc is not None:
            doc.update(text, version)
            return doc
        path = uri_to_path(uri)
        if path is None or not is_recipe(path, text, self.globs):
            return None
        doc = self.docs[uri] = Document(uri, path, text, version, outside=self.outside)
        return doc

    def schedule(self, doc: Document, delay: float) -> None:
        """Check a document after `delay` seconds, cancelling a check of it still waiting."""
        old = self.pending.pop(doc.uri, None)
        if old is not None:
            old.cancel()
        self.pending[doc.uri] = asyncio.get_running_loop().create_task(self._check(doc, doc.version, delay))

    async def _check(self, doc: Document, version: int, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        texts = self.texts()

        def job() -> dict[str, list[lsp.Diagnostic]] | None:
            if self.docs.get(doc.uri) is not doc or doc.version != version:
                return None  # a newer version is on its way: skip this one
            return by_uri(doc.path, texts, self.related, self.outside)

        result = await asyncio.get_running_loop().run_in_executor(self.checker, job)
        if result is None or self.docs.get(doc.uri) is not doc or doc.version != version:
            return
        if self.pending.get(doc.uri) is asyncio.current_task():
            del self.pending[doc.uri]
        self.publish(doc.uri, result)

    def publish(self, recipe: str, found: dict[str, list[lsp.Diagnostic]]) -> None:
        """Record what a recipe's check found and publish every file it touches (now or before)."""
        before = self.results.pop(recipe, {})
        if found:
            self.results[recipe] = found
        for uri in sorted(set(before) | set(found)):
            merged: dict[tuple[Any, ...], lsp.Diagnostic] = {}
            for per_file in self.results.values():
                for diag in per_file.get(uri, []):
                    key = (diag.range.start.line, diag.range.start.character, diag.code, diag.message)
                    merged.setdefault(key, diag)
            doc = self.docs.get(uri)
            params = lsp.PublishDiagnosticsParams(uri, list(merged.values()), doc.version if doc else None)
            self.text_document_publish_diagnostics(params)

    def recheck_dependents(self, uri: str, delay: float) -> None:
        """Check again, after `delay`, the open recipes that extend a changed file.

        Which recipes those are is found in a worker thread (bases not open are read from disk there,
        once per size and mtime), never on the event loop that reads the editor's keystrokes.
        """
        path = uri_to_path(uri)
        others = [doc for other, doc in self.docs.items() if other != uri and "extends" in doc.text]
        if path is None or not others:
            return
        texts = self.texts()

        async def find_and_schedule() -> None:
            found = await asyncio.to_thread(dependents, path, others, texts)
            for doc in found:
                if self.docs.get(doc.uri) is doc:
                    self.schedule(doc, delay)

        task = asyncio.get_running_loop().create_task(find_and_schedule())
        self.finding.add(task)
        task.add_done_callback(self.finding.discard)

    def warm_up(self) -> None:
        """Compile a small recipe once, in the checker thread, so the first real check is already warm."""
        import tempfile

        from olivegen.lsp.diagnostics import find

        path = Path(tempfile.gettempdir()) / "olivegen-lsp-warm-up.olive.yaml"  # never written: text only
        text = "model:\n  path: microsoft/Phi-3-mini-4k-instruct\npasses:\n  - type: builder\n    precision: int4\n"
        self.checker.submit(_safely, [], find, path, {path.resolve(): text})


def dependents(path: Path, docs: list[Document], texts: dict[Path, str]) -> list[Document]:
    """Return the recipes among `docs` that extend a file, directly or through other bases (reads files)."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):
        return []
    out = []
    for doc in docs:
        try:
            if target in doc.bases(texts):
                out.append(doc)
        except (OSError, RuntimeError):  # an unreadable base or a link loop: the check itself reports it
            continue
    return out


def _safely(default: T, func: Callable[..., T], *args: Any) -> T:
    """Run a request handler; a bug answers `default` and is logged, never taking the server down."""
    try:
        return func(*args)
    except Exception:
        log.exception("request failed")
        return default


def build(debounce: float = DEBOUNCE, outside: bool = False) -> RecipeServer:
    """Return a server with every feature registered."""
    server = RecipeServer(debounce, outside)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: RecipeServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        globs = options.get("globs") if isinstance(options, dict) else None
        ls.globs = [g for g in globs if isinstance(g, str)] if isinstance(globs, list) else []
        if isinstance(options, dict) and options.get("allowExtendsOutside") is True:
            ls.outside = True
        caps = params.capabilities.text_document
        publish = caps.publish_diagnostics if caps else None
        ls.related = bool(publish and publish.related_information)
        use_codec(ls.workspace.position_codec)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: RecipeServer, params: lsp.InitializedParams) -> None:
        ls.warm_up()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RecipeServer, params: lsp.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = ls.track(item.uri, item.text, item.version)
        if doc is not None:
            ls.schedule(doc, 0)
            ls.recheck_dependents(item.uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RecipeServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        doc = ls.track(uri, text, params.text_document.version)
        if doc is not None:
            ls.schedule(doc, ls.debounce)
        # a base changed, recipe or not: what extends it is checked again
        ls.recheck_dependents(uri, 2 * ls.debounce if doc is not None else ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RecipeServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = ls.docs.pop(uri, None)
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        if doc is not None:
            ls.publish(uri, {})
        ls.recheck_dependents(uri, ls.debounce)  # its unsaved text is gone: what extends it reads the file

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: RecipeServer, params: lsp.HoverParams) -> lsp.Hover | None:
        doc = ls.docs.get(params.text_document.uri)
        return _safely(None, hover, doc, ls.texts(), params.position) if doc else None

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=TRIGGERS))
    def on_completion(ls: RecipeServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        doc = ls.docs.get(params.text_document.uri)
        nothing: list[lsp.CompletionItem] = []
        items = _safely(nothing, complete, doc, ls.texts(), params.position) if doc else nothing
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix])
    )
    def on_code_action(ls: RecipeServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        doc = ls.docs.get(params.text_document.uri)
        return _safely([], code_actions, doc, params) if doc else []

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: RecipeServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        doc = ls.docs.get(params.text_document.uri)
        return _safely(None, definition, doc, ls.texts(), params.position) if doc else None

    return server


def serve(debounce: float = DEBOUNCE, outside: bool = False) -> None:
    """Run the server on stdin/stdout until the client says exit."""
    build(debounce, outside).start_io()
