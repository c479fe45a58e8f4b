"""Every bound of the recipe models names its evidence, and the bounds refuse what Olive fails on (issue 19)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from olivegen.knowledge.value_evidence import EVIDENCE, NUL_EVIDENCE
from olivegen.recipe.bounds import bounds
from tests.conftest import ROOT
from tests.unit.test_rules_registry import assert_style, diagnose, one, only
from tools.docs_evidence import END, START, table

# What counts as evidence: a source line (file.py:N), a real run, the NUL rule, or a key of olivegen's own.
NAMES_EVIDENCE = re.compile(
    r"\.py:\d+|real run|recipe format|olivegen's own|a transformers run on the tiny|checked offline"
    r"|not run here"
)

HEAD = "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
DATA = 'data:\n  - name: train\n    files: data/train.jsonl\n    text_template: "{prompt} {response}"\n'


def lora(training: str) -> str:
    return (
        HEAD
        + DATA
        + "passes:\n  - type: lora\n    training:\n"
        + "".join(f"      {line}\n" for line in training.strip().splitlines())
    )


def test_every_bound_has_evidence_and_every_evidence_a_bound() -> None:
    keys = {b.key for b in bounds()}
    assert sorted(keys - set(EVIDENCE)) == [], "a bound of the recipe models without evidence"
    assert sorted(set(EVIDENCE) - keys) == [], "evidence for a bound that no longer exists"


def test_the_walk_finds_every_kind_of_bound() -> None:
    keys = {b.key for b in bounds()}
    # a range, a word list, a pattern, a field check, a check across fields, an annotated check
    assert {
        "TrainingArgs.seed",
        "ModelBuilder.precision",
        "DataSpec.name",
        "Gptq.group_size",
        "Gptq._act_order",
        "DataSpec.format",
    } <= keys
    assert "OrtTransformersOptimization.hidden_size" not in keys  # relaxed: onnx.hidden-size-negative runs


@pytest.mark.parametrize("key", sorted(EVIDENCE))
def test_evidence_names_a_source_line_or_a_run(key: str) -> None:
    """The NUL clause shared by every text field counts once: what else an entry refuses needs its own source."""
    rest = EVIDENCE[key].replace(NUL_EVIDENCE, "").strip(" ;")
    if rest:
        assert NAMES_EVIDENCE.search(rest), f"{key}: {EVIDENCE[key]!r} names no source line or run"


def test_the_rules_doc_table_is_generated_from_the_evidence() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    start, end = text.index(START), text.index(END) + len(END)
    assert text[start:end] == table(), "run: python -m tools.docs_evidence --write"


@pytest.mark.parametrize(
    ("training", "key", "message"),
    [
        ("seed: 4294967296", "seed", "'seed' must be between 0 and 4294967295, both included, got 4294967296"),
        ("logging_steps: 2.5", "logging_steps", "logging_steps above 1 must be a whole number of steps, not 2.5"),
        ("save_steps: 7.5", "save_steps", "save_steps above 1 must be a whole number of steps, not 7.5"),
        (
            "logging_steps: 0",
            "logging_steps",
            "logging_steps 0 with the steps strategy is refused by transformers",
        ),
        (
            "gradient_accumulation_steps: 0",
            "gradient_accumulation_steps",
            "gradient_accumulation_steps 0 divides by zero in the trainer",
        ),
        ("warmup_steps: -1", "warmup_steps", "'warmup_steps' should be greater than or equal to 0, got -1"),
        ("adam_beta1: 1.0", "adam_beta1", "'adam_beta1' must be between 0 and 1 (0 included, 1 excluded), got 1.0"),
    ],
)
def test_training_values_transformers_fails_on(tmp_path: Path, training: str, key: str, message: str) -> None:
    diag = one(diagnose(tmp_path, lora(training)), "invalid-value")
    assert diag.message == message
    assert diag.at is not None and diag.at.line == 10  # at the value's own line
    assert_style(diag)


def test_training_values_transformers_runs(tmp_path: Path) -> None:
    """bench/agreement.py --run: seed.training-loose-values runs with exit 0 (and bench/trainer_bounds.py)."""
    text = lora(
        "max_steps: 10\ndata_seed: -1\nlogging_steps: -1\neval_steps: 0\nsave_steps: 0\nmax_grad_norm: -1\n"
        "weight_decay: -0.1\nwarmup_steps: 0.5\nlogging_strategy: 'no'\n"
    )
    assert [d for d in diagnose(tmp_path, text) if d.severity.value == "error"] == []
    assert diagnose(tmp_path / "b", lora("max_steps: 10\nlogging_steps: 0\nlogging_strategy: 'no'")) == []


@pytest.mark.parametrize(
    ("training", "key"),
    [("num_train_epochs: 0", "num_train_epochs"), ("num_train_epochs: -1", "num_train_epochs")]
    + [("max_steps: 10\ngradient_accumulation_steps: -2", "gradient_accumulation_steps")],
)
def test_settings_that_train_no_step_are_a_warning(tmp_path: Path, training: str, key: str) -> None:
    diag = one(diagnose(tmp_path, lora(training)), "no-training-steps")
    assert "no step" in diag.message
    assert_style(diag)


def test_epochs_under_max_steps_train_steps(tmp_path: Path) -> None:
    assert only(diagnose(tmp_path, lora("max_steps: 10\nnum_train_epochs: 0")), "no-training-steps") == []


@pytest.mark.parametrize(
    ("passes", "message"),
    [
        (
            "  - {type: gptq, group_size: 0}\n",
            "group_size 0 is not one Olive's quantized layers take",
        ),
        (
            "  - {type: gptq, desc_act: true}\n",
            "desc_act true needs group_size -1 (per channel), not 128: Olive skips the pass",
        ),
        ("  - {type: rtn, bits: 16}\n", "16 is not allowed here; expected 2, 4 or 8"),
    ],
)
def test_quantizer_values_olive_fails_on(tmp_path: Path, passes: str, message: str) -> None:
    text = HEAD + "host: cpu\npasses:\n" + passes + "  - {type: builder, precision: int4}\n"
    diag = one(diagnose(tmp_path, text), "invalid-value")
    assert diag.message == message


@pytest.mark.parametrize(
    "passes",
    [
        "  - {type: rtn, bits: 2}\n  - {type: builder, precision: int4}\n",
        "  - {type: gptq, bits: 2, group_size: -1, desc_act: true}\n  - {type: builder, precision: int4}\n",
        "  - {type: onnx}\n  - {type: optimize, hidden_size: -64}\n",
        "  - {type: rtn, name: 'my rtn pass'}\n  - {type: builder, precision: int4}\n",
    ],
)
def test_pass_values_olive_runs(tmp_path: Path, passes: str) -> None:
    text = HEAD + "host: cpu\ntarget: cpu\npasses:\n" + passes
    assert [d for d in diagnose(tmp_path, text) if d.severity.value == "error"] == []


def test_data_and_engine_values_olive_runs(tmp_path: Path) -> None:
    text = (
        HEAD
        + DATA.replace("data/train.jsonl", "data/train.arrow")
        + "    format: arrow\npasses:\n  - type: lora\nengine:\n  output_dir: ''\n  search:\n    max_iter: 0\n"
        + "evaluate:\n  metrics:\n    - {name: wer, type: accuracy, sub_types: [wer], data: train}\n"
        + "    - {name: size on disk, type: size_on_disk, sub_types: [bytes], data: train}\n"
    )
    errors = [d for d in diagnose(tmp_path, text, {"data/train.arrow": "x"}) if d.severity.value == "error"]
    assert errors == []


def test_random_strategies_need_max_samples(tmp_path: Path) -> None:
    text = HEAD + DATA + "    strategy: join-random\npasses:\n  - type: lora\n"
    diag = one(diagnose(tmp_path, text), "invalid-value")
    assert diag.message == "strategy 'join-random' needs `max_samples`, the number of random samples to draw"
    assert diagnose(tmp_path / "b", text.replace("join-random\n", "join-random\n    max_samples: 100\n")) == []


def test_a_format_datasets_has_not(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, HEAD + DATA + "    format: jsonl\npasses:\n  - type: lora\n"), "invalid-value")
    assert diag.message.startswith("datasets has no 'jsonl' builder")


def test_a_search_needs_an_evaluation(tmp_path: Path) -> None:
    text = HEAD + "passes:\n  - {type: builder, precision: int4}\nengine:\n  search:\n    sampler: random\n"
    diag = one(diagnose(tmp_path, text), "invalid-value")
    assert diag.message == (
        "a search needs `evaluate:` metrics to rank its candidates (Olive refuses it without an evaluator)"
    )
    assert diag.at is not None and diag.at.line == 7  # the search mapping
    assert_style(diag)
    evaluated = text + "evaluate:\n  metrics:\n    - {name: lat, type: latency, sub_types: [avg], data: d}\n"
    evaluated = evaluated.replace("passes:", "data:\n  - {name: d, hub: {name: org/d}, text_cols: [text]}\npasses:")
    assert [d for d in diagnose(tmp_path / "b", evaluated) if d.severity.value == "error"] == []


@pytest.mark.parametrize(
    ("metric", "goal", "refused"),
    [
        ("{name: l, type: latency, sub_types: [{name: avg, goal: GOAL}], data: d}", "percent-min-improvement, 150", 1),
        ("{name: l, type: latency, sub_types: [{name: avg, goal: GOAL}], data: d}", "percent-max-degradation, 150", 0),
        (
            "{name: t, type: throughput, sub_types: [{name: avg, goal: GOAL}], data: d}",
            "percent-max-degradation, 150",
            1,
        ),
        (
            "{name: t, type: throughput, sub_types: [{name: avg, goal: GOAL}], data: d}",
            "percent-min-improvement, 150",
            0,
        ),
        ("{name: a, type: accuracy, sub_types: [{name: wer, goal: GOAL}], data: d}", "percent-min-improvement, 150", 1),
        ("{name: l, type: latency, sub_types: [{name: avg, goal: GOAL}], data: d}", "percent-min-improvement, 0", 1),
        ("{name: l, type: latency, sub_types: [{name: avg, goal: GOAL}], data: d}", "min-improvement, 150", 0),
    ],
)
def test_percent_goals_in_olives_range(tmp_path: Path, metric: str, goal: str, refused: int) -> None:
    """olive/evaluator/metric.py:99-120: the range depends on the goal type and the sub type's direction."""
    kind, value = goal.split(", ")
    text = (
        HEAD
        + "data:\n  - {name: d, hub: {name: org/d}, text_cols: [text]}\npasses:\n  - {type: builder, precision: int4}\n"
        + "evaluate:\n  metrics:\n    - "
        + metric.replace("GOAL", f"{{type: {kind}, value: {value}}}")
        + "\n"
    )
    found = only(diagnose(tmp_path, text), "invalid-value")
    assert len(found) == refused, [str(d) for d in found]
    if refused:
        assert found[0].message.startswith(f"a {kind} goal must be")
        assert_style(found[0])
