"""Diagnostics: on open and on change, from the validate pipeline, for the recipe and its bases."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.conftest import ROOT
from tests.lsp.conftest import LORA, change, open_doc, published, recipe, uri


@pytest.mark.asyncio
async def test_a_valid_recipe_has_no_diagnostics_and_an_error_appears_as_you_type(client: LanguageClient, tmp_path):
    path, text = recipe(tmp_path, LORA)
    doc = open_doc(client, path, text)
    assert await published(client, doc, 1) == []
    line = text.split("\n").index("    r: 8")
    change(client, doc, 2, "lora_r", lsp.Range(lsp.Position(line, 4), lsp.Position(line, 5)))
    (diag,) = await published(client, doc, 2)
    assert diag.code == "legacy-key" and diag.source == "olivegen"
    assert diag.severity == lsp.DiagnosticSeverity.Error
    assert diag.message == "outdated key 'lora_r' in the LoRA pass"
    assert diag.range == lsp.Range(lsp.Position(line, 4), lsp.Position(line, 10))
    assert diag.related_information[0].message == "hint: Olive renamed `lora_r` to `r`: write `r: 64`"
    change(client, doc, 3, text)
    assert await published(client, doc, 3) == []
    assert not path.exists(), "the server checks the buffer and writes nothing"


def _utf8(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:  # an editor decodes the file itself: nothing to compare
        return False
    return True


INVALID = [p for p in sorted((ROOT / "tests" / "recipes" / "invalid").glob("*.yaml")) if _utf8(p)]


@pytest.mark.asyncio
async def test_every_invalid_recipe_gets_what_validate_reports(plain_client: LanguageClient):
    """Same positions, rule ids, severities, messages and hints as `olivegen validate`, file by file."""
    from olivegen.commands.validate import diagnose_file

    docs = {path: open_doc(plain_client, path, path.read_text(encoding="utf-8")) for path in INVALID}
    for path, doc in docs.items():
        expected = diagnose_file(path.absolute(), olive=False)
        assert expected, path
        got = []
        for d in expected:
            where = uri(Path(d.at.path)) if d.at else doc
            shown = await published(plain_client, where)
            match = [
                g
                for g in shown
                if g.range.start.line == d.at.line - 1
                and g.range.start.character == d.at.col - 1
                and g.code == d.rule
                and g.message == d.message + (f"\nhint: {d.hint}" if d.hint else "")
            ]
            assert match, f"{path.name}: {d} not in {shown}"
            severity = lsp.DiagnosticSeverity.Error if d.severity.value == "error" else lsp.DiagnosticSeverity.Warning
            assert match[0].severity == severity
            got.append(match[0])
        assert len(await published(plain_client, doc)) == len([d for d in expected if uri(Path(d.at.path)) == doc])


BASE = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
host:
  provider: cudaa
passes:
  - type: builder
    precision: int4
"""


@pytest.mark.asyncio
async def test_an_error_in_a_base_is_published_on_the_base(client: LanguageClient, tmp_path):
    base = tmp_path / "base" / "common.yaml"
    base.parent.mkdir()
    base.write_text(BASE, encoding="utf-8")
    path = tmp_path / "child.olive.yaml"
    doc = open_doc(client, path, "extends: base/common.yaml\nname: child\n")
    (diag,) = await published(client, uri(base))
    assert diag.code == "invalid-value"
    assert diag.message == "unknown execution provider 'cudaa'"
    assert diag.range == lsp.Range(lsp.Position(3, 12), lsp.Position(3, 17))
    assert await published(client, doc, 1) == []
    # the base opened with its mistake fixed (unsaved): the child's check reads the buffer
    open_doc(client, base, BASE.replace("cudaa", "cuda"))
    client.published.clear()
    change(client, doc, 2, "extends: base/common.yaml\nname: child2\n")
    assert await published(client, doc, 2) == []
    assert await published(client, uri(base)) == []
    # editing the open base re-checks the child that extends it (the child's own text is unchanged)
    client.published.clear()
    change(client, uri(base), 2, BASE.replace("cudaa", "cuda").replace("precision: int4", "precision: int3"))
    assert await published(client, doc, 2) == [], "published again: the child was checked again"
    (on_base,) = await published(client, uri(base), 2)
    assert on_base.code == "invalid-value" and "'int3' is not allowed here" in on_base.message
    assert on_base.range.start == lsp.Position(6, 15)


