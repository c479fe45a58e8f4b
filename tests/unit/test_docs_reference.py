"""docs/recipe-reference.md is generated from the models and must not drift from them."""

from __future__ import annotations

from tests.conftest import ROOT
from tools.docs_reference import reference_markdown


def test_reference_is_in_sync() -> None:
    committed = (ROOT / "docs" / "recipe-reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), (
        "docs/recipe-reference.md is stale; run: python -m tools.docs_reference > docs/recipe-reference.md"
    )
