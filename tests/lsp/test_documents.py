"""Open documents: bases read once per (path, size, mtime), only inside the repository; columns by pygls' codec."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.workspace import PositionCodec, Workspace

from olivegen.lsp import documents
from olivegen.lsp.documents import BaseFiles, Document, from_lsp, to_lsp, use_codec
from olivegen.lsp.server import build

RECIPE = "extends: [a.yaml]\nmodel:\n  path: microsoft/Phi-3-mini-4k-instruct\npasses:\n  - type: rtn\n"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the language server reads from disk for a base, in order."""
    seen: list[Path] = []
    real = documents.read_text

    def counting(path: Path, display: str, **kwargs: object) -> str:
        seen.append(Path(path))
        return real(path, display, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents, "read_text", counting)
    return seen


def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "a.yaml").write_text("extends: b.yaml\nhost: cpu\n", encoding="utf-8")
    (root / "b.yaml").write_text("target: cpu\n", encoding="utf-8")
    return root


def test_an_unchanged_base_is_read_once_and_a_changed_one_again(tmp_path: Path, reads: list[Path]) -> None:
    root = repo(tmp_path)
    path = root / "recipe.olive.yaml"
    doc = Document(path.as_uri(), path, RECIPE, 1)
    disk = BaseFiles()
    expected = {(root / "a.yaml").resolve(), (root / "b.yaml").resolve()}
    assert doc.bases({}, disk) == expected
    assert sorted(reads) == sorted(expected)
    doc.update(RECIPE + "\n", 2)  # a keystroke
    assert doc.bases({}, disk) == expected
    assert len(reads) == 2  # nothing read again
    b = root / "b.yaml"
    b.write_text("target: cpu\nextends: c.yaml\n", encoding="utf-8")
    os.utime(b, ns=(b.stat().st_atime_ns, b.stat().st_mtime_ns + 1_000_000_000))
    (root / "c.yaml").write_text("host: cpu\n", encoding="utf-8")
    assert doc.bases({}, disk) == expected | {(root / "c.yaml").resolve()}
    assert reads[2:] == [b.resolve(), (root / "c.yaml").resolve()]  # the changed base and its new base


def test_an_open_base_is_read_from_its_unsaved_text(tmp_path: Path, reads: list[Path]) -> None:
    root = repo(tmp_path)
    path = root / "recipe.olive.yaml"
    doc = Document(path.as_uri(), path, RECIPE, 1)
    assert doc.bases({(root / "a.yaml").resolve(): "host: cpu\n"}, BaseFiles()) == {(root / "a.yaml").resolve()}
    assert reads == []


def test_a_base_outside_the_repository_is_not_read_unless_trusted(tmp_path: Path, reads: list[Path]) -> None:
    root = repo(tmp_path)
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("host: cpu\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("extends: x.yaml\n", encoding="utf-8")
    path = root / "recipe.olive.yaml"
    text = "extends: [../elsewhere.yaml, ../secret.txt, b.yaml]\n"
    assert Document(path.as_uri(), path, text, 1).bases({}, BaseFiles()) == {(root / "b.yaml").resolve()}
    assert reads == [(root / "b.yaml").resolve()]
    trusting = Document(path.as_uri(), path, text, 1, outside=True)
    assert trusting.bases({}, BaseFiles()) == {(root / "b.yaml").resolve(), outside.resolve()}
    assert (tmp_path / "secret.txt").resolve() not in reads  # never a file that is not .yaml


def test_a_second_keystroke_does_not_read_an_unchanged_base_again(tmp_path: Path, reads: list[Path]) -> None:
    """Through the server: each keystroke in a recipe finds the open recipes that extend it, off the event loop."""
    root = repo(tmp_path)
    server = build()
    server.protocol._workspace = Workspace(None)  # what `initialize` sets up
    scheduled: list[str] = []
    server.schedule = lambda doc, delay: scheduled.append(doc.uri)  # type: ignore[method-assign]
    mine, team = (root / "mine.olive.yaml").as_uri(), (root / "team.olive.yaml").as_uri()

    def notify(method: str, params: object) -> None:
        server.protocol._handle_notification(method, params)

    async def session() -> None:
        for uri, text in ((mine, RECIPE), (team, "extends: mine.olive.yaml\n")):
            item = lsp.TextDocumentItem(uri, "yaml", 1, text)
            notify(lsp.TEXT_DOCUMENT_DID_OPEN, lsp.DidOpenTextDocumentParams(item))
        while server.finding:
            await asyncio.gather(*server.finding)
        opened.extend(reads)
        for version in (2, 3, 4):  # three keystrokes in mine.olive.yaml, which team.olive.yaml extends
            change = lsp.TextDocumentContentChangeWholeDocument(text=RECIPE + " " * version)
            notify(
                lsp.TEXT_DOCUMENT_DID_CHANGE,
                lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version, mine), [change]),
            )
            while server.finding:
                await asyncio.gather(*server.finding)

    opened: list[Path] = []
    asyncio.run(session())
    assert scheduled == [mine, team] + [mine, team] * 3  # team.olive.yaml is checked again after each keystroke
    on_disk = [(root / "a.yaml").resolve(), (root / "b.yaml").resolve()]  # the bases of mine, not open
    assert sorted(opened) == on_disk  # read once each, when team.olive.yaml was opened
    assert reads == opened  # and never again


def test_columns_go_through_pygls_position_codec() -> None:
    line = "name: 😀é x"
    try:
        assert (to_lsp(line, 7), from_lsp(line, 8)) == (8, 7)  # UTF-16: the emoji is two units
        assert from_lsp(line, 99) == len(line)
        use_codec(PositionCodec(lsp.PositionEncodingKind.Utf8))
        assert (to_lsp(line, 8), from_lsp(line, 12)) == (12, 8)
        use_codec(PositionCodec(lsp.PositionEncodingKind.Utf32))
        assert (to_lsp(line, 8), from_lsp(line, 8)) == (8, 8)
    finally:
        use_codec(PositionCodec())
