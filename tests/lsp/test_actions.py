"""Quick fixes from the hints with one right fix, and go to definition."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.conftest import LORA, open_doc, published, recipe, uri

NAMES = (f"recipe-{n}.olive.yaml" for n in itertools.count())  # a new document each time: its own diagnostics


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply edits (ASCII text: characters are UTF-16 units) from the last to the first."""
    lines = text.split("\n")
    offsets = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines) + 1)]
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


async def fixed(client: LanguageClient, tmp_path: Path, text: str, rule: str) -> tuple[str, str]:
    """Open `text`, take the one quick fix of its `rule` diagnostic; return (its title, the fixed text)."""
    path, body = recipe(tmp_path, text, next(NAMES))
    doc = open_doc(client, path, body)
    diags = [d for d in await published(client, doc, 1) if d.code == rule]
    assert diags, await published(client, doc, 1)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(doc), diags[0].range, lsp.CodeActionContext(diagnostics=[diags[0]])
        )
    )
    (action,) = actions
    assert action.kind == lsp.CodeActionKind.QuickFix
    return action.title, apply(body, action.edit.changes[doc])


async def clean(client: LanguageClient, tmp_path: Path, text: str) -> list[lsp.Diagnostic]:
    path, body = recipe(tmp_path, text, next(NAMES))
    return await published(client, open_doc(client, path, body), 1)


@pytest.mark.asyncio
async def test_did_you_mean_and_legacy_renames(client: LanguageClient, tmp_path):
    title, text = await fixed(client, tmp_path, LORA.replace("    r: 8", "    lora_dropuot: 0.1"), "unknown-key")
    assert title == "change 'lora_dropuot' to 'lora_dropout'" and "    lora_dropout: 0.1\n" in text
    assert await clean(client, tmp_path, text) == []
    title, text = await fixed(client, tmp_path, LORA.replace("type: merge", "type: merj"), "pass-type")
    assert title == "change 'merj' to 'merge'" and "type: merge\n" in text
    title, text = await fixed(client, tmp_path, LORA.replace("    r: 8", "    lora_r: 8"), "legacy-key")
    assert title == "rename 'lora_r' to 'r'" and text == LORA
    title, text = await fixed(client, tmp_path, LORA.replace("{response}", "{respons}"), "unknown-column")
    assert title == "change {respons} to {response}" and text == LORA


QLORA_INT4 = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
data:
  - name: travel
    files: data.jsonl
    text_template: "{prompt} {response}"
target: cpu
passes:
  - type: qlora
    train_data: travel
  - type: builder
    precision: int4
