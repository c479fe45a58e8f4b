"""A real LSP client (pytest-lsp) talking to `python -m olivegen lsp` over stdio."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.conftest import ROOT

DATA = ROOT / "examples" / "data" / "data_sample_travel.jsonl"


def make_client() -> LanguageClient:
    """The test client, also recording every publishDiagnostics in order (with its version)."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def on_publish(ls: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
        ls.published.append(params)  # type: ignore[attr-defined]
        ls.diagnostics[params.uri] = params.diagnostics

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: on_publish})
    return client


def server_config(*extra: str) -> ClientServerConfig:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return ClientServerConfig(
        server_command=[sys.executable, "-m", "olivegen", "lsp", *extra], client_factory=make_client, server_env=env
    )


def capabilities(related: bool = True) -> lsp.ClientCapabilities:
    return lsp.ClientCapabilities(
        text_document=lsp.TextDocumentClientCapabilities(
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=related),
            hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
            completion=lsp.CompletionClientCapabilities(),
            code_action=lsp.CodeActionClientCapabilities(),
            definition=lsp.DefinitionClientCapabilities(),
        )
    )


async def start(client: LanguageClient, options: dict[str, Any] | None = None, related: bool = True) -> None:
    await client.initialize_session(
        lsp.InitializeParams(capabilities=capabilities(related), initialization_options=options)
    )


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await start(lsp_client)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=server_config())
async def plain_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    """A client without related information (the hint joins the message); every *.yaml is a recipe."""
    await start(lsp_client, {"globs": ["*.yaml"]}, related=False)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=server_config())
async def trusting_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    """A client that trusts bases outside the repository (`allowExtendsOutside`, as --allow-extends-outside)."""
    await start(lsp_client, {"allowExtendsOutside": True})
    yield
    await lsp_client.shutdown_session()


def uri(path: Path) -> str:
    return path.absolute().as_uri()


def open_doc(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri(path), "yaml", version, text))
    )
    return uri(path)


def change(client: LanguageClient, doc: str, version: int, text: str, at: lsp.Range | None = None) -> None:
    """Send one change: the whole text, or `text` replacing the range `at` (incremental)."""
    event: Any = (
        lsp.TextDocumentContentChangePartial(range=at, text=text)
        if at is not None
        else lsp.TextDocumentContentChangeWholeDocument(text=text)
    )
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version=version, uri=doc), [event])
    )


async def published(client: LanguageClient, doc: str, version: int | None = None, timeout: float = 120) -> list[Any]:
    """Wait for diagnostics published on `doc` (for `version`, when given) and return them.

    `timeout` only ends a wait for what never comes (a hang); it is no speed test, so a loaded machine,
    where the server's start and first check take many times longer, never reaches it.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for params in reversed(client.published):  # type: ignore[attr-defined]
            if params.uri == doc and (version is None or params.version == version):
                return list(params.diagnostics)
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics published for {doc} (version {version})")


def recipe(tmp_path: Path, body: str, name: str = "recipe.olive.yaml") -> tuple[Path, str]:
    """Return a recipe path in tmp_path (with the travel data beside it) and its text (never written)."""
    data = tmp_path / "data.jsonl"
    if not data.exists():
        data.write_bytes(DATA.read_bytes())
    return tmp_path / name, body


LORA = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
data:
  - name: travel
    files: data.jsonl
    text_template: "<|user|>{prompt}<|assistant|>{response}"
host: cuda
target: cpu
passes:
  - type: lora
    r: 8
    train_data: travel
    training:
      max_steps: 10
  - type: merge
  - type: builder
    precision: int4
"""
