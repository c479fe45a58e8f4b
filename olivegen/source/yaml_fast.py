"""A fast path for `source.yaml_rt.parse`: libyaml's event stream, with ruamel's YAML 1.2 scalar rules.

ruamel.yaml's round-trip loader is pure Python and takes ~4 ms for a recipe;
libyaml (PyYAML's C parser) reads the same text in a tenth of that. This
module builds exactly what `yaml_rt.parse` builds - the plain data and
the position of every key and value - from libyaml's events, resolving plain
scalars with ruamel's own YAML 1.2 resolver and constructors, so the values
are ruamel's.

It only vouches for ordinary recipes. Anything else returns None and the
caller takes the ruamel path, which owns every error message: libyaml
missing or failing, tags, anchors and aliases, merge keys, duplicate or
non-scalar keys, several documents, an empty document or a top level that is
not a mapping, nesting or size beyond `source.document`'s caps, tabs, empty values,
`%` directives (`%YAML 1.1` changes how ruamel reads scalars), block scalars
(`|`, `>`), NEL/LS/PS line breaks and lone CRs.
tests/test_fuzz_fastyaml.py holds both paths to identical output.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from olivegen.errors import Position, RecipeError
from olivegen.source.document import MAX_DEPTH, MAX_VALUES, MAX_WRITTEN, Loc, Source, SourceMap, plain_scalar

_STR = "tag:yaml.org,2002:str"
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
_ODD_BREAKS = re.compile("[\x85\u2028\u2029\ufeff]|\r(?!\n)")  # line breaks the two parsers count differently


class _Unsure(Exception):
    """The fast path cannot promise ruamel's result: fall back."""


class _TooMany(Exception):
    """More than MAX_WRITTEN nodes in the text: an error on either path (args: 0-based line, column)."""


@cache
def _tools() -> tuple[Any, Any, Any, Any] | None:
    """Return (pyyaml, its C loader, ruamel's resolver, ruamel's constructor), or None without libyaml."""
    try:
        import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints

        loader = yaml.CBaseLoader
    except (ImportError, AttributeError):
        return None
    from ruamel.yaml import YAML

    ruamel = YAML(typ="rt", pure=True)
    return yaml, loader, ruamel.resolver, ruamel.constructor


@cache
def _plain(value: str) -> Any:
    """Resolve and construct a plain (unquoted) scalar exactly as ruamel's round-trip loader does."""
    tools = _tools()
    assert tools is not None
    _, _, resolver, constructor = tools
    from ruamel.yaml.nodes import ScalarNode

    tag = resolver.resolve(ScalarNode, value, (True, False))
    if tag == _STR:
        return value
    node = ScalarNode(tag, value, style=None)
    try:
        built = constructor.construct_object(node, deep=True)
    except Exception as exc:  # ruamel would raise here too, with its own message
        raise _Unsure from exc
    finally:
        constructor.constructed_objects.pop(node, None)
    return plain_scalar(built)


def too_many_written(display: str, line0: int, col0: int) -> RecipeError:
    """Return the error for a text with more than MAX_WRITTEN keys and values (both paths raise exactly this)."""
    return RecipeError.single(
        f"the recipe has more than {MAX_WRITTEN} keys and values written in it",
        Position(display, line0 + 1, col0 + 1),
        "a recipe is a short file; move data into data files",
        rule="yaml",
    )


def check_written(text: str, display: str) -> None:
    """Raise too_many_written when libyaml counts more than MAX_WRITTEN nodes (keys, values, items, aliases).

    Cheap (libyaml, C); it bounds what the pure-Python ruamel parser is given. Without libyaml,
    or when libyaml cannot read the text, nothing is counted here.
    """
    tools = _tools()
    if tools is None or len(text) < MAX_WRITTEN:  # every node takes at least one character
        return
    yaml, loader, _, _ = tools
    nodes = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
    count = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, nodes):
                count += 1
                if count > MAX_WRITTEN:
                    raise too_many_written(display, event.start_mark.line, event.start_mark.column)
    except (yaml.YAMLError, RecursionError, UnicodeError, ValueError):
        return