"""


@pytest.mark.asyncio
async def test_qlora_int4_warning_has_no_quick_fix(client: LanguageClient, tmp_path):
    """QLoRA -> ModelBuilder int4 runs in Olive (a warning); neither a merge nor save_quant_config is 'the' fix."""
    path, body = recipe(tmp_path, QLORA_INT4)
    doc = open_doc(client, path, body)
    diags = [d for d in await published(client, doc, 1) if d.code == "qlora-int4"]
    assert len(diags) == 1 and diags[0].severity == lsp.DiagnosticSeverity.Warning
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(lsp.TextDocumentIdentifier(doc), diags[0].range, lsp.CodeActionContext(diagnostics=diags))
    )
    assert not actions


@pytest.mark.asyncio
async def test_no_fix_when_the_text_no_longer_says_what_the_diagnostic_names(client: LanguageClient, tmp_path):
    path, body = recipe(tmp_path, LORA.replace("    r: 8", "    lora_r: 8"))
    doc = open_doc(client, path, body)
    (diag,) = await published(client, doc, 1)
    stale = lsp.Diagnostic(
        lsp.Range(lsp.Position(0, 0), lsp.Position(0, 5)), diag.message, code=diag.code, source="olivegen"
    )
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(lsp.TextDocumentIdentifier(doc), stale.range, lsp.CodeActionContext(diagnostics=[stale]))
    )
    assert not actions


@pytest.mark.asyncio
async def test_go_to_definition_of_extends_and_data_set_names(client: LanguageClient, tmp_path):
    base = tmp_path / "base" / "common.yaml"
    base.parent.mkdir()
    base.write_text(LORA.replace("data.jsonl", "../data.jsonl"), encoding="utf-8")
    recipe(tmp_path, "")
    text = "extends: base/common.yaml\nname: child\npasses:\n  - type: lora\n    train_data: travel\n"
    doc = open_doc(client, tmp_path / "child.olive.yaml", text)

    async def definition(line: int, character: int) -> lsp.Location:
        found = await client.text_document_definition_async(
            lsp.DefinitionParams(lsp.TextDocumentIdentifier(doc), lsp.Position(line=line, character=character))
        )
        assert isinstance(found, lsp.Location), found
        return found

    to_base = await definition(0, 14)
    assert to_base.uri == uri(base) and to_base.range.start == lsp.Position(0, 0)
    to_data = await definition(4, 18)
    assert to_data.uri == uri(base) and to_data.range.start == lsp.Position(3, 10)


async def definition_of(client: LanguageClient, doc: str, line: int, character: int) -> lsp.Location | None:
    found = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(doc), lsp.Position(line=line, character=character))
    )
    assert found is None or isinstance(found, lsp.Location), found
    return found


def outside_targets(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A repository (with `.git`), a base outside it, a link inside it pointing out; the extends values to try."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "recipes").mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text(LORA, encoding="utf-8")
    (repo / "recipes" / "linked.yaml").symlink_to(outside)
    (repo / "recipes" / "inside.yaml").write_text(LORA, encoding="utf-8")
    refs = ["/etc/passwd", "../../outside.yaml", str(outside), "linked.yaml", "/etc/hostname", "../../.."]
    return repo, outside, refs


@pytest.mark.asyncio
async def test_go_to_definition_never_leaves_the_repository(client: LanguageClient, tmp_path):
    repo, _, refs = outside_targets(tmp_path)
    for n, ref in enumerate(refs):
        doc = open_doc(client, repo / "recipes" / f"child-{n}.olive.yaml", f"extends: {ref}\nname: child\n")
        assert await definition_of(client, doc, 0, 11) is None, ref
        listed = open_doc(client, repo / "recipes" / f"listed-{n}.olive.yaml", f"extends:\n  - '{ref}'\n")
        assert await definition_of(client, listed, 1, 6) is None, ref
    inside = open_doc(client, repo / "recipes" / "ok.olive.yaml", "extends: inside.yaml\n")
    found = await definition_of(client, inside, 0, 11)
    assert found is not None and found.uri == uri(repo / "recipes" / "inside.yaml")


@pytest.mark.asyncio
async def test_go_to_definition_outside_only_when_trusted(trusting_client: LanguageClient, tmp_path):
    repo, outside, _ = outside_targets(tmp_path)
    doc = open_doc(trusting_client, repo / "recipes" / "child.olive.yaml", "extends: ../../outside.yaml\n")
    found = await definition_of(trusting_client, doc, 0, 11)
    assert found is not None and Path(found.uri.removeprefix("file://")).resolve() == outside
    passwd = open_doc(trusting_client, repo / "recipes" / "p.olive.yaml", "extends: /etc/passwd\n")
    assert await definition_of(trusting_client, passwd, 0, 11) is None, "not a .yaml file: never a base"


@pytest.mark.asyncio
async def test_a_parameter_olive_renamed_gets_todays_name(client: LanguageClient, tmp_path):
    renamed = LORA + "  - type: OnnxDynamicQuantization\n    config:\n      ActivationSymmetric: true\n"
    title, text = await fixed(client, tmp_path, renamed, "invalid-value")
    assert title == "change 'ActivationSymmetric' to 'activation_symmetric'"
    assert text == renamed.replace("ActivationSymmetric", "activation_symmetric")
    assert await clean(client, tmp_path, text) == []
    second = renamed.replace("    config:\n", "    config:\n      per_channel: true\n")
    title, text = await fixed(client, tmp_path, second, "invalid-value")  # the diagnostic is on its own key
    assert text == second.replace("ActivationSymmetric", "activation_symmetric")
