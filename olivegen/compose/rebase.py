"""Path-valued fields, and rebasing them so a base recipe's relative paths keep meaning its own folder.

`context.py` resolves relative paths against the folder of the recipe being
compiled. A base recipe in another folder wrote its paths relative to *its*
folder, so before a base is merged, its relative paths become absolute. Bases
in the recipe's own folder are left as written (both readings agree).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from olivegen.source.document import Loc
from olivegen.source.paths import is_local_path, raw_paths, resolve

# Every field a recipe resolves relative to its folder; `*` is any list item.
PATH_FIELDS: tuple[Loc, ...] = (
    ("model", "path"),
    ("model", "adapter_path"),
    ("data", "*", "files"),
    ("host", "build_context"),
    ("host", "python"),
    ("host", "prepend_to_path"),
    ("host", "conda_file"),
    ("target", "build_context"),
    ("target", "python"),
    ("target", "prepend_to_path"),
    ("target", "conda_file"),
    ("engine", "output_dir"),
    ("engine", "cache_dir"),
)


def rebase(data: dict[str, Any], folder: Path) -> None:
    """Make the relative paths `data` wrote absolute, read from `folder` (in place).

    Paths inside raw Olive blocks (`olive:` on the model, a data set, a pass, the evaluation or the
    engine, and a metric's `user_config`) are rebased too: `user_script: s.py` in a base means the
    base's folder.
    """
    _rebase_raw(data, folder)
    for pattern in PATH_FIELDS:
        for parent, key in _parents(data, pattern):
            value = parent[key]
            if isinstance(value, list):
                parent[key] = [_absolute(folder, v, pattern) for v in value]
            else:
                parent[key] = _absolute(folder, value, pattern)


def _parents(node: Any, pattern: Loc) -> list[tuple[dict[str, Any], str]]:
    """Return (mapping, key) for every place `pattern` matches in `node`."""
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        items = node if isinstance(node, list) else []
        return [found for item in items for found in _parents(item, rest)]
    if not isinstance(node, dict) or head not in node:
        return []
    if not rest:
        return [(node, str(head))]
    return _parents(node[head], rest)


def _absolute(folder: Path, value: Any, pattern: Loc) -> Any:
    if not isinstance(value, str) or not value or "://" in value or value.startswith(("azureml:", "~")):
        return value
    if Path(value).is_absolute():
        return value
    if pattern == ("model", "path") and not is_local_path(folder, value):
        return value  # a Hugging Face id, not a folder
    return resolve(folder, value)


def _rebase_raw(node: Any, folder: Path) -> None:
    """Resolve the paths of every raw Olive block below `node` against `folder` (in place)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("olive", "user_config") and isinstance(value, dict):
                node[key] = raw_paths(value, folder)
            else:
                _rebase_raw(value, folder)
    elif isinstance(node, list):
        for item in node:
            _rebase_raw(item, folder)
