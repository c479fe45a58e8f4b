"""The pipeline: one function, `compile`, runs every stage for every caller.

text -> composed data -> Recipe -> checks -> context -> JSON -> checked -> text. `render`,
`validate`, `explain`, `diff`, `import`, `run` and the language server all call `compile`
with an `Options`; none of them sequences the stages itself. Nothing here prints; every
problem with the input is a RecipeError.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, Position, RecipeError, Severity
from olivegen.knowledge.catalog import GENERATION_OF_NUMBER, OLIVE_GENERATION
from olivegen.knowledge.sections import olive_section_line
from olivegen.recipe import Recipe
from olivegen.source.document import Source, SourceMap

# `olivegen run --host/--target`: the validated recipe -> the recipe to check and render, and notes on what changed
Retarget = Callable[[Recipe], tuple[Recipe, list[str]]]
# `olivegen run`: point the rendered config at the run's folders before its last check; returns notes
Place = Callable[[Recipe, dict[str, Any]], list[str]]


@dataclass(frozen=True)
class Options:
    """How to compile a recipe: what any command, the runner or the language server may ask for."""

    generation: str | None = None  # the Olive release to render for; None: the recipe's own `olive:`
    overrides: Sequence[str] = ()  # `--set PATH=VALUE`
    only: Sequence[str] | None = None  # matrix variants (names or globs) to compile; None: every one
    single: bool = False  # one config is wanted: a matrix recipe must name exactly one variant in `only`
    env: Mapping[str, str] | None = None  # `${VAR}` values; None: os.environ
    outside: bool = False  # trust `extends` bases outside the recipe's repository
    texts: Mapping[Path, str] | None = None  # resolved path -> text read instead of the file (unsaved buffers)
    relative_to: Path | None = None  # write local paths relative to this folder (`render --relative-to`)
    display: str | None = None  # how the recipe's path is shown in diagnostics
    retarget: Retarget | None = None
    place: Place | None = None


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
    where: SourceMap | None = None  # positions of the composed recipe (the runner's preflight reads them)
    notes: tuple[str, ...] = ()  # what `retarget` and `place` changed


def compile(path: str | Path, options: Options | None = None) -> list[Compiled]:  # noqa: A001
    """Compile a recipe file: every variant of its `matrix:` (or those in `options.only`), one Compiled each.

    A recipe without a matrix gives one Compiled whose `variant` is None. Every diagnostic of a
    matrix names its combination (`[target=cpu-int4] ...`), except one that every variant
    shares; any error raises RecipeError with all of them.
    """
    from olivegen.compose import compose, label, parse_overrides

    options = options or Options()
    recipe_path = Path(path)
    shown = options.display or str(recipe_path)
    composed = compose(recipe_path, shown, options.env, outside=options.outside, texts=options.texts)
    jobs = parse_overrides(options.overrides)
    if composed.matrix is None:
        if options.only:
            raise RecipeError.single(
                f"the recipe has no matrix, so no variant {options.only[0]!r}", Position(shown, 1, 1), rule="matrix"
            )
        try:
            compiled = _stages(composed.source(jobs), recipe_path, options)
        except RecipeError as exc:
            raise RecipeError([*exc.diagnostics, *_schema_file(recipe_path, shown, options)]) from None
        warnings = [*compiled.warnings, *_schema_file(recipe_path, shown, options)]
        return [replace(compiled, inputs=composed.files, warnings=warnings)]
    variants = composed.matrix.variants(options.only)
    if options.single and (not options.only or len(variants) != 1):
        names = [v.name for v in composed.matrix.variants()]
        raise RecipeError.single(
            f"the recipe has a matrix of {len(names)} variants ({', '.join(names)})",
            composed.matrix.at,
            "pick one with --variant NAME, or render them all with `olivegen render RECIPE -o DIR/`",
            rule="matrix",
        )
    if options.single:  # one config asked for by name: its diagnostics need no variant label
        (variant,) = variants
        return [
            replace(
                _stages(composed.source(jobs, variant), recipe_path, options),
                variant=variant.name,
                inputs=composed.files,
            )
        ]
    results: list[Compiled | None] = []
    found = []
    for variant in variants:
        try:
            compiled = _stages(composed.source(jobs, variant), recipe_path, options)
        except RecipeError as exc:
            results.append(None)
            found.append((variant, exc.diagnostics))
        else:
            results.append(replace(compiled, variant=variant.name, inputs=composed.files))
            found.append((variant, tuple(compiled.warnings)))
    schema_file = tuple(_schema_file(recipe_path, shown, options))  # every variant's: one, unlabelled
    labelled = label([(variant, (*diags, *schema_file)) for variant, diags in found])
    if any(r is None for r in results):
        raise RecipeError([d for diags in labelled for d in diags])
    return [replace(c, warnings=w) for c, w in zip(results, labelled, strict=True) if c is not None]


def _schema_file(recipe_path: Path, shown: str, options: Options) -> list[Diagnostic]:
    """Warn when the schema file the recipe's modeline names is missing or stale (`schema-file`)."""
    from olivegen.recipe.schema_file import schema_file_warnings
    from olivegen.source.files import read_head

    text = (options.texts or {}).get(Path(os.path.realpath(recipe_path)))
    if text is None:
        try:
            head, _ = read_head(recipe_path, 8192)
        except (OSError, ValueError):
            return []
        text = head.decode("utf-8", "replace")
    return schema_file_warnings(recipe_path, text, shown)


