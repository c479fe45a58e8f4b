"""Merging recipe data together with the positions it was written at.

A *layer* is plain recipe data plus a `SourceMap` whose positions may point
into several files (each `Position` carries its own path). The merge rules are
the same wherever layers meet (a child over its bases, a matrix cell or a
`--set` over the recipe):

- a mapping over a mapping merges key by key;
- anything else (lists included) replaces what was there;
- the value `$delete` removes the key it is written under.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from olivegen.errors import Diagnostic, Position, RecipeError
from olivegen.source.document import Loc, SourceMap

DELETE = "$delete"


def under(loc: Loc, prefix: Loc) -> bool:
    """Tell whether `loc` is `prefix` or lies inside it."""
    return loc[: len(prefix)] == prefix


def subtree(where: SourceMap, loc: Loc) -> SourceMap:
    """Return the positions at and under `loc`, with `loc` cut off (the node itself is `()`)."""
    cut = len(loc)
    return SourceMap(
        where.path,
        {k[cut:]: p for k, p in where.keys.items() if under(k, loc)},
        {k[cut:]: p for k, p in where.values.items() if under(k, loc)},
    )


def copied(where: SourceMap) -> SourceMap:
    """Return a copy of a SourceMap that can be changed without changing the original."""
    return SourceMap(where.path, dict(where.keys), dict(where.values))


def drop(where: SourceMap, loc: Loc) -> None:
    """Forget every position at and under `loc`."""
    for table in (where.keys, where.values):
        for key in [k for k in table if under(k, loc)]:
            del table[key]


def graft(where: SourceMap, loc: Loc, part: SourceMap) -> None:
    """Replace the positions at and under `loc` with `part`'s (relative to `loc`)."""
    drop(where, loc)
    where.keys.update({(*loc, *k): p for k, p in part.keys.items()})
    where.values.update({(*loc, *k): p for k, p in part.values.items()})


def drop_item(where: SourceMap, list_loc: Loc, index: int) -> None:
    """Forget list item `index` and move the positions of the items after it up by one."""
    depth = len(list_loc)
    for table in (where.keys, where.values):
        moved: dict[Loc, Position] = {}
        for key in list(table):
            if not under(key, list_loc) or len(key) == depth or not isinstance(key[depth], int):
                continue
            at = key[depth]
            assert isinstance(at, int)
            if at >= index:
                pos = table.pop(key)
                if at > index:
                    moved[(*list_loc, at - 1, *key[depth + 1 :])] = pos
        table.update(moved)


def merge(base: Any, base_where: SourceMap, over: Any, over_where: SourceMap) -> tuple[Any, SourceMap]:
    """Lay `over` on top of `base` (the merge rules above); return the data and where each part came from.

    The result's SourceMap is named after `over`; a position written by neither
    layer falls back to `over`'s file.
    """
    replaced: list[Loc] = []
    deleted: list[Loc] = []
    data = _merge(base, over, (), replaced, deleted)
    out = SourceMap(over_where.path)
    for mine, theirs in ((out.keys, base_where.keys), (out.values, base_where.values)):
        mine.update({k: p for k, p in theirs.items() if not _inside(k, replaced) and not _inside(k, deleted)})
    for mine, theirs in ((out.keys, over_where.keys), (out.values, over_where.values)):
        mine.update({k: p for k, p in theirs.items() if not _inside(k, deleted)})
    return data, out


def _inside(loc: Loc, prefixes: Iterable[Loc]) -> bool:
    return any(under(loc, p) for p in prefixes)


def _merge(base: Any, over: Any, loc: Loc, replaced: list[Loc], deleted: list[Loc]) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            child = (*loc, key)
            if value == DELETE:
                out.pop(key, None)
                deleted.append(child)
            elif key in base:
                out[key] = _merge(base[key], value, child, replaced, deleted)
            else:
                out[key] = _strip(value, child, deleted)
        return out
    replaced.append(loc)
    return _strip(over, loc, deleted)


def _strip(value: Any, loc: Loc, deleted: list[Loc]) -> Any:
    """Drop `$delete` keys from a value that has nothing under it to delete."""
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if item == DELETE:
            deleted.append((*loc, key))
        else:
            out[key] = _strip(item, (*loc, key), deleted)
    return out


def stray_deletes(data: Any, where: SourceMap, loc: Loc = ()) -> list[Diagnostic]:
    """Report `$delete` left where it cannot remove a key (a list item, or the whole recipe)."""
    if data == DELETE:
        return [
            Diagnostic(
                f"{DELETE!r} removes a key of a mapping; it cannot stand here",
                where.lookup(loc, prefer_value=True),
                "to change a list, write the whole list (lists replace)",
                rule="extends",
            )
        ]
    items: Iterable[tuple[str | int, Any]] = (
        data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    )
    return [d for key, item in items for d in stray_deletes(item, where, (*loc, key))]


def raise_if(diagnostics: list[Diagnostic]) -> None:
    """Raise a RecipeError carrying every diagnostic, if there is any."""
    if diagnostics:
        raise RecipeError(diagnostics)
