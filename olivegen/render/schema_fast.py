"""A yes/no JSON Schema check for the output schemas olivegen ships, without importing jsonschema.

The rendered config is checked on every `validate` and `render`; it is almost always valid, and
importing jsonschema and building its validator cost a cold run about as much as everything from
reading the YAML to rendering the config. `conforms` answers only "valid or not" for the keywords
`schemas/olive-*/olive-config.schema.json` use (draft 2020-12 semantics); when the answer is no,
olivegen/render/output_check.py asks jsonschema for the messages. A keyword it does not know
raises Unsupported, and the caller falls back to jsonschema: it never says yes by guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "$defs", "definitions", "$comment", "default"})


class Unsupported(Exception):
    """The schema uses a keyword this checker does not implement."""


def _is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    raise Unsupported(f"type {name!r}")


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 == 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


class Checker:
    """Answers whether an instance conforms to one root schema (local `$ref`s only)."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self._keywords: dict[str, Callable[[Any, Any, Mapping[str, Any]], bool]] = {
            "type": self._type,
            "properties": self._properties,
            "additionalProperties": self._additional,
            "required": lambda v, req, _: not isinstance(v, dict) or all(k in v for k in req),
            "$ref": lambda v, ref, _: self.conforms(v, self._resolve(ref)),
            "minLength": lambda v, n, _: not isinstance(v, str) or len(v) >= n,
            "maxLength": lambda v, n, _: not isinstance(v, str) or len(v) <= n,
            "enum": lambda v, options, _: any(_equal(v, o) for o in options),
            "const": lambda v, c, _: _equal(v, c),
            "items": self._items,
            "minItems": lambda v, n, _: not isinstance(v, list) or len(v) >= n,
            "maxItems": lambda v, n, _: not isinstance(v, list) or len(v) <= n,
            "minProperties": lambda v, n, _: not isinstance(v, dict) or len(v) >= n,
            "maxProperties": lambda v, n, _: not isinstance(v, dict) or len(v) <= n,
            "minimum": lambda v, n, _: not _is_type(v, "number") or v >= n,
            "maximum": lambda v, n, _: not _is_type(v, "number") or v <= n,
            "exclusiveMinimum": lambda v, n, _: not _is_type(v, "number") or v > n,
            "exclusiveMaximum": lambda v, n, _: not _is_type(v, "number") or v < n,
            "oneOf": lambda v, subs, _: sum(self.conforms(v, s) for s in subs) == 1,
            "anyOf": lambda v, subs, _: any(self.conforms(v, s) for s in subs),
            "allOf": lambda v, subs, _: all(self.conforms(v, s) for s in subs),
            "not": lambda v, sub, _: not self.conforms(v, sub),
            "if": self._if,
            "then": lambda v, sub, schema: True,  # read by "if"
            "else": lambda v, sub, schema: True,  # read by "if"
        }

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise Unsupported(f"$ref {ref!r}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or part not in node:
                raise Unsupported(f"$ref {ref!r}")
            node = node[part]
        return node

    def _type(self, value: Any, names: Any, _: Mapping[str, Any]) -> bool:
        return any(_is_type(value, n) for n in ([names] if isinstance(names, str) else names))

    def _properties(self, value: Any, props: Mapping[str, Any], _: Mapping[str, Any]) -> bool:
        if not isinstance(value, dict):
            return True
        return all(self.conforms(value[k], sub) for k, sub in props.items() if k in value)

    def _additional(self, value: Any, sub: Any, schema: Mapping[str, Any]) -> bool:
        if not isinstance(value, dict):
            return True
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = schema.get("properties", {})
        extra = [k for k in value if k not in known]
        return all(self.conforms(value[k], sub) for k in extra)

    def _items(self, value: Any, sub: Any, _: Mapping[str, Any]) -> bool:
        if not isinstance(sub, (dict, bool)):
            raise Unsupported("items as a list")
        return not isinstance(value, list) or all(self.conforms(item, sub) for item in value)

    def _if(self, value: Any, sub: Any, schema: Mapping[str, Any]) -> bool:
        if self.conforms(value, sub):
            return self.conforms(value, schema.get("then", True))
        return self.conforms(value, schema.get("else", True))

    def conforms(self, value: Any, schema: Any) -> bool:
        """Tell whether `value` is valid against `schema` (a part of the root schema)."""
        if schema is True:
            return True
        if schema is False:
            return False
        if not isinstance(schema, Mapping):
            raise Unsupported(f"schema {schema!r}")
        for keyword, argument in schema.items():
            check = self._keywords.get(keyword)
            if check is None:
                if keyword in ANNOTATIONS:
                    continue
                raise Unsupported(keyword)
            if not check(value, argument, schema):
                return False
        return True


def conforms(instance: Any, schema: Mapping[str, Any]) -> bool:
    """Tell whether `instance` is valid against the root `schema`; Unsupported for keywords not implemented."""
    return Checker(schema).conforms(instance, schema)
