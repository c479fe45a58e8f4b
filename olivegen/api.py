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
from typing import TYPE_CHECKING, Any

from olivegen.errors import Diagnostic, Position, RecipeError, Severity
from olivegen.knowledge.catalog import GENERATION_OF_NUMBER, OLIVE_GENERATION
from olivegen.knowledge.passes import MERGE_ADAPTER_WEIGHTS
from olivegen.knowledge.sections import olive_section_line
from olivegen.recipe import Recipe
from olivegen.source.document import Loc, Source, SourceMap

if TYPE_CHECKING:
    from olivegen.importer.many import Imported

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
    # a matrix whose variants differ only in what a build sets becomes one config with Olive's `builds`,
    # for a generation whose Olive reads them (knowledge/builds.py); else one config per variant
    builds: bool = False


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
    builds: tuple[str, ...] = ()  # the variants folded into this one config's `builds` (Options.builds)
    unfolded: str | None = None  # why the variants stay separate configs where Olive reads `builds`


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
        raise _one_variant_wanted(composed.matrix)
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
    done = [replace(c, warnings=w) for c, w in zip(results, labelled, strict=True) if c is not None]
    if options.builds and len(done) > 1:
        return _as_builds(done, composed.matrix, variants, options.relative_to)
    return done


def _as_builds(compiled: list[Compiled], matrix: Any, variants: list[Any], relative_to: Path | None) -> list[Compiled]:
    """Fold a matrix's configs into one with Olive's `builds` where the generation reads them and they fit.

    Variants that differ in more than a build sets stay separate configs; so do variants that Olive
    would refuse as builds, each refusal a `builds` warning at the recipe's line. Relative folders are
    taken from `relative_to` (where `olive run` will start), else from the recipe's folder.
    """
    from olivegen.knowledge.builds import BUILDS_SHAPE, builds_in
    from olivegen.render.azureml_job import needs_job
    from olivegen.render.builds import Variant, fold
    from olivegen.render.jinja import dump, render_config

    first = compiled[0]
    generation = first.recipe.olive
    if not builds_in(generation) or any(needs_job(c.recipe) for c in compiled):
        return compiled  # an Azure ML host: each variant is a job on its own compute
    workflow_id = str(first.config["workflow_id"]).removesuffix(f"-{first.variant}")
    run_in = relative_to or first.path.resolve().parent  # where relative folders are taken to resolve
    folded = fold(
        [
            Variant(str(c.variant), c.config, matrix.where.lookup(v.values[0]), c.where, run_in)
            for c, v in zip(compiled, variants, strict=True)
        ],
        workflow_id,
    )
    if folded.reason is not None:
        return [replace(first, warnings=[*first.warnings, *folded.refused], unfolded=folded.reason), *compiled[1:]]
    config = render_config({"base": folded.base, "builds": folded.builds}, BUILDS_SHAPE, "builds.json.j2")
    warnings = [w for c in compiled for w in c.warnings]
    return [
        replace(
            first,
            config=config,
            text=dump(config),
            warnings=list(dict.fromkeys(warnings)),
            variant=None,
            builds=tuple(str(c.variant) for c in compiled),
            notes=tuple(n for c in compiled for n in c.notes),
        )
    ]


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

    recipe, schema_found, broken, where = _validate_parts(source, options.generation)
    if recipe is not None and options.generation is not None and options.generation != recipe.olive:
        recipe = recipe.model_copy(update={"olive": options.generation})
    if schema_found:  # every mistake at once: the rules that read no broken part run on what validated
        found = [] if recipe is None else _check(recipe, source, recipe_path, broken, where)
        raise RecipeError(sorted(schema_found + found, key=_file_order))
    assert recipe is not None
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
        raise _one_variant_wanted(composed.matrix)
    if variant is not None:
        raise RecipeError.single(
            f"the recipe has no matrix, so no variant {variant!r}", Position(display or str(path), 1, 1), rule="matrix"
        )
    return composed.source(parse_overrides(overrides))


