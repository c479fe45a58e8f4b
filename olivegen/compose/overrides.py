"""`--set path.to.key=value`: change one value of a composed recipe, by a dotted path.

A path segment in a mapping is a key. In a list it is an index (`passes.0`)
or the `name` of an item (`data.travel`); a pass may also be named by its key
in the rendered config (`passes.lora`, `passes.model_builder`) or by its type
when only one pass has it (`passes.ModelBuilder`, `passes.builder`). The value
is read as YAML (`16` is a number, `[a, b]` a list) and laid over what is there
with the merge rules of `extends` (`$delete` removes the key or list item).
Matrix cells use the same paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from olivegen.compose.scalars import yaml_value
from olivegen.compose.tree import DELETE, drop, drop_item, graft, merge, subtree
from olivegen.errors import Diagnostic, Position, RecipeError
from olivegen.knowledge.catalog import canonical_pass, suggest
from olivegen.source.document import Loc, SourceMap

PREFIX = "--set "
MAX_SHOWN = 120  # characters of a --set text shown as the diagnostics' file name


@dataclass(frozen=True)
class Assignment:
    """A value to lay at a dotted path, with where each path segment and the value were written."""

    path: tuple[str, ...]
    value: Any
    value_where: SourceMap  # positions of the value, relative to it (the value itself is `()`)
    segment_at: tuple[Position, ...]
    label: str  # names the assignment in messages: `--set passes.lora.r=16` or `matrix cell 'cpu'`


def parse_override(text: str) -> Assignment:
    """Read one `--set PATH=VALUE`; its positions are columns of the text `--set PATH=VALUE` itself.

    The text names the diagnostics' "file"; a long one is shortened there (the columns still count
    in the full text), and outputs mask any credential in it.
    """
    display = PREFIX + (text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "...")
    path_text, eq, value_text = text.partition("=")
    if not eq or not path_text.strip():
        raise RecipeError.single(
            f"an override is PATH=VALUE, not {text[:MAX_SHOWN]!r}",
            Position(display, 1, len(PREFIX) + 1),
            "e.g. --set passes.lora.r=16",
            rule="override",
        )
    value_col = len(PREFIX) + len(path_text) + 2
    try:
        value = yaml_value(value_text)
    except ValueError as exc:
        raise RecipeError.single(
            f"the value is not valid YAML: {exc}",
            Position(display, 1, value_col),
            "quote text that YAML would read otherwise: --set 'key=\"text: with colon\"'",
            rule="override",
        ) from None
    cols, col = [], len(PREFIX) + 1
    for segment in path_text.split("."):
        cols.append(Position(display, 1, col))
        col += len(segment) + 1
    here = Position(display, 1, value_col)
    return Assignment(
        tuple(s.strip() for s in path_text.split(".")), value, _flat(value, here), tuple(cols), PREFIX + text
    )


def _flat(value: Any, at: Position, loc: Loc = ()) -> SourceMap:
    """Positions for a value written on one line: every part of it is at `at`."""
    where = SourceMap(at.path, {loc: at} if loc else {}, {loc: at})
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        part = _flat(item, at, (*loc, key))
        where.keys.update(part.keys)
        where.values.update(part.values)
    return where


def apply_all(data: dict[str, Any], where: SourceMap, assignments: Sequence[Assignment]) -> list[Diagnostic]:
    """Apply assignments in order (in place); return a diagnostic for each that cannot be applied."""
    problems: list[Diagnostic] = []
    for assignment in assignments:
        try:
            assign(data, where, assignment)
        except RecipeError as exc:
            problems.extend(exc.diagnostics)
    return problems


def assign(data: dict[str, Any], where: SourceMap, job: Assignment) -> None:
    """Lay one value at its path (in place), creating missing mappings on the way."""
    node: Any = data
    loc: Loc = ()
    for depth, segment in enumerate(job.path):
        at = job.segment_at[min(depth, len(job.segment_at) - 1)]
        last = depth == len(job.path) - 1
        if not segment:
            raise RecipeError.single(f"empty path segment in {job.label!r}", at, rule="override")
        if isinstance(node, list):
            step: str | int = _find_item(node, segment, loc, at, where.path)
        elif isinstance(node, dict):
            step = segment
            if not last and node.get(step) is None:  # missing, or written empty (`engine:`)
                node[step] = {}
                where.keys.setdefault((*loc, step), at)
                where.values[(*loc, step)] = at
        else:
            raise RecipeError.single(
                f"{_dotted(loc)} is {_show(node)}, not a mapping or list, so it has no {segment!r}",
                at,
                f"set `{_dotted(loc)}` itself",
                rule="override",
            )
        if last:
            _lay(node, step, (*loc, step), where, job, at)
            return
        node = node[step]
        loc = (*loc, step)


def _lay(parent: Any, step: str | int, loc: Loc, where: SourceMap, job: Assignment, at: Position) -> None:
    if job.value == DELETE:
        if isinstance(parent, list):
            assert isinstance(step, int)
            del parent[step]
            drop_item(where, loc[:-1], step)
        elif step in parent:
            del parent[step]
            drop(where, loc)
        return
    had = isinstance(parent, list) or step in parent
    old = parent[step] if had else {}
    value, part = merge(old, subtree(where, loc) if had else SourceMap(at.path), job.value, job.value_where)
    part.keys[()] = at
    parent[step] = value
    graft(where, loc, part)


def _find_item(items: list[Any], segment: str, loc: Loc, at: Position, recipe: str) -> int:
    """Find a list item of `recipe` by index, `name`, pass key or pass type."""
    if segment.isdigit():
        index = int(segment)
        if index < len(items):
            return index
        raise RecipeError.single(
            f"{_dotted(loc)} of {recipe} has {len(items)} item{'s' * (len(items) != 1)};"
            f" there is no #{index}",
            at,
            "indexes start at 0",
            rule="override",
        )
    names = _names(items, loc)
    hits = [i for i, known in enumerate(names) if segment in known]
    if not hits and loc == ("passes",):
        kind = canonical_pass(segment)
        hits = [i for i, known in enumerate(names) if kind is not None and kind in known]
    if len(hits) == 1:
        return hits[0]
    listed = [n[0] for n in names if n]
    if hits:
        raise RecipeError.single(
            f"{segment!r} matches {len(hits)} items of {_dotted(loc)} in {recipe}",
            at,
            "name one by its key or index: " + ", ".join(listed),
            rule="override",
        )
    hint = suggest(segment, listed) or (f"{_dotted(loc)} has: {', '.join(listed)}" if listed else None)
    raise RecipeError.single(f"no item {segment!r} in {_dotted(loc)} of {recipe}", at, hint, rule="override")


def _names(items: list[Any], loc: Loc) -> list[list[str]]:
    """Return the names each item answers to: its `name`, and for passes its config key and type."""
    from olivegen.knowledge.catalog import pass_key

    out: list[list[str]] = []
    taken: set[str] = set()
    for item in items:
        known: list[str] = []
        if isinstance(item, dict):
            name = item.get("name")
            kind = canonical_pass(str(item.get("type", ""))) if loc == ("passes",) else None
            if kind is not None:
                key = pass_key(kind, name if isinstance(name, str) else None, taken)
                taken.add(key)
                known += [key, kind]
            if isinstance(name, str):
                known.insert(0, name)
        out.append(known)
    return out


def _dotted(loc: Loc) -> str:
    return ".".join(str(k) for k in loc) or "the recipe"


def _show(value: Any) -> str:
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else repr(value)
