"""An imported recipe moved to another folder, its relative paths still meaning the same files.

Imported alone, a config's recipe sits beside it: its relative paths (`user_script`, data files,
output and cache folders) are read from the config's folder, where `olive run` ran it. In a recipe
for several configs from several folders, each config's relative paths are rewritten relative to
the recipe's folder (made absolute where they lead outside it), by the rules `extends` rebases a
base with (compose/rebase.py).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from olivegen.compose.rebase import rebase


def relocate(recipe: dict[str, Any], source: Path, target: Path) -> dict[str, Any]:
    """Return the recipe's data as written in `target` for what it meant in `source` (folders)."""
    source, target = Path(os.path.abspath(source)), Path(os.path.abspath(target))
    if source == target:
        return recipe
    moved = copy.deepcopy(recipe)
    rebase(moved, source)
    out: dict[str, Any] = _relative(recipe, moved, target)
    return out


def _relative(before: Any, after: Any, target: Path) -> Any:
    """Where rebasing made a relative path absolute, write it relative to `target` when it lies inside it."""
    if isinstance(before, dict) and isinstance(after, dict):
        return {k: _relative(before.get(k), v, target) for k, v in after.items()}
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [_relative(b, a, target) for b, a in zip(before, after, strict=True)]
    if isinstance(after, str) and after != before and Path(after).is_absolute():
        inside = Path(after) == target or target in Path(after).parents
        # `./`: a relative model folder is never read as a Hugging Face id (source/paths.py is_local_path)
        return "./" + os.path.relpath(after, target).replace(os.sep, "/") if inside else after
    return after
