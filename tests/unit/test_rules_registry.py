"""The rule registry, and the helpers the other test_rules_* modules share.

docs/rules.md is executable: every rule has a section with a failing and a
fixed recipe; the failing one must produce the rule, the fixed one must not
(and must compile with no other diagnostic either).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from olivegen.checks import RULE_INFO, all_rule_infos, rule_info
from olivegen.checks.base import OTHER_RULES
from olivegen.errors import Diagnostic, RecipeError, Severity
from tests.conftest import ROOT

RULES_DOC = ROOT / "docs" / "rules.md"
TRAIN_ROWS = '{"prompt": "Where to eat in Rome?", "response": "Trastevere."}\n' * 3


def diagnose(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> list[Diagnostic]:
    """Write a recipe (and files beside it) and return everything `olivegen validate` would report."""
    for name, content in {"data/train.jsonl": TRAIN_ROWS, **(files or {})}.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(textwrap.dedent(text), encoding="utf-8")
    try:
        return list(compile_recipe(recipe).warnings)
    except RecipeError as exc:
        return list(exc.diagnostics)


def only(diags: list[Diagnostic], rule_id: str) -> list[Diagnostic]:
    """Return the diagnostics of one rule."""
    return [d for d in diags if d.rule == rule_id]


def one(diags: list[Diagnostic], rule_id: str) -> Diagnostic:
    """Return the single diagnostic of a rule (fails when there is none or several)."""
    found = only(diags, rule_id)
    assert len(found) == 1, [str(d) for d in diags]
    return found[0]


def assert_style(diag: Diagnostic) -> None:
    """Every diagnostic: positioned, a lowercase message without a final period, a hint, the rule's severity."""
    assert diag.at is not None and diag.at.line >= 1 and diag.at.col >= 1
    assert diag.message and not diag.message.endswith(".")
    first = diag.message.split()[0]
    assert not (first.isalpha() and first[0].isupper() and first[1:].islower()), "messages start lowercase"
    assert diag.hint
    assert diag.severity is rule_info(diag.rule).severity


def doc_sections() -> dict[str, str]:
    text = RULES_DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### `([a-z0-9-]+)`\s*$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def doc_examples(section: str) -> tuple[str, str]:
    blocks = re.findall(r"^(Failing|Fixed):\s*\n\n```yaml\n(.*?)^```", section, flags=re.M | re.S)
    found = dict(blocks)
    assert set(found) == {"Failing", "Fixed"}, "each rule needs a 'Failing:' and a 'Fixed:' yaml block"
    return found["Failing"], found["Fixed"]


DOC_FILES = {
    "data/train.jsonl": TRAIN_ROWS,
    "models/tiny-phi3/config.json": '{"model_type": "phi3", "architectures": ["Phi3ForCausalLM"]}',
}
SEMANTIC = sorted(RULE_INFO)
# Composition, import, run and the commands report under ids of their own: one table row each, no section.
OTHER_IDS = sorted(OTHER_RULES)
ALL_IDS = [info.id for info in all_rule_infos() if info.id not in OTHER_RULES]
# `olive` needs `validate --olive` and the installed Olive; its section is prose only.
EXECUTABLE = [rule_id for rule_id in ALL_IDS if rule_id != "olive"]


def test_every_rule_has_a_severity_and_summary() -> None:
    assert len(SEMANTIC) >= 20
    for info in all_rule_infos():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", info.id)
        assert info.summary and info.severity in (Severity.ERROR, Severity.WARNING)


def test_unknown_ids_are_described_as_errors() -> None:
    assert rule_info("no-such-rule").severity is Severity.ERROR


def test_every_rule_is_documented() -> None:
    sections = doc_sections()
    assert sorted(sections) == sorted(ALL_IDS), "docs/rules.md needs exactly one `### `id`` section per rule id"
    table = re.findall(
        r"^\| \[`([a-z0-9-]+)`\]\(#\1\) \| (error|warning) \|", RULES_DOC.read_text(encoding="utf-8"), re.M
    )
    assert sorted(table) == sorted((i, rule_info(i).severity.value) for i in ALL_IDS), "the table lists each rule once"
    for rule_id, section in sections.items():
        severity = rule_info(rule_id).severity.value
        assert f"**Severity:** {severity}" in section, f"{rule_id}: the doc must state severity {severity}"


def test_other_rule_ids_are_listed() -> None:
    # each row carries the anchor SARIF's helpUri (`rules.md#id`) points at
    table = re.findall(
        r'^\| <a id="([a-z0-9-]+)"></a>`\1` \| (error|warning) \|', RULES_DOC.read_text(encoding="utf-8"), re.M
    )
    assert sorted(table) == sorted((i, rule_info(i).severity.value) for i in OTHER_IDS), "one row per other id"


@pytest.mark.parametrize("rule_id", EXECUTABLE)
def test_documented_examples_fail_and_pass(tmp_path: Path, rule_id: str) -> None:
    failing, fixed = doc_examples(doc_sections()[rule_id])
    bad = diagnose(tmp_path / "bad", failing, DOC_FILES)
    assert only(bad, rule_id), f"the failing example of {rule_id} does not trigger it: {[str(d) for d in bad]}"
    if rule_id in RULE_INFO:
        for diag in only(bad, rule_id):
            assert_style(diag)
    good = diagnose(tmp_path / "good", fixed, DOC_FILES)
    assert good == [], f"the fixed example of {rule_id} is not clean: {[str(d) for d in good]}"
