"""An imported recipe stays valid, and gets no further, after the user applies every hint it prints (issue 19).

For each Olive config in tests/data: import it, validate the recipe, and apply mechanically each hint that
names its fix (`key: value` to write, "leave out `key`", "set KEY to at most N") to the mapping at the
finding's line; repeat. A recipe that validated must still validate; no fix may undo an earlier one (the
Olive v0.4 case: `eval_split: 0.1` as one hint, "leave out `eval_split`" as the next, which import now
refuses at `eval_dataset_size` itself); and the rounds end.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, CliResult

CONFIGS = sorted(p for ext in ("*.json", "*.yaml") for p in (ROOT / "tests" / "data").rglob(ext))
Run = Callable[..., CliResult]

SET = re.compile(r"`(\w+): ([^`]+)`")
LEAVE_OUT = re.compile(r"(?:leave out|remove) `(\w+)`")
AT_MOST = re.compile(r"set (\w+) to at most (\S+?)(?=[ ,;)]|$)")


def _fixes(hint: str) -> list[tuple[str, str, Any]]:
    """The edits a hint names: ("set", key, value) or ("delete", key, None)."""
    from ruamel.yaml import YAML

    out: list[tuple[str, str, Any]] = []
    for key, value in SET.findall(hint):
        out.append(("set", key, YAML(typ="safe").load(value)))
        break  # "such as `a: 1`, or `b: 2`": the first is the fix; the rest are alternatives
    out += [("delete", key, None) for key in LEAVE_OUT.findall(hint)]
    out += [("set", key, json.loads(value)) for key, value in AT_MOST.findall(hint)]
    return out


def _chain_at(node: Any, line: int) -> list[Any] | None:
    """The mappings from the root down to the innermost one with a key written on `line` (1-based)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    children = (
        list(node.values()) if isinstance(node, CommentedMap) else list(node) if isinstance(node, CommentedSeq) else []
    )
    for child in children:
        below = _chain_at(child, line)
        if below:
            return [node, *below] if isinstance(node, CommentedMap) else below
    if isinstance(node, CommentedMap) and any(node.lc.key(k)[0] + 1 == line for k in node):
        return [node]
    return None


def _target(data: Any, line: int, key: str) -> Any:
    """Where a hint's key goes: the nearest mapping around the line that has it, else the innermost."""
    chain = _chain_at(data, line)
    if not chain:
        return None
    return next((m for m in reversed(chain) if key in m), chain[-1])


def _validate(run_cli: Run, recipe: Path) -> list[dict[str, Any]]:
    result = run_cli("validate", "--format", "json", recipe)
    found: list[dict[str, Any]] = json.loads(result.out)
    return found


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_applying_every_hint_keeps_an_imported_recipe_valid(config: Path, run_cli: Run, tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    recipe = tmp_path / "recipe.yaml"
    imported = run_cli("import", config, "-o", recipe)
    if not recipe.exists():  # refused as a whole: nothing to apply hints to
        assert imported.code == 1 and "error[import]" in imported.err
        return
    yaml = YAML(typ="rt")
    valid_at_first = not [d for d in _validate(run_cli, recipe) if d["severity"] == "error"]
    done: dict[str, str] = {}  # key -> "set" / "delete": a later fix must not undo an earlier one
    for _ in range(5):
        findings = _validate(run_cli, recipe)
        data = yaml.load(recipe.read_text())
        changed = False
        for finding in findings:
            for action, key, value in _fixes(finding.get("hint") or ""):
                mapping = _target(data, finding["line"], key)
                if mapping is None:
                    continue
                before = done.get(key)
                assert before in (None, action), f"{finding['rule']}: {finding['hint']!r} undoes an earlier fix"
                if action == "set" and mapping.get(key) != value:
                    mapping[key] = value
                    changed = True
                elif action == "delete" and key in mapping:
                    del mapping[key]
                    changed = True
                done[key] = action
        if not changed:
            break
        stream = io.StringIO()
        yaml.dump(data, stream)
        recipe.write_text(stream.getvalue())
    else:
        pytest.fail("the hints keep asking for changes after 5 rounds")
    errors = [d for d in _validate(run_cli, recipe) if d["severity"] == "error"]
    if valid_at_first:
        assert errors == [], errors
