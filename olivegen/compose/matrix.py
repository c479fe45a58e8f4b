"""`matrix:` expands one recipe into variants, one per combination of axis values.

```yaml
matrix:
  target:                           # an axis
    cpu-int4:                       # a value: the changes it makes, by --set paths
      target: cpu
      passes.builder.precision: int4
    cuda-fp16: {target: cuda, passes.builder.precision: fp16}
  exclude:
    - {target: cuda-fp16}           # drops every combination with these values
```

A variant is named by its values joined with `-` in axis order (`cpu-int4`).
Its workflow name is `<name>-<variant>`; its output folder is `engine.output_dir`
with `{variant}` filled in, or with `/<variant>` appended when the folder names
neither `{name}` nor `{variant}`.
"""

from __future__ import annotations

import copy
import fnmatch
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from olivegen.compose.overrides import Assignment, apply_all
from olivegen.compose.tree import copied, raise_if, subtree
from olivegen.errors import Diagnostic, Position, RecipeError
from olivegen.knowledge.catalog import suggest
from olivegen.source.document import SourceMap

MAX_VARIANTS = 256
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Variant:
    """One combination of matrix values."""

    values: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        """Return the variant's name: its values joined with `-`."""
        return "-".join(v for _, v in self.values)

    def label(self) -> str:
        """Return the combination as `axis=value, ...`, for messages."""
        return ", ".join(f"{a}={v}" for a, v in self.values)


@dataclass(frozen=True)
class Matrix:
    """A recipe's `matrix:` block and where it was written (positions relative to the block)."""

    data: Any
    where: SourceMap
    at: Position

    def axes(self) -> dict[str, dict[str, Any]]:
        """Return axis -> value name -> changes, checked."""
        return _check_axes(self.data, self.where, self.at)

    def variants(self, only: Sequence[str] | None = None) -> list[Variant]:
        """Return every combination not excluded (all, or the ones named in `only`), in axis order."""
        axes = self.axes()
        count = math.prod(len(v) for v in axes.values())  # counted before any is built
        if count > MAX_VARIANTS:
            raise RecipeError.single(
                f"the matrix has {count} combinations, more than {MAX_VARIANTS}",
                self.at,
                "split the recipe or exclude combinations",
                rule="matrix",
            )
        combos = [
            tuple(zip(axes, values, strict=True))
            for values in itertools.product(*(list(v) for v in axes.values()))
        ]
        rules = _excludes(self.data.get("exclude", []), self.where, axes)
        kept = [
            Variant(c) for c in combos if not any(all(dict(c)[a] == v for a, v in r.items()) for r in rules)
        ]
        if not kept:
            raise RecipeError.single(
                "`exclude` drops every combination of the matrix", self.at, rule="matrix"
            )
        _unique_names(kept, self.at)
        if only:
            chosen = {name for pattern in only for name in _matching(pattern, [v.name for v in kept], self.at)}
            kept = [v for v in kept if v.name in chosen]
        return kept

    def apply(
        self, variant: Variant, data: dict[str, Any], where: SourceMap, stem: str
    ) -> tuple[Any, SourceMap]:
        """Return copies of the recipe data and positions with the variant's changes laid on them."""
        data, where = copy.deepcopy(data), copied(where)
        jobs = []
        for axis, value in variant.values:
            cell = self.data[axis][value] or {}
            for path, change in cell.items():
                at = self.where.lookup((axis, value, path))
                parts = tuple(path.split("."))
                jobs.append(
                    Assignment(
                        parts,
                        change,
                        subtree(self.where, (axis, value, path)),
                        (at,) * len(parts),
                        f"matrix {axis}.{value}",
                    )
                )
        raise_if(apply_all(data, where, jobs))
        base = data.get("name") if isinstance(data.get("name"), str) else stem
        data["name"] = f"{base}-{variant.name}"
        where.values.setdefault(("name",), self.at)
        engine = data.get("engine")
        if isinstance(engine, dict):
            out = engine.get("output_dir")
            if isinstance(out, str):
                named = "{name}" in out or "{variant}" in out
                engine["output_dir"] = out.replace("{variant}", variant.name) + (
                    "" if named else f"/{variant.name}"
                )
            if isinstance(engine.get("cache_dir"), str):
                engine["cache_dir"] = engine["cache_dir"].replace("{variant}", variant.name)
        return data, where


