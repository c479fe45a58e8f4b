"""A yes/no JSON Schema check for the output schemas olivegen ships, without importing jsonschema.

The rendered config is checked on every `validate` and `render`; it is almost always valid, and
importing jsonschema and building its validator cost a cold run about as much as everything from
reading the YAML to rendering the config. `compile_schema` turns the schema once into closures
that answer only "valid or not" (faster than jsonschema's validator also per recipe) for the keywords
`schemas/olive-*/olive-config.schema.json` use (draft 2020-12 semantics); when the answer is no,
olivegen/render/output_check.py asks jsonschema for the messages. A keyword it does not know
raises Unsupported, and the caller falls back to jsonschema: it never says yes by guessing.
"""

# mypy: disable-error-code="misc"
# (closures with default arguments: mypy cannot infer the type of such a lambda)
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


Check = Callable[[Any], bool]


class Compiler:
    """Turns a schema into nested closures once; `$ref`s to the root's `$defs` are compiled once each."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self._refs: dict[str, Check] = {}

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

    def _ref(self, ref: str) -> Check:
        if ref not in self._refs:
            self._refs[ref] = lambda v: False  # placeholder while compiling a recursive reference
            target = self.compile(self._resolve(ref))
            self._refs[ref] = target
        table = self._refs
        return lambda v: table[ref](v)

    def compile(self, schema: Any) -> Check:  # noqa: C901 - one branch per keyword
        """Return a function telling whether a value conforms to `schema`."""
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, Mapping):
            raise Unsupported(f"schema {schema!r}")
        checks: list[Check] = []
        for keyword, arg in schema.items():
            if keyword in ANNOTATIONS or keyword in ("then", "else"):
                continue
            if keyword == "type":
                names = [arg] if isinstance(arg, str) else list(arg)
                for name in names:
                    _is_type(None, name)  # Unsupported for an unknown type name
                checks.append(lambda v, names=names: any(_is_type(v, n) for n in names))
            elif keyword == "properties":
                props = [(k, self.compile(sub)) for k, sub in arg.items()]
                checks.append(lambda v, ps=props: not isinstance(v, dict) or all(c(v[k]) for k, c in ps if k in v))
            elif keyword == "additionalProperties":
                if "patternProperties" in schema:
                    raise Unsupported("patternProperties")
                known = frozenset(schema.get("properties", {}))
                sub = self.compile(arg)
                checks.append(
                    lambda v, known=known, sub=sub: not isinstance(v, dict)
                    or all(sub(item) for k, item in v.items() if k not in known)
                )
            elif keyword == "propertyNames":
                name_ok = self.compile(arg)
                checks.append(lambda v, ok=name_ok: not isinstance(v, dict) or all(ok(k) for k in v))
            elif keyword == "required":
                checks.append(lambda v, req=tuple(arg): not isinstance(v, dict) or all(k in v for k in req))
            elif keyword == "$ref":
                checks.append(self._ref(arg))
            elif keyword in ("minLength", "maxLength"):
                low = keyword == "minLength"
                checks.append(lambda v, n=arg, low=low: not isinstance(v, str) or (len(v) >= n if low else len(v) <= n))
            elif keyword == "enum":
                checks.append(lambda v, options=tuple(arg): any(_equal(v, o) for o in options))
            elif keyword == "const":
                checks.append(lambda v, c=arg: _equal(v, c))
            elif keyword == "items":
                if not isinstance(arg, (dict, bool)):
                    raise Unsupported("items as a list")
                item = self.compile(arg)
                checks.append(lambda v, item=item: not isinstance(v, list) or all(item(x) for x in v))
            elif keyword in ("minItems", "maxItems"):
                low = keyword == "minItems"
                checks.append(lambda v, n=arg, lo=low: not isinstance(v, list) or (len(v) >= n if lo else len(v) <= n))
            elif keyword in ("minProperties", "maxProperties"):
                low = keyword == "minProperties"
                checks.append(lambda v, n=arg, lo=low: not isinstance(v, dict) or (len(v) >= n if lo else len(v) <= n))
            elif keyword in _BOUNDS:
                checks.append(lambda v, n=arg, test=_BOUNDS[keyword]: not _is_type(v, "number") or test(v, n))
            elif keyword in ("oneOf", "anyOf", "allOf"):
                subs = [self.compile(sub) for sub in arg]
                if keyword == "oneOf":
                    checks.append(lambda v, subs=subs: sum(1 for c in subs if c(v)) == 1)
                elif keyword == "anyOf":
                    checks.append(lambda v, subs=subs: any(c(v) for c in subs))
                else:
                    checks.append(lambda v, subs=subs: all(c(v) for c in subs))
            elif keyword == "not":
                inner = self.compile(arg)
                checks.append(lambda v, inner=inner: not inner(v))
            elif keyword == "if":
                cond = self.compile(arg)
                then = self.compile(schema.get("then", True))
                other = self.compile(schema.get("else", True))
                checks.append(lambda v, cond=cond, then=then, other=other: then(v) if cond(v) else other(v))
            else:
                raise Unsupported(keyword)
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(c(v) for c in checks)


_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {
    "minimum": lambda v, n: v >= n,
    "maximum": lambda v, n: v <= n,
    "exclusiveMinimum": lambda v, n: v > n,
    "exclusiveMaximum": lambda v, n: v < n,
}


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """Compile a root schema once; the result answers valid or not. Unsupported for keywords not implemented."""
    return Compiler(schema).compile(schema)


def conforms(instance: Any, schema: Mapping[str, Any]) -> bool:
    """Tell whether `instance` is valid against the root `schema`; Unsupported for keywords not implemented."""
    return compile_schema(schema)(instance)
