"""Collecting the tests stays fast: no test module imports Olive, torch or their kin at import time."""

from __future__ import annotations

import pytest

from tests.conftest import IMPORTED_AT_COLLECTION


def test_collection_imports_no_heavy_module(request: pytest.FixtureRequest) -> None:
    """Importing Olive alone takes seconds; a module-level import of it would make every run pay that."""
    imported = request.config.stash.get(IMPORTED_AT_COLLECTION, None)
    assert imported is not None, "tests/conftest.py's pytest_collection_finish hook did not run"
    assert imported == [], f"imported while collecting: {imported}; import them in a fixture or the test body"