def _stages(source: Source, recipe_path: Path, options: Options) -> Compiled:
    """One composed recipe through the stages after composition: model, checks, render, output checks."""
    from olivegen.render.jinja import dump

    recipe = _validate(source, options.generation)
    if options.generation is not None and options.generation != recipe.olive:
        recipe = recipe.model_copy(update={"olive": options.generation})
    notes: list[str] = []
    if options.retarget is not None:
        recipe, changed = options.retarget(recipe)
        notes += changed
    found = _check(recipe, source, recipe_path)
    if any(d.severity is Severity.ERROR for d in found):
        raise RecipeError(found)
    config = _render(recipe, recipe_path, recipe.olive, options.relative_to)
    if options.place is not None:
        notes += options.place(recipe, config)
    text = dump(config)
    _refuse_rendered_secret(text, source)
    warnings = [d for d in found if d.severity is Severity.WARNING]
    return Compiled(recipe_path, recipe, config, text, warnings, where=source.where, notes=tuple(notes))


def scope_of(compiled: Compiled) -> Any:
    """Return the checks' view of a compiled recipe (a `checks.Scope`): what the runner's preflight rules read."""
    from olivegen.checks import Scope

    assert compiled.where is not None
    return Scope(compiled.recipe, compiled.where, compiled.path.resolve().parent)


def load_source(
    path: Path,
    display: str | None = None,
    *,
    overrides: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    variant: str | None = None,
    outside: bool = False,
) -> Source:
    """Composition alone: a recipe file with its bases merged, `${VAR}` filled in, `--set` applied.

    For what reads composed data without compiling it (`olivegen explain`'s inputs, tests of composition).
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


def variant_names(path: Path, options: Options | None = None) -> list[str] | None:
    """Return the names of a recipe's matrix variants (those matching `options.only`), or None without a matrix."""
    from olivegen.compose import compose

    options = options or Options()
    composed = compose(path, options.display or str(path), options.env, outside=options.outside, texts=options.texts)
    if composed.matrix is None:
        return None
    return [v.name for v in composed.matrix.variants(options.only)]


def _validate(source: Source, generation: str | None = None) -> Recipe:
    """Plain data -> Recipe model; every schema problem at once, at its position.

    Pass types and parameters are checked against the registry of `generation` (else the recipe's `olive:`).
    """
    from pydantic import ValidationError

    from olivegen.recipe.diagnose import from_validation_error

    if generation is None and isinstance(source.data, dict):
        written = source.data.get("olive")
        generation = GENERATION_OF_NUMBER.get(written) if isinstance(written, float) else written
    try:
        return Recipe.model_validate(source.data, context={"generation": str(generation or OLIVE_GENERATION)})
    except ValidationError as exc:
        raise RecipeError(from_validation_error(exc, Recipe, source.data, source.where)) from None


