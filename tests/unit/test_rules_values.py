"""Values Olive's JSON config cannot hold are errors at their position, never a crash at render time."""

from __future__ import annotations

from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from tests.unit.test_rules_registry import assert_style, diagnose, one

HEAD = "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
DATA = 'data:\n  - name: train\n    files: data/train.jsonl\n    text_template: "{prompt} {response}"\n'


@pytest.mark.parametrize(
    ("text", "where", "shown"),
    [
        (HEAD + DATA + "passes:\n  - type: lora\n    training:\n      learning_rate: 1e400\n", (10, 22), "inf"),
        (
            HEAD + DATA + "passes:\n  - type: lora\n    training:\n      extra: {label_smoothing_factor: .nan}\n",
            (10, 39),
            "nan",
        ),
        (HEAD + "  load_kwargs: {scale: -.inf}\npasses:\n  - {type: builder, precision: int4}\n", (3, 24), "-inf"),
        (HEAD + "passes:\n  - type: OnnxStaticQuantization\n    config: {weight_symmetric: .inf}\n", (5, 32), "inf"),
    ],
)
def test_non_finite_numbers(tmp_path: Path, text: str, where: tuple[int, int], shown: str) -> None:
    diag = one(diagnose(tmp_path, text), "non-json-value")
    assert diag.message == f"{shown} is not a number Olive's JSON config can hold"
    assert diag.at is not None and (diag.at.line, diag.at.col) == where
    assert_style(diag)


def test_unpaired_surrogates_in_values_and_keys(tmp_path: Path) -> None:
    text = (
        HEAD + '  load_kwargs: {"k\\udc80": 1, revision: "v\\ud800"}\npasses:\n  - {type: builder, precision: int4}\n'
    )
    diags = [d for d in diagnose(tmp_path, text) if d.rule == "non-json-value"]
    assert len(diags) == 2
    assert all("unpaired surrogate" in d.message for d in diags)


def test_large_but_finite_numbers_render(tmp_path: Path) -> None:
    text = (
        HEAD + DATA + "passes:\n  - type: lora\n    training:\n      learning_rate: 1e308\n      seed: 123456789012\n"
    )
    assert diagnose(tmp_path, text) == []
    assert compile_recipe(tmp_path / "recipe.yaml").config["passes"]["lora"]["training_args"]["learning_rate"] == 1e308


def test_bounded_fields_reject_nan_before_the_rule(tmp_path: Path) -> None:
    text = HEAD + DATA + "passes:\n  - type: lora\n    lora_dropout: .nan\n"
    diag = one(diagnose(tmp_path, text), "invalid-value")
    assert diag.message == "'lora_dropout' must be between 0 and 1 (0 included, 1 excluded), got nan"
