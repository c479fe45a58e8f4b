"""Options several commands share: `--set` overrides, `--variant` selection, and where `-o` puts variants."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

_SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")

if TYPE_CHECKING:
    from olivegen.api import Compiled


def add_outside(parser: Any) -> None:
    """Add `--allow-extends-outside` to a command that compiles recipes."""
    parser.add_argument(
        "--allow-extends-outside",
        dest="outside",
        action="store_true",
        help="trust `extends` bases (and a recipe link) outside the recipe's repository (see docs/security.md)",
    )


def add_olive_version(parser: Any, what: str) -> None:
    """Add `--olive-version GEN` to a command that compiles recipes."""
    from olivegen.knowledge.catalog import (
        GENERATIONS,
        INSTALLED_GENERATION,
        MAIN_GENERATION,
        OLIVE_GENERATION,
        RELEASE_TAG_OF_GENERATION,
    )

    releases = [g for g in RELEASE_TAG_OF_GENERATION if g != MAIN_GENERATION]
    parser.add_argument(
        "--olive-version",
        choices=list(GENERATIONS),
        help=f"Olive release to {what} (default: the recipe's `olive:`); {', '.join(releases)} and {MAIN_GENERATION}"
        f" (Olive's main branch): {OLIVE_GENERATION}'s format, checked against that release's own passes and"
        f" parameters; {INSTALLED_GENERATION}: the installed olive-ai's own pass registry",
    )


def add_set(parser: Any) -> None:
    """Add `--set PATH=VALUE` (repeatable) to a command."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="change one value, e.g. --set passes.lora.r=16 (repeatable; the value is read as YAML)",
    )


def add_variant(parser: Any) -> None:
    """Add `--variant NAME` (repeatable) to a command."""
    parser.add_argument(
        "--variant",
        dest="variants",
        action="append",
        default=None,
        metavar="NAME",
        help="only this variant of a matrix recipe, or the variants a glob such as 'cpu-*' matches (repeatable)",
    )


def outputs(output: str | None, compiled: Sequence[Compiled]) -> list[Path | None]:
    """Decide where each compiled config goes; None is stdout. Raise ValueError for a usage mistake.

    `-o` may hold `{variant}` (the variant; for a recipe without a matrix, its
    workflow id) and `{name}` (the workflow id); a folder (existing,
    or written with a trailing `/`) receives `<variant>.json` per config of a
    matrix (`<workflow id>.json` for a recipe without one): `-o DIR/` is
    `-o 'DIR/{variant}.json'`. A plain `-o FILE` takes exactly one config.
    """
    if output == "-":  # the usual spelling of stdout
        output = None
    if output is None:
        if len(compiled) > 1:
            names = ", ".join(str(c.variant) for c in compiled)
            raise ValueError(
                f"the recipe renders {len(compiled)} configs ({names});"
                " give -o DIR/ or -o 'out/{variant}.json'"
            )
        return [None]
    text = output
    if "{variant}" in text or "{name}" in text:
        paths = [
            Path(text.replace("{variant}", c.variant or _name(c)).replace("{name}", _name(c)))
            for c in compiled
        ]
        if len(set(paths)) != len(paths):
            raise ValueError(f"-o {text} gives several configs the same file; use {{variant}} or {{name}}")
        return list(paths)
    if Path(text).is_dir() or text.endswith(("/", "\\")):
        return [Path(text) / f"{_file_stem(c)}.json" for c in compiled]
    if len(compiled) > 1:
        raise ValueError(
            f"-o {text} is one file but the recipe renders {len(compiled)} configs; give -o DIR/"
        )
    return [Path(text)]


def _file_stem(compiled: Compiled) -> str:
    """Return the file name of a config in a folder: its variant (letters, digits, `_ . -`), else the workflow id."""
    if compiled.variant and _SAFE.match(compiled.variant):
        return compiled.variant
    return _name(compiled)


def _name(compiled: Compiled) -> str:
    """Return the workflow id as one file name: it can never climb out of the folder `-o` names."""
    name = str(compiled.config.get("workflow_id") or compiled.path.stem)
    if not _SAFE.match(name):
        raise ValueError(f"the workflow id {name!r} cannot be a file name; set `name:` in the recipe")
    return name
