"""YAML text -> plain data plus a position for every key and value.

ruamel.yaml's round-trip loader is the only one that keeps line/column
(``lc``) information; everything downstream sees plain dicts and lists.
Hostile input is bounded: file size, nesting depth and the number of values
an alias may expand to are all capped, so a "billion laughs" recipe is an
error in milliseconds rather than a hung process.
"""

from __future__ import annotations

import warnings
from typing import Any

from olivegen.errors import Position, RecipeError
from olivegen.source.document import MAX_BYTES, MAX_DEPTH, MAX_VALUES, Loc, Source, SourceMap, plain_scalar
from olivegen.source.indentation import explain
from olivegen.source.yaml_fast import fast_parse


def parse(text: str, display: str) -> Source:
    """Parse recipe text into plain data with positions; raise RecipeError on any YAML problem."""
    where = SourceMap(display)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise RecipeError.single(f"recipe is larger than {MAX_BYTES} bytes", where.at(0, 0))
    _check_nesting(text, where)
    fast = fast_parse(text, display)  # libyaml, same result; None for anything it cannot vouch for
    if fast is not None:
        return fast
    return parse_ruamel(text, display)


def parse_ruamel(text: str, display: str) -> Source:
    """Parse recipe text with ruamel.yaml alone (the reference; it words every YAML error)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError

    where = SourceMap(display)
    yaml = YAML(typ="rt", pure=True)
    try:
        with warnings.catch_warnings():
            # YAML lets a later `&name` redefine an anchor; ruamel warns about it on stderr
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = where.at(mark.line, mark.column) if mark else where.at(0, 0)
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        hint = None
        if "duplicate key" in problem:
            problem = problem.split(" with value ")[0].replace("found duplicate key", "duplicate key")
            hint = "keys must be unique in a mapping; remove or rename one of them"
        slip = explain(text, problem, mark.line) if mark else None
        if slip is not None:
            at = where.at(slip.line, slip.col)
            raise RecipeError.single(slip.message, at, slip.hint, rule="indentation") from None
        raise RecipeError.single(f"invalid YAML: {problem}", pos, hint, rule="yaml") from None
    except YAMLError as exc:
        raise RecipeError.single(f"invalid YAML: {' '.join(str(exc).split())}", where.at(0, 0), rule="yaml") from None
    except RecursionError:
        raise RecipeError.single(
            "the YAML is nested too deeply to read",
            where.at(0, 0),
            f"keep nesting under {MAX_DEPTH} levels",
            rule="yaml",
        ) from None
    if doc is None:
        raise RecipeError.single("the recipe is empty", where.at(0, 0), "start from `olivegen init` or examples/")
    converter = _Converter(where)
    data = converter.convert(doc, (), 0)
    if not isinstance(data, dict):
        raise RecipeError.single(
            f"a recipe is a mapping of keys to values, not a {_kind(data)}",
            where.at(0, 0),
            "start with `model:` and `passes:` at the left margin",
        )
    where.values.setdefault((), where.at(0, 0))
    return Source(data, where, text)


def _check_nesting(text: str, where: SourceMap) -> None:
    """Refuse absurd nesting before the (recursive) YAML parser sees it.

    Flow collections are counted bracket by bracket (outside quotes); block
    nesting shows up as indentation, which is capped at four columns a level.
    """
    depth = 0
    for lineno, line in enumerate(text.split("\n")):
        indent = len(line) - len(line.lstrip(" -"))
        if indent > 4 * MAX_DEPTH:
            _too_deep(where.at(lineno, indent))
        if "[" not in line and "{" not in line and "]" not in line and "}" not in line:
            continue  # only brackets change the depth; quotes and comments end with the line
        quote = ""
        for col, ch in enumerate(line):
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "\"'":
                quote = ch
            elif ch == "#" and (col == 0 or line[col - 1] == " "):
                break
            elif ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    _too_deep(where.at(lineno, col))
            elif ch in "]}":
                depth = max(depth - 1, 0)


def _too_deep(at: Position) -> None:
    raise RecipeError.single(
        f"the recipe is nested more than {MAX_DEPTH} levels deep", at, "flatten the structure", rule="yaml"
    )


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "value")


class _Converter:
    """Walk ruamel's round-trip nodes into plain data, recording positions, within bounds."""

    def __init__(self, where: SourceMap) -> None:
        self.where = where
        self.count = 0

    def _budget(self, loc: Loc) -> None:
        self.count += 1
        if self.count > MAX_VALUES:
            raise RecipeError.single(
                f"the recipe expands to more than {MAX_VALUES} values",
                self.where.lookup(loc),
                "YAML aliases (*name) that repeat large anchors multiply; write the values out",
                rule="yaml",
            )

    def convert(self, node: Any, loc: Loc, depth: int) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

        self._budget(loc)
        if depth > MAX_DEPTH:
            raise RecipeError.single(
                f"the recipe is nested more than {MAX_DEPTH} levels deep",
                self.where.lookup(loc),
                "flatten the structure",
                rule="yaml",
            )
        if isinstance(node, CommentedMap):
            out: dict[str, Any] = {}
            for key, value in node.items():
                name = self._key(key, loc)
                child = (*loc, name)
                try:
                    kl, kc, vl, vc = node.lc.data[key]
                except (KeyError, TypeError, ValueError):
                    pass  # merged (<<) keys carry the anchor's positions, not their own
                else:
                    self.where.keys.setdefault(child, self.where.at(kl, kc))
                    self.where.values.setdefault(child, self.where.at(vl, vc))
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
            raise RecipeError.single(
                f"unsupported YAML tag {node.tag.value!r}",
                self.where.lookup(loc, prefer_value=True),
                rule="yaml",
            )
        return plain_scalar(node)

    def _key(self, key: Any, loc: Loc) -> str:
        if isinstance(key, (str, int, float, bool)) or key is None:
            return str(plain_scalar(key)) if not isinstance(key, str) else str(key)
        raise RecipeError.single(
            "a mapping key must be a plain value", self.where.lookup(loc, prefer_value=True), rule="yaml"
        )
