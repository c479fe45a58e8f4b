"""`validate --olive` on a recipe: place each finding of the installed Olive at the recipe key it comes from.

Olive names a path in the rendered config (`data_configs: ... doesn't exist`, `passes.lora: ...`,
`input_model.model_script: ...`); the recipe writes the same thing at another path (a data set
by name, a pass by position, an `olive:` block, a renamed parameter). This module walks that
correspondence back, without importing Olive.

Who is to blame decides the hint: a value the recipe wrote (found as a key of the recipe) is the
user's to change; anything else came from olivegen's defaults or its rendering, which is an
olivegen bug to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from olivegen.recipe import Recipe
from olivegen.source.document import Loc, SourceMap

USER_HINT = "Olive rejects the recipe's {value} here: change it"
BUG_HINT = "olivegen rendered something Olive rejects; please report it (with the recipe) as an olivegen bug"


def olive_location(problem: str, config: dict[str, Any], recipe: Recipe, where: SourceMap) -> tuple[Loc, bool]:
    """Return the recipe location of an Olive finding, and whether the recipe wrote the value there."""
    head, _, message = problem.partition(": ")
    parts = head.split(".") if head and " " not in head else []
    loc: Loc = ()
    if parts and parts[0] == "data_configs":
        loc = _data_loc(parts[1:], message, config, recipe)
    elif parts and parts[0] == "passes":
        loc = _pass_loc(parts[1:], message, config, recipe, where)
    elif parts and parts[0] == "input_model":
        loc = _model_loc(parts[1:], message, config, recipe)
    elif parts and parts[0] in ("engine", "systems"):
        field = "target" if recipe.target is not None and ("target" in parts or "target" in message) else "host"
        loc = (field,) if field in {k[0] for k in where.keys if k} else ()
    elif parts and parts[0] == "evaluators":
        loc = ("evaluate",) if recipe.evaluate is not None else ()
    return loc, _users(loc, recipe, where)


def olive_hint(loc: Loc, user: bool, recipe: Recipe) -> str:
    """Say whose mistake an Olive finding is: the recipe's value, or olivegen's rendering."""
    if not user:
        return BUG_HINT
    value = _value_at(recipe.model_dump(mode="json", by_alias=True), loc)
    shown = f"value {value!r}" if isinstance(value, str | int | float | bool) else f"`{'.'.join(map(str, loc))}`"
    return USER_HINT.format(value=shown)


def _users(loc: Loc, recipe: Recipe, where: SourceMap) -> bool:
    """Tell whether `loc` is a key the recipe wrote with a value of its own (not a whole part, not a default)."""
    if not loc or loc not in where.keys or not isinstance(loc[-1], str):
        return False
    value = _value_at(recipe.model_dump(mode="json", by_alias=True), loc)
    return not isinstance(value, dict) or len(loc) > 2


def _value_at(node: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def _strings(node: Any, path: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Yield (path, text) of every string in a JSON value."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))
    elif isinstance(node, str):
        yield path, node


def _named(message: str, node: Any) -> Loc | None:
    """Return the path of the longest string of `node` that the message quotes (a path, a name), if any."""
    found = [(len(text), path) for path, text in _strings(node) if len(text) > 2 and text in message]
    return max(found)[1] if found else None


def _data_loc(parts: list[str], message: str, config: dict[str, Any], recipe: Recipe) -> Loc:
    configs = config.get("data_configs") or []
    index: int | None = int(parts[0]) if parts and parts[0].isdigit() and int(parts[0]) < len(configs) else None
    inner: Loc | None = tuple(parts[1:]) if index is not None else None
    if index is None:  # a list-level validator: the message names the value (a user_script path, a name)
        for i, item in enumerate(configs):
            inner = _named(message, item)
            if inner is not None:
                index = i
                break
    if index is None:
        return ()
    name = str(configs[index].get("name", ""))
    names = [d.name for d in recipe.data]
    if name in names:
        i = names.index(name)
    elif name.endswith("_eval") and name.removesuffix("_eval") in names:
        i = names.index(name.removesuffix("_eval"))
    else:
        return ()
    spec = recipe.data[i]
    if inner and inner[0] == "name":
        return ("data", i, "name")
    if spec.olive is not None and inner:
        return ("data", i, "olive", *(int(p) if isinstance(p, str) and p.isdigit() else p for p in inner))
    return ("data", i)


def _pass_loc(parts: list[str], message: str, config: dict[str, Any], recipe: Recipe, where: SourceMap) -> Loc:
    keys = list((config.get("passes") or {}).keys())
    if not parts or parts[0] not in keys:
        return ()
    i = keys.index(parts[0])
    if i >= len(recipe.passes):
        return ()
    spec = recipe.passes[i]
    params = [parts[1]] if len(parts) > 1 else _params_named(message, config["passes"][parts[0]])
    back = {olive: mine for mine, olive in getattr(spec, "RENAMES", {}).items()}
    for param in params:
        for loc in (
            ("passes", i, "olive", param),
            ("passes", i, "options", param),
            ("passes", i, back.get(param, param)),
            ("passes", i, "config", param),
        ):
            if loc in where.keys:
                return loc
    return ("passes", i)


def _params_named(message: str, rendered: Any) -> list[str]:
    """Return the pass parameters a pass-level message names as a word (pydantic: the field, then the message)."""
    if not isinstance(rendered, dict):
        return []
    words = set(message.replace("\n", " ").replace(",", " ").replace(".", " ").split())
    return [key for key in rendered if key in words and key != "type"]


def _model_loc(parts: list[str], message: str, config: dict[str, Any], recipe: Recipe) -> Loc:
    model = config.get("input_model") or {}
    inner: Loc | None = tuple(parts) if parts else _named(message, model.get("config", model))
    if recipe.model.olive is not None:
        if inner and inner[0] == "config":
            inner = inner[1:]
        return ("model", "olive", *inner) if inner else ("model",)
    if inner and inner[-1] == "model_path":
        return ("model", "path")
    if inner and inner[-1] == "adapter_path":
        return ("model", "adapter_path")
    return ("model",)
