"""The recipe's JSON schema (for editors and PR checks), generated from the models."""

from __future__ import annotations

import json
from typing import Any

from olivegen.recipe import Recipe

SCHEMA_ID = "https://raw.githubusercontent.com/olivegen/olivegen/main/schemas/recipe.schema.json"
SHORTHAND = {"type": "string", "description": "A provider name: cpu, cuda, tensorrt, dml, openvino, qnn, rocm ..."}


def recipe_schema() -> dict[str, Any]:
    """Return the recipe schema as draft-07 (what the YAML language server reads best)."""
    schema = Recipe.model_json_schema(by_alias=True, mode="validation")
    text = json.dumps(schema).replace('"#/$defs/', '"#/definitions/')
    out: dict[str, Any] = json.loads(text)
    out["definitions"] = out.pop("$defs")
    props = out["properties"]
    for key in ("host", "target"):
        prop = props[key]
        ref = {"$ref": "#/definitions/SystemSpec"}
        extra = {k: v for k, v in prop.items() if k in ("description", "default", "title")}
        prop.clear()
        prop.update(extra, anyOf=[ref, SHORTHAND] + ([{"type": "null"}] if key == "target" else []))
    passes = props["passes"]["items"]
    if "oneOf" in passes:  # the generic pass overlaps the typed ones; editors want "any that fits"
        passes["anyOf"] = passes.pop("oneOf")
        passes.pop("discriminator", None)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        **out,
    }


def recipe_schema_text() -> str:
    """Return the schema serialized as committed in schemas/recipe.schema.json."""
    return json.dumps(recipe_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
