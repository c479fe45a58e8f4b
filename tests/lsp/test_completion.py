"""Completion: keys by pass type, pass types, providers and devices, data set names, template columns, LoRA modules."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.conftest import LORA, open_doc, recipe


async def labels(client: LanguageClient, tmp_path, text: str, marker: str = "‸") -> list[str]:
    """Complete where `marker` stands in `text` (the marker is removed); return the labels offered."""
    before, _, after = text.partition(marker)
    line = before.count("\n")
    character = len(before.split("\n")[-1])
    path, body = recipe(tmp_path, before + after)
    doc = open_doc(client, path, body)
    found = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(doc), lsp.Position(line=line, character=character))
    )
    items = found.items if isinstance(found, lsp.CompletionList) else found or []
    return [item.label for item in items]


@pytest.mark.asyncio
async def test_keys_at_the_cursor_follow_the_pass_type(client: LanguageClient, tmp_path):
    lora = await labels(client, tmp_path, LORA.replace("    r: 8\n", "    r: 8\n    ‸\n"))
    assert {"alpha", "lora_dropout", "target_modules", "eval_data"} <= set(lora)
    assert "r" not in lora and "train_data" not in lora, "keys already written are not offered again"
    assert "precision" not in lora
    builder = LORA.replace("    precision: int4\n", "    precision: int4\n    int4‸\n")
    assert {"int4_block_size", "int4_accuracy_level"} <= set(await labels(client, tmp_path, builder))
    training = LORA.replace("      max_steps: 10\n", "      max_steps: 10\n      ‸\n")
    assert {"learning_rate", "per_device_train_batch_size"} <= set(await labels(client, tmp_path, training))
    top = await labels(client, tmp_path, LORA + "‸")
    assert {"engine", "evaluate", "name"} <= set(top) and "passes" not in top
    generic = LORA + "  - type: OnnxStaticQuantization\n    config:\n      ‸\n"
    assert "calibrate_method" in await labels(client, tmp_path, generic)


@pytest.mark.asyncio
async def test_values_pass_types_providers_devices_and_data_sets(client: LanguageClient, tmp_path):
    types = await labels(client, tmp_path, LORA.replace("  - type: merge", "  - type: Onnx‸"))
    assert {"OnnxConversion", "OnnxStaticQuantization", "merge", "awq", "builder"} <= set(types)
    providers = await labels(client, tmp_path, LORA.replace("target: cpu", "target: ‸"))
    assert {"CPUExecutionProvider", "cuda", "dml", "qnn"} <= set(providers)
    device = LORA.replace("target: cpu", "target:\n  provider: cpu\n  device: ‸")
    assert await labels(client, tmp_path, device) == ["cpu", "gpu", "npu"]
    precision = await labels(client, tmp_path, LORA.replace("precision: int4", "precision: ‸"))
    assert precision == ["int4", "int8", "fp16", "bf16", "fp32"]
    two = LORA.replace("data:\n", "data:\n  - name: extra\n    hub: {name: tatsu-lab/alpaca}\n    eval_split: 0.1\n"
                       "    text_cols: [text]\n")
    assert await labels(client, tmp_path, two.replace("train_data: travel", "train_data: ‸")) == [
        "extra", "extra_eval", "travel"
    ]


@pytest.mark.asyncio
async def test_template_columns_and_target_modules(client: LanguageClient, tmp_path):
    template = LORA.replace("{response}", "{re‸")
    assert await labels(client, tmp_path, template) == ["prompt", "response"]
    outside = LORA.replace("<|assistant|>", "<|assi‸stant|>")
    assert await labels(client, tmp_path, outside) == []
    flow = LORA.replace("    r: 8\n", "    r: 8\n    target_modules: [qkv_proj, ‸]\n")
    modules = await labels(client, tmp_path, flow)
    assert modules == ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"]
    block = LORA.replace("    r: 8\n", "    r: 8\n    target_modules:\n      - ‸\n")
    assert "gate_up_proj" in await labels(client, tmp_path, block)
    llama = LORA.replace("microsoft/Phi-3-mini-4k-instruct", "meta-llama/Llama-3.2-1B")
    llama = llama.replace("    r: 8\n", "    r: 8\n    target_modules: [‸]\n")
    assert "gate_proj" in await labels(client, tmp_path, llama)


TOKEN = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"  # a Hugging Face token's shape (made up)
ODD = ["first\nsecond", 'say "hi"', "it's", "key: value", "note #1", " padded ", "tab\there", "back\\slash"]


def apply_edit(text: str, edit: lsp.TextEdit) -> str:
    lines = text.split("\n")
    offsets = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines) + 1)]
    start = offsets[edit.range.start.line] + edit.range.start.character
    end = offsets[edit.range.end.line] + edit.range.end.character
    return text[:start] + edit.new_text + text[end:]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "template",
    ['"<|user|>{pro‸"', "'<|user|>{pro‸'", "<|user|>{pro‸", "'it''s {pro‸} # x'", "<|user|>{pro‸} # a comment"],
)
async def test_column_names_are_inserted_escaped_for_their_scalar(client: LanguageClient, tmp_path, template):
    """A column name from the data file is a YAML scalar's text, never YAML syntax (a raw newline, `: `, `#`)."""
    import json

    from ruamel.yaml import YAML

    row = {"prompt": "a", TOKEN: "b", "x password=hunter22": "c", **{name: "d" for name in ODD}}
    (tmp_path / "odd.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    marked = LORA.replace("data.jsonl", "odd.jsonl").replace(
        '"<|user|>{prompt}<|assistant|>{response}"', template
    )
    before, _, after = marked.partition("‸")
    text = before + after
    path, body = recipe(tmp_path, text)
    doc = open_doc(client, path, body)
    position = lsp.Position(line=before.count("\n"), character=len(before.split("\n")[-1]))
    found = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(doc), position)
    )
    items = found.items if isinstance(found, lsp.CompletionList) else found or []
    offered = {}
    for item in items:
        assert "\n" not in item.text_edit.new_text and "\n" not in item.label
        edited = apply_edit(text, item.text_edit)
        value = YAML(typ="safe").load(edited)["data"][0]["text_template"]
        offered[value] = item.label
    assert all(TOKEN[3:] not in label and "hunter22" not in label for label in offered.values())
    prefix = YAML(typ="safe").load(text)["data"][0]["text_template"].split("{")[0]
    tail = "} # x" if template.startswith("'it") else ""  # the quoted template went on past the cursor
    for name in ["prompt", *ODD]:
        assert f"{prefix}{{{name}}}{tail}" in offered or f"{prefix}{{{name}{tail}" in offered, (name, offered)
