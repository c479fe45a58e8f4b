"""Several Olive configs -> one matrix recipe whose every variant renders as its config imported alone.

Each config (each build of a multi-build config, `builds.py`) is imported alone, as `olivegen import
FILE` would, and compiled beside the config; one that does not import alone is reported at its
config's lines and left out. The rest are moved to the recipe's folder (`relocate.py`: their relative
paths keep meaning their own folder) and factored (`factor.py`) into a common part and a `matrix:` axis
`config` with a value per config (one config alone: a plain recipe). The recipe is then compiled, and
each variant's config compared with its single import's, workflow id aside, its output folder as a
matrix gives it (`same_config`); where one differs, every key is written whole per variant. Compiling
goes through the function the caller passes (`api.compile`): nothing here runs a stage itself.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, Position, RecipeError, Severity
from olivegen.importer.builds import BUILDS, expand
from olivegen.importer.convert import Converted, convert_config
from olivegen.importer.discover import collect, is_config, skipped, variant_names
from olivegen.importer.emit import recipe_yaml
from olivegen.importer.factor import NAMED_LISTS, Factored, factor, item_ids
from olivegen.importer.relocate import relocate
from olivegen.source.document import MAX_SLOW_BYTES

MAX_ID = 64  # a workflow id's length (recipe/base.py Identifier)
MEASURE_EXACT_BYTES = 256 * 1024  # configs up to this size together are factored by the written recipe's lines
# what a build leaves unused that another build may use (importer/systems.py, importer/convert.py)
UNUSED = ("neither the engine's host nor its target names it", "neither the engine nor a pass names it")
AXIS = "config"  # the one matrix axis an import writes: which config a variant stands for
Loc = tuple[str | int, ...]
# (recipe path, recipe text) -> {variant or None: rendered config}; RecipeError as `api.compile` raises it
CompileText = Callable[[Path, str], dict[str | None, dict[str, Any]]]


@dataclass
class Single:
    """One config imported alone: its recipe (no name), comments, generation and rendered config."""

    variant: str
    recipe: dict[str, Any]
    comments: dict[Loc, str]
    generation: str
    config: dict[str, Any]
    source: Path
    own_name: str | None = None  # its workflow id (the recipe's `name:` when imported alone; a build's: `<id>_<build>`)
    name_at: Position | None = None  # where the config file writes `workflow_id`
    source_id: Any = None  # the config file's own `workflow_id`


@dataclass
class Imported:
    """The recipe's text (None when no config imports), and what to tell the user."""

    text: str | None
    variants: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # every file's findings, warnings included
    left_out: list[str] = field(default_factory=list)  # files (or builds) that do not import alone
    sources: list[Path] = field(default_factory=list)  # every file read: an output never overwrites one


def import_many(
    paths: Sequence[Path], target: Path, compile_text: CompileText, *, modeline: str = "", name: str | None = None
) -> Imported:
    """Import the configs `paths` name (files or folders) as one recipe at `target` (a matrix, for several)."""
    files, found = collect(paths)
    names, renamed = variant_names(files)
    out = Imported(None, diagnostics=[*found, *renamed], sources=list(files))
    singles: list[Single] = []
    for path in files:
        try:
            singles += _import_file(path, names[path], len(files) == 1, target, compile_text, out)
        except RecipeError as exc:
            out.diagnostics += exc.diagnostics
            out.left_out.append(str(path))
    if not singles:
        return out
    if len(singles) == 1:  # one config: a plain recipe, no matrix, when it renders as the config alone
        out.text = _plain(singles[0], target, compile_text, modeline, singles[0].own_name or name)
        if out.text is not None:
            out.variants = [singles[0].variant]
            return out
    recipes = {s.variant: _own_folder(s.recipe, s.variant) for s in singles}
    name = _fitting_name(name, target, [s.variant for s in singles])
    out.diagnostics += _workflow_ids(singles, name or target.stem)
    # the recipe's own lines measure the factoring best, but each try writes the whole recipe: on a large
    # input the values' line counts stand in for them (bounded time on any input the limits let through)
    exact = sum(s.source.stat().st_size for s in singles) <= MEASURE_EXACT_BYTES
    factored = factor(recipes, measure=(lambda f: _lines(_text(f, singles, modeline, name))) if exact else None)
    text, moved, failed = _checked(factored, singles, target, compile_text, modeline, name)
    if text is None:  # the last resort: every key written whole per variant gives each recipe back as it is
        factored = factor(recipes, whole={key for recipe in recipes.values() for key in recipe})
        text, moved, failed = _checked(factored, singles, target, compile_text, modeline, name)
        out.diagnostics.append(
            Diagnostic(
                "the shared form of these configs did not render every one as it imports alone: every key is"
                " written whole in every variant's cell instead",
                Position(str(singles[0].source), 1, 1),
                "please report it, with the configs",
                "import-many",
                Severity.WARNING,
            )
        )
    if text is None and failed:  # the recipe itself is refused (an output through a link ...): say why
        raise RecipeError(failed)
    if text is None:
        raise RecipeError.single(
            "the configs could not be written as one recipe that renders each as it imports alone",
            Position(str(files[0]), 1, 1),
            "import them one by one",
            rule="import",
        )
    out.text, out.variants = text, [s.variant for s in singles]
    if moved:
        out.diagnostics.append(
            Diagnostic(
                (
                    f"{len(moved)} variants ({', '.join(moved)}) write"
                    if len(moved) > 1
                    else f"variant {moved[0]} writes"
                )
                + " into `<engine.output_dir>/<variant>`, a folder per variant as in any matrix; alone, "
                + ("each config" if len(moved) > 1 else "its config")
                + " wrote into its `engine.output_dir`",
                Position(str(singles[0].source), 1, 1),
                None,
                "import-many",
                Severity.WARNING,
            )
        )
    return out