def _check_axes(block: Any, where: SourceMap, at: Position) -> dict[str, dict[str, Any]]:
    problems: list[Diagnostic] = []

    def bad(message: str, loc: tuple[str | int, ...], hint: str | None = None) -> None:
        problems.append(
            Diagnostic(message, where.lookup(loc, prefer_value=True) if loc else at, hint, "matrix")
        )

    if not isinstance(block, dict):
        bad("`matrix` maps axis names to their values", (), "see docs/matrix.md")
        raise_if(problems)
    axes = {k: v for k, v in block.items() if k != "exclude"}
    if not axes:
        bad("the matrix has no axis", (), "add an axis, e.g. `target:` with one entry per value")
    for axis, values in axes.items():
        if not isinstance(values, dict) or not values:
            bad(f"axis {axis!r} needs a mapping of value names to their changes", (axis,))
            continue
        for value, cell in values.items():
            if not _NAME.match(value):
                bad(
                    f"matrix value {value!r} cannot name a variant",
                    (axis, value),
                    "use letters, digits, _ . -",
                )
            if cell is not None and not isinstance(cell, dict):
                bad(
                    f"matrix value {value!r} must map --set paths to values",
                    (axis, value),
                    "e.g. `passes.builder.precision: int4`",
                )
    raise_if(problems)
    return axes


def _excludes(rules: Any, where: SourceMap, axes: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    problems: list[Diagnostic] = []
    if not isinstance(rules, list):
        rules = [rules]
    out = []
    for i, rule in enumerate(rules):
        loc: tuple[str | int, ...] = ("exclude", i)
        if not isinstance(rule, dict) or not rule:
            problems.append(
                Diagnostic("an `exclude` entry maps axes to values", where.lookup(loc), rule="matrix")
            )
            continue
        for axis, value in rule.items():
            if axis not in axes:
                hint = suggest(axis, list(axes)) or "axes: " + ", ".join(axes)
                problems.append(
                    Diagnostic(f"no matrix axis {axis!r}", where.lookup((*loc, axis)), hint, "matrix")
                )
            elif str(value) not in axes[axis]:
                hint = suggest(str(value), list(axes[axis])) or "values: " + ", ".join(axes[axis])
                problems.append(
                    Diagnostic(
                        f"axis {axis!r} has no value {value!r}",
                        where.lookup((*loc, axis), prefer_value=True),
                        hint,
                        "matrix",
                    )
                )
        out.append({str(a): str(v) for a, v in rule.items()})
    raise_if(problems)
    return out


def _unique_names(variants: list[Variant], at: Position) -> None:
    seen: dict[str, Variant] = {}
    for variant in variants:
        other = seen.setdefault(variant.name, variant)
        if other is not variant:
            raise RecipeError.single(
                f"combinations ({other.label()}) and ({variant.label()}) are both named {variant.name!r}",
                at,
                "rename a matrix value",
                rule="matrix",
            )


def label(per_variant: Sequence[tuple[Variant, Sequence[Diagnostic]]]) -> list[list[Diagnostic]]:
    """Name the combination in each variant's diagnostics.

    A diagnostic found in every variant (of several) is a problem of the shared
    recipe: it is kept once, unnamed, with the first variant.
    """
    from dataclasses import replace

    everywhere = (
        set.intersection(*(set(found) for _, found in per_variant)) if len(per_variant) > 1 else set()
    )
    shared: set[Diagnostic] = set()
    out: list[list[Diagnostic]] = []
    for variant, found in per_variant:
        mine = []
        for diag in found:
            if diag not in everywhere:
                mine.append(replace(diag, message=f"[{variant.label()}] {diag.message}"))
            elif diag not in shared:
                shared.add(diag)
                mine.append(diag)
        out.append(mine)
    return out


def _matching(pattern: str, names: list[str], at: Any) -> list[str]:
    """Return the variant names a `--variant` value picks: the one it names, or those its glob matches."""
    if pattern in names:
        return [pattern]
    matched = [name for name in names if fnmatch.fnmatchcase(name, pattern)]
    if matched:
        return matched
    hint = suggest(pattern, names) or "variants: " + ", ".join(names)
    glob = any(c in pattern for c in "*?[")
    what = f"no variant of the matrix matches {pattern!r}" if glob else f"the matrix has no variant {pattern!r}"
    raise RecipeError.single(what, at, hint, rule="matrix")
