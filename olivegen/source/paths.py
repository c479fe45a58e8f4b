"""Recipe-relative paths: what counts as local, its absolute form, and the folder a recipe may read from."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def resolve(base: Path, value: str) -> str:
    """Return a recipe-relative path as an absolute one, so `olive run` finds it from any folder."""
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def relative(value: Any, anchor: Path | None) -> Any:
    """Return an absolute path (or each of a list) relative to `anchor`, where `olive run` will start.

    None leaves it as it is, and so does anything else: a relative path, an id, a mapping.
    """
    if anchor is None:
        return value
    if isinstance(value, str) and os.path.isabs(value):
        return Path(os.path.relpath(value, anchor)).as_posix()
    if isinstance(value, list):
        return [relative(v, anchor) for v in value]
    return value


def is_local_path(base: Path, value: str) -> bool:
    """Tell a local folder from a Hugging Face id: explicit path syntax, or it exists beside the recipe."""
    if value.startswith(("./", "../", "/", "~", ".\\")) or value in (".", ".."):
        return True
    try:
        return (base / value).exists()
    except (OSError, ValueError):  # a NUL byte, a name too long, a link loop: not a folder olivegen can use
        return False


def repository_root(recipe: Path) -> Path:
    """Return the folder a recipe's bases and shown files must lie in: its git work tree, else its own folder.

    Found from where the recipe is written (a link to a recipe does not move it into another repository).
    """
    folder = Path(os.path.abspath(recipe)).parent
    for candidate in (folder, *folder.parents):
        try:
            if (candidate / ".git").exists():
                return _real(candidate) or candidate
        except OSError:
            continue
    return _real(folder) or folder


def within(path: Path, root: Path) -> bool:
    """Tell whether `path`, with every link followed, lies inside `root` (False when it cannot be resolved)."""
    real = _real(path)
    return real is not None and (real == root or root in real.parents)


def _real(path: Path) -> Path | None:
    try:
        return Path(os.path.realpath(path, strict=False))
    except (OSError, ValueError, RuntimeError):  # a link loop, a NUL byte
        return None


# Keys of raw `olive:` blocks that hold paths: always recipe-relative / only when they look local.
RAW_PATH_KEYS = {"user_script", "script_dir", "model_script", "data_dir"}
RAW_MAYBE_PATH_KEYS = {"model_path", "adapter_path", "data_files"}


def raw_paths(value: Any, base: Path) -> Any:
    """Copy a raw Olive block (`olive:`), its paths resolved against `base` (the folder of the file that wrote it)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in RAW_PATH_KEYS or key in RAW_MAYBE_PATH_KEYS:
                out[key] = _raw_path(item, base, key in RAW_PATH_KEYS)
            else:
                out[key] = raw_paths(item, base)
        return out
    if isinstance(value, list):
        return [raw_paths(item, base) for item in value]
    return value


def _raw_path(value: Any, base: Path, always: bool) -> Any:
    if isinstance(value, list):
        return [_raw_path(v, base, always) for v in value]
    if not isinstance(value, str) or not value or "://" in value:
        return raw_paths(value, base)
    return resolve(base, value) if always or is_local_path(base, value) else value


def relative_raw_paths(node: Any, anchor: Path) -> Any:
    """Copy `node` with the values of raw Olive path keys (`user_script`, `data_files`, ...) relative to `anchor`.

    Every such key is reached, wherever it stands (a pass's `olive:` block, a system's variables).
    """
    if isinstance(node, dict):
        return {
            key: relative(value, anchor)
            if key in RAW_PATH_KEYS or key in RAW_MAYBE_PATH_KEYS
            else relative_raw_paths(value, anchor)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [relative_raw_paths(item, anchor) for item in node]
    return node
