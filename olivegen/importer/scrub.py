"""Keep secrets out of an imported recipe: a recipe is committed, a token in it is leaked."""

from __future__ import annotations

from typing import Any

from olivegen.importer.pieces import Notes
from olivegen.source.document import Loc
from olivegen.source.secrets import credential, is_secret_key


def scrub_secrets(recipe: dict[str, Any], notes: Notes) -> None:
    """Remove literal credentials from recipe data in place, saying where and what to do instead.

    A Hugging Face `token` in `load_kwargs` becomes `token: true` (huggingface_hub then reads
    HF_TOKEN from the environment of `olive run`); any other secret-shaped value is removed, and
    so is a key shaped like a credential, with its value.
    """
    _drop_secret_keys(recipe, (), notes)
    for loc, value in reversed(list(_leaves(recipe, ()))):  # from the last: list indexes stay valid
        if value is None or isinstance(value, bool):
            continue
        secret_key = is_secret_key(loc)
        shaped = isinstance(value, str) and credential(value) is not None
        if not (secret_key or shaped):
            continue
        try:
            parent = _at(recipe, loc[:-1])
        except (KeyError, IndexError, TypeError):  # removed with an emptied parent already
            notes.secret_removed(loc)
            continue
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


def _drop_secret_keys(value: Any, loc: Loc, notes: Notes) -> None:
    if isinstance(value, dict):
        for key in list(value):
            if credential(str(key)) is not None:
                del value[key]
                if loc:
                        notes.decided(loc, "a key that looked like a credential was removed: give it to the run")
                notes.secret_removed((*loc, "<key>"))
            else:
                _drop_secret_keys(value[key], (*loc, key), notes)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _drop_secret_keys(item, (*loc, i), notes)


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
