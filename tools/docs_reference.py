"""docs/recipe-reference.md, generated from the recipe models.

Regenerate with: python -m tools.docs_reference > docs/recipe-reference.md
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from olivegen.recipe import Recipe
from olivegen.recipe.data import DataSpec, Datastore, HubDataset
from olivegen.recipe.engine import Engine, Evaluation, Metric, Search
from olivegen.recipe.model import InputModel, RegistryModel
from olivegen.recipe.passes import TYPED_PASSES, GenericPass
from olivegen.recipe.systems import SystemSpec
from olivegen.recipe.training import TrainingArgs

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Recipe (top level)", Recipe),
    ("model", InputModel),
    ("model.registry", RegistryModel),
    ("data[]", DataSpec),
    ("data[].hub", HubDataset),
    ("data[].datastore", Datastore),
    ("host / target", SystemSpec),
    *[(f"passes[]: {name}", cls) for name, cls in TYPED_PASSES.items()],
    ("passes[]: any other Olive pass", GenericPass),
    ("passes[].training (LoRA, QLoRA)", TrainingArgs),
    ("engine", Engine),
    ("engine.search", Search),
    ("evaluate", Evaluation),
    ("evaluate.metrics[]", Metric),
]


def _type(tp: Any) -> str:
    if tp is type(None):
        return "null"
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return " \\| ".join(repr(a).replace("'", "`") for a in typing.get_args(tp))
    if origin is typing.Annotated:
        return _type(typing.get_args(tp)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return " \\| ".join(_type(a) for a in typing.get_args(tp))
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type(a) for a in typing.get_args(tp))}]"
    return getattr(tp, "__name__", str(tp))


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()
        return f"`{value!r}`" if not isinstance(value, BaseModel) else "(defaults)"
    if field.default is PydanticUndefined or field.default is None:
        return "–"
    return f"`{field.default!r}`"


def reference_markdown() -> str:
    """Return the whole reference page."""
    lines = [
        "# Recipe reference",
        "",
        "Generated from the models in `olivegen/recipe/` by"
        " `python -m tools.docs_reference > docs/recipe-reference.md`; a test keeps it in sync.",
        "Unknown keys are errors everywhere. Relative paths are relative to the recipe file.",
        "",
    ]
    for title, model in SECTIONS:
        lines += [f"## {title}", "", (model.__doc__ or "").strip().splitlines()[0], ""]
        lines += ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
        for name, field in model.model_fields.items():
            key = field.alias or name
            desc = (field.description or "").replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{key}` | {_type(field.annotation)} | {_default(field)} | {desc} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference_markdown(), end="")
