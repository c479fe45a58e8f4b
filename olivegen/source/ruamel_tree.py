"""ruamel's round-trip nodes -> plain data with the position of every key and value, within bounds.

Only YAML's core-schema tags are built; anything else (`!include`, `!!binary`, `!!python/...`)
is refused at its position. Alias expansion is counted before any of it is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from olivegen.errors import Position, RecipeError
from olivegen.source.document import MAX_DEPTH, MAX_VALUES, Loc, SourceMap, plain_scalar

CORE_TAGS: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": {"true": True, "false": False}.__getitem__,
    "tag:yaml.org,2002:null": lambda text: _null(text),
}


def _null(text: str) -> None:
    if text not in ("", "~", "null", "Null", "NULL"):
        raise ValueError(text)


COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


def _line(node: Any) -> int:
    try:
        return int(node.lc.line)
    except (AttributeError, TypeError, ValueError):
        return -1


def _is_date(value: Any) -> bool:
    import datetime as dt

    return isinstance(value, (dt.date, dt.datetime))


def _tag_of(value: Any) -> str:
    kind = type(value).__name__
    return {"bytes": "!!binary", "CommentedSet": "!!set", "CommentedOrderedMap": "!!omap", "set": "!!set"}.get(
        kind, f"!!{kind}"
    )


class Converter:
    """Walk ruamel's round-trip nodes into plain data, recording positions, within bounds."""

    def __init__(self, where: SourceMap) -> None:
        self.where = where
        self.count = 0

    def precount(self, doc: Any) -> None:
        """Count the values `doc` expands to (aliases and merges repeat shared nodes) before building any.

        Shared nodes are counted once each and multiplied, so an alias bomb costs its size in the
        file, not its expansion; a bomb is refused at the first value that crosses the budget.
        """
        sizes: dict[int, int] = {}
        if self._size(doc, sizes) <= MAX_VALUES:
            return
        loc: Loc = ()
        node, left = doc, MAX_VALUES
        while isinstance(node, (dict, list)):  # descend to the first child that crosses the budget
            left -= 1
            items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            for key, child in items:
                size = self._size(child, sizes)
                if size > left:
                    loc = self._step(node, loc, key)
                    node = child if _line(child) >= _line(node) else None  # never into an earlier anchor
                    break
                left -= size
            else:
                break
        self._too_many(loc)

    def _step(self, node: Any, loc: Loc, key: Any) -> Loc:
        """Record the position of `node[key]` (as convert would) and return its path."""
        child: Loc = (*loc, key if isinstance(key, int) and isinstance(node, list) else str(key))
        try:
            data = node.lc.data[key]
        except (AttributeError, KeyError, TypeError, IndexError):
            return child
        self.where.keys.setdefault(child, self.where.at(data[0], data[1]))
        return child

    def _size(self, node: Any, sizes: dict[int, int]) -> int:
        """Return how many values `node` expands to (capped just above MAX_VALUES; a cycle is infinite)."""
        if not isinstance(node, (dict, list)):
            return 1
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = MAX_VALUES + 1  # while counting: an alias back into itself never ends
        total = 1
        for child in node.values() if isinstance(node, dict) else node:
            total += self._size(child, sizes)
            if total > MAX_VALUES:
                break
        sizes[id(node)] = min(total, MAX_VALUES + 1)
        return sizes[id(node)]

    def _budget(self, loc: Loc) -> None:
        self.count += 1
        if self.count > MAX_VALUES:
            self._too_many(loc)

    def _too_many(self, loc: Loc) -> NoReturn:
        raise RecipeError.single(
            f"the recipe expands to more than {MAX_VALUES} values",
            self.where.lookup(loc),
            "YAML aliases (*name) that repeat large anchors multiply; write the values out",
            rule="yaml",
        )

    def convert(self, node: Any, loc: Loc, depth: int) -> Any:
        """Return `node` (at `loc`, `depth` levels down) as plain data, recording positions as it goes."""
        from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

        self._budget(loc)
        if depth > MAX_DEPTH:
            raise RecipeError.single(
                f"the recipe is nested more than {MAX_DEPTH} levels deep",
                self.where.lookup(loc),
                "flatten the structure",
                rule="yaml",
            )
        self._refuse_tag(node, loc)
        if isinstance(node, CommentedMap):
            out: dict[str, Any] = {}
            for key, value in node.items():
                try:
                    kl, kc, vl, vc = node.lc.data[key]
                except (KeyError, TypeError, ValueError):
                    written = None  # merged (<<) keys carry the anchor's positions, not their own
                else:
                    written = (self.where.at(kl, kc), self.where.at(vl, vc))
                name = self._key(key, loc, written[0] if written else None)
                child = (*loc, name)
                if written is not None:
                    self.where.keys.setdefault(child, written[0])
                    self.where.values.setdefault(child, written[1])
                out[name] = self.convert(value, child, depth + 1)
            return out
        if isinstance(node, CommentedSeq):
            items = []
            for i, value in enumerate(node):
                child = (*loc, i)
                try:
                    il, ic = node.lc.data[i]
                except (KeyError, TypeError, ValueError, IndexError):
                    pass
                else:
                    self.where.keys.setdefault(child, self.where.at(il, ic))
                    self.where.values.setdefault(child, self.where.at(il, ic))
                items.append(self.convert(value, child, depth + 1))
            return items
        if isinstance(node, TaggedScalar):
            build: Callable[[str], Any] | None = CORE_TAGS.get(str(node.tag.value))
            if str(node.tag.value) == "tag:yaml.org,2002:value" and str(node.value) == "=":
                build = str  # a plain `=`: YAML 1.1's "value" tag; YAML 1.2 (and the fast path) read text
            try:
                if build is None:
                    raise KeyError(node.tag.value)
                return plain_scalar(build(str(node.value)))
            except (KeyError, ValueError):
                self._unsupported(str(node.tag.value), loc)
        if not isinstance(node, (str, int, float, bool)) and node is not None and not _is_date(node):
            self._unsupported(_tag_of(node), loc)  # !!binary, !!set, !!omap, !!pairs ...
        return plain_scalar(node)

    def _refuse_tag(self, node: Any, loc: Loc) -> None:
        tag = getattr(getattr(node, "tag", None), "value", None)
        if tag is not None and not isinstance(node, (str, int, float)) and tag not in COLLECTION_TAGS:
            if type(node).__name__ in ("CommentedMap", "CommentedSeq"):
                self._unsupported(str(tag), loc)

    def _unsupported(self, tag: str, loc: Loc) -> None:
        raise RecipeError.single(
            f"unsupported YAML tag {tag!r}",
            self.where.lookup(loc, prefer_value=True),
            "a recipe uses plain YAML values only (no tags such as !include or !!binary)",
            rule="yaml",
        )

    def _key(self, key: Any, loc: Loc, at: Position | None = None) -> str:
        if isinstance(key, (str, int, float, bool)) or key is None:
            return str(plain_scalar(key)) if not isinstance(key, str) else str(key)
        if _is_date(key):
            return str(plain_scalar(key))
        raise RecipeError.single(
            "a mapping key must be a plain value", at or self.where.lookup(loc, prefer_value=True), rule="yaml"
        )