def _workflow_ids(singles: list[Single], name: str) -> list[Diagnostic]:
    """Say, at each config's `workflow_id`, the workflow id its variant gets instead (one recipe has one name)."""
    by_source: dict[Path, list[Single]] = {}
    for single in singles:
        if single.source_id is not None and single.name_at is not None:
            by_source.setdefault(single.source, []).append(single)
    return [
        Diagnostic(
            f"$.workflow_id: {group[0].source_id!r} is not kept: one recipe has one `name:`, and "
            + ", ".join(f"variant {s.variant} runs as workflow `{name}-{s.variant}`" for s in group),
            group[0].name_at,
            "set the recipe's `name:` to choose the prefix of every variant's workflow id",
            "import-many",
            Severity.WARNING,
        )
        for group in by_source.values()
    ]


def _plain(single: Single, target: Path, compile_text: CompileText, modeline: str, name: str | None) -> str | None:
    """Return one config's recipe, relocated to `target`, if it renders as the config imported alone."""
    recipe = {"name": name, **single.recipe} if name else single.recipe
    text = recipe_yaml(
        recipe,
        single.comments,
        source=single.source.name,
        generation=single.generation,
        modeline=modeline,
        compact=True,
    )
    try:
        (config,) = compile_text(target, text).values()
    except RecipeError:
        return None
    return text if same_config(single.config, config, single.variant) is False else None


def _own_folder(recipe: dict[str, Any], variant: str) -> dict[str, Any]:
    """Write an output folder that ends in the variant's name as the matrix's `.../{variant}` (the same folder)."""
    engine = recipe.get("engine")
    folder = engine.get("output_dir") if isinstance(engine, dict) else None
    if not isinstance(folder, str) or "{" in folder or not (folder == variant or folder.endswith(f"/{variant}")):
        return recipe
    return {**recipe, "engine": {**engine, "output_dir": folder[: -len(variant)] + "{variant}"}}  # type: ignore[dict-item]


def _fitting_name(name: str | None, target: Path, variants: list[str]) -> str | None:
    """Return the recipe's name, shortened so that every workflow id, `<name>-<variant>`, keeps to 64 characters."""
    wanted = name or target.name.split(".")[0]
    room = MAX_ID - 1 - max(len(v) for v in variants)
    fitted = wanted[:room].rstrip(".-") or "r"
    return name if fitted == wanted else fitted


def _import_file(
    path: Path, variant: str, alone: bool, target: Path, compile_text: CompileText, out: Imported
) -> list[Single]:
    """Import one file alone (each build of a multi-build config as its own config); RecipeError if any fails."""
    from olivegen.source.olive_config import load_config_with_positions

    config, where = load_config_with_positions(path)
    if not is_config(config):
        out.diagnostics.append(skipped(path))
        return []
    units: list[tuple[str, dict[str, Any]]] = [(variant, config)]
    if BUILDS in config:
        builds, notes = expand(config, where, str(path))
        out.diagnostics += notes
        units = [(name if alone else f"{variant}-{name}", child) for name, child in builds]
    singles = []
    errors: list[Diagnostic] = []
    found: dict[Diagnostic, list[str]] = {}  # each finding, and the builds it was found in
    for unit, unit_config in units:
        converted = convert_config(unit_config, where, str(path))
        for diag in converted.diagnostics:
            found.setdefault(diag, []).append(unit)
        try:
            singles.append(_compiled_alone(unit, converted, path, target, compile_text))
        except RecipeError as exc:
            errors += [
                replace(d, message=f"[build {unit}] {d.message}") if len(units) > 1 else d for d in exc.diagnostics
            ]
    for diag, where_found in found.items():
        if len(where_found) == len(units):
            out.diagnostics.append(diag)  # every build's (or the one config's)
        elif not any(words in diag.message for words in UNUSED):
            out.diagnostics.append(replace(diag, message=f"[build {', '.join(where_found)}] {diag.message}"))
        # a system or evaluator some builds leave unused is another build's: not a finding
    if errors:
        raise RecipeError(errors)
    return [replace(s, source_id=config.get("workflow_id")) for s in singles]


