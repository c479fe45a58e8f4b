"""One `validate` run reports every mistake whose check does not depend on a broken part (issue 19, item 5)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen import api
from olivegen.checks.base import RULES
from olivegen.checks.reads import LOCAL, READS, can_run
from olivegen.errors import RecipeError, Severity
from tests.conftest import CliResult

INVALID = Path(__file__).resolve().parent.parent / "recipes" / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))
ERROR_LINE = re.compile(r"^\S+:\d+:\d+: error\[")

EIGHT = """\
model:
  path: ./models/nope
data:
  - name: train
    files: data/missing.jsonl
    text_template: "{prompt}"
  - name: extra
    files: data/ok.jsonl
    text_tmplate: "{prompt}"
  - name: third
    files: data/ok.jsonl
    text_template: "{prompt"
host:
  type: local
  provider: NopeExecutionProvider
engine:
  log_severity_level: 9
evaluate:
  metrics: 7
passes:
  - type: merge
  - type: model-builder
    precision: int4
"""


def _errors(path: Path) -> list[tuple[int, str | None]]:
    with pytest.raises(RecipeError) as caught:
        api.compile(path)
    return [(d.at.line if d.at else 0, d.rule) for d in caught.value.diagnostics if d.severity is Severity.ERROR]


def _recipe(tmp_path: Path, text: str) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ok.jsonl").write_text('{"prompt": "hi", "answer": "x"}\n')
    path = tmp_path / "recipe.yaml"
    path.write_text(text)
    return path


def test_eight_independent_mistakes_in_one_run(tmp_path: Path) -> None:
    assert _errors(_recipe(tmp_path, EIGHT)) == [
        (2, "model-path"),  # file check on a model that validated
        (5, "missing-file"),  # file check on data set 1, though data set 2 and the host are broken
        (9, "unknown-key"),  # schema: data set 2
        (12, "template-syntax"),  # data check on data set 3
        (15, "invalid-value"),  # schema: host
        (17, "unknown-key"),  # schema: engine
        (19, "invalid-value"),  # schema: evaluate
        (21, "merge-without-adapter"),  # flow: model and passes validated
    ]


def test_schema_mistakes_do_not_hide_a_missing_data_file(tmp_path: Path) -> None:
    text = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
  torch_dtype: float128
data:
  - name: train
    files: data/nope.jsonl
    text_template: "{prompt}"
engine:
  log_level: loud
  seed: many
host: {type: local, provider: NopeExecutionProvider}
passes:
  - type: lora
    r: big
"""
    found = _errors(_recipe(tmp_path, text))
    assert (6, "missing-file") in found
    assert len(found) == 6, found


def test_a_rule_reading_a_broken_part_is_skipped(tmp_path: Path) -> None:
    # data set `train` is broken: the pass's reference to it is not reported as unknown
    text = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
data:
  - name: train
    files: data/ok.jsonl
    text_template: "{prompt}"
    split: 7
passes:
  - type: lora
    train_data: train
"""
    assert [rule for _, rule in _errors(_recipe(tmp_path, text))] == ["invalid-value"]


def test_broken_pass_keeps_others_positions(tmp_path: Path) -> None:
    # pass 1 is broken and left out; a per-item rule on pass 2 still reports at pass 2's line
    text = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
data:
  - name: train
    files: data/ok.jsonl
    text_template: "{prompt}"
  - name: later
    files: data/gone.jsonl
    text_template: "{prompt}"
passes:
  - type: lora
    r: big
"""
    assert _errors(_recipe(tmp_path, text)) == [(8, "missing-file"), (12, "invalid-value")]


def test_every_rule_states_what_it_reads_or_waits_for_a_whole_recipe() -> None:
    assert set(READS) | LOCAL <= set(RULES)
    unlisted = set(RULES) - set(READS) - LOCAL
    assert all(not can_run(rule_id, {"engine"}) for rule_id in unlisted)


def expectations(path: Path) -> list[str]:
    """The error lines a case's header names: `# error: FIRST`, then one `# also: LINE` per further mistake."""
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    out = [lines[0].removeprefix("# error: ")]
    out += [line.removeprefix("# also: ") for line in lines[1:] if line.startswith("# also: ")]
    return out


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_invalid_case_reports_all_its_mistakes(path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("validate", path.name, cwd=INVALID)
    assert [line for line in result.out.splitlines() if ERROR_LINE.match(line)] == expectations(path)
