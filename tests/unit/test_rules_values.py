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
        HEAD
        + DATA
        + "passes:\n  - type: lora\n    training:\n      learning_rate: 1e308\n      data_seed: 123456789012\n"
    )
    assert diagnose(tmp_path, text) == []
    assert compile_recipe(tmp_path / "recipe.yaml").config["passes"]["lora"]["training_args"]["learning_rate"] == 1e308


def test_bounded_fields_reject_nan_before_the_rule(tmp_path: Path) -> None:
    text = HEAD + DATA + "passes:\n  - type: lora\n    lora_dropout: .nan\n"
    diag = one(diagnose(tmp_path, text), "invalid-value")
    assert diag.message == "'lora_dropout' must be between 0 and 1, both included, got nan"


@pytest.mark.parametrize(
    "value",
    ["<place_holder>", "<<str: model_path>>", "<subscription_id>", "<MODEL_PATH>", "<python-environment-path>"],
)
def test_a_template_blank_is_a_warning_at_its_value(tmp_path: Path, value: str) -> None:
    text = HEAD + f"passes:\n  - type: builder\n    precision: int4\nengine:\n  output_dir: '{value}'\n"
    diag = one(diagnose(tmp_path, text), "placeholder")
    assert diag.severity.value == "warning"
    assert diag.at is not None and (diag.at.line, diag.at.col) == (7, 15)
    assert diag.message.startswith(repr(value) + " is a template's blank")


@pytest.mark.parametrize("value", ["<pad>", "<unk>", "<s>", "<extra_id_0>", "<|endoftext|>", "a <place_holder> b"])
def test_tokens_and_text_around_a_blank_are_not_blanks(value: str) -> None:
    from olivegen.source.placeholders import is_placeholder

    assert not is_placeholder(value)


def test_a_blank_where_a_choice_is_expected_says_so_in_the_hint(tmp_path: Path) -> None:
    diags = diagnose(tmp_path, HEAD + "passes:\n  - type: builder\n    precision: '<place_holder>'\n")
    diag = one(diags, "invalid-value")
    assert diag.hint is not None and "template's blank" in diag.hint


@pytest.mark.parametrize("value", ["1e400", "-1e400", ".inf", ".nan"])
def test_an_infinite_eval_split_is_a_positioned_error_not_a_crash(tmp_path: Path, value: str) -> None:
    """`eval_split: 1e400` reads as infinity; the count check once crashed on int(inf) (found by the fuzz test)."""
    text = (
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
        "data:\n  - name: d\n    files: data/train.jsonl\n    text_template: '{prompt}'\n"
        f"    eval_split: {value}\n"
        "passes:\n  - {type: builder, precision: int4}\n"
    )
    found = diagnose(tmp_path, text)
    assert [d.rule for d in found if d.severity.value == "error"] == ["invalid-value"]
    assert found[0].at is not None and found[0].at.line == 7
