"""Recipe data -> commented YAML text."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from olivegen.source.document import Loc

HEADER = """\
{modeline}# Imported by `olivegen import` from {source} (Olive config format {generation}).
# Comments marked REVIEW are choices a human should check.
"""


FLOW_WIDTH = 96  # `compact`: a mapping of scalars written on one line when it fits in this many characters
LINE_WIDTH = 120  # `compact`: ... and its line, indentation and key included, in this many (the project's line length)
MIN_SHARED = 2  # `compact`: a mapping or list of at least this many lines, written twice or more, is written once


class _Writer:
    """Recipe data -> ruamel nodes; `compact`: short mappings in flow style, repeated ones as YAML aliases.

    A repeated mapping or list (equal values, no REVIEW comment inside) is written where it first
    appears with an anchor named after its key (`&mb`) and as an alias (`*mb`) everywhere else:
    the recipe reads the same data, once.
    """

    def __init__(self, recipe: dict[str, Any], comments: dict[Loc, str], compact: bool, aliases: bool = True) -> None:
        self.comments = comments
        self.compact = compact
        self.counts: dict[str, int] = {}
        self.nodes: dict[str, Any] = {}
        self.anchors: set[str] = set()
        if compact and aliases:
            every: dict[str, int] = {}
            self._count(recipe, every, None)
            self._count(recipe, self.counts, every)

    def _count(self, value: Any, counts: dict[str, int], every: dict[str, int] | None) -> None:
        """Count repeated mappings and lists; with `every` (a first count), not inside one written as an alias."""
        if not isinstance(value, (dict, list)):
            return
        if _size(value) >= MIN_SHARED:
            key = _canon(value)
            counts[key] = counts.get(key, 0) + 1
            if every is not None and every.get(key, 0) >= 2 and counts[key] > 1:
                return  # an alias: what it holds is written where its anchor is
        for child in value.values() if isinstance(value, dict) else value:
            self._count(child, counts, every)

    def node(self, value: Any, loc: Loc) -> Any:
        if not isinstance(value, (dict, list)) or not self.compact or _size(value) < MIN_SHARED:
            return self._build(value, loc)
        key = _canon(value)
        if self.counts.get(key, 0) < 2 or any(k[: len(loc)] == loc and len(k) > len(loc) for k in self.comments):
            return self._build(value, loc)
        if key in self.nodes:
            return self.nodes[key]
        node = self._build(value, loc)
        node.yaml_set_anchor(self._anchor(value, loc), always_dump=True)
        self.nodes[key] = node
        return node

    def _anchor(self, value: Any, loc: Loc) -> str:
        import re

        named = value.get("name") if isinstance(value, dict) else None
        wanted = (
            str(named) if isinstance(named, str) else next((str(k) for k in reversed(loc) if isinstance(k, str)), "v")
        )
        base = re.sub(r"[^A-Za-z0-9_-]+", "_", wanted.split(".")[-1]).strip("_") or "v"
        name, n = base, 2
        while name in self.anchors:
            name, n = f"{base}{n}", n + 1
        self.anchors.add(name)
        return name

    def _build(self, value: Any, loc: Loc) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        comments, compact = self.comments, self.compact
        if isinstance(value, dict):
            node = CommentedMap()
            for key, child in value.items():
                node[key] = self.node(child, (*loc, key))
                if (*loc, key) in comments:
                    node.yaml_add_eol_comment(f"REVIEW: {comments[(*loc, key)]}", key)
            inside = any(k[: len(loc)] == loc and len(k) > len(loc) for k in comments)
            if compact and len(loc) > 1 + (loc[:1] == ("matrix",)) and _short(value, loc) and not inside:
                node.fa.set_flow_style()
            return node
        if isinstance(value, list):
            seq = CommentedSeq(self.node(v, (*loc, i)) for i, v in enumerate(value))
            scalars = all(isinstance(v, (str, int, float, bool)) for v in value) and len(value) <= 8
            mappings = all(isinstance(v, dict) and _short(v) for v in value)
            if scalars or (compact and mappings and _short(value, loc)):
                seq.fa.set_flow_style()
            return seq
        if isinstance(value, str):
            # Olive reads `${...}` as written; in a recipe it names an environment variable (compose/environment.py)
            value = value.replace("${", "$${")
            if "\n" in value or value != value.strip() or "\t" in value:
                return DoubleQuotedScalarString(value)
        return value


def _canon(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str)


def _size(value: Any) -> int:
    """Lines a value takes in block style (flow-style short ones: one)."""
    if _short(value):
        return 1
    if isinstance(value, dict):
        return sum(1 + (_size(v) if isinstance(v, (dict, list)) and v and not _short(v) else 0) for v in value.values())
    if isinstance(value, list):
        return sum(_size(v) for v in value) or 1
    return 1


def block_lines(value: Any) -> int:
    """Lines `key: value` takes in the compact style (a short mapping or list on the key's line)."""
    if not isinstance(value, (dict, list)) or not value or _short(value):
        return 1
    return 1 + _size(value)


def fits_on_a_line(value: Any) -> bool:
    """Tell whether the compact style writes this mapping or list on one line."""
    return _short(value)


def _short(value: Any, loc: Loc | None = None) -> bool:
    """Tell whether a small mapping or list of plain values fits on one line in flow style.

    `loc`: where it is written; its line (indentation and key included) then keeps to LINE_WIDTH.
    """

    def plain(v: Any) -> bool:
        if isinstance(v, str):
            return v == v.strip() and "\n" not in v and "${" not in v and not v.startswith(("'", '"'))
        if isinstance(v, dict):
            return bool(v) and all(plain(x) for x in v.values())
        if isinstance(v, list):
            return all(plain(x) for x in v)
        return isinstance(v, (int, float, bool)) or v is None

    if not value:
        return False
    width = _flow_width(value, FLOW_WIDTH)  # counts no further than FLOW_WIDTH: a big value is refused at once
    return width <= FLOW_WIDTH and plain(value) and (loc is None or _column(loc) + width <= LINE_WIDTH)


def _column(loc: Loc) -> int:
    """Where a value written at `loc` starts on its line (`key: ` after two spaces a mapping level, four a list's)."""
    indent = sum(2 if isinstance(k, str) else 4 for k in loc[:-1])
    return indent + (len(str(loc[-1])) + 2 if loc and isinstance(loc[-1], str) else 2)


_BARE = re.compile(r"[A-Za-z_/][A-Za-z0-9_./+-]*")  # a string YAML writes without quotes in flow style (roughly)
_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}  # YAML reads these as other types


