"""Values a JSON config cannot hold: Olive reads JSON, and YAML can say more than JSON."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic, Severity
from olivegen.source.document import Loc
from olivegen.source.placeholders import is_placeholder

_SURROGATE = re.compile("[\ud800-\udfff]")


def _leaves(value: Any, loc: Loc) -> Iterator[tuple[Loc, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _SURROGATE.search(key):
                yield (*loc, key), key
            yield from _leaves(item, (*loc, key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _leaves(item, (*loc, i))
    else:
        yield loc, value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@rule("non-json-value")
def non_json_value(scope: Scope) -> Iterator[Diagnostic]:
    """Every value must fit in Olive's JSON config: no .inf/.nan (or 1e400), no text with unpaired surrogates."""
    for loc, value in _leaves(scope.dumped, ()):
        if isinstance(value, float) and not math.isfinite(value):
            yield scope.error(
                "non-json-value",
                f"{value!r} is not a number Olive's JSON config can hold",
                loc,
                "write a finite number: JSON has no .inf or .nan, and 1e400 overflows to inf",
            )
        elif isinstance(value, str) and _SURROGATE.search(value):
            yield scope.error(
                "non-json-value",
                f"{_show(value)} holds an unpaired surrogate escape, which is not Unicode text",
                loc,
                "remove the \\ud800-\\udfff escape, or write the character itself",
            )


@rule("placeholder", Severity.WARNING)
def placeholder(scope: Scope) -> Iterator[Diagnostic]:
    """A template's blank left in (`<place_holder>`, `<<str: model_path>>`): Olive would use it as written."""
    for loc, value in _leaves(scope.dumped, ()):
        if is_placeholder(value):
            yield scope.warning(
                "placeholder",
                f"{_show(value)} is a template's blank, not filled in: Olive would use it as written",
                loc,
                "fill it in (the script that ships with a template config does) before `olive run`",
            )