def _one_variant_wanted(matrix: Any) -> RecipeError:
    """Return the error for a matrix recipe where one config is wanted and no single variant is named."""
    names = [v.name for v in matrix.variants()]
    return RecipeError.single(
        f"the recipe has a matrix of {len(names)} variants ({', '.join(names)})",
        matrix.at,
        "pick one with --variant NAME, or render them all with `olivegen render RECIPE -o DIR/`",
        rule="matrix",
    )


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
    recipe, found, _, _ = _validate_parts(source, generation)
    if found or recipe is None:
        raise RecipeError(found)
    return recipe


# the parts of a recipe that are lists of independent items: a broken item is left out, the rest checked
_LISTS = ("data", "passes")
# what stands in for a required part that failed: no rule reading it runs (checks/reads.py)
_STAND_INS: dict[str, Any] = {"model": {"path": "stand-in/model"}, "passes": [{"type": MERGE_ADAPTER_WEIGHTS}]}
_SALVAGE_ROUNDS = 8


def _validate_parts(
    source: Source, generation: str | None
) -> tuple[Recipe | None, list[Diagnostic], set[str], SourceMap]:
    """Validate a recipe; when it fails, also the Recipe of the parts that did validate.

    Returns (recipe, schema diagnostics, broken parts, positions). Without schema errors: the recipe,
    [], an empty set and the source's positions. With them: the diagnostics (all of them, as the
    whole recipe's validation reports them), and a Recipe of the rest: each broken top-level part
    left out (or a stand-in, for a required one), each broken data set or pass left out of its
    list, with positions renumbered to match; `broken` names those parts (`data[]`/`passes[]` for
    items) so the checks skip the rules that read them. None when nothing usable validates.
    """
    from pydantic import ValidationError

    from olivegen.recipe.diagnose import from_validation_error

    if generation is None and isinstance(source.data, dict):
        written = source.data.get("olive")
        generation = GENERATION_OF_NUMBER.get(written) if isinstance(written, float) else written
    context = {"generation": str(generation or OLIVE_GENERATION)}
    try:
        return Recipe.model_validate(source.data, context=context), [], set(), source.where
    except ValidationError as exc:
        found = from_validation_error(exc, Recipe, source.data, source.where)
        errors = exc.errors(include_url=False)
    if not isinstance(source.data, dict):
        return None, found, set(), source.where
    data: dict[str, Any] = source.data
    known = {f.alias or name for name, f in Recipe.model_fields.items()} | set(Recipe.model_fields)
    broken: set[str] = set()
    dropped: dict[str, set[int]] = {part: set() for part in _LISTS}
    kept: dict[str, list[int]] = {}
    for _ in range(_SALVAGE_ROUNDS):
        for err in errors:
            loc = tuple(err["loc"])
            if not loc or loc[0] not in known:
                continue  # a key the recipe does not have: left out below, it breaks nothing
            head = str(loc[0])
            if head in _LISTS and len(loc) > 1 and isinstance(loc[1], int) and head in kept:
                dropped[head].add(kept[head][loc[1]])  # a later round's index is into the kept items
                broken.add(f"{head}[]")
            elif head in _LISTS and len(loc) > 1 and isinstance(loc[1], int) and isinstance(data.get(head), list):
                dropped[head].add(loc[1])
                broken.add(f"{head}[]")
            else:
                broken.add(head)
        salvaged = {k: v for k, v in data.items() if k in known and k not in broken}
        for head in _LISTS:
            if head in salvaged and dropped[head]:
                kept[head] = [i for i in range(len(data[head])) if i not in dropped[head]]
                salvaged[head] = [data[head][i] for i in kept[head]]
        salvaged |= {k: v for k, v in _STAND_INS.items() if k in broken}
        try:
            recipe = Recipe.model_validate(salvaged, context=context)
        except ValidationError as again:
            errors = again.errors(include_url=False)
            continue
        return recipe, found, broken, _renumbered(source.where, kept)
    return None, found, broken, source.where


def _renumbered(where: SourceMap, kept: dict[str, list[int]]) -> SourceMap:
    """Positions of a recipe whose lists keep only the items `kept` names (old indexes, in order)."""
    if not kept:
        return where
    new_index = {head: {old: new for new, old in enumerate(items)} for head, items in kept.items()}

    def move(table: dict[Loc, Position]) -> dict[Loc, Position]:
        out: dict[Loc, Position] = {}
        for loc, at in table.items():
            if len(loc) > 1 and loc[0] in new_index and isinstance(loc[1], int):
                index = new_index[str(loc[0])].get(loc[1])
                if index is None:
                    continue
                loc = (loc[0], index, *loc[2:])
            out[loc] = at
        return out

    return SourceMap(where.path, move(where.keys), move(where.values))


