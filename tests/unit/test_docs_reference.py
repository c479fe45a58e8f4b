"""docs/recipe-reference.md is generated from the models and must not drift from them."""

from __future__ import annotations

from olivegen.docs_reference import reference_markdown
from tests.conftest import ROOT


def test_reference_is_in_sync() -> None:
    committed = (ROOT / "docs" / "recipe-reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), (
        "docs/recipe-reference.md is stale; run: python -m olivegen.docs_reference > docs/recipe-reference.md"
    )
