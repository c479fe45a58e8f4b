"""schemas/recipe.schema.json for editors: draft-07 only, passes complete by `type`, `$schema` never rendered.

The YAML language server (VS Code's YAML extension and others) reads draft-07
and picks a pass's fields from the `if`/`then` branch its `type` matches.
These tests hold the schema to that shape with jsonschema's Draft7Validator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from olivegen.api import compile_recipe
from olivegen.knowledge.catalog import PASS_ALIASES, all_pass_names
from olivegen.recipe.passes import TYPED_PASSES
from olivegen.recipe.schema import recipe_schema
from tests.conftest import EXAMPLES, ROOT

SCHEMA = recipe_schema()
VALIDATOR = Draft7Validator(SCHEMA)
NEWER_KEYWORDS = {
    "$defs", "prefixItems", "dependentRequired", "dependentSchemas", "unevaluatedProperties",
    "unevaluatedItems", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "discriminator",
}  # fmt: skip


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def _load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_committed_schema_is_the_generated_one() -> None:
    assert json.loads((ROOT / "schemas" / "recipe.schema.json").read_text(encoding="utf-8")) == SCHEMA


def test_schema_is_draft_07_only() -> None:
    Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert not _keys(SCHEMA) & NEWER_KEYWORDS
    refs = {v for k, v in _walk_refs(SCHEMA)}
    assert refs and all(
        r.startswith("#/definitions/") and r.removeprefix("#/definitions/") in SCHEMA["definitions"] for r in refs
    )


def _walk_refs(node: Any) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        found = [("$ref", node["$ref"])] if "$ref" in node else []
        return found + [r for v in node.values() for r in _walk_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _walk_refs(v)]
    return []


SIMPLE_EXAMPLES = [p for p in sorted(EXAMPLES.glob("*.yaml")) if "extends" not in (_load(p) or {})]


@pytest.mark.parametrize("path", SIMPLE_EXAMPLES, ids=[p.name for p in SIMPLE_EXAMPLES])
def test_examples_validate_against_the_schema(path: Path) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(_load(path))]
    assert errors == []


def _value(key: str) -> dict[str, Any]:
    """Return a top-level key's own schema (beside `$delete` and `${VAR}`, which composition fills in or removes)."""
    prop: dict[str, Any] = SCHEMA["properties"][key]
    return prop.get("else", prop)


def _branches() -> list[dict[str, Any]]:
    items = _value("passes")["items"]
    branches: list[dict[str, Any]] = items["allOf"]
    return branches


def _chosen(pass_type: str) -> list[str]:
    """Return the definitions whose `if` a pass with this type matches (the editor completes their fields)."""
    return [
        b["then"]["$ref"].removeprefix("#/definitions/")
        for b in _branches()
        if Draft7Validator(b["if"]).is_valid({"type": pass_type})
    ]


@pytest.mark.parametrize("canonical", sorted(TYPED_PASSES))
def test_each_typed_pass_completes_from_its_own_fields(canonical: str) -> None:
    aliases = [a for a, target in PASS_ALIASES.items() if target == canonical]
    for spelling in (canonical, canonical.lower(), canonical.upper(), canonical.swapcase(), *aliases):
        assert _chosen(spelling) == [canonical], spelling
    examples = _value("passes")["items"]["properties"]["type"]["examples"]
    assert canonical in examples and all(a in examples for a in aliases)


def test_every_other_olive_pass_gets_the_generic_form() -> None:
    others = [name for name in all_pass_names() if name not in TYPED_PASSES]
    assert len(others) > 50
    for name in others:
        assert _chosen(name) == ["GenericPass"], name


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ({"type": "builder", "precison": "int4"}, "Additional properties are not allowed ('precison' was unexpected)"),
        ({"type": "modelbuilder"}, "'precision' is a required property"),
        ({"type": "merge", "r": 4}, "Additional properties are not allowed ('r' was unexpected)"),
        ({"type": "LoRA", "lora_r": 4}, "Additional properties are not allowed ('lora_r' was unexpected)"),
        ({"precision": "int4"}, "'type' is a required property"),
    ],
)
def test_editors_flag_pass_mistakes(item: dict[str, Any], problem: str) -> None:
    recipe = {"model": {"path": "a/b"}, "passes": [item]}
    assert problem in [e.message for e in VALIDATOR.iter_errors(recipe)]


def test_host_and_target_complete_provider_names() -> None:
    for key in ("host", "target"):
        shorthand = [alt for alt in _value(key)["anyOf"] if alt.get("type") == "string"]
        assert shorthand and {"cpu", "cuda", "dml"} <= set(shorthand[0]["examples"])


def test_schema_key_and_modeline_are_accepted_and_never_rendered(tmp_path: Path) -> None:
    text = (
        "# yaml-language-server: $schema=../schemas/recipe.schema.json\n"
        "$schema: https://raw.githubusercontent.com/olivegen/olivegen/main/schemas/recipe.schema.json\n"
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\npasses:\n  - {type: builder, precision: int4}\n"
    )
    recipe = tmp_path / "r.yaml"
    recipe.write_text(text)
    assert VALIDATOR.is_valid(YAML(typ="safe", pure=True).load(text))
    compiled = compile_recipe(recipe)
    assert compiled.warnings == []
    assert "$schema" not in compiled.text and "yaml-language-server" not in compiled.text


def test_schema_knows_composition_keys() -> None:
    import json

    import jsonschema

    from olivegen.recipe.schema import recipe_schema
    from olivegen.source.yaml_rt import parse
    from tests.conftest import EXAMPLES

    validator = jsonschema.Draft7Validator(recipe_schema())
    child = parse((EXAMPLES / "team" / "travel-targets.yaml").read_text(), "travel-targets.yaml").data
    assert "extends" in child and "matrix" in child
    assert list(validator.iter_errors(child)) == []
    assert [e.message for e in validator.iter_errors({"passes": [{"type": "rtn"}]})] == [
        "'model' is a required property"
    ]
    assert (
        list(validator.iter_errors(json.loads('{"olive": 0.9, "model": {"path": "a/b"}, "passes": [{"type": "rtn"}]}')))
        == []
    )
