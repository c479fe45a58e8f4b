"""Typed values from text written outside a YAML file: `--set` values and `${VAR}` results."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_BOOL = {"true": True, "false": False}


def yaml_value(text: str) -> Any:
    """Read `text` as one YAML value, as if written after `key: ` in a recipe.

    `16` is an int, `true` a bool, `[a, b]` a list, `~` or nothing null, and
    anything else the text itself. Raise ValueError when the text is not
    valid YAML (e.g. an unclosed `[`).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if not text.strip():
        return None
    try:
        value = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise ValueError(" ".join(str(getattr(exc, "problem", None) or exc).split())) from None
    return _plain(value)


def env_value(text: str) -> Any:
    """Type the result of a `${VAR}` that is a whole value: a number or a boolean, else the text."""
    word = text.strip()
    if _INT.fullmatch(word):
        return int(word)
    if _FLOAT.fullmatch(word):
        return float(word)
    return _BOOL.get(word.lower(), text)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return value
