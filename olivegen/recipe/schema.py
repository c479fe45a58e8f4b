"""The recipe's JSON schema (for editors and PR checks), generated from the models.

Written for the YAML language server (draft-07, which it reads best):

- `passes` items pick their schema by `type` with `if`/`then` branches (one per
  typed pass, matched case-insensitively, then one for every other Olive pass),
  so an editor completes and checks exactly the fields of the pass being
  written; `type:` itself completes from `examples`.
- `host`/`target` take a system mapping or a provider name (completed from
  `examples`).
- a recipe may name the schema with the `# yaml-language-server: $schema=...`
  modeline or a `$schema:` key; the key is allowed here and never rendered.
"""

from __future__ import annotations

import json
from typing import Any

from olivegen.knowledge.catalog import GENERATION_OF_NUMBER, GENERATIONS
from olivegen.recipe import Recipe

SCHEMA_ID = "https://raw.githubusercontent.com/olivegen/olivegen/main/schemas/recipe.schema.json"
SHORTHAND = {
    "type": "string",
    "description": "A provider name: cpu, cuda, tensorrt, dml, openvino, qnn, rocm ...",
    "examples": ["cuda", "cpu", "tensorrt", "dml", "openvino", "qnn", "rocm", "migraphx", "webgpu"],
}


# Keys the composition layer (olivegen/compose/) consumes before the recipe models see the data.
COMPOSITION: dict[str, Any] = {
    "extends": {
        "description": "Base recipe(s) this one builds on, relative to this file (docs/extends.md).",
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
    },
    "matrix": {
        "description": "Axes of variants: each value maps `--set` paths to values (docs/matrix.md).",
        "type": "object",
        "properties": {
            "exclude": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": {"type": "string"}},
                "description": "Combinations to drop, by axis value.",
            }
        },
        "additionalProperties": {
            "type": "object",
            "additionalProperties": {"anyOf": [{"type": "object"}, {"type": "null"}]},
        },
    },
}


def _spellings(canonical: str) -> list[str]:
    from olivegen.knowledge.catalog import PASS_ALIASES

    aliases = [alias for alias, target in PASS_ALIASES.items() if target == canonical]
    return sorted({canonical, canonical.lower(), *aliases}, key=lambda s: (s != canonical, s.lower()))


def _pass_items(definitions: dict[str, Any]) -> dict[str, Any]:
    """Return the schema of one `passes` item: a branch per typed pass, chosen by its `type`."""
    from olivegen.recipe.passes import TYPED_PASSES

    branches: list[dict[str, Any]] = []
    patterns: list[str] = []
    for canonical in TYPED_PASSES:
        pattern = definitions[canonical]["properties"]["type"]["pattern"]
        patterns.append(pattern.removeprefix("^(").removesuffix(")$"))
        branches.append(
            {
                "if": {"properties": {"type": {"type": "string", "pattern": pattern}}, "required": ["type"]},
                "then": {"$ref": f"#/definitions/{canonical}"},
            }
        )
    typed = f"^({'|'.join(patterns)})$"
    branches.append(
        {
            "if": {"properties": {"type": {"not": {"type": "string", "pattern": typed}}}},
            "then": {"$ref": "#/definitions/GenericPass"},
        }
    )
    return {
        "type": "object",
        "description": "One pass: `type` picks which fields it has (`olivegen passes` lists Olive's).",
        "required": ["type"],
        "properties": {
            "type": {
                "type": "string",
                "description": "Olive pass type, any case, or a friendly name (`lora`, `merge`, `builder`, `awq`).",
                "examples": [s for canonical in TYPED_PASSES for s in _spellings(canonical)],
            }
        },
        "allOf": branches,
    }


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
    props["passes"]["items"] = _pass_items(out["definitions"])
    props.update(COMPOSITION)
    # a recipe that extends a base may leave `model` and `passes` to it
    required = out.pop("required", [])
    out["if"] = {"required": ["extends"]}
    out["else"] = {"required": required}
    props["olive"] = {**props["olive"], "anyOf": [{"enum": list(GENERATIONS)}, {"enum": list(GENERATION_OF_NUMBER)}]}
    props["olive"].pop("enum", None)
    props["olive"].pop("type", None)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        **out,
    }


def recipe_schema_text() -> str:
    """Return the schema serialized as committed in schemas/recipe.schema.json."""
    return json.dumps(recipe_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
