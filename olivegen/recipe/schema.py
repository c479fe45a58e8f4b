"""The recipe's JSON schema (for editors and PR checks), generated from the models.

Written for the YAML language server (draft-07, which it reads best):

- `passes` items pick their schema by `type` with `if`/`then` branches (one per
  typed pass, matched case-insensitively, then one for every other Olive pass),
  so an editor completes and checks exactly the fields of the pass being
  written; `type:` itself completes from `examples`.
  Pass types are a closed set: a typed pass by its names, the generic entry
  only for a name Olive's registry has (`knowledge/`); any other `type` is an
  error at the type, listing the names.
- `host`/`target` take a system mapping or a provider name (Olive's, or a
  short name: any case, `_`/`-` ignored, as `validate` reads them).
- composition is valid where `validate` takes it: `${VAR}`/`${VAR:-default}`
  in any scalar position, `$delete` as any mapping's value, matrix cells.
- Pydantic's bounds (`gt`, `ge`, `lt`, `le`) become JSON Schema's
  (`exclusiveMinimum`, `minimum`, ...); numbers are never strings (the models
  are strict as well); a yes/no field takes the words the models take
  (`yes`, `on`, `1` ..., as Olive reads them: `recipe.base.Flag`).
- a recipe may name the schema with the `# yaml-language-server: $schema=...`
  modeline or a `$schema:` key; the key is allowed here and never rendered.

`tests/unit/test_schema_agreement.py` holds the schema and `validate` to the
same verdict on every recipe of the test suite and the examples.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from olivegen.knowledge.catalog import (
    GENERATION_OF_NUMBER,
    GENERATIONS,
    OLIVE_GENERATION,
    PASS_ALIASES,
    PROVIDER_ALIASES,
    facts,
    pass_params_in,
    training_argument_names,
)
from olivegen.knowledge.resources import SCHEMA_ID
from olivegen.recipe import Recipe
from olivegen.recipe.base import FLAG_WORDS, ci_pattern

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
            "description": "An axis: each value (letters, digits, `_ . -`) maps `--set` paths to values, or is `~`.",
            "propertyNames": {"pattern": "^[A-Za-z0-9_.-]+$"},
            "additionalProperties": {"anyOf": [{"type": "object"}, {"type": "null"}]},
        },
    },
}

# `${NAME}` / `${NAME:-default}` (olivegen/compose/environment.py): a whole value is typed after it is filled in
# (a number, a boolean), so it may stand where a number goes; inside a longer text only a string may take it.
VARIABLE = r"\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}"
COMPOSED: dict[str, Any] = {
    "Variable": {
        "type": "string",
        "pattern": f"^{VARIABLE}$",
        "description": "An environment variable olivegen fills in: `${NAME}` or `${NAME:-default}` (docs/extends.md).",
    },
    "TextWithVariable": {
        "type": "string",
        "pattern": VARIABLE,
        "description": "A text with an environment variable olivegen fills in: `${NAME}` or `${NAME:-default}`.",
    },
    "Delete": {
        "const": "$delete",
        "description": "Removes the key a base recipe set (`extends:`, docs/extends.md).",
    },
}
_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}
_STRING_RULES = ("enum", "const", "pattern", "format", "minLength", "maxLength")
_META = ("description", "title", "default", "examples")


def fold_pattern(words: list[str] | tuple[str, ...]) -> str:
    """Match what `knowledge.catalog._fold` folds to one of `words`: any case, `_`, `-` and spaces ignored."""

    def one(word: str) -> str:
        return "".join(
            (f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c)) + "[-_ ]*" for c in word if c not in "-_ "
        )

    return "^[-_ ]*(" + "|".join(one(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")$"


def _bounds(node: Any) -> Any:
    """Turn Pydantic's `gt`/`ge`/`lt`/`le` (not JSON Schema keywords) into JSON Schema's, at every level."""
    if isinstance(node, list):
        return [_bounds(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("properties", "definitions"):
            out[key] = {name: _bounds(sub) for name, sub in value.items()}
        else:
            out[_BOUNDS.get(key, key) if not isinstance(value, (dict, list)) else key] = _bounds(value)
    return out


def _flags(node: Any) -> Any:
    """Let every yes/no field take what the models take (`Flag`): a boolean, 0 or 1, or a word such as `yes`."""
    if isinstance(node, list):
        return [_flags(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: ({n: _flags(v) for n, v in value.items()} if k in ("properties", "definitions") else _flags(value))
        for k, value in node.items()
    }
    if out.get("type") == "boolean" and not {"enum", "const"} & set(out):
        rest = {k: v for k, v in out.items() if k != "type"}
        words = {"type": "string", "pattern": ci_pattern(*FLAG_WORDS)}
        return {**rest, "anyOf": [{"type": "boolean"}, {"enum": [0, 1]}, words]}
    return out


def _kinds(node: Any, definitions: dict[str, Any], seen: frozenset[str] = frozenset()) -> set[str]:
    """Return what a schema takes: JSON types, `string!` for a constrained string, `any` for anything."""
    if not isinstance(node, dict):
        return {"any"}
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/definitions/")
        return set() if name in seen else _kinds(definitions[name], definitions, seen | {name})
    members = node.get("anyOf") or node.get("oneOf")
    if members:
        return {k for m in members for k in _kinds(m, definitions, seen)}
    if "enum" in node or "const" in node:
        values = node.get("enum", [node.get("const")])
        return {"string!" if isinstance(v, str) else "boolean" if isinstance(v, bool) else "number" for v in values}
    kind = node.get("type")
    if kind is None:
        return {"any"}
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "string" in kinds and any(k in node for k in _STRING_RULES):
        kinds = (kinds - {"string"}) | {"string!"}
    return kinds


def _relaxed(node: dict[str, Any], removable: bool, definitions: dict[str, Any]) -> dict[str, Any]:
    """Let a value position take what composition fills in or removes (`${VAR}`, `$delete`)."""
    kinds = _kinds(node, definitions)
    if "any" in kinds or "string" in kinds:
        return node  # any text goes: `${VAR}` and `$delete` included
    alternatives = []
    if "string!" in kinds:
        alternatives.append({"$ref": "#/definitions/TextWithVariable"})
    elif kinds & {"integer", "number", "boolean"}:
        alternatives.append({"$ref": "#/definitions/Variable"})
    if removable:
        alternatives.append({"$ref": "#/definitions/Delete"})
    if not alternatives:
        return node
    meta = {k: node[k] for k in _META if k in node}
    inner = {k: v for k, v in node.items() if k not in _META}
    # if/else, not anyOf: a value that is no `${VAR}`/`$delete` gets the field's own errors, at its own place
    return {**meta, "if": alternatives[0] if len(alternatives) == 1 else {"anyOf": alternatives}, "else": inner}


def _compose(node: Any, definitions: dict[str, Any]) -> Any:
    """Relax every value position of a schema for composition, children first; conditions (`if`) stay exact."""
    if isinstance(node, list):
        return [_compose(v, definitions) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("if", "not", "propertyNames", "const", "enum", "examples", "default"):
            out[key] = value
        elif key == "properties":
            out[key] = {k: _relaxed(_compose(v, definitions), True, definitions) for k, v in value.items()}
        elif key == "additionalProperties" and isinstance(value, dict):
            out[key] = _relaxed(_compose(value, definitions), True, definitions)
        elif key == "items" and isinstance(value, dict):
            out[key] = _relaxed(_compose(value, definitions), False, definitions)
        else:
            out[key] = _compose(value, definitions)
    return out


def _spellings(canonical: str) -> list[str]:
    from olivegen.knowledge.catalog import PASS_ALIASES

    aliases = [alias for alias, target in PASS_ALIASES.items() if target == canonical]
    return sorted({canonical, canonical.lower(), *aliases}, key=lambda s: (s != canonical, s.lower()))


def _generic_names(generation: str) -> list[str]:
    """Return the pass names (and their aliases) one Olive release registers that no typed pass takes."""
    from olivegen.recipe.passes import TYPED_PASSES

    names = [n for n in facts(generation)["passes"] if n not in TYPED_PASSES]
    return names + [alias for alias, target in PASS_ALIASES.items() if target in names]


def _names(canonicals: list[str]) -> list[str]:
    """Return Olive's names and the friendly ones, for an error's list of pass types (any case is valid too)."""
    return [n for c in canonicals for n in (c, *(a for a, t in PASS_ALIASES.items() if t == c))]


def _typed_spellings() -> list[str]:
    from olivegen.recipe.passes import TYPED_PASSES

    return [s for canonical in TYPED_PASSES for s in _spellings(canonical)]


def _pass_items(definitions: dict[str, Any]) -> dict[str, Any]:
    """Return the schema of one `passes` item: a branch per typed pass, chosen by its `type`.

    Pass types are a closed set: a typed pass by its spellings, the generic entry (`config:`) only for a
    name Olive registers (either generation here; the recipe's `olive:` narrows it at the top level), and
    any other `type` is an error at the type itself, naming the types. `${VAR}` as the type is left to
    `validate`, which fills it in first.
    """
    from olivegen.recipe.passes import TYPED_PASSES

    branches: list[dict[str, Any]] = []
    typed_words: list[str] = []
    for canonical in TYPED_PASSES:
        words = _spellings(canonical)
        typed_words += words
        pattern = fold_pattern(words)
        definitions[canonical]["properties"]["type"]["pattern"] = pattern
        branches.append(
            {
                "if": {"properties": {"type": {"type": "string", "pattern": pattern}}, "required": ["type"]},
                "then": {"$ref": f"#/definitions/{canonical}"},
            }
        )
    generic = sorted({n for g in GENERATIONS for n in _generic_names(g)})
    generic_pattern = fold_pattern(generic)
    definitions["GenericPass"]["properties"]["type"]["pattern"] = generic_pattern
    branches.append(
        {
            "if": {"properties": {"type": {"type": "string", "pattern": generic_pattern}}, "required": ["type"]},
            "then": {"$ref": "#/definitions/GenericPass"},
        }
    )
    known = fold_pattern(typed_words + generic)
    branches.append(
        {
            "if": {
                "properties": {
                    "type": {"type": "string", "not": {"anyOf": [{"pattern": known}, {"pattern": VARIABLE}]}}
                },
                "required": ["type"],
            },
            "then": {
                "properties": {"type": {"enum": _names(list(TYPED_PASSES)) + sorted(set(generic) - set(PASS_ALIASES))}}
            },
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
                "examples": _typed_spellings(),
            }
        },
        "allOf": branches,
    }


def _generation_passes() -> list[dict[str, Any]]:
    """Return the top-level conditions that keep a release's generic pass names to recipes rendering for it."""
    rules = []
    for generation in GENERATIONS:
        others = {n for g in GENERATIONS if g != generation for n in _generic_names(g)}
        missing = sorted(others - set(_generic_names(generation)))
        if not missing:
            continue
        numbers = [n for n, g in GENERATION_OF_NUMBER.items() if g == generation]
        chosen: dict[str, Any] = {"properties": {"olive": {"enum": [generation, *numbers]}}, "required": ["olive"]}
        when = chosen if generation != OLIVE_GENERATION else _current_chosen()
        rules.append(
            {
                "if": when,
                "then": {
                    "properties": {
                        "passes": {
                            "items": {
                                "properties": {
                                    "type": {"not": {"type": "string", "pattern": fold_pattern(missing)}},
                                }
                            }
                        }
                    }
                },
            }
        )
    return rules


def _generation_params() -> list[dict[str, Any]]:
    """Return the top-level conditions that check a generic pass's `config:` keys against its release's parameters."""
    rules = []
    for generation in GENERATIONS:
        numbers = [n for n, g in GENERATION_OF_NUMBER.items() if g == generation]
        chosen: dict[str, Any] = {"properties": {"olive": {"enum": [generation, *numbers]}}, "required": ["olive"]}
        when = chosen if generation != OLIVE_GENERATION else _current_chosen()
        branches = []
        for name in sorted(n for n in _generic_names(generation) if n not in PASS_ALIASES):
            params = pass_params_in(name, generation)
            if not params:
                continue  # parameters unknown: `validate` does not check them either
            words = [name, *(a for a, t in PASS_ALIASES.items() if t == name)]
            branches.append(
                {
                    "if": {
                        "properties": {"type": {"type": "string", "pattern": fold_pattern(words)}},
                        "required": ["type"],
                    },
                    "then": {"properties": {"config": {"propertyNames": {"enum": sorted(params)}}}},
                }
            )
        rules.append({"if": when, "then": {"properties": {"passes": {"items": {"allOf": branches}}}}})
    return rules


def _current_chosen() -> dict[str, Any]:
    """Match a recipe for the current Olive: it says so, or says nothing and extends no base (which may say 0.9)."""
    return {
        "allOf": [
            {"not": _others_chosen(OLIVE_GENERATION)},
            {"anyOf": [{"required": ["olive"]}, {"not": {"required": ["extends"]}}]},
        ]
    }


def _others_chosen(generation: str) -> dict[str, Any]:
    values: list[Any] = [g for g in GENERATIONS if g != generation]
    values += [n for n, g in GENERATION_OF_NUMBER.items() if g != generation]
    return {"properties": {"olive": {"enum": values}}, "required": ["olive"]}


def _provider_shorthand() -> dict[str, Any]:
    """Return `host: cuda`'s schema: the names `canonical_provider` reads (any case, `_`/`-` ignored)."""
    providers = list(facts()["execution_providers"])
    words = providers + [p.removesuffix("ExecutionProvider") for p in providers] + list(PROVIDER_ALIASES) + ["gpu"]
    return {**SHORTHAND, "pattern": fold_pattern(words).replace("^[-_ ]*(", "^[-_\\s]*(").replace(")$", ")\\s*$")}


def _complete_parts(definitions: dict[str, Any]) -> None:
    """Add what the models' validators require of one data set, one system and the passes list."""
    definitions["DataSpec"]["allOf"] = [
        {
            "if": {"not": {"required": ["olive"]}},
            "then": {
                "oneOf": [{"required": ["files"]}, {"required": ["hub"]}, {"required": ["datastore"]}],
                "anyOf": [
                    {"required": ["text_template"]},
                    {"required": ["text_cols"]},
                    {"required": ["chat_template"], "properties": {"chat_template": {"const": True}}},
                ],
            },
        },
        {
            "if": {"properties": {"strategy": {"const": "join-sliding-window"}}, "required": ["strategy"]},
            "then": {"required": ["stride"]},
        },
    ]
    system = definitions["SystemSpec"]["properties"]
    system["provider"]["pattern"] = _provider_shorthand()["pattern"]
    device = system["device"]  # `CPU`, `GPU`, `NPU` as well (a before-validator lowers them)
    values = next(m["enum"] for m in device["anyOf"] if "enum" in m)
    device["anyOf"] = [{"type": "string", "pattern": ci_pattern(*values)}, {"type": "null"}]
    version = definitions["RegistryModel"]["properties"]["version"]  # `version: 11` is read as text
    version["anyOf"] = [{k: version.pop(k) for k in ("type", "minLength") if k in version}, {"type": "integer"}]
    search = definitions["Engine"]["properties"]["search"]  # `search: false` is no search
    search["anyOf"] = [*search["anyOf"], {"const": False}]
    _pass_options(definitions)
    for name, keep in (("InputModel", ["olive"]), ("DataSpec", ["name", "olive"])):  # `olive:` gives it whole
        definitions[name].setdefault("allOf", []).append(
            {"if": {"required": ["olive"]}, "then": {"propertyNames": {"enum": keep}}}
        )
    training = next(
        d for d in definitions.values() if "extra" in d.get("properties", {}) and "max_steps" in d["properties"]
    )
    training["properties"]["extra"]["propertyNames"] = {"enum": training_argument_names()}


def _pass_options(definitions: dict[str, Any]) -> None:
    """Close `options:` as the models do: a typed pass's to Olive's other parameters, none on the generic entry."""
    from olivegen.knowledge.catalog import pass_params
    from olivegen.recipe.passes import TYPED_PASSES

    for canonical, model in TYPED_PASSES.items():
        typed = {f.alias or n for n, f in model.model_fields.items()} | set(model.RENAMES.values())
        params = sorted(set(pass_params(canonical)) - typed)
        options = definitions[canonical]["properties"]["options"]
        options["propertyNames"] = {"enum": params} if pass_params(canonical) else {"not": {"enum": sorted(typed)}}
    definitions["GenericPass"]["properties"]["options"]["maxProperties"] = 0  # its parameters go under `config:`


def _whole_recipe() -> list[dict[str, Any]]:
    """Return what a recipe that extends no base must hold whole (with a base, a mapping may be partial).

    Passes, unless it only evaluates the input model; a model as `path` or `registry`, exactly one; a
    docker or Azure ML system with the keys it needs.
    """
    kinds = {
        "local": (),
        "docker": ("dockerfile", "build_context", "image_name", "work_dir", "build_args", "run_params", "clean_image"),
        "python_environment": ("python", "environment", "prepend_to_path"),
        "azureml": ("compute", "image", "conda_file", "hf_token"),
    }
    needed = {"docker": ["dockerfile", "build_context"], "azureml": ["compute", "image"]}
    system = {
        "allOf": [
            {
                "if": {"properties": {"type": {"const": kind}}, **({} if kind == "local" else {"required": ["type"]})},
                "then": {
                    "required": needed.get(kind, []),
                    "propertyNames": {"not": {"enum": sorted({k for ks in kinds.values() for k in ks} - set(own))}},
                },
            }
            for kind, own in kinds.items()
        ]
    }
    return [
        {"if": {"not": {"required": ["evaluate"]}}, "then": {"properties": {"passes": {"minItems": 1}}}},
        {
            "properties": {
                "model": {
                    "if": {"type": "object", "not": {"required": ["olive"]}},
                    "then": {"oneOf": [{"required": ["path"]}, {"required": ["registry"]}]},
                },
                "host": system,
                "target": system,
            }
        },
    ]


def _raw_blocks(definitions: dict[str, Any]) -> None:
    """Close the keys of the `olive:` escape hatches as `recipe/raw.py` does (Olive's vendored run-config classes)."""
    from olivegen.knowledge.model_types import MODEL_TYPES
    from olivegen.recipe.raw import COMPONENTS, olive_keys

    def closed(keys: Any) -> dict[str, Any]:
        return {"propertyNames": {"enum": sorted(keys)}}

    def raw_object(definition: dict[str, Any], extra: dict[str, Any]) -> None:
        prop = definition["properties"]["olive"]
        target = next((m for m in prop.get("anyOf", []) if m.get("type") == "object"), prop)
        target.update(extra)

    entry = [k for k in olive_keys("RunPassConfig") if k not in ("type", "config")]
    for definition in definitions.values():
        if "olive" in definition.get("properties", {}) and "type" in definition["properties"]:
            if definition.get("title") not in ("DataSpec", "InputModel", "SystemSpec"):
                raw_object(definition, closed(entry))
    raw_object(
        definitions["InputModel"],
        {"required": ["type"], "properties": {"type": {"type": "string", "pattern": ci_pattern(*MODEL_TYPES)}}},
    )
    raw_object(
        definitions["DataSpec"],
        {
            **closed(k for k in olive_keys("DataConfig") if k != "name"),
            "properties": {key: {"type": "object"} for key in COMPONENTS},
        },
    )
    typed = {"output_dir", "cache_dir", "log_severity_level", "evaluate_input_model", "clean_cache"}
    raw_object(
        definitions["Engine"],
        closed(k for k in olive_keys("RunEngineConfig") if k not in typed | {"host", "target", "evaluator"}),
    )
    sub_type = {"anyOf": [{"not": {"type": "object"}}, closed(olive_keys("SubMetric"))]}
    metric = {"type": "object", "properties": {"sub_types": {"type": "array", "items": sub_type}}}
    raw_object(
        definitions["Evaluation"],
        {
            "properties": {"metrics": {"type": "array", "items": metric}},
            "if": {"not": {"required": ["type"]}},
            "then": closed(olive_keys("OliveEvaluatorConfig")),
        },
    )


def recipe_schema() -> dict[str, Any]:
    """Return the recipe schema as draft-07 (what the YAML language server reads best)."""
    schema = Recipe.model_json_schema(by_alias=True, mode="validation")
    text = json.dumps(schema).replace('"#/$defs/', '"#/definitions/')
    out: dict[str, Any] = _flags(_bounds(json.loads(text)))
    out["definitions"] = out.pop("$defs")
    props = out["properties"]
    for key in ("host", "target"):
        prop = props[key]
        ref = {"$ref": "#/definitions/SystemSpec"}
        extra = {k: v for k, v in prop.items() if k in ("description", "default", "title")}
        prop.clear()
        prop.update(extra, anyOf=[ref, _provider_shorthand()] + ([{"type": "null"}] if key == "target" else []))
    props["passes"]["items"] = _pass_items(out["definitions"])
    _complete_parts(out["definitions"])
    _raw_blocks(out["definitions"])
    props.update(COMPOSITION)
    props["olive"] = {**props["olive"], "anyOf": [{"enum": list(GENERATIONS)}, {"enum": list(GENERATION_OF_NUMBER)}]}
    props["olive"].pop("enum", None)
    props["olive"].pop("type", None)
    out = _compose(out, out["definitions"])
    out["definitions"].update(COMPOSED)
    # a recipe that extends a base may leave `model` and `passes` to it; one that does not needs passes
    # unless it only evaluates (`'passes' needs at least 1 item, or evaluate:`)
    required = out.pop("required", [])
    out["allOf"] = [
        {
            "if": {"required": ["extends"]},
            "else": {"required": required, "allOf": _whole_recipe()},
        },
        *_generation_passes(),
        *_generation_params(),
    ]
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        **out,
    }


@cache
def recipe_schema_text() -> str:
    """Return the schema serialized as committed in schemas/recipe.schema.json (built once per process)."""
    return json.dumps(recipe_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
