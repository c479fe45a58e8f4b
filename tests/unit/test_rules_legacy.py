"""Keys copied from tutorials and older Olive configs: each one is named, with today's spelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from olivegen.recipe.legacy import LEGACY_KEYS, OLIVE_CONFIG_KEYS, OUTDATED_KEYS
from tests.unit.test_rules_registry import diagnose, one

HEAD = (
    "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
    'data:\n  - name: train\n    files: data/train.jsonl\n    text_template: "{prompt} {response}"\n'
)

# The five the seed tutorials use, each where a tutorial puts it, with the word its hint must teach.
TUTORIAL = [
    ("lora_r", "passes:\n  - type: lora\n    lora_r: 64\n", (9, 5), "`r`", "in the LoRA pass"),
    ("lora_alpha", "passes:\n  - type: lora\n    lora_alpha: 64\n", (9, 5), "`alpha`", "in the LoRA pass"),
    (
        "evaluation_strategy",
        "passes:\n  - type: lora\n    training:\n      evaluation_strategy: steps\n",
        (10, 7),
        "`eval_strategy`",
        "in the training arguments",
    ),
    (
        "eval_dataset_size",
        "passes:\n  - type: qlora\n    eval_dataset_size: 0.3\n",
        (9, 5),
        "`eval_split: 0.3`",
        "in the QLoRA pass",
    ),
]


@pytest.mark.parametrize(("key", "tail", "where", "teaches", "owner"), TUTORIAL, ids=[t[0] for t in TUTORIAL])
def test_tutorial_keys(tmp_path: Path, key: str, tail: str, where: tuple[int, int], teaches: str, owner: str) -> None:
    diag = one(diagnose(tmp_path, HEAD + tail), "legacy-key")
    assert diag.message == f"outdated key {key!r} {owner}"
    assert diag.at is not None and (diag.at.line, diag.at.col) == where
    assert diag.hint and teaches in diag.hint


def test_hf_config(tmp_path: Path) -> None:
    text = (
        "model:\n  hf_config:\n    model_name: microsoft/Phi-3-mini-4k-instruct\n"
        "passes:\n  - {type: builder, precision: int4}\n"
    )
    diags = diagnose(tmp_path, text)
    diag = one(diags, "legacy-key")
    assert diag.message == "outdated key 'hf_config' in `model`"
    assert diag.hint and "model: {path: <id or folder>" in diag.hint
    assert diag.at is not None and (diag.at.line, diag.at.col) == (2, 3)


def test_engine_execution_providers(tmp_path: Path) -> None:
    text = HEAD + "passes:\n  - type: lora\nengine:\n  execution_providers: [CUDAExecutionProvider]\n"
    diag = one(diagnose(tmp_path, text), "legacy-key")
    assert diag.hint and "target: {provider: cuda}" in diag.hint


def test_the_modern_spelling_passes(tmp_path: Path) -> None:
    text = (
        HEAD
        + "    eval_split: 0.3\npasses:\n  - type: lora\n    r: 64\n    alpha: 64\n"
        + "    training:\n      eval_strategy: steps\n"
    )
    assert diagnose(tmp_path, text) == []


def test_olive_config_names_are_unknown_keys_with_the_recipe_spelling(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, HEAD + "passes:\n  - type: lora\n    training_args: {max_steps: 5}\n"), "unknown-key")
    assert diag.message == "unknown key 'training_args' in the LoRA pass"
    assert diag.hint == "write training arguments under `training:`"


def test_the_tables_do_not_overlap_and_cover_the_tutorials() -> None:
    assert not set(OUTDATED_KEYS) & set(OLIVE_CONFIG_KEYS)
    assert set(LEGACY_KEYS) == set(OUTDATED_KEYS) | set(OLIVE_CONFIG_KEYS)
    for key in ("lora_r", "lora_alpha", "evaluation_strategy", "eval_dataset_size", "hf_config"):
        assert key in OUTDATED_KEYS