def _compiled_alone(variant: str, converted: Converted, path: Path, target: Path, compile_text: CompileText) -> Single:
    """Compile a config's recipe as `olivegen import FILE -o TARGET` would; errors at the config's lines."""
    from olivegen.importer.positions import back_to_config
    from olivegen.source.yaml_rt import parse

    text = recipe_yaml(converted.recipe, converted.comments, source=path.name, generation=converted.generation)
    alone = path.with_suffix(".yaml")  # where `olivegen import CONFIG` reads its relative paths from
    try:
        (config,) = compile_text(alone, text).values()
    except RecipeError as exc:
        source = parse(text, str(alone))
        assert converted.notes is not None
        errors = [d for d in exc.diagnostics if d.severity is Severity.ERROR]
        raise RecipeError(back_to_config(errors, source.data, source.where, converted.notes)) from None
    recipe = relocate({k: v for k, v in converted.recipe.items() if k != "name"}, path.parent, target.parent)
    own = converted.recipe.get("name")
    at = converted.notes.position(("workflow_id",)) if own is not None and converted.notes is not None else None
    return Single(variant, recipe, dict(converted.comments), converted.generation, config, path, own, at)


def _checked(
    factored: Factored,
    singles: list[Single],
    target: Path,
    compile_text: CompileText,
    modeline: str,
    name: str | None,
) -> tuple[str | None, list[str], list[Diagnostic]]:
    """Write the recipe and compile it; return its text if every variant renders as its single import.

    Also the variants written into a folder of their own, and the errors when the recipe does not compile.
    """
    text = _text(factored, singles, modeline, name)
    try:
        rendered = compile_text(target, text)
    except RecipeError as exc:
        return None, [], [d for d in exc.diagnostics if d.severity is Severity.ERROR]
    moved = []
    for single in singles:
        got = rendered.get(single.variant)
        if got is None:
            return None, [], []
        verdict = same_config(single.config, got, single.variant)
        if verdict is None:
            return None, [], []
        if verdict:
            moved.append(single.variant)
    return text, moved, []


def _text(factored: Factored, singles: list[Single], modeline: str, name: str | None) -> str:
    """Write the matrix recipe's text, REVIEW comments placed."""
    comments = place_comments(factored, singles)
    recipe: dict[str, Any] = {"name": name} if name else {}
    recipe.update(factored.common)
    recipe["matrix"] = {AXIS: {s.variant: factored.cells.get(s.variant) or None for s in singles}}
    if factored.whole:
        comments[("matrix",)] = _joined(
            comments.get(("matrix",)),
            f"{', '.join(sorted(factored.whole))} written whole in every cell: changes to a shared value did not"
            " give each config's back",
        )
    if factored.apart:
        comments[("matrix",)] = _joined(
            comments.get(("matrix",)),
            f"{', '.join(f'`{k}`' for k in sorted(factored.apart))} written in each variant's cell, not in the common"
            " part: shorter",
        )
    for key, variants in factored.whole_lists.items():
        if not variants or key in factored.apart:
            continue
        comments[("matrix",)] = _joined(
            comments.get(("matrix",)),
            f"`{key}` written whole for {', '.join(variants)}: shorter than changes to the common list, or not"
            " reachable by them",
        )
    if factored.based:
        comments[("matrix",)] = _joined(
            comments.get(("matrix",)),
            "written as another variant's value (the same YAML node) with changes: "
            + ", ".join(f"`{path}` of {name} from {other}'s" for name, path, other in factored.based),
        )
    count = len({s.source for s in singles})
    source = f"{count} Olive config{'s' * (count != 1)}" + (f", {len(singles)} builds" if len(singles) != count else "")
    generations = ", ".join(sorted({s.generation for s in singles}))
    text = recipe_yaml(recipe, comments, source=source, generation=generations, modeline=modeline, compact=True)
    if len(text) > MAX_SLOW_BYTES:  # anchors need the pure-Python parser, which reads at most this much
        text = recipe_yaml(
            recipe, comments, source=source, generation=generations, modeline=modeline, compact=True, aliases=False
        )
    return text


