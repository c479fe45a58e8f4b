"""Pydantic validation errors -> Diagnostics at the recipe's own file:line:col."""

from __future__ import annotations

import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from olivegen.errors import Diagnostic
from olivegen.knowledge.catalog import canonical_pass, suggest
from olivegen.knowledge.history import renamed_param, why_unknown_param
from olivegen.recipe.legacy import OLIVE_CONFIG_KEYS, OUTDATED_KEYS
from olivegen.recipe.param_hints import renamed_hint
from olivegen.recipe.passes import TYPED_PASSES, GenericPass
from olivegen.recipe.raw import Findings
from olivegen.source.document import Loc, SourceMap
from olivegen.source.placeholders import is_placeholder

_TAGS: dict[str, type[BaseModel]] = {**TYPED_PASSES, "generic": GenericPass}


def from_validation_error(exc: ValidationError, root: type[BaseModel], data: Any, where: SourceMap) -> list[Diagnostic]:
    """Turn every error of a failed `model_validate` into a positioned Diagnostic."""
    out = []
    errors = [(err, *_data_loc(tuple(err["loc"]), root, data)) for err in _each_finding(exc)]
    extras = {(loc[:-1], str(loc[-1])) for err, loc, _ in errors if err["type"] == "extra_forbidden" and loc}
    # a pass whose type is unknown: its other keys cannot be judged, so the type is its one error
    bad_types = {loc[:-1] for err, loc, _ in errors if loc and loc[-1] == "type" and _unknown_pass(err)}
    dedented: set[tuple[Loc, str]] = set()
    for err, loc, owner in errors:
        slip = _dedented_children(err, loc, owner, extras, where)
        if slip is not None:
            out.append(slip[0])
            dedented |= slip[1]
    for err, loc, owner in errors:
        if err["type"] == "missing" and loc and _misspelled(str(loc[-1]), loc[:-1], extras):
            continue
        if any(loc[: len(bad)] == bad and loc != (*bad, "type") for bad in bad_types):
            continue
        if loc and (loc[:-1], str(loc[-1])) in dedented:
            continue
        if _is_empty_parent(err, loc, dedented):
            continue
        if err["type"].endswith("_type") and isinstance(err.get("input"), (dict, list)) and _member(err):
            continue  # `str` of a str-or-mapping union, given a mapping: the mapping member's errors say it
        out.append(_diagnostic(err, loc, owner, where, _pass_label(owner, loc, data)))
    return sorted(_one_per_place(out), key=lambda d: (d.at.line, d.at.col) if d.at else (0, 0))


def _each_finding(exc: ValidationError) -> list[Any]:
    """Return pydantic's errors, one that carries several findings (every wrong parameter of a pass) split up."""
    out: list[Any] = []
    for err in exc.errors(include_url=False):
        raw = err.get("ctx", {}).get("error") if err["type"] == "value_error" else None
        found = raw.found if isinstance(raw, Findings) else ()
        out += [{**err, "msg": f"Value error, {one}", "ctx": {**err["ctx"], "error": one}} for one in found] or [err]
    return out


def _member(err: Any) -> bool:
    """Tell whether pydantic reported this error for one member of a union (its loc ends in a tag)."""
    last = err["loc"][-1] if err["loc"] else ""
    return isinstance(last, str) and _is_tag(last)


def _one_per_place(found: list[Diagnostic]) -> list[Diagnostic]:
    """Merge the union members' type errors at one place into one: `should be a valid string or a mapping`."""
    out: list[Diagnostic] = []
    for diag in found:
        same = next((d for d in out if d.at == diag.at and d.rule == diag.rule == "invalid-value"), None)
        if same is not None and " should be " in same.message and " should be " in diag.message:
            head, _, rest = same.message.partition(" should be ")
            wanted, _, got = rest.rpartition(", got ")
            other = diag.message.partition(" should be ")[2].rpartition(", got ")[0]
            if got and other and other != wanted:
                out[out.index(same)] = Diagnostic(
                    f"{head} should be {wanted} or {other}, got {got}",
                    same.at,
                    same.hint or diag.hint,
                    same.rule,
                    same.severity,
                )
                continue
        out.append(diag)
    return out


def _unknown_pass(err: Any) -> bool:
    return err["type"] == "value_error" and "unknown pass type" in str(err["msg"])


def _is_empty_parent(err: Any, loc: Loc, dedented: set[tuple[Loc, str]]) -> bool:
    """Tell whether this is the error of a key left empty by dedented children (already explained)."""
    return err["type"] in _MAPPING_KINDS and bool(loc) and any(p == loc[:-1] for p, _ in dedented)


_MAPPING_KINDS = ("model_type", "dict_type", "model_attributes_type")


def _dedented_children(
    err: Any, loc: Loc, owner: type[BaseModel] | None, extras: set[tuple[Loc, str]], where: SourceMap
) -> tuple[Diagnostic, set[tuple[Loc, str]]] | None:
    """`training:` left empty and its keys unknown beside it: they lost their indentation."""
    if err["type"] not in _MAPPING_KINDS or err.get("input") is not None or not loc:
        return None
    parent, key = loc[:-1], str(loc[-1])
    child = _child_model(owner, key)
    allowed = set(_allowed_keys(child))
    lost = sorted(
        (extra for p, extra in extras if p == parent and extra in allowed),
        key=lambda k: (where.lookup((*parent, k)).line, where.lookup((*parent, k)).col),
    )
    if not lost:
        return None
    first = lost[0]
    listed = ", ".join(f"`{k}:`" for k in lost)
    at = where.lookup((*parent, first))
    key_at = where.lookup(loc)
    hint = f"indent {listed} by two more spaces than `{key}:` (to column {key_at.col + 2})"
    message = f"`{first}` is not indented under `{key}:`"
    return Diagnostic(message, at, hint, rule="indentation"), {(parent, k) for k in lost}


