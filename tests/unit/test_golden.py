"""Golden tests: every example renders to exactly the committed JSON (paths relative to the checkout)."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from tests.conftest import EXAMPLES, ROOT

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
PLACEHOLDER = "<CHECKOUT>"


def portable(text: str) -> str:
    """Replace the checkout's absolute path, which differs per machine, with a placeholder."""
    return text.replace(json.dumps(str(ROOT))[1:-1], PLACEHOLDER)


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_example_matches_golden(example: Path, update_golden: bool) -> None:
    text = portable(compile_recipe(example).text)
    golden = GOLDEN / f"{example.stem}.json"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden for {example.name}; run: pytest tests/unit/test_golden.py --update-golden"
    expected = golden.read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(expected), _diff(expected, text)
    assert text == expected, _diff(expected, text)


def _diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "golden", "rendered", lineterm="", n=2
    )
    return "\n".join(lines) + "\n\nTo update the golden files, run: pytest tests/unit/test_golden.py --update-golden"


def test_every_golden_has_an_example() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(p.stem for p in EXAMPLE_FILES)