def same_config(alone: dict[str, Any], variant: dict[str, Any], name: str) -> bool | None:
    """Compare a variant's config with its single import's, workflow id aside.

    Returns None when they differ, False when equal, True when equal except that the variant's output
    folder is the single import's with `/<variant>` appended (the matrix's folder per variant).
    """
    mine, theirs = copy.deepcopy(alone), copy.deepcopy(variant)
    wid_mine, wid_theirs = mine.pop("workflow_id", None), theirs.pop("workflow_id", None)
    out_mine, out_theirs = _output_dir(mine), _output_dir(theirs)
    if _canon(mine) != _canon(theirs):
        return None
    if out_mine == out_theirs:
        return False
    if isinstance(out_mine, str) and isinstance(out_theirs, str):
        if out_theirs == f"{out_mine.rstrip('/')}/{name}":
            return True
        if wid_mine and wid_theirs and out_mine.replace(str(wid_mine), str(wid_theirs)) == out_theirs:
            return False  # the default folder, `outputs/<workflow id>`
    return None


def _output_dir(config: dict[str, Any]) -> Any:
    engine = config.get("engine")
    if isinstance(engine, dict) and "output_dir" in engine:
        return engine.pop("output_dir")
    return config.pop("output_dir", None)


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _joined(before: str | None, text: str) -> str:
    return text if before in (None, text) else f"{before}; {text}"


def place_comments(factored: Factored, singles: list[Single]) -> dict[Loc, str]:
    """Move each config's REVIEW comments to the key that now holds what they are about.

    A comment about a key a variant's cell writes goes to that cell's line; one about the common part
    goes to its line there, naming the variants it concerns unless it concerns all; the rest heads the file.
    """
    common_at: dict[Loc, dict[str, list[str]]] = {}
    out: dict[Loc, str] = {}
    head = 0
    for single in singles:
        cell = factored.cells.get(single.variant) or {}
        for loc, text in single.comments.items():
            segments = _segments(loc, single.recipe)
            written = next((p for p in cell if _prefix(tuple(p.split(".")), segments)), None)
            if written is not None:
                key: Loc = ("matrix", AXIS, single.variant, written)
                out[key] = _joined(out.get(key), text)
                continue
            common = _common_loc(segments, factored.common)
            if common is None:
                head += 1
                out[(f"~{head}",)] = f"[{single.variant}] {'.'.join(map(str, loc))}: {text}"
                continue
            common_at.setdefault(common, {}).setdefault(text, []).append(single.variant)
    for loc, texts in common_at.items():
        for text, variants in texts.items():
            others = [s.variant for s in singles if s.variant not in variants]
            said = (
                text
                if not others
                else f"{text} ({', '.join(variants)})"
                if len(variants) <= len(others)
                else f"{text} (all but {', '.join(others)})"
            )
            if len(loc) == 1 and loc[0] not in factored.common:
                head += 1
                loc = (f"~{head}",)
            out[loc] = _joined(out.get(loc), said)
    return out


def _segments(loc: Loc, recipe: dict[str, Any]) -> tuple[str, ...]:
    """Return a recipe location as `--set` path segments: a list item by the name a path gives it."""
    if len(loc) > 1 and loc[0] in NAMED_LISTS and isinstance(loc[1], int):
        ids = item_ids(str(loc[0]), recipe.get(str(loc[0])) or [])
        if ids is not None and loc[1] < len(ids):
            return (str(loc[0]), ids[loc[1]], *map(str, loc[2:]))
    return tuple(map(str, loc))


def _prefix(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return long[: len(short)] == short


def _common_loc(segments: tuple[str, ...], common: dict[str, Any]) -> Loc | None:
    """Return the common part's location for path segments (a list item by its index there), or None."""
    node: Any = common
    loc: list[str | int] = []
    for i, part in enumerate(segments):
        if isinstance(node, list):
            ids = item_ids(segments[0], node) if i == 1 else None
            if ids is None or part not in ids:
                return None
            index = ids.index(part)
            loc.append(index)
            node = node[index]
        elif isinstance(node, dict) and part in node:
            loc.append(part)
            node = node[part]
        else:
            return None
    return tuple(loc)
