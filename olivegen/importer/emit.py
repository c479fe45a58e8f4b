"""Recipe data -> commented YAML text."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from olivegen.source.document import Loc

HEADER = """\
{modeline}# Imported by `olivegen import` from {source} (Olive config format {generation}).
# Comments marked REVIEW are choices a human should check.
"""


FLOW_WIDTH = 72  # `compact`: a mapping of scalars written on one line when it fits in this many characters


def _node(value: Any, loc: Loc, comments: dict[Loc, str], compact: bool = False) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, dict):
        node = CommentedMap()
        for key, child in value.items():
            node[key] = _node(child, (*loc, key), comments, compact)
            if (*loc, key) in comments:
                node.yaml_add_eol_comment(f"REVIEW: {comments[(*loc, key)]}", key)
        if compact and len(loc) > 1 + (loc[:1] == ("matrix",)) and _short(value) and not any(k[: len(loc)] == loc and len(k) > len(loc) for k in comments):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_node(v, (*loc, i), comments, compact) for i, v in enumerate(value))
        scalars = all(isinstance(v, (str, int, float, bool)) for v in value) and len(value) <= 8
        if scalars or (compact and all(isinstance(v, dict) and _short(v) for v in value) and _short(value)):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        # Olive reads `${...}` as written; in a recipe it names an environment variable (compose/environment.py)
        value = value.replace("${", "$${")
        if "\n" in value or value != value.strip() or "\t" in value:
            return DoubleQuotedScalarString(value)
    return value


def _short(value: Any) -> bool:
    """Tell whether a small mapping or list of plain values fits on one line in flow style."""
    import json

    def plain(v: Any) -> bool:
        if isinstance(v, str):
            return v == v.strip() and "\n" not in v and "${" not in v and not v.startswith(("'", '"'))
        if isinstance(v, dict):
            return bool(v) and all(plain(x) for x in v.values())
        if isinstance(v, list):
            return all(plain(x) for x in v)
        return isinstance(v, (int, float, bool)) or v is None
    if not value or not plain(value):
        return False
    return len(json.dumps(value, separators=(", ", ": "))) <= FLOW_WIDTH


def recipe_yaml(
    recipe: dict[str, Any],
    comments: dict[Loc, str],
    *,
    source: str,
    generation: str,
    modeline: str = "",
    compact: bool = False,
) -> str:
    """Write the recipe as YAML, with REVIEW comments at the keys they concern (`modeline` first).

    `compact`: a short mapping of plain values (and a short list of them) is written on one line.
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    doc = _node(recipe, (), comments, compact)
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
