"""Typed values from text written outside a YAML file: `--set` values and `${VAR}` results."""

from __future__ import annotations

import re
from typing import Any

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_BOOL = {"true": True, "false": False}


def yaml_value(text: str) -> Any:
    """Read `text` as one YAML value, as if written after `key: ` in a recipe.

    `16` is an int, `true` a bool, `[a, b]` a list, `~` or nothing null, and
    anything else the text itself. The recipe's limits apply (size, nesting,
    aliases, merge keys; no tags outside YAML's core schema). Raise ValueError
    when the text is not a valid value (e.g. an unclosed `[`), saying why.
    """
    from olivegen.errors import RecipeError
    from olivegen.source.yaml_rt import parse_value

    if not text.strip():
        return None
    try:
        return parse_value(text, "--set")
    except RecipeError as exc:
        message = exc.diagnostics[0].message
        raise ValueError(message.removeprefix("invalid YAML: ")) from None


def env_value(text: str) -> Any:
    """Type the result of a `${VAR}` that is a whole value: a number or a boolean, else the text."""
    word = text.strip()
    if _INT.fullmatch(word):
        return int(word)
    if _FLOAT.fullmatch(word):
        return float(word)
    return _BOOL.get(word.lower(), text)