@pytest.mark.asyncio
async def test_a_broken_document_never_takes_the_server_down(client: LanguageClient, tmp_path):
    path, text = recipe(tmp_path, LORA)
    doc = open_doc(client, path, "passes:\n  - type: [\n\t:\x00 {{{{\n" + "[" * 5000 + "\n")
    (diag, *_) = await published(client, doc, 1)
    assert diag.code in ("yaml", "recipe")
    for line, char in [(0, 0), (1, 9), (2, 3), (3, 4000), (40, 2)]:
        position = lsp.Position(line=line, character=char)
        await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(doc), position))
        await client.text_document_completion_async(lsp.CompletionParams(lsp.TextDocumentIdentifier(doc), position))
        await client.text_document_definition_async(lsp.DefinitionParams(lsp.TextDocumentIdentifier(doc), position))
    change(client, doc, 2, text)
    assert await published(client, doc, 2) == []


@pytest.mark.asyncio
async def test_only_the_latest_version_is_published(client: LanguageClient, tmp_path):
    """A burst of edits makes few checks, and what is published last is the last text's result."""
    path, text = recipe(tmp_path, LORA)
    doc = open_doc(client, path, text)
    await published(client, doc, 1)
    client.published.clear()
    line = text.split("\n").index("    r: 8")
    for version in range(2, 32):
        change(client, doc, version, f"    r: {version}", lsp.Range(lsp.Position(line, 0), lsp.Position(line, 8)))
    change(client, doc, 32, "    lora_r: 8", lsp.Range(lsp.Position(line, 0), lsp.Position(line, 9)))
    (diag,) = await published(client, doc, 32)
    assert diag.code == "legacy-key"
    mine = [p for p in client.published if p.uri == doc]
    assert len(mine) < 10, [p.version for p in mine]
    assert [p.version for p in mine] == sorted(p.version for p in mine)


@pytest.mark.asyncio
async def test_a_partial_base_is_read_from_its_unsaved_text(client: LanguageClient, tmp_path):
    """A base that is no recipe alone (no `passes:`) is not checked by itself, but its buffer is what recipes read."""
    base = tmp_path / "partial.yaml"
    base.write_text("host: cuda\n", encoding="utf-8")
    doc = open_doc(
        client,
        tmp_path / "child.olive.yaml",
        "extends: partial.yaml\n"
        + BASE.replace("  provider: cudaa\n", "  provider: cpu\n").replace("host:\n", "target:\n"),
    )
    assert await published(client, doc, 1) == []
    open_doc(client, base, "host: cuda\n")
    client.published.clear()
    change(client, uri(base), 2, "host: cudaa\n")
    (diag,) = await published(client, uri(base))
    assert diag.message == "unknown execution provider 'cudaa'"
    assert await published(client, doc, 1) == []  # the child's own file: still nothing


def _big_matrix() -> str:
    """A recipe of 64 variants: one check compiles all 64, far slower than answering a hover."""
    axes = "\n".join(
        f"  {axis}:\n" + "".join(f"    v{i}:\n      passes.lora.r: {8 * (i + 1)}\n" for i in range(4))
        for axis in ("a", "b", "c")
    )
    return LORA + "matrix:\n" + axes + "\n"


@pytest.mark.asyncio
async def test_a_slow_check_never_blocks_hover_or_completion(client: LanguageClient, tmp_path):
    path, text = recipe(tmp_path, _big_matrix())
    doc = open_doc(client, path, text)
    await published(client, doc, 1)
    change(client, doc, 2, text.replace("max_steps: 10", "max_steps: 11"))
    await asyncio.sleep(0.1)  # past the debounce: the check of version 2 is running
    position = lsp.Position(line=text.split("\n").index("    r: 8"), character=5)
    answered = []
    for _ in range(5):
        await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(doc), position))
        answered.append(any(p.uri == doc and p.version == 2 for p in client.published))
    assert not all(answered), "every hover waited for the check to finish"
    assert await published(client, doc, 2) == []


def _outside_base(tmp_path: Path) -> tuple[Path, str]:
    """A recipe in a repository (a `.git` folder) extending a base outside it."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    base = "model: {path: microsoft/Phi-3-mini-4k-instruct}\nhost: cpu\n"
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    return repo / "r.olive.yaml", "extends: ../base.yaml\npasses:\n  - type: builder\n    precision: int4\n"


@pytest.mark.asyncio
async def test_a_base_outside_the_repository_is_refused_unless_the_client_trusts_it(client, tmp_path):
    path, text = _outside_base(tmp_path)
    found = await published(client, open_doc(client, path, text), 1)
    assert [d.code for d in found] == ["extends"] and "outside the recipe's repository" in found[0].message


@pytest.mark.asyncio
async def test_allow_extends_outside_as_an_initialization_option(trusting_client, tmp_path):
    path, text = _outside_base(tmp_path)
    assert await published(trusting_client, open_doc(trusting_client, path, text), 1) == []
