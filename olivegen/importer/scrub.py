"""Keep secrets out of an imported recipe: a recipe is committed, a token in it is leaked."""

from __future__ import annotations

from typing import Any

from olivegen.checks.secrets import SECRETS
from olivegen.compose.secrets import is_secret_key
from olivegen.importer.pieces import Notes
from olivegen.source.document import Loc


def scrub_secrets(recipe: dict[str, Any], notes: Notes) -> None:
    """Remove literal credentials from recipe data in place, saying where and what to do instead.

    A Hugging Face `token` in `load_kwargs` becomes `token: true` (huggingface_hub then reads
    HF_TOKEN from the environment of `olive run`); any other secret-shaped value is removed.
    """
    for loc, value in list(_leaves(recipe, ())):
        if value is None or isinstance(value, bool):
            continue
        secret_key = is_secret_key(loc)
        shaped = isinstance(value, str) and any(pattern.search(value) for _, pattern, _ in SECRETS)
        if not (secret_key or shaped):
            continue
        parent = _at(recipe, loc[:-1])
        key = loc[-1]
        if loc[-1] == "token" and "load_kwargs" in loc:
            parent[key] = True
            notes.decided(loc, "a literal token was here: set HF_TOKEN where `olive run` runs")
        else:
            del parent[key]
            where = loc[:-1]
            if not parent and len(loc) >= 2:  # nothing left in that mapping: drop it too
                del _at(recipe, loc[:-2])[loc[-2]]
                where = loc[:-2]
            target = _at(recipe, where)
            if where and isinstance(where[-1], int) and isinstance(target, dict) and target:
                where = (*where, next(iter(target)))  # comments sit on keys: the item's first one
            notes.decided(where, f"a secret under {key!r} was removed: give it to the run, not the recipe")
        notes.secret_removed(loc)


def _leaves(value: Any, loc: Loc) -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*loc, i))
    else:
        yield loc, value


def _at(value: Any, loc: Loc) -> Any:
    for part in loc:
        value = value[part]
    return value