def _pass_label(owner: type[BaseModel] | None, loc: Loc, data: Any) -> str | None:
    """Name a generic pass by its type, as written (`in the OnnxStaticQuantization pass`)."""
    if owner is not GenericPass or len(loc) < 2 or loc[0] != "passes":
        return None
    passes = data.get("passes") if isinstance(data, dict) else None
    item = passes[loc[1]] if isinstance(passes, list) and isinstance(loc[1], int) and loc[1] < len(passes) else None
    kind = item.get("type") if isinstance(item, dict) else None
    return f" in the {canonical_pass(kind) or kind} pass" if isinstance(kind, str) else " in this pass"


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
        # a union member's tag: a key the data does not have (not the last: a missing key), or any key
        # below a value that is no mapping (`5` where a str or a sub type mapping may stand)
        last_tag = isinstance(seg, str) and _is_tag(seg)
        tag = isinstance(node, dict) and seg not in node and (seg is not loc[-1] or last_tag)
        if isinstance(seg, str) and (tag or (out and not isinstance(node, (dict, list)))):
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


_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none", "constrained-str"})


def _is_tag(seg: str) -> bool:
    """Tell a union member's tag (`SubType`, `function-after[...]`, `str`) from a key (keys are snake_case)."""
    return seg[:1].isupper() or "[" in seg or seg in _TYPE_TAGS


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
        "SubType": "a metric's sub type",
        "Goal": "a sub type's goal",
        "AzureMLWorkspace": "`azureml`",
    }.get(model.__name__, "this section")
    return f" in {name}"


def _diagnostic(
    err: Any, loc: Loc, owner: type[BaseModel] | None, where: SourceMap, label: str | None = None
) -> Diagnostic:
    kind = err["type"]
    key = loc[-1] if loc else ""
    label = label if label is not None else _label(owner)
    if kind == "extra_forbidden":
        if str(key) in OUTDATED_KEYS:
            return Diagnostic(
                f"outdated key {key!r}{label}", where.lookup(loc), OUTDATED_KEYS[str(key)], rule="legacy-key"
            )
        hint = OLIVE_CONFIG_KEYS.get(str(key)) or suggest(str(key), _allowed_keys(owner))
        canonical = str(getattr(owner, "CANONICAL", "") or "")
        why = why_unknown_param(canonical, str(key)) if canonical else None
        renamed = renamed_param(canonical, str(key)) if canonical else None
        if renamed:  # a typed pass: Olive's old name of one of its parameters
            allowed = renamed[0] in _allowed_keys(owner)
            hint = renamed_hint(renamed[0]) if allowed else hint
        if why and not why.startswith("in no"):  # renamed, removed or newer: say so; a typo keeps its hint
            label = f"{label}: {why}"
        if hint is None and owner is GenericPass:
            hint = "this pass's parameters go under `config:`, by Olive's names (see `olivegen passes`)"
        elif hint is None and owner is not None:
            hint = "allowed keys: " + ", ".join(_allowed_keys(owner))
        return Diagnostic(f"unknown key {key!r}{label}", where.lookup(loc), hint, rule="unknown-key")
    if kind == "missing":
        return Diagnostic(
            f"missing required key {key!r}{label}",
            where.lookup(loc[:-1]),
            f"add `{key}:`",
            rule="missing-key",
        )
    message = str(err["msg"])
    hint = None
    raw = err.get("ctx", {}).get("error") if kind == "value_error" else None  # a finding at a key below
    if kind == "value_error":
        loc = (*loc, *getattr(raw, "at", ()))
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
    elif kind in _MAPPING_KINDS and err.get("input") is None:
        message = f"`{key}:` has nothing under it"
        hint = f"indent the keys of `{key}:` under it, or remove `{key}:`"
        return Diagnostic(message, where.lookup(loc), hint, rule="invalid-value")
    elif kind in _MAPPING_KINDS:
        message = f"{_named(loc)} should be a mapping of keys to values, got {_show(err.get('input'))}"
        hint = _description(owner, str(key))
    else:
        message = f"{_named(loc)} {re.sub(r'^(Input|List|String|Dictionary|Value) should', 'should', message)}"
        if kind != "too_long":
            message += f", got {_show(err.get('input'))}"
        hint = _description(owner, str(key))
    if is_placeholder(err.get("input")):
        hint = "it is a template's blank, not filled in: fill it in (the script that ships with the template does)"
    where_at = where.lookup(loc, prefer_value=not getattr(raw, "on_key", False))
    rule = "pass-type" if kind == "pass_type" or (key == "type" and "pass" in message) else "invalid-value"
    return Diagnostic(message, where_at, hint, rule=rule)


def _named(loc: Loc) -> str:
    """Name what a loc points at: `'key'`, or `item 2 of 'sub_types'` for a list item."""
    key = loc[-1] if loc else ""
    if isinstance(key, int) and len(loc) > 1:
        return f"item {key + 1} of {str(loc[-2])!r}"
    return repr(str(key))


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
