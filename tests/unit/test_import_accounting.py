"""`olivegen import` accounts for every key path of a config: carried into the recipe, or reported (issue 19).

Reported means a warning at its JSON path, or an error that refuses the config at its position. The
importer records both (`Notes.carried`, `Notes.reported`); anything neither records is reported by a
last sweep (`import-dropped`, "did not carry"), which must stay silent on every config here: the
accounting of each step is complete.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olivegen.errors import RecipeError
from olivegen.importer import convert_config
from olivegen.importer.pieces import JsonPath, covered, leaf_paths
from olivegen.source.olive_config import load_config_with_positions
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
CONFIGS = sorted(p for ext in ("*.json", "*.yaml") for p in DATA.rglob(ext))


def _accounted(config: dict[str, Any], where: Any = None, name: str = "c.json") -> tuple[Any, list[JsonPath]]:
    """Convert; return the result and the leaf paths of the input neither carried nor reported."""
    converted = convert_config(config, where, name)
    assert converted.notes is not None
    done = converted.notes.carried | converted.notes.reported
    return converted, [p for p in leaf_paths(config) if not covered(p, done)]


def test_there_are_configs_to_account_for() -> None:
    assert len(CONFIGS) >= 8


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_key_path_is_carried_or_reported(path: Path) -> None:
    config, where = load_config_with_positions(path)
    try:
        converted, missing = _accounted(config, where, str(path))
    except RecipeError as exc:  # refused as a whole, at a position in the config
        assert exc.diagnostics and all(d.at is not None and d.at.line > 1 for d in exc.diagnostics)
        return
    assert missing == []
    swept = [d.message for d in converted.diagnostics if "did not carry" in d.message]
    assert swept == [], swept  # each step accounted for its keys itself


def _dict_paths(value: Any, path: JsonPath = ()) -> list[JsonPath]:
    """Every object of a config (the root too), by its path."""
    out = [path] if isinstance(value, dict) else []
    if isinstance(value, dict):
        out += [p for k, v in value.items() for p in _dict_paths(v, (*path, k))]
    elif isinstance(value, list):
        out += [p for i, v in enumerate(value) for p in _dict_paths(v, (*path, i))]
    return out


def _at(value: Any, path: JsonPath) -> Any:
    for part in path:
        value = value[part]
    return value


def _keys(value: Any) -> set[str]:
    """Every key in a recipe, and every text (a data config's key in Olive's mapping form is its `name`)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _imports(config: dict[str, Any]) -> bool:
    try:
        convert_config(copy.deepcopy(config), None, "c.json")
    except RecipeError:
        return False
    return True


ORIGINALS = [c for c in (json.loads(json.dumps(load_config_with_positions(p)[0])) for p in CONFIGS) if _imports(c)]
VALUES = st.one_of(st.integers(-5, 5), st.booleans(), st.text("abc", max_size=3), st.just([1]), st.just({"k": 1}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_unknown_key_at_any_level_is_carried_or_reported(data: st.DataObject) -> None:
    """Insert `zz_fuzz` anywhere; the import carries it verbatim (an `olive:` block, `options`) or reports it."""
    config = copy.deepcopy(data.draw(st.sampled_from(ORIGINALS)))
    where = data.draw(st.sampled_from(_dict_paths(config)))
    _at(config, where)["zz_fuzz"] = data.draw(VALUES)
    inserted = (*where, "zz_fuzz")
    try:
        converted, missing = _accounted(config)
    except RecipeError as exc:  # refused: with a position
        assert exc.diagnostics and all(d.at is not None for d in exc.diagnostics)
        return
    assert missing == []
    notes = converted.notes
    assert notes is not None
    if not covered(inserted, notes.reported):  # not reported: then it is in the recipe, as written
        assert "zz_fuzz" in _keys(converted.recipe), (inserted, converted.recipe)
