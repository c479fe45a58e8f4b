"""Pydantic validation errors -> Diagnostics at the recipe's own file:line:col."""

from __future__ import annotations

import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from olivegen.errors import Diagnostic
from olivegen.knowledge.catalog import suggest
from olivegen.recipe.legacy import OLIVE_CONFIG_KEYS, OUTDATED_KEYS
from olivegen.recipe.passes import TYPED_PASSES, GenericPass
from olivegen.source.document import Loc, SourceMap

_TAGS: dict[str, type[BaseModel]] = {**TYPED_PASSES, "generic": GenericPass}


def from_validation_error(exc: ValidationError, root: type[BaseModel], data: Any, where: SourceMap) -> list[Diagnostic]:
    """Turn every error of a failed `model_validate` into a positioned Diagnostic."""
    out = []
    errors = [(err, *_data_loc(tuple(err["loc"]), root, data)) for err in exc.errors(include_url=False)]
    extras = {(loc[:-1], str(loc[-1])) for err, loc, _ in errors if err["type"] == "extra_forbidden" and loc}
    for err, loc, owner in errors:
        if err["type"] == "missing" and loc and _misspelled(str(loc[-1]), loc[:-1], extras):
            continue
        out.append(_diagnostic(err, loc, owner, where))
    return sorted(out, key=lambda d: (d.at.line, d.at.col) if d.at else (0, 0))


def _misspelled(key: str, parent: Loc, extras: set[tuple[Loc, str]]) -> bool:
    """Tell whether a missing key is explained by an unknown key beside it that is its near-miss."""
    return any(p == parent and suggest(extra, [key]) for p, extra in extras)


def _data_loc(loc: Loc, root: type[BaseModel], data: Any) -> tuple[Loc, type[BaseModel] | None]:
    """Drop union-tag segments from a pydantic loc; also return the model class owning its last key."""
    out: list[str | int] = []
    node: Any = data
    model: Any = root
    owner: Any = root
    for seg in loc:
        if isinstance(seg, str) and isinstance(node, dict) and seg not in node and seg is not loc[-1]:
            model = _TAGS.get(seg, model)
            continue
        owner = model
        out.append(seg)
        if isinstance(node, dict):
            node = node.get(seg)
        elif isinstance(node, list) and isinstance(seg, int) and seg < len(node):
            node = node[seg]
        else:
            node = None
        model = _child_model(model, seg)
    return tuple(out), owner


def _child_model(model: Any, key: str | int) -> Any:
    """Return the model class reached from `model` through field `key` (lists keep their item model)."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    if isinstance(key, int):
        return model
    field = model.model_fields.get(key)
    if field is None:
        field = next((f for f in model.model_fields.values() if f.alias == key), None)
    return _first_model(field.annotation) if field is not None else None


def _first_model(tp: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _label(model: type[BaseModel] | None) -> str:
    if model is None:
        return ""
    canonical = getattr(model, "CANONICAL", "")
    if canonical:
        return f" in the {canonical} pass"
    name = {
        "Recipe": "the recipe",
        "InputModel": "`model`",
        "RegistryModel": "`model.registry`",
        "DataSpec": "a data set",
        "HubDataset": "`hub`",
        "Datastore": "`datastore`",
        "SystemSpec": "a system",
        "TrainingArgs": "the training arguments",
        "Engine": "`engine`",
        "Search": "`engine.search`",
        "Evaluation": "`evaluate`",
        "Metric": "a metric",
    }.get(model.__name__, f"`{model.__name__}`")
    return f" in {name}"


def _diagnostic(err: Any, loc: Loc, owner: type[BaseModel] | None, where: SourceMap) -> Diagnostic:
    kind = err["type"]
    key = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        if str(key) in OUTDATED_KEYS:
            return Diagnostic(
                f"outdated key {key!r}{_label(owner)}", where.lookup(loc), OUTDATED_KEYS[str(key)], rule="legacy-key"
            )
        hint = OLIVE_CONFIG_KEYS.get(str(key)) or suggest(str(key), _allowed_keys(owner))
        if hint is None and owner is not None:
            hint = "allowed keys: " + ", ".join(_allowed_keys(owner))
        return Diagnostic(f"unknown key {key!r}{_label(owner)}", where.lookup(loc), hint, rule="unknown-key")
    if kind == "missing":
        return Diagnostic(
            f"missing required key {key!r}{_label(owner)}",
            where.lookup(loc[:-1]),
            f"add `{key}:`",
            rule="missing-key",
        )
    message = str(err["msg"])
    hint = None
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        message, _, hint_text = message.partition("; ")
        hint = hint_text or None
    elif kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        message = f"{_show(err.get('input'))} is not allowed here; expected {expected}"
    elif kind == "pass_type":
        hint = "see `olivegen passes` for Olive's pass names"
    elif kind in _BOUND_KINDS and _range(owner, str(key)) is not None:
        message = f"{str(key)!r} must be {_range(owner, str(key))}, got {_show(err.get('input'))}"
        hint = _description(owner, str(key))
    elif kind == "too_short":
        least = err.get("ctx", {}).get("min_length", 1)
        message = f"{str(key)!r} needs at least {least} item{'s' * (least != 1)}"
        described = _description(owner, str(key))
        hint = f"add {'one' if least == 1 else least} ({described[:1].lower() + described[1:]})" if described else None
    else:
        message = f"{str(key)!r} {re.sub(r'^(Input|List|String|Dictionary|Value) should', 'should', message)}"
        if kind != "too_long":
            message += f", got {_show(err.get('input'))}"
        hint = _description(owner, str(key))
    where_at = where.lookup(loc, prefer_value=True)
    rule = "pass-type" if kind == "pass_type" or (key == "type" and "pass" in message) else "invalid-value"
    return Diagnostic(message, where_at, hint, rule=rule)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_BOUND_KINDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def _field(owner: type[BaseModel] | None, key: str) -> Any:
    if owner is None:
        return None
    return owner.model_fields.get(key) or next((f for f in owner.model_fields.values() if f.alias == key), None)


def _range(owner: type[BaseModel] | None, key: str) -> str | None:
    """Describe a field's whole range when it has both bounds, e.g. 'between 0 and 1, both excluded'."""
    field = _field(owner, key)
    if field is None:
        return None
    low = high = None
    low_open = high_open = False
    for item in field.metadata:
        for attr, is_low, is_open in (
            ("gt", True, True),
            ("ge", True, False),
            ("lt", False, True),
            ("le", False, False),
        ):
            value = getattr(item, attr, None)
            if value is None:
                continue
            if is_low:
                low, low_open = value, is_open
            else:
                high, high_open = value, is_open
    if low is None or high is None:
        return None
    ends = {(True, True): ", both excluded", (False, False): ", both included"}.get(
        (low_open, high_open),
        f" ({low} {'excluded' if low_open else 'included'}, {high} {'excluded' if high_open else 'included'})",
    )
    return f"between {low} and {high}{ends}"


def _description(owner: type[BaseModel] | None, key: str) -> str | None:
    field = _field(owner, key)
    text = getattr(field, "description", None)
    return text.rstrip(".") if isinstance(text, str) and text else None
