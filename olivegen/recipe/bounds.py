"""Every bound of the recipe models: the ranges, word lists, patterns and validators that refuse a value.

Each one refuses as `invalid-value`, so each needs its evidence (olivegen/knowledge/value_evidence.py);
tests/unit/test_value_evidence.py walks this list, and docs/rules.md's "Evidence by field" table is
generated from it (`python -m tools.docs_evidence`). A type alone (an int, a mapping, a yes/no word)
is not a bound: only what narrows a type is.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import annotated_types as at
from pydantic import AfterValidator, BaseModel
from pydantic.types import StringConstraints

from olivegen.recipe.base import Strict
from olivegen.recipe.passes import TYPED_PASSES, GenericPass
from olivegen.recipe.root import Recipe

# Validators that only normalise a value (case, a number read as a release, `false` for "off") and never
# refuse one: no evidence to give.
NORMALISERS = frozenset({"_canonical", "_version_text", "_device_case", "_false_is_off"})
# Where a model's fields are written in a recipe (the class that defines them).
SECTIONS = {
    "Recipe": "top level",
    "AzureMLWorkspace": "azureml",
    "InputModel": "model",
    "RegistryModel": "model.registry",
    "DataSpec": "data[]",
    "HubDataset": "data[].hub",
    "Datastore": "data[].datastore",
    "SystemSpec": "host / target",
    "PassBase": "passes[] (every typed pass)",
    "_LoRAFields": "passes[] LoRA, QLoRA",
    "TrainingArgs": "passes[].training",
    "GenericPass": "passes[] (any other pass)",
    "Engine": "engine",
    "Search": "engine.search",
    "Evaluation": "evaluate",
    "Metric": "evaluate.metrics[]",
    "SubType": "evaluate.metrics[].sub_types[]",
    "Goal": "evaluate.metrics[].sub_types[].goal",
}


@dataclass(frozen=True)
class Bound:
    """One bound: where it is (`key`: Model.field or Model.validator) and what it refuses."""

    key: str
    section: str
    name: str
    refuses: str


def bounds() -> list[Bound]:
    """Return every bound of every recipe model, once each (a field inherited by several passes once)."""
    found: dict[str, Bound] = {}
    for model in _models():
        for name, field in model.model_fields.items():
            owner = _owner(model, name)
            parts = [*_annotation_bounds(field.annotation), *(_metadata_bound(m) for m in field.metadata)]
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            if "pattern" in extra:
                parts.append(f"pattern `{extra['pattern']}`")
            refused = extra.get("not")
            if isinstance(refused, dict):
                parts.append(f"not {refused.get('const')!r}")
            parts += [f"check `{v}`" for v in _field_validators(model, name)]
            parts = [p for p in dict.fromkeys(parts) if p]
            if parts:
                key = f"{owner}.{name}"
                found.setdefault(key, Bound(key, _section(owner), name, "; ".join(parts)))
        for validator in model.__pydantic_decorators__.model_validators:
            owner = _owner_of_validator(model, validator)
            key = f"{owner}.{validator}"
            found.setdefault(key, Bound(key, _section(owner), validator, "a check across fields"))
    return sorted(found.values(), key=lambda b: b.key)


def _section(owner: str) -> str:
    return SECTIONS.get(owner, f"passes[] {owner}")


def _models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []

    def visit(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, Strict):
            if tp in seen:
                return
            seen.append(tp)
            for field in tp.model_fields.values():
                visit(field.annotation)
            return
        for arg in typing.get_args(tp):
            visit(arg)

    for root in (Recipe, *TYPED_PASSES.values(), GenericPass):
        visit(root)
    return seen


def _owner(model: type[BaseModel], name: str) -> str:
    """Return the class that declares a field (LoRA and QLoRA share `_LoRAFields`'s)."""
    for cls in reversed(model.__mro__):
        if name in getattr(cls, "__annotations__", {}) and issubclass(cls, BaseModel) and cls is not BaseModel:
            return cls.__name__
    return model.__name__


def _owner_of_validator(model: type[BaseModel], validator: str) -> str:
    for cls in reversed(model.__mro__):
        if validator in vars(cls):
            return cls.__name__
    return model.__name__


def _field_validators(model: type[BaseModel], name: str) -> Iterator[str]:
    for validator, decorator in model.__pydantic_decorators__.field_validators.items():
        if validator in NORMALISERS:
            continue
        fields = decorator.info.fields
        if name in fields or (fields == ("*",)):
            yield validator


def _annotation_bounds(tp: Any) -> Iterator[str]:
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        yield "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
        return
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        yield from _annotation_bounds(base)
        for m in meta:
            yield _metadata_bound(m)
        return
    for arg in typing.get_args(tp):
        yield from _annotation_bounds(arg)


def _metadata_bound(meta: Any) -> str:
    if isinstance(meta, StringConstraints):
        parts = []
        if meta.min_length:
            parts.append("not empty")
        if meta.max_length:
            parts.append(f"at most {meta.max_length} characters")
        if meta.pattern:
            parts.append(f"pattern `{meta.pattern}`")
        return ", ".join(parts)
    for kind, word in ((at.Ge, "ge"), (at.Gt, "gt"), (at.Le, "le"), (at.Lt, "lt")):
        if isinstance(meta, kind):
            sign = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}[word]
            return f"{sign} {getattr(meta, word)}"
    if isinstance(meta, at.MinLen):
        return f"at least {meta.min_length} item(s)"
    if isinstance(meta, at.MaxLen):
        return f"at most {meta.max_length} item(s)"
    if isinstance(meta, AfterValidator) and meta.func.__name__ not in NORMALISERS:
        return "no NUL character" if meta.func.__name__ == "_no_nul" else f"check `{meta.func.__name__}`"
    return ""
