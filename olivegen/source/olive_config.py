"""Reading an existing Olive config (JSON) for `import` and `diff`, with positions when possible."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from olivegen.errors import Position, RecipeError
from olivegen.source.document import SourceMap
from olivegen.source.files import read_text
from olivegen.source.nesting import check_nesting
from olivegen.source.paths import repository_root, within
from olivegen.source.yaml_rt import parse, refuse_surrogates


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen.add(key)
    return dict(pairs)


class _Duplicate(Exception):
    """A JSON object names one key twice (Python's json keeps the last one without a word)."""


def _duplicate_error(key: str, text: str, path: Path, found: RecipeError | None) -> RecipeError:
    """Say which key is written twice, at the second one (where the YAML reader stopped)."""
    if found is None:
        try:
            parse(text, str(path))
        except RecipeError as exc:
            found = exc
    first = found.diagnostics[0] if found else None
    at = first.at if first and first.at and "duplicate key" in first.message else None
    return RecipeError.single(
        f"key {json.dumps(key)} is written twice in one object: Olive reads only the last one",
        at or Position(str(path), 1, 1),
        "remove one of them, or merge the two",
        rule="duplicate-key",
    )


def _from_json(text: str, path: Path, found: RecipeError | None = None) -> dict[str, Any]:
    check_nesting(text, str(path), "config")  # before the recursive JSON parser: a 100,000-deep array is an error
    try:
        data = json.loads(text, object_pairs_hook=_unique)
    except _Duplicate as exc:
        raise _duplicate_error(str(exc), text, path, found) from None
    except RecursionError:
        raise RecipeError.single("the JSON is nested too deeply to read", Position(str(path), 1, 1)) from None
    except json.JSONDecodeError as exc:
        if found is not None and path.suffix.lower() in (".yaml", ".yml"):
            raise found from None  # an Olive config in YAML: the YAML reader's finding
        raise RecipeError.single(f"not a JSON config: {exc.msg}", Position(str(path), exc.lineno, exc.colno)) from None
    except ValueError:  # Python reads at most 4,300 digits into an int (sys.get_int_max_str_digits)
        raise huge_number(text, str(path)) or RecipeError.single(
            "a number in the config cannot be read", Position(str(path), 1, 1), rule="invalid-value"
        ) from None
    if not isinstance(data, dict):
        raise RecipeError.single("an Olive config is a JSON object", Position(str(path), 1, 1))
    refuse_surrogates(data, text, SourceMap(str(path)))
    return data


def huge_number(text: str, display: str) -> RecipeError | None:
    """Return the error for the first integer longer than Python reads (4,300 digits), at its position; or None."""
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    if not limit:
        return None
    match = re.search(rf"(?<![0-9])[0-9]{{{limit + 1},}}", text)
    if match is None:
        return None
    start = match.start()
    line, col = text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
    return RecipeError.single(
        f"a number of {len(match.group()):,} digits: more than the {limit:,} digits an integer may have here",
        Position(display, line, col),
        "no Olive setting takes such a number: write a smaller one (or a string, in quotes)",
        rule="invalid-value",
    )


def _read(path: Path) -> str:
    """Read a config named on the command line: never through a link that leaves its repository."""
    if not within(path, repository_root(path)):  # the file, or a folder on its way, links out
        raise RecipeError.single(
            "the config is a link to a file outside its repository", Position(str(path), 1, 1), "pass the file itself"
        )
    return read_text(path, str(path), what="config")


def load_config_json(path: Path) -> dict[str, Any]:
    """Read a rendered config; a problem is a RecipeError at the file's line and column."""
    return _from_json(_read(path), path)


def load_config_with_positions(path: Path) -> tuple[dict[str, Any], SourceMap | None]:
    """Read a config with the position of every key (JSON is YAML), or without them when YAML balks."""
    text = _read(path)
    try:
        source = parse(text, str(path))
    except RecipeError as exc:  # not YAML (JSON YAML cannot read), or a key written twice
        if "integer string conversion" in str(exc):  # the YAML reader met a number longer than Python reads
            exc = huge_number(text, str(path)) or exc
        return _from_json(text, path, exc), None
    if not isinstance(source.data, dict):
        raise RecipeError.single("an Olive config is a JSON object", Position(str(path), 1, 1))
    return source.data, source.where
