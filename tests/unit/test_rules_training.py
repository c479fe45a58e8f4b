"""Training arguments that contradict each other or the data."""

from __future__ import annotations

from pathlib import Path

from olivegen.errors import Severity
from tests.unit.test_rules_registry import assert_style, diagnose, one, only


def recipe(training: str, eval_split: bool = False) -> str:
    split = "    eval_split: 0.2\n" if eval_split else ""
    return (
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
        'data:\n  - name: train\n    files: data/train.jsonl\n    text_template: "{prompt} {response}"\n'
        f"{split}passes:\n  - type: lora\n    training:\n"
        + "".join(f"      {line}\n" for line in training.strip().splitlines())
    )


def test_max_steps_and_epochs(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, recipe("max_steps: 10\nnum_train_epochs: 3")), "steps-and-epochs")
    assert diag.message == "max_steps 10 wins over num_train_epochs 3, which is ignored"
    assert diag.severity is Severity.WARNING
    assert diag.at is not None and (diag.at.line, diag.at.col) == (11, 25)
    assert_style(diag)


def test_max_steps_or_epochs_alone(tmp_path: Path) -> None:
    assert diagnose(tmp_path / "a", recipe("max_steps: 10")) == []
    assert diagnose(tmp_path / "b", recipe("num_train_epochs: 1.5")) == []


def test_eval_strategy_without_eval_data(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, recipe("max_steps: 10\neval_strategy: epoch")), "eval-without-data")
    assert diag.message == "eval_strategy 'epoch' has no eval data to evaluate on; Olive sets it to 'no'"
    assert diag.at is not None and diag.at.line == 11
    assert_style(diag)


def test_eval_strategy_with_eval_split_or_eval_data_or_no(tmp_path: Path) -> None:
    assert diagnose(tmp_path / "a", recipe("max_steps: 10\neval_strategy: steps\neval_steps: 5", eval_split=True)) == []
    assert diagnose(tmp_path / "b", recipe("max_steps: 10\neval_strategy: 'no'")) == []
    with_eval = recipe("max_steps: 10\neval_strategy: steps\neval_steps: 5").replace(
        "    training:", "    eval_data: train\n    training:"
    )
    assert diagnose(tmp_path / "c", with_eval) == []


def test_logging_steps_beyond_max_steps(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, recipe("max_steps: 10\nlogging_steps: 50")), "steps-beyond-max-steps")
    assert (
        diag.message
        == "logging_steps 50 is more than max_steps 10, so no training loss is logged before training stops"
    )
    assert diag.at is not None and (diag.at.line, diag.at.col) == (11, 22)
    assert_style(diag)


def test_eval_steps_beyond_max_steps_only_when_evaluating(tmp_path: Path) -> None:
    the_tutorial = "max_steps: 10\neval_strategy: steps\neval_steps: 187"
    diag = one(diagnose(tmp_path / "a", recipe(the_tutorial, eval_split=True)), "steps-beyond-max-steps")
    assert diag.message.startswith("eval_steps 187 is more than max_steps 10, so no evaluation runs")
    assert only(diagnose(tmp_path / "b", recipe("max_steps: 10\neval_steps: 187")), "steps-beyond-max-steps") == []


def test_fractional_or_small_steps_pass(tmp_path: Path) -> None:
    assert diagnose(tmp_path / "a", recipe("max_steps: 10\nlogging_steps: 0.5")) == []
    assert diagnose(tmp_path / "b", recipe("max_steps: 10\nlogging_steps: 10")) == []
    assert diagnose(tmp_path / "c", recipe("logging_steps: 500")) == []