def _file_order(d: Diagnostic) -> tuple[int, int]:
    return (d.at.line, d.at.col) if d.at else (0, 0)


def _check(
    recipe: Recipe, source: Source, recipe_path: Path, broken: set[str] | None = None, where: SourceMap | None = None
) -> list[Diagnostic]:
    """Recipe -> semantic diagnostics (errors and warnings), in file order.

    `broken`/`where`: the parts that failed the schema and the positions of what is left (`_validate_parts`).
    """
    from olivegen.checks import Scope, run_checks

    return run_checks(Scope(recipe, where or source.where, recipe_path.resolve().parent), broken or ())


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
    from olivegen.importer import convert_config, name_from_config, recipe_yaml
    from olivegen.importer.positions import back_to_config
    from olivegen.source.olive_config import load_config_with_positions
    from olivegen.source.yaml_rt import parse

    config, where = load_config_with_positions(path)
    converted = convert_config(config, where, str(path))
    recipe_path = path.with_name(f"{path.stem}.olivegen.yaml")  # never written: relative paths resolve beside it
    # named as `olivegen import` names it: Olive never takes a workflow id from the config's file name
    name_from_config(converted.recipe, path, recipe_path)
    text = recipe_yaml(converted.recipe, converted.comments, source=path.name, generation=converted.generation)
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


def import_configs(paths: Sequence[Path], output: Path | None, modeline: str = "") -> Imported:
    """Import several Olive configs (files, or folders of *.json) as one matrix recipe (`importer/many.py`).

    Each config is imported alone and compiled beside itself, as `olivegen import CONFIG` does; the
    recipe (at `output`, else beside the configs' common folder: relative paths are rebased to it)
    is compiled too, and each variant's config must equal its single import's, workflow id aside.
    Returns what to write and to say; RecipeError only when the arguments name nothing to read.
    """
    from olivegen.importer.many import import_many

    folders = [p if p.is_dir() else p.parent for p in paths]
    base = Path(os.path.commonpath([os.path.abspath(f) for f in folders]))
    target = output or base / f"{base.name or 'imported'}.olivegen.yaml"
    shown = str(output) if output is not None else "<recipe on stdout>"

    def compile_text(path: Path, text: str) -> dict[str | None, dict[str, Any]]:
        options = Options(texts={path.resolve(): text}, display=shown if path == target else str(path))
        return {c.variant: c.config for c in compile(path, options)}

    from olivegen.compose.secrets import NAME

    wanted = re.sub(r"[^A-Za-z0-9_.-]+", "-", base.name).strip(".-")[:64].rstrip(".-")
    name = wanted if len(paths) == 1 and paths[0].is_dir() and NAME.match(wanted) else None
    return import_many(paths, target, compile_text, modeline=modeline, name=name)


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


def olive_findings(compiled: Compiled, problems: list[str]) -> list[Diagnostic]:
    """Turn the installed Olive's findings on a compiled recipe into diagnostics at the recipe keys they come from.

    A value the recipe wrote is the user's to change; anything else is olivegen's rendering (a bug to report).
    """
    from olivegen.render.olive_positions import olive_hint, olive_location

    out: list[Diagnostic] = []
    for found in problems:
        # a folded matrix: Olive reports `builds.<variant>: <problem of that build>`
        build, _, problem = found.partition(": ") if found.startswith("builds.") else ("", "", found)
        variant = build.removeprefix("builds.") if build.removeprefix("builds.") in compiled.builds else None
        problem = problem if variant else found
        loc: tuple[str | int, ...] = ()
        user = False
        if compiled.where is not None:
            loc, user = olive_location(problem, compiled.config, compiled.recipe, compiled.where)
        at = compiled.where.lookup(loc, prefer_value=True) if compiled.where is not None and loc else None
        label = variant or compiled.variant
        message = f"[{label}] {problem}" if label else problem
        out.append(
            Diagnostic(
                message,
                at or Position(str(compiled.path), 1, 1),
                olive_hint(loc, user, compiled.recipe),
                "olive",
            )
        )
    return out
