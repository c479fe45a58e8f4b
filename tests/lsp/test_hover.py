"""Hover: a key's description and default, a pass type's description and parameters, a data set's source and columns."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.conftest import LORA, open_doc, published, recipe


async def hover_at(client: LanguageClient, doc: str, text: str, line_text: str, word: str) -> str | None:
    line = text.split("\n").index(line_text)
    position = lsp.Position(line=line, character=line_text.index(word) + 1)
    found = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(doc), position))
    return found.contents.value if found else None


@pytest.mark.asyncio
async def test_hover_on_keys_pass_types_and_data_sets(client: LanguageClient, tmp_path):
    path, text = recipe(tmp_path, LORA)
    doc = open_doc(client, path, text)
    await published(client, doc, 1)

    r = await hover_at(client, doc, text, "    r: 8", "r")
    assert r == "**r**: integer\n\nLoRA rank (peft: a positive integer).\n\ndefault: `64`"

    steps = await hover_at(client, doc, text, "      max_steps: 10", "max_steps")
    assert "Stop after this many optimizer steps" in steps

    lora = await hover_at(client, doc, text, "  - type: lora", "lora")
    assert lora.startswith("**LoRA**\n\nLoRA fine-tuning of a Hugging Face model")
    assert "- `target_modules`:" in lora and "Olive parameters under `options:`" in lora

    merge = await hover_at(client, doc, text, "  - type: merge", "merge")
    assert merge.startswith("**MergeAdapterWeights** (also written `merge`)")

    travel = await hover_at(client, doc, text, "    train_data: travel", "travel")
    assert "**data set `travel`**" in travel
    assert "source: local file data.jsonl" in travel
    assert "columns of data.jsonl: `prompt`, `response`" in travel

    assert await hover_at(client, doc, text, "host: cuda", "cuda") == "execution provider **CUDAExecutionProvider**"


@pytest.mark.asyncio
async def test_hover_on_a_generic_pass_and_its_config(client: LanguageClient, tmp_path):
    text = LORA + "  - type: OnnxStaticQuantization\n    config:\n      calibrate_method: MinMax\n"
    path, _ = recipe(tmp_path, text)
    doc = open_doc(client, path, text)
    static = await hover_at(client, doc, text, "  - type: OnnxStaticQuantization", "Onnx")
    assert static.startswith("**OnnxStaticQuantization**\n\nOlive pass `OnnxStaticQuantization`")
    assert "- `calibrate_method`" in static
    method = await hover_at(client, doc, text, "      calibrate_method: MinMax", "calibrate")
    assert method.startswith("**calibrate_method**")


TOKEN = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"  # a Hugging Face token's shape (made up)


@pytest.mark.asyncio
async def test_hover_masks_credentials_in_a_data_sets_file_columns_and_source(client: LanguageClient, tmp_path):
    data = tmp_path / f"{TOKEN}.jsonl"
    row = {"prompt": "a", "response": "b", TOKEN: "c", "note password=hunter22": "d"}
    data.write_text(json.dumps(row) + "\n")
    text = LORA.replace("files: data.jsonl", f"files: {data.name}")
    text = text.replace("  - name: travel\n", f"  - name: hub\n    hub: {{name: org/{TOKEN}}}\n  - name: travel\n")
    path, body = recipe(tmp_path, text)
    doc = open_doc(client, path, body)
    await published(client, doc, 1)
    travel = await hover_at(client, doc, body, "    train_data: travel", "travel")
    assert travel and "source: local file hf_****" in travel, travel
    assert "columns of hf_****.jsonl: `prompt`, `response`" in travel, travel
    hub = await hover_at(client, doc, body, "  - name: hub", "hub")
    assert hub and "Hugging Face Hub `org/hf_****`" in hub, hub
    for shown in (travel, hub):
        assert TOKEN[3:] not in shown and "hunter22" not in shown
