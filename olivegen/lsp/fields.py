"""What the recipe models say about a path: which keys a mapping takes, and each key's description and default.

Passes are resolved by their `type` (`lora` -> the LoRA model, an Olive pass without a model
of its own -> its parameters from the vendored registry under `config:`), the same way the
recipe's own validation picks the model.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from olivegen.knowledge.catalog import canonical_pass, pass_params
from olivegen.recipe import Recipe
from olivegen.recipe.passes import TYPED_PASSES, GenericPass, PassBase
from olivegen.recipe.training import TrainingArgs

Path = tuple[str | int, ...]
PassType = Callable[[Path], str | None]  # path of a pass item -> its `type` as written


@dataclass(frozen=True)
class Key:
    """A key a mapping takes: its name, description, default (as YAML text) and type."""

    name: str
    description: str
    default: str | None
    type: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """A mapping in the recipe: the model it is (or the pass whose parameters it holds)."""

    model: type[BaseModel] | None
    params_of: str | None = None  # a pass's `config:`/`options:`: the canonical pass name
    exclude: frozenset[str] = frozenset()


def _yaml(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BaseModel):
        return "{}"
    return repr(value) if isinstance(value, str) and not value else str(value)


def _type_text(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is Literal:
        return " | ".join(_yaml(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_text(a) for a in args)
    if origin is typing.Annotated:
        return _type_text(args[0])
    if origin is list:
        return f"list of {_type_text(args[0])}" if args else "list"
    if origin is dict:
        return "mapping"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return {str: "text", int: "integer", float: "number", bool: "true | false"}.get(annotation, str(annotation))


def choices(annotation: Any) -> tuple[str, ...]:
    """Return the values a field allows when they are a closed set (Literal, bool)."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return tuple(_yaml(a) for a in typing.get_args(annotation))
    if annotation is bool:
        return ("true", "false")
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        out: list[str] = []
        for arg in typing.get_args(annotation):
            out += [c for c in choices(arg) if c not in out]
        return tuple(out)
    return ()


def _default(info: FieldInfo) -> str | None:
    if info.default is not PydanticUndefined:
        return _yaml(info.default)
    if info.default_factory is not None:
        try:
            return _yaml(info.default_factory())  # type: ignore[call-arg]
        except Exception:  # a factory that needs arguments: no default to show
            return None
    return None


def model_key(model: type[BaseModel], name: str) -> Key | None:
    """Describe one key of a model (by its name or alias), or None."""
    for field_name, info in model.model_fields.items():
        if name in (field_name, info.alias):
            return Key(
                info.alias or field_name,
                info.description or "",
                _default(info),
                _type_text(info.annotation),
                choices(info.annotation),
            )
    return None


def param_key(canonical: str, name: str) -> Key | None:
    """Describe one parameter of an Olive pass, as vendored from its config class."""
    param = pass_params(canonical).get(name)
    if not isinstance(param, dict):
        return None
    default = param.get("default")
    shown = None if param.get("required") else _yaml(default)
    return Key(name, str(param.get("description") or ""), shown, str(param.get("type") or ""))


def keys(place: Place) -> list[Key]:
    """Return every key a mapping takes."""
    if place.params_of is not None:
        found = [param_key(place.params_of, n) for n in pass_params(place.params_of) if n not in place.exclude]
        return [k for k in found if k is not None]
    if place.model is None:
        return []
    found = [model_key(place.model, info.alias or name) for name, info in place.model.model_fields.items()]
    return [k for k in found if k is not None]


def key(place: Place, name: str) -> Key | None:
    """Describe one key of a mapping."""
    if place.params_of is not None:
        return param_key(place.params_of, name)
    return model_key(place.model, name) if place.model is not None else None


def pass_model(written: str | None) -> type[PassBase]:
    """Return the model of a pass by its written `type` (GenericPass for any other Olive pass)."""
    canonical = canonical_pass(written) if written else None
    return TYPED_PASSES.get(canonical or "", GenericPass)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))


def field_info(model: type[BaseModel], name: str) -> FieldInfo | None:
    """Return a model's field by name or alias."""
    return next((f for n, f in model.model_fields.items() if name in (n, f.alias)), None)


def place_at(path: Path, pass_type: PassType) -> Place:
    """Return the mapping at a path of the recipe (Place(None) when the path leads nowhere known)."""
    model: type[BaseModel] | None = Recipe
    for i, seg in enumerate(path):
        if model is None:
            return Place(None)
        if isinstance(seg, int):
            continue  # list items: the model stays the item's model (set when the list field was entered)
        if model is GenericPass and seg == "config" or issubclass(model, PassBase) and seg == "options":
            canonical = canonical_pass(pass_type(path[:i]) or "")
            if canonical is None or i != len(path) - 1:
                return Place(None)
            typed = set(model.model_fields) | set(getattr(model, "RENAMES", {}).values())
            return Place(None, canonical, frozenset(typed) if seg == "options" else frozenset())
        info = field_info(model, seg)
        if info is None:
            return Place(None)
        if model is Recipe and seg == "passes":
            if i + 1 < len(path) and isinstance(path[i + 1], int):
                model = pass_model(pass_type(path[: i + 2]))
                continue
            return Place(None)
        if model is TrainingArgs and seg == "extra":
            return Place(None)
        found = _models_in(info.annotation)
        model = found[0] if found else None
    return Place(model)


def key_at(path: Path, pass_type: PassType) -> Key | None:
    """Describe the key at the end of a path (`("passes", 0, "r")` -> LoRA's `r`)."""
    if not path or isinstance(path[-1], int):
        return None
    return key(place_at(path[:-1], pass_type), str(path[-1]))


def is_list_field(path: Path, pass_type: PassType) -> bool:
    """Tell whether the key at the end of a path holds a list."""
    if not path or isinstance(path[-1], int):
        return False
    place = place_at(path[:-1], pass_type)
    if place.model is None:
        return False
    info = field_info(place.model, str(path[-1]))
    return info is not None and _is_list(info.annotation)
