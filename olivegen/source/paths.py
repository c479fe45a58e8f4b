"""Recipe-relative paths: what counts as local, and its absolute form (so `olive run` finds it from any folder)."""

from __future__ import annotations

from pathlib import Path


def resolve(base: Path, value: str) -> str:
    """Return a recipe-relative path as an absolute one, so `olive run` finds it from any folder."""
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def is_local_path(base: Path, value: str) -> bool:
    """Tell a local folder from a Hugging Face id: explicit path syntax, or it exists beside the recipe."""
    if value.startswith(("./", "../", "/", "~", ".\\")) or value in (".", ".."):
        return True
    return (base / value).exists()