def _check(recipe: Recipe, source: Source, recipe_path: Path) -> list[Diagnostic]:
    """Recipe -> semantic diagnostics (errors and warnings), in file order."""
    from olivegen.checks import Scope, run_checks

    return run_checks(Scope(recipe, source.where, recipe_path.resolve().parent))


def _render(recipe: Recipe, recipe_path: Path, generation: str, relative_to: Path | None) -> dict[str, Any]:
    """Recipe -> render context -> Jinja -> parsed JSON, checked against the packaged schema.

    `relative_to`: write local paths relative to this folder, where `olive run` will start (None:
    absolute). An Azure ML job runs from the recipe's folder, uploaded as its code: always that one.
    """
    from olivegen.render.azureml_job import needs_job
    from olivegen.render.context import build_context
    from olivegen.render.jinja import render_config
    from olivegen.render.output_check import check_config

    if needs_job(recipe):
        relative_to = recipe_path.resolve().parent
    config = render_config(build_context(recipe, recipe_path, generation, relative_to=relative_to), generation)
    check_config(config, generation)
    return config


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


OLIVE_TOP_KEYS = olive_section_line()
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
    source = parse(text, str(recipe_path))  # the imported recipe's own positions, to move findings back
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
    options = Options(generation=generation, texts={Path(recipe_path).resolve(): text}, display=str(recipe_path))
    try:
        (compiled,) = compile(recipe_path, options)
    except RecipeError as exc:
        moved = back_to_config(list(exc.diagnostics), source.data, source.where, converted.notes)
        raise RecipeError(found + moved) from None
    warnings = found + back_to_config(compiled.warnings, source.data, source.where, converted.notes)
    return replace(compiled, path=path, warnings=warnings)


def recipe_olive(recipe: dict[str, Any]) -> bool:
    """Tell whether imported recipe data is for Olive 0.13 (the default)."""
    return str(recipe.get("olive", OLIVE_GENERATION)) == OLIVE_GENERATION


def compile_recipe(path: str | Path, **options: Any) -> Compiled:
    """Compile a recipe file into one Olive config (raises RecipeError on any error in the recipe).

    The keyword form of `compile` for one config (`olivegen.compile_recipe`): `Options`' fields as
    keywords, `variant="NAME"` for one variant of a matrix recipe.
    """
    variant = options.pop("variant", None)
    only = [variant] if variant is not None else options.pop("only", None)
    (compiled,) = compile(path, Options(**options, only=only, single=True))
    return compiled


def compile_variants(path: str | Path, **options: Any) -> list[Compiled]:
    """Compile every variant: the keyword form of `compile`, `Options`' fields as keywords."""
    return compile(path, Options(**options))


def compose_unsaved(path: Path, options: Options | None = None) -> Source:
    """Return what an editor's recipe says (data and positions, unchecked): for hover, completion, definition.

    The recipe composed with its bases and `${VAR}` as `compile` composes it (the `matrix:` left
    folded, nothing validated or rendered), reading `options.texts` (resolved path -> an editor's
    unsaved text) instead of those files. When composing fails (a broken base, a base refused as
    outside the repository), the recipe's own unsaved text alone, parsed; RecipeError when that fails too.
    """
    import os

    from olivegen.compose import compose
    from olivegen.source.yaml_rt import parse

    options = options or Options()
    shown = options.display or str(path)
    try:
        composed = compose(path, shown, options.env, outside=options.outside, texts=options.texts)
    except RecipeError:
        own = (options.texts or {}).get(Path(os.path.realpath(path)))
        if own is None:
            raise
        source = parse(own, shown)
        return Source(source.data if isinstance(source.data, dict) else {}, source.where, own)
    return Source(composed.data, composed.where, "")
