"""`extends:` - a recipe built on one or more base recipes, several levels deep.

`extends: base.yaml` or `extends: [a.yaml, b.yaml]`, relative to the file that
writes it. Bases are merged left to right, then the recipe itself on top (see
`tree.py` for the merge rules). Each file's `${VAR}` references are filled in
first, and a base in another folder has its relative paths rebased first
(`paths.py`), so every value keeps the meaning and the position it had where
it was written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from olivegen.compose.environment import interpolate
from olivegen.compose.rebase import rebase
from olivegen.compose.tree import drop, merge, raise_if
from olivegen.errors import Diagnostic, RecipeError
from olivegen.source.document import SourceMap
from olivegen.source.files import read_text
from olivegen.source.yaml_rt import parse

MAX_LEVELS = 16
Layer = tuple[dict[str, Any], SourceMap]


def load(
    path: Path,
    display: str,
    env: Mapping[str, str],
    *,
    root: Path,
    chain: tuple[tuple[str, Path], ...] = (),
    texts: Mapping[Path, str] | None = None,
) -> Layer:
    """Read one recipe file and everything it extends; return the merged data and positions.

    `root` is the folder of the recipe being compiled; `chain` the files that led here. `texts` (by
    resolved path) stands in for files on disk, e.g. an editor's unsaved buffers.
    """
    text = texts.get(path.resolve()) if texts else None
    source = parse(read_text(path, display) if text is None else text, display)
    data, problems = interpolate(source.data, source.where, env)
    where = source.where
    raise_if(problems)
    refs = [
        (ref, where.lookup(loc, prefer_value=True)) for ref, loc in _refs(data.pop("extends", None), where)
    ]
    drop(where, ("extends",))
    chain = (*chain, (display, path.resolve()))
    if len(chain) > 1 and "matrix" in data:
        raise RecipeError.single(
            "a base recipe cannot have a matrix",
            where.lookup(("matrix",)),
            "move `matrix:` into the recipe you render",
            rule="extends",
        )
    folder = path.resolve().parent
    if folder != root:
        rebase(data, folder)
    merged: Layer = ({}, SourceMap(display))
    errors: list[Diagnostic] = []
    for ref, at in refs:
        base = Path(ref).expanduser()
        base = base if base.is_absolute() else folder / base
        base_display = os.path.normpath(os.path.join(os.path.dirname(display), ref))
        trail = " -> ".join([d for d, _ in chain] + [base_display])
        if any(_same(base, seen) for _, seen in chain):
            errors.append(
                Diagnostic(f"extends cycle: {trail}", at, "a recipe cannot extend itself", "extends")
            )
        elif len(chain) >= MAX_LEVELS:
            errors.append(
                Diagnostic(f"more than {MAX_LEVELS} levels of extends: {trail}", at, rule="extends")
            )
        elif not base.is_file():
            hint = f"chain: {trail} (a base is found relative to the file that extends it)"
            errors.append(Diagnostic(f"base recipe {ref!r} not found", at, hint, "extends"))
        else:
            try:
                layer = load(base, base_display, env, root=root, chain=chain, texts=texts)
            except RecipeError as exc:
                errors.extend(exc.diagnostics)
            else:
                merged = merge(*merged, *layer)
    raise_if(errors)
    return merge(*merged, data, where)


def _refs(value: Any, where: SourceMap) -> list[tuple[str, tuple[str | int, ...]]]:
    if value is None:
        return []
    if isinstance(value, str) and value.strip():
        return [(value, ("extends",))]
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return [(v, ("extends", i)) for i, v in enumerate(value)]
    raise RecipeError.single(
        "`extends` takes a recipe file name or a list of them",
        where.lookup(("extends",), prefer_value=True),
        "e.g. `extends: ../base.yaml`",
        rule="extends",
    )


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b
    except OSError:
        return False
