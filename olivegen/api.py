"""The pipeline, one function per arrow: text -> data -> Recipe -> checks -> context -> JSON -> checked -> file.

Nothing here prints; every problem with the input is a RecipeError.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from olivegen.catalog import OLIVE_GENERATION
from olivegen.errors import Diagnostic, RecipeError, Severity
from olivegen.recipe import Recipe
from olivegen.yamlsource import Source, parse, read_text


@dataclass(frozen=True)
class Compiled:
    """A compiled recipe: the Olive config, its serialized text and the warnings found on the way."""

    path: Path
    recipe: Recipe
    config: dict[str, Any]
    text: str
    warnings: list[Diagnostic] = field(default_factory=list)


def load_source(path: Path, display: str | None = None) -> Source:
    """Read and parse a recipe file: text -> plain data with positions."""
    shown = display or str(path)
    return parse(read_text(path, shown), shown)


def validate_recipe(source: Source) -> Recipe:
    """Plain data -> Recipe model; every schema problem at once, at its position."""
    from pydantic import ValidationError

    from olivegen.diagnose import from_validation_error

    try:
        return Recipe.model_validate(source.data)
    except ValidationError as exc:
        raise RecipeError(from_validation_error(exc, Recipe, source.data, source.where)) from None


def check_recipe(recipe: Recipe, source: Source, recipe_path: Path) -> list[Diagnostic]:
    """Recipe -> semantic diagnostics (errors and warnings), in file order."""
    from olivegen.checks import Scope, run_checks

    return run_checks(Scope(recipe, source.where, recipe_path.resolve().parent))


def render_recipe(recipe: Recipe, recipe_path: Path, generation: str = OLIVE_GENERATION) -> dict[str, Any]:
    """Recipe -> render context -> Jinja -> parsed JSON, checked against the packaged schema."""
    from olivegen.context import build_context
    from olivegen.render import render_config
    from olivegen.validate import check_config

    config = render_config(build_context(recipe, recipe_path), generation)
    check_config(config, generation)
    return config


def compile_source(source: Source, recipe_path: Path, generation: str = OLIVE_GENERATION) -> Compiled:
    """Run the whole pipeline on parsed text; raise RecipeError with every error found."""
    from olivegen.render import dump

    recipe = validate_recipe(source)
    found = check_recipe(recipe, source, recipe_path)
    errors = [d for d in found if d.severity is Severity.ERROR]
    if errors:
        raise RecipeError(found)
    config = render_recipe(recipe, recipe_path, generation)
    return Compiled(recipe_path, recipe, config, dump(config), [d for d in found if d.severity is Severity.WARNING])


def compile_recipe(path: str | Path, *, display: str | None = None, generation: str = OLIVE_GENERATION) -> Compiled:
    """Compile a recipe file into an Olive config (raises RecipeError on any error in the recipe)."""
    recipe_path = Path(path)
    return compile_source(load_source(recipe_path, display), recipe_path, generation)


def write_atomic(path: Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never a half-written one."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def drifted(path: Path, text: str) -> bool:
    """Tell whether the file at `path` differs from `text` (a missing file has drifted)."""
    try:
        return path.read_text(encoding="utf-8") != text
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        return True
