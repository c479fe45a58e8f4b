"""The pipeline, one function per arrow: text -> data -> Recipe -> checks -> context -> JSON -> checked -> file.

Nothing here prints; every problem with the input is a RecipeError.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, OutputError, Position, RecipeError, Severity
from olivegen.knowledge.catalog import OLIVE_GENERATION
from olivegen.recipe import Recipe
from olivegen.source.document import Source


@dataclass(frozen=True)
class Compiled:
    """A compiled recipe: the Olive config, its serialized text and the warnings found on the way."""

    path: Path
    recipe: Recipe
    config: dict[str, Any]
    text: str
    warnings: list[Diagnostic] = field(default_factory=list)
    variant: str | None = None  # the matrix variant it was compiled for; None for a recipe without a matrix


def load_source(
    path: Path,
    display: str | None = None,
    *,
    overrides: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    variant: str | None = None,
) -> Source:
    """Read a recipe file and compose it: bases merged, `${VAR}` filled in, `--set` overrides applied.

    A recipe with a `matrix:` is several recipes: name one `variant`, or use `compile_variants`.
    """
    from olivegen.compose import compose, parse_overrides

    composed = compose(path, display or str(path), env)
    if composed.matrix is not None:
        if variant is not None:
            (chosen,) = composed.matrix.variants([variant])
            return composed.source(parse_overrides(overrides), chosen)
        names = [v.name for v in composed.matrix.variants()]
        raise RecipeError.single(
            f"the recipe has a matrix of {len(names)} variants ({', '.join(names)})",
            composed.matrix.at,
            "pick one with --variant NAME, or render them all with `olivegen render RECIPE -o DIR/`",
            rule="matrix",
        )
    if variant is not None:
        raise RecipeError.single(
            f"the recipe has no matrix, so no variant {variant!r}", Position(display or str(path), 1, 1), rule="matrix"
        )
    return composed.source(parse_overrides(overrides))


def validate_recipe(source: Source) -> Recipe:
    """Plain data -> Recipe model; every schema problem at once, at its position."""
    from pydantic import ValidationError

    from olivegen.recipe.diagnose import from_validation_error

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
    from olivegen.render.azureml_job import needs_job
    from olivegen.render.context import build_context
    from olivegen.render.jinja import render_config
    from olivegen.render.output_check import check_config
    from olivegen.render.relocate import relocate

    config = render_config(build_context(recipe, recipe_path, generation), generation)
    if needs_job(recipe):  # the Azure ML job runs from the recipe's folder, uploaded as its code
        config = relocate(config, recipe_path.resolve().parent)
    check_config(config, generation)
    return config


def compile_source(source: Source, recipe_path: Path, generation: str | None = None) -> Compiled:
    """Run the whole pipeline on parsed text; raise RecipeError with every error found.

    `generation` (an Olive release, "0.13" or "0.9") overrides the recipe's own `olive:` field.
    """
    from olivegen.render.jinja import dump

    recipe = validate_recipe(source)
    if generation is not None and generation != recipe.olive:
        recipe = recipe.model_copy(update={"olive": generation})
    generation = recipe.olive
    found = check_recipe(recipe, source, recipe_path)
    errors = [d for d in found if d.severity is Severity.ERROR]
    if errors:
        raise RecipeError(found)
    config = render_recipe(recipe, recipe_path, generation)
    return Compiled(recipe_path, recipe, config, dump(config), [d for d in found if d.severity is Severity.WARNING])


def compile_recipe(
    path: str | Path,
    *,
    display: str | None = None,
    generation: str | None = None,
    overrides: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Compiled:
    """Compile a recipe file into an Olive config (raises RecipeError on any error in the recipe)."""
    recipe_path = Path(path)
    return compile_source(load_source(recipe_path, display, overrides=overrides, env=env), recipe_path, generation)


def compile_variants(
    path: str | Path,
    *,
    display: str | None = None,
    generation: str | None = None,
    overrides: Sequence[str] = (),
    only: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    texts: Mapping[Path, str] | None = None,
) -> list[Compiled]:
    """Compile every variant of a recipe's `matrix:` (`only`: the named ones), each with its own config.

    A recipe without a matrix gives one Compiled whose `variant` is None. Every
    diagnostic names its combination (`[target=cpu-int4] ...`), except one that
    every variant shares; any error raises RecipeError with all of them. `texts`
    (resolved path -> text) is read instead of those files: an editor's unsaved buffers.
    """
    from olivegen.compose import compose, label, parse_overrides

    recipe_path = Path(path)
    shown = display or str(recipe_path)
    composed = compose(recipe_path, shown, env, texts)
    jobs = parse_overrides(overrides)
    if composed.matrix is None:
        if only:
            raise RecipeError.single(
                f"the recipe has no matrix, so no variant {only[0]!r}", Position(shown, 1, 1), rule="matrix"
            )
        return [compile_source(composed.source(jobs), recipe_path, generation)]
    results: list[Compiled | None] = []
    found = []
    for variant in composed.matrix.variants(only):
        try:
            compiled = compile_source(composed.source(jobs, variant), recipe_path, generation)
        except RecipeError as exc:
            results.append(None)
            found.append((variant, exc.diagnostics))
        else:
            results.append(replace(compiled, variant=variant.name))
            found.append((variant, tuple(compiled.warnings)))
    labelled = label(found)
    if any(r is None for r in results):
        raise RecipeError([d for diags in labelled for d in diags])
    return [replace(c, warnings=w) for c, w in zip(results, labelled, strict=True) if c is not None]


def write_atomic(path: Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never a half-written one.

    Raises OutputError (one line for the user, no traceback) when the path cannot be written.
    """
    try:
        _write_atomic(path.resolve(), text)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"cannot write {path}: {reason}") from None


def _write_atomic(path: Path, text: str) -> None:
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory")
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
