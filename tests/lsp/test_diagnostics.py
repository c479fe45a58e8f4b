"""Diagnostics: on open and on change, from the validate pipeline, for the recipe and its bases."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.conftest import LORA, change, open_doc, published, recipe


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
