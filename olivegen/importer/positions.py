"""Diagnostics about an imported recipe, moved back to where the Olive config wrote what they concern.

`olivegen validate CONFIG.json` checks an Olive config as the recipe it imports to; each finding
is reported at the config's own line and column: the recipe path of the finding is found from
its position in the generated recipe, then mapped to the config path it came from.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from olivegen.errors import Diagnostic, Position
from olivegen.importer.pieces import JsonPath, Notes
from olivegen.recipe.passes import TYPED_PASSES
from olivegen.source.document import Loc, SourceMap

ENGINE_NAMES = {"log_level": "log_severity_level", "search": "search_strategy"}
MODEL_NAMES = {"path": "model_path"}  # the recipe's model fields Olive spells otherwise


def back_to_config(
    diagnostics: list[Diagnostic], recipe: dict[str, Any], recipe_where: SourceMap, notes: Notes
) -> list[Diagnostic]:
    """Return the diagnostics with their positions in the config instead of the generated recipe."""
    index: dict[tuple[int, int], Loc] = {}
    for table in (recipe_where.values, recipe_where.keys):
        for loc, pos in table.items():
            known = index.get((pos.line, pos.col))
            if known is None or len(loc) > len(known):  # a block mapping starts where its first key does
                index[(pos.line, pos.col)] = loc
    out = []
    for diag in diagnostics:
        at = diag.at
        found = index.get((at.line, at.col)) if at is not None and at.path == recipe_where.path else None
        if found is None:
            out.append(replace(diag, at=notes.position(())) if at is None or at.path == recipe_where.path else diag)
            continue
        out.append(replace(diag, at=_position(config_path(found, recipe, notes), notes)))
    return out


def _position(path: JsonPath, notes: Notes) -> Position:
    return notes.position(path) if path else Position(notes.display, 1, 1)


def config_path(loc: Loc, recipe: dict[str, Any], notes: Notes) -> JsonPath:
    """Map a path in the imported recipe to the path in the Olive config it came from."""
    head, rest = (loc[0], tuple(loc[1:])) if loc else ("", ())
    if head == "passes" and rest and isinstance(rest[0], int):
        origin = notes.origins.get(("passes", rest[0]), ("passes",))
        inner = [p for p in rest[1:] if p not in ("config", "options", "olive")]
        if inner:
            item = recipe["passes"][rest[0]] if rest[0] < len(recipe.get("passes") or []) else {}
            typed = TYPED_PASSES.get(str(item.get("type"))) if isinstance(item, dict) else None
            renames = typed.RENAMES if typed is not None else {}
            inner[0] = renames.get(str(inner[0]), inner[0])
        return (*origin, *inner)
    if head == "model":
        below = _below(rest)
        return ("input_model", *([MODEL_NAMES.get(str(below[0]), below[0]), *below[1:]] if below else []))
    if head == "data" and rest:
        return ("data_configs", rest[0], *_below(rest[1:]))
    if head == "evaluate":
        origin = notes.origins.get(("evaluate",), ("evaluators",))
        return (*origin, *[p for p in rest if p != "olive"])
    if head in ("host", "target"):
        return ("engine", head)
    if head == "engine":
        inner = [p for p in rest if p != "olive"]
        return ("engine", *([ENGINE_NAMES.get(str(inner[0]), inner[0])] if inner else []))
    return tuple(loc)


def _below(rest: tuple[Any, ...]) -> tuple[Any, ...]:
    """Return the config path below a model or data set: all of it inside `olive:` (Olive's own words), else its key."""
    if rest and rest[0] == "olive":
        return tuple(rest[1:])
    return tuple(rest[:1])
