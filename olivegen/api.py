"""The pipeline, one function per arrow: text -> data -> Recipe -> checks -> context -> JSON -> checked -> file.

Nothing here prints; every problem with the input is a RecipeError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, Position, RecipeError, Severity
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
    inputs: tuple[Path, ...] = ()  # the recipe and its bases: files an output must never overwrite


def load_source(
    path: Path,
    display: str | None = None,
    *,
    overrides: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    variant: str | None = None,
    outside: bool = False,
) -> Source:
    """Read a recipe file and compose it: bases merged, `${VAR}` filled in, `--set` overrides applied.

    A recipe with a `matrix:` is several recipes: name one `variant`, or use `compile_variants`.
    """
    from olivegen.compose import compose, parse_overrides

    composed = compose(path, display or str(path), env, outside=outside)
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


def validate_recipe(source: Source, generation: str | None = None) -> Recipe:
    """Plain data -> Recipe model; every schema problem at once, at its position.

    Pass types and parameters are checked against the registry of `generation` (else the recipe's `olive:`).
    """
    from pydantic import ValidationError

    from olivegen.recipe.diagnose import from_validation_error

    if generation is None and isinstance(source.data, dict):
        written = source.data.get("olive")
        generation = {0.9: "0.9", 0.13: "0.13"}.get(written) if isinstance(written, float) else written
    try:
        return Recipe.model_validate(source.data, context={"generation": str(generation or OLIVE_GENERATION)})
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

    recipe = validate_recipe(source, generation)
    if generation is not None and generation != recipe.olive:
        recipe = recipe.model_copy(update={"olive": generation})
    generation = recipe.olive
    found = check_recipe(recipe, source, recipe_path)
    errors = [d for d in found if d.severity is Severity.ERROR]
    if errors:
        raise RecipeError(found)
    config = render_recipe(recipe, recipe_path, generation)
    text = dump(config)
    _refuse_rendered_secret(text, source)
    return Compiled(recipe_path, recipe, config, text, [d for d in found if d.severity is Severity.WARNING])


def _refuse_rendered_secret(text: str, source: Source) -> None:
    """Refuse a config that would hold a credential the recipe's checks could not see (a folder's name)."""
    from olivegen.source.secrets import credential

    kind = credential(text)
    if kind is not None:
        raise RecipeError.single(
            f"the rendered config would hold {kind}, from a path the recipe resolves (a folder or file name)",
            source.where.lookup(()),
            "rename the folder or file whose name holds it; pass credentials through the environment"
            " (docs/security.md)",
            rule="secret",
        )


OLIVE_TOP_KEYS = re.compile(r"^(input_model|data_configs|evaluators|systems|workflow_id)\s*:", re.M)
OLIVE_PASSES = re.compile(r"^passes\s*:\s*(#.*)?\n(\s*#.*\n)*[ \t]+[^-\s#]", re.M)


def is_olive_config(path: Path, text: str | None = None) -> bool:
    """Tell an Olive config from a recipe: a .json file, or YAML with Olive's top-level sections."""
    if path.suffix.lower() == ".json":
        return True
    if text is None:
        from olivegen.source.files import read_text

        try:
            text = read_text(path, str(path))
        except RecipeError:
            return False
    return bool(OLIVE_TOP_KEYS.search(text) or OLIVE_PASSES.search(text))


