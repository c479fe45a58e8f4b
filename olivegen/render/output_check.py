"""Check a rendered config against the packaged Olive schema and pass registry.

The recipe already passed its own validation, so anything found here is an
olivegen bug (TemplateBug), reported with the JSON path that is wrong.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from olivegen.errors import TemplateBug
from olivegen.knowledge.catalog import (
    OLIVE_GENERATION,
    VENDORED_GENERATIONS,
    canonical_pass_in,
    facts,
    pass_params_in,
    shape,
)
from olivegen.knowledge.resources import schema_json


@cache
def _schema(generation: str) -> Any:
    """Return the output schema of a generation: its shape's, with that generation's own pass names."""
    schema = schema_json(f"olive-{shape(generation)}/olive-config.schema.json")
    if generation in VENDORED_GENERATIONS:
        return schema
    names = sorted(facts(generation)["passes"])
    pass_def = schema["$defs"]["pass"]
    own = {**pass_def, "properties": {**pass_def["properties"], "type": {"enum": names}}}
    return {**schema, "$defs": {**schema["$defs"], "pass": own}}


@cache
def _validator(generation: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema(generation))


@cache
def _quick(generation: str) -> Any:
    """Compile the schema once into a yes/no check; None when it uses a keyword the quick check lacks."""
    from olivegen.source.schema_fast import Unsupported, compile_schema

    try:
        return compile_schema(_schema(generation))
    except Unsupported:
        return None


def _conforms(config: dict[str, Any], generation: str) -> bool:
    """Answer the quick yes/no (no jsonschema import); False also when it cannot tell."""
    quick = _quick(generation)
    return bool(quick is not None and quick(config))


def schema_problems(config: dict[str, Any], generation: str = OLIVE_GENERATION) -> list[str]:
    """Return every problem of a rendered config as `$.json.path: message`; empty when valid.

    jsonschema is imported only when the quick check (olivegen.source.schema_fast.py) says no.
    """
    problems = []
    if not _conforms(config, generation):
        problems = [f"{e.json_path}: {e.message}" for e in _validator(generation).iter_errors(config)]
    for key, spec in (config.get("passes") or {}).items():
        canonical = canonical_pass_in(str(spec.get("type", "")), generation) if isinstance(spec, dict) else None
        if canonical is None:
            continue
        params = pass_params_in(canonical, generation)
        for param in spec:
            if param not in ("type", "host", "evaluator") and params and param not in params:
                problems.append(f"$.passes.{key}.{param}: not a parameter of {spec['type']} in Olive {generation}")
    return sorted(problems)


def check_config(config: dict[str, Any], generation: str = OLIVE_GENERATION) -> None:
    """Raise TemplateBug when a rendered config breaks the packaged schema."""
    problems = schema_problems(config, generation)
    if problems:
        raise TemplateBug(
            f"the rendered config does not match schemas/olive-{shape(generation)}/olive-config.schema.json"
            " (an olivegen bug; please report it):\n  " + "\n  ".join(problems[:20])
        )