def _flow_width(value: Any, limit: int | None = None) -> int:
    """Return the characters `value` takes in YAML flow style (quotes only where YAML needs them, roughly).

    With `limit`, counting stops once the width passes it (the result is then only known to exceed it):
    the work is bounded by the limit, not by the size of the value.
    """
    import json

    if isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        total = 2 + 2 * max(len(value) - 1, 0)
        for key, item in items:
            if limit is not None and total > limit:
                return total
            if key is not None:
                total += _flow_width(str(key)) + 2
            total += _flow_width(item, None if limit is None else max(limit - total, 0))
        return total
    if isinstance(value, str):
        return len(value) if _BARE.fullmatch(value) and value.lower() not in _WORDS else len(json.dumps(value))
    return len(json.dumps(value))


def recipe_yaml(
    recipe: dict[str, Any],
    comments: dict[Loc, str],
    *,
    source: str,
    generation: str,
    modeline: str = "",
    compact: bool = False,
    aliases: bool = True,
) -> str:
    """Write the recipe as YAML, with REVIEW comments at the keys they concern (`modeline` first).

    `compact`: a short mapping of plain values (and a short list of them) is written on one line, and
    (unless not `aliases`) a repeated one is written once and aliased.
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # `[{a: b}]`, not ruamel's `[a: b]`
    yaml.indent(mapping=2, sequence=4, offset=2)
    doc = _Writer(recipe, comments, compact, aliases).node(recipe, ())
    placed = {text for loc, text in comments.items() if len(loc) == 1 and loc[0] in recipe}
    top_level = sorted({text for loc, text in comments.items() if len(loc) == 1 and loc[0] not in recipe} - placed)
    stream = io.StringIO()
    yaml.dump(doc, stream)
    header = HEADER.format(modeline=modeline, source=source, generation=generation)
    header += "".join(f"# REVIEW: {text}\n" for text in top_level)
    return header + stream.getvalue()


def name_from_config(recipe: dict[str, Any], config: Path, output: Path | None) -> None:
    """Write `name:` from the config's file name where the recipe's file name would not give the same id.

    A recipe without `name:` is named by its file name up to the first dot; `v0.9.2@bert.json` would
    become `v0`, and `team@v1.json` no workflow id at all.
    """
    import re

    from olivegen.compose.secrets import NAME

    if "name" in recipe:
        return
    wanted = re.sub(r"[^A-Za-z0-9_.-]+", "-", config.stem).strip(".-")[:64].rstrip(".-")
    default = (output or config.with_suffix(".yaml")).name.split(".")[0]
    if wanted and NAME.match(wanted) and (wanted != default or not NAME.match(default)):
        rest = dict(recipe)
        recipe.clear()
        recipe.update({"name": wanted, **rest})  # first in the recipe, where a reader looks for it