def fast_parse(text: str, display: str) -> Source | None:
    """Return what `yaml_rt.parse` returns for ordinary recipe text, or None to take the ruamel path."""
    tools = _tools()
    if tools is None or "\t" in text or "<<" in text or _ODD_BREAKS.search(text) or _DIRECTIVE.search(text):
        return None  # `%YAML 1.1` switches ruamel to YAML 1.1 scalars (yes, 017, 1:20): ruamel reads those
    yaml, loader, _, _ = tools
    where = SourceMap(display)
    builder = _Builder(where)
    try:
        data = builder.build(yaml.parse(text, Loader=loader), yaml)
    except (_Unsure, yaml.YAMLError, RecursionError, UnicodeError, ValueError):
        return None
    except _TooMany as exc:
        raise too_many_written(display, *exc.args) from None
    where.values.setdefault((), where.at(0, 0))
    return Source(data, where, text)


class _Builder:
    """Fold libyaml events into plain data and positions, the way `ruamel_tree.Converter` does."""

    def __init__(self, where: SourceMap) -> None:
        self.where = where
        self.count = 0
        self.written = 1  # nodes in the text, keys included (the root mapping is the first)

    def _written(self, event: Any) -> None:
        self.written += 1
        if self.written > MAX_WRITTEN:
            raise _TooMany(event.start_mark.line, event.start_mark.column)

    def build(self, events: Any, yaml: Any) -> dict[str, Any]:
        self.yaml = yaml
        stream = iter(events)
        kinds = [type(next(stream)).__name__, type(next(stream)).__name__]
        if kinds != ["StreamStartEvent", "DocumentStartEvent"]:
            raise _Unsure
        start = next(stream)
        if not isinstance(start, yaml.MappingStartEvent):
            raise _Unsure  # an empty document, or not a mapping: ruamel words these errors
        data = self._mapping(stream, start, (), 0)
        end, last = next(stream), next(stream)
        if not isinstance(end, yaml.DocumentEndEvent) or not isinstance(last, yaml.StreamEndEvent):
            raise _Unsure  # a second document
        return data

    def _count(self, depth: int) -> None:
        self.count += 1
        if self.count > MAX_VALUES or depth > MAX_DEPTH:
            raise _Unsure

    def _node(self, stream: Any, event: Any, loc: Loc, depth: int) -> Any:
        yaml = self.yaml
        self._written(event)
        self._count(depth)
        if getattr(event, "anchor", None) is not None or getattr(event, "tag", None) is not None:
            raise _Unsure  # anchors, aliases and tags take the ruamel path
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event)
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(stream, event, loc, depth)
        if isinstance(event, yaml.SequenceStartEvent):
            return self._sequence(stream, event, loc, depth)
        raise _Unsure  # AliasEvent and anything unexpected

    def _scalar(self, event: Any) -> Any:
        if event.style in ("|", ">"):
            raise _Unsure  # block scalars: parsers disagree on their headers and indentation rules
        if event.style:  # quoted: always text
            return event.value
        if event.value == "":
            raise _Unsure  # an empty value: libyaml and ruamel place it differently
        return _plain(event.value)

    def _mapping(self, stream: Any, start: Any, loc: Loc, depth: int) -> dict[str, Any]:
        yaml = self.yaml
        if start.anchor is not None or start.tag is not None:
            raise _Unsure
        out: dict[str, Any] = {}
        seen: set[Any] = set()
        for key_event in stream:
            if isinstance(key_event, yaml.MappingEndEvent):
                return out
            if not isinstance(key_event, yaml.ScalarEvent) or key_event.anchor or key_event.tag:
                raise _Unsure  # a complex, tagged or aliased key
            self._written(key_event)
            key = self._scalar(key_event)
            name = key if isinstance(key, str) else str(key)
            if name in out or key in seen:
                raise _Unsure  # ruamel reports duplicate keys (by Python equality: `1:` and `true:` collide)
            seen.add(key)
            value_event = next(stream)
            child = (*loc, name)
            self.where.keys[child] = self.where.at(key_event.start_mark.line, key_event.start_mark.column)
            self.where.values[child] = self.where.at(value_event.start_mark.line, value_event.start_mark.column)
            out[name] = self._node(stream, value_event, child, depth + 1)
        raise _Unsure

    def _sequence(self, stream: Any, start: Any, loc: Loc, depth: int) -> list[Any]:
        yaml = self.yaml
        items: list[Any] = []
        for event in stream:
            if isinstance(event, yaml.SequenceEndEvent):
                return items
            child = (*loc, len(items))
            at = self.where.at(event.start_mark.line, event.start_mark.column)
            self.where.keys[child] = at
            self.where.values[child] = at
            items.append(self._node(stream, event, child, depth + 1))
        raise _Unsure