def compile_olive_config(path: Path, generation: str | None = None) -> Compiled:
    """Check an Olive config (JSON, or Olive's YAML form) as the recipe it imports to.

    Every finding is at the config's own line and column: keys import does not carry over
    (warnings at their JSON path), then the recipe's schema, registry and semantic checks.
    Raises RecipeError with every error found.
    """
    from olivegen.importer import convert_config, recipe_yaml
    from olivegen.importer.positions import back_to_config
    from olivegen.source.olive_config import load_config_with_positions
    from olivegen.source.yaml_rt import parse

    config, where = load_config_with_positions(path)
    converted = convert_config(config, where, str(path))
    text = recipe_yaml(converted.recipe, converted.comments, source=path.name, generation=converted.generation)
    recipe_path = path.with_name(f"{path.stem}.olivegen.yaml")  # never written: relative paths resolve beside it
    source = parse(text, str(recipe_path))
    assert converted.notes is not None
    # the config itself is checked: a name Olive 0.13 does not know, or a form no Olive it renders for
    # reads (metrics given by name, `pass_flows`), is an error, though import maps it
    found = [
        replace(d, severity=Severity.ERROR)
        if (d.rule == "olive-renamed" and (recipe_olive(converted.recipe) or d in converted.notes.gone_by_09))
        or d.rule in ("import-migrated", "unknown-key", "unknown-evaluator", "olive-removed")
        else d
        for d in converted.diagnostics
    ]
    try:
        compiled = compile_source(source, recipe_path, generation)
    except RecipeError as exc:
        moved = back_to_config(list(exc.diagnostics), source.data, source.where, converted.notes)
        raise RecipeError(found + moved) from None
    warnings = found + back_to_config(compiled.warnings, source.data, source.where, converted.notes)
    return replace(compiled, path=path, warnings=warnings)


def recipe_olive(recipe: dict[str, Any]) -> bool:
    """Tell whether imported recipe data is for Olive 0.13 (the default)."""
    return str(recipe.get("olive", "0.13")) == "0.13"


def compile_recipe(
    path: str | Path,
    *,
    display: str | None = None,
    generation: str | None = None,
    overrides: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    outside: bool = False,
) -> Compiled:
    """Compile a recipe file into an Olive config (raises RecipeError on any error in the recipe).

    `outside`: trust `extends` bases outside the recipe's repository (`--allow-extends-outside`).
    """
    recipe_path = Path(path)
    return compile_source(
        load_source(recipe_path, display, overrides=overrides, env=env, outside=outside), recipe_path, generation
    )


def compile_variants(
    path: str | Path,
    *,
    display: str | None = None,
    generation: str | None = None,
    overrides: Sequence[str] = (),
    only: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    outside: bool = False,
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
    composed = compose(recipe_path, shown, env, outside=outside, texts=texts)
    jobs = parse_overrides(overrides)
    if composed.matrix is None:
        if only:
            raise RecipeError.single(
                f"the recipe has no matrix, so no variant {only[0]!r}", Position(shown, 1, 1), rule="matrix"
            )
        return [replace(compile_source(composed.source(jobs), recipe_path, generation), inputs=composed.files)]
    results: list[Compiled | None] = []
    found = []
    for variant in composed.matrix.variants(only):
        try:
            compiled = compile_source(composed.source(jobs, variant), recipe_path, generation)
        except RecipeError as exc:
            results.append(None)
            found.append((variant, exc.diagnostics))
        else:
            results.append(replace(compiled, variant=variant.name, inputs=composed.files))
            found.append((variant, tuple(compiled.warnings)))
    labelled = label(found)
    if any(r is None for r in results):
        raise RecipeError([d for diags in labelled for d in diags])
    return [replace(c, warnings=w) for c, w in zip(results, labelled, strict=True) if c is not None]


def compose_unsaved(path: Path, texts: Mapping[Path, str], *, outside: bool = False) -> Source:
    """Return what an editor's recipe says (data and positions, unchecked): for hover, completion, definition.

    The recipe composed with its bases and `${VAR}` as `compile_variants` composes it (the `matrix:`
    left folded, nothing validated or rendered), reading `texts` (resolved path -> an editor's unsaved
    text) instead of those files. When composing fails (a broken base, a base refused as outside the
    repository), the recipe's own text alone, parsed; RecipeError when that fails too.
    """
    import os

    from olivegen.compose import compose
    from olivegen.source.yaml_rt import parse

    try:
        composed = compose(path, str(path), None, outside=outside, texts=texts)
    except RecipeError:
        own = texts.get(Path(os.path.realpath(path)))
        if own is None:
            raise
        source = parse(own, str(path))
        return Source(source.data if isinstance(source.data, dict) else {}, source.where, own)
    return Source(composed.data, composed.where, "")
