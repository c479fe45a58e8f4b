"""`extends:` - a recipe built on one or more base recipes, several levels deep.

`extends: base.yaml` or `extends: [a.yaml, b.yaml]`, relative to the file that
writes it. Bases are merged left to right, then the recipe itself on top (see
`tree.py` for the merge rules). Each file's `${VAR}` references are filled in
first, and a base in another folder has its relative paths rebased first
(`paths.py`), so every value keeps the meaning and the position it had where
it was written.

A base is untrusted input like the recipe: it must be a `.yaml`/`.yml` file
inside the recipe's repository (its git work tree, else its folder), with
every link followed, unless `--allow-extends-outside` trusts other places;
so `extends: /etc/passwd` or `~/.git-credentials` is refused before it is
read, and no line of such a file reaches a diagnostic. Each file is read and
composed once however many recipes extend it (a diamond costs one load), and
at most MAX_FILES files, of MAX_TOTAL_BYTES in all, are read: the `extends`
entry whose base crosses that budget is refused before the base is parsed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from olivegen.compose.environment import interpolate
from olivegen.compose.rebase import rebase
from olivegen.compose.tree import drop, merge, raise_if
from olivegen.errors import Diagnostic, Position, RecipeError
from olivegen.source.document import SourceMap
from olivegen.source.files import read_text
from olivegen.source.paths import within
from olivegen.source.yaml_rt import parse

MAX_LEVELS = 16
MAX_FILES = 64
MAX_REF = 1024  # characters in one `extends` entry
MAX_TOTAL_BYTES = 8 * 1024 * 1024  # the recipe and all its bases (each file may hold 2 MiB: source/document.py)
SUFFIXES = (".yaml", ".yml")
Layer = tuple[dict[str, Any], SourceMap]


@dataclass
class Loader:
    """What one composition shares across files: its limits, the trusted root, and each file loaded once."""

    env: Mapping[str, str]
    root: Path  # the folder of the recipe being compiled (relative paths of bases are rebased onto it)
    trusted: Path  # bases must lie in here
    outside: bool = False  # --allow-extends-outside
    done: dict[Path, Layer | RecipeError] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    total: int = 0  # bytes of every file read so far
    texts: Mapping[Path, str] | None = None  # by resolved path: text read instead of the file (editor buffers)


def load(
    path: Path,
    display: str,
    env: Mapping[str, str],
    *,
    root: Path,
    trusted: Path | None = None,
    outside: bool = False,
    texts: Mapping[Path, str] | None = None,
) -> tuple[Layer, list[Path]]:
    """Read one recipe file and everything it extends; return the merged data and positions, and the files read.

    `texts` (by resolved path) stands in for files on disk, e.g. an editor's unsaved buffers.
    """
    loader = Loader(env, root, trusted or root, outside, texts=texts)
    layer = _load(loader, path, display, ())
    return layer, loader.files


def _load(
    loader: Loader, path: Path, display: str, chain: tuple[tuple[str, Path], ...], at: Position | None = None
) -> Layer:
    loader.files.append(path)
    text = loader.texts.get(Path(os.path.realpath(path))) if loader.texts else None
    text = read_text(path, display) if text is None else text
    loader.total += len(text.encode("utf-8", "surrogatepass"))
    if at is not None and loader.total > MAX_TOTAL_BYTES:  # before the parse, which is what costs the time
        raise RecipeError.single(
            f"the recipe and its bases hold more than {MAX_TOTAL_BYTES // 2**20} MiB in all"
            f" ({len(loader.files)} files read); this base crosses it",
            at,
            "merge or shrink the bases: composition reads at most 8 MiB for one recipe",
            rule="extends",
        )
    source = parse(text, display)
    data, problems = interpolate(source.data, source.where, loader.env)
    where = source.where
    raise_if(problems)
    refs = [(ref, where.lookup(loc, prefer_value=True)) for ref, loc in _refs(data.pop("extends", None), where)]
    drop(where, ("extends",))
    real = Path(os.path.realpath(path))
    chain = (*chain, (display, real))
    if len(chain) > 1 and "matrix" in data:
        raise RecipeError.single(
            "a base recipe cannot have a matrix",
            where.lookup(("matrix",)),
            "move `matrix:` into the recipe you render",
            rule="extends",
        )
    folder = real.parent
    if folder != loader.root:
        rebase(data, folder)
    merged: Layer = ({}, SourceMap(display))
    errors: list[Diagnostic] = []
    for ref, at in refs:
        try:
            layer = _base(loader, ref, at, folder, display, chain)
        except RecipeError as exc:
            errors.extend(d for d in exc.diagnostics if d not in errors)
        else:
            if layer is not None:
                merged = merge(*merged, *layer)
    raise_if(errors)
    # a matrix cell's `$delete` removes a key of its variant: laid by the matrix, not by this merge
    matrix = {"matrix": data.pop("matrix")} if "matrix" in data else {}
    out, out_where = merge(*merged, data, where)
    return {**out, **matrix}, out_where


def _base(
    loader: Loader, ref: str, at: Position, folder: Path, display: str, chain: tuple[tuple[str, Path], ...]
) -> Layer | None:
    """Load one base (once per file); None when it was loaded before and failed (already reported)."""

    def fail(message: str, hint: str | None = None) -> RecipeError:
        return RecipeError.single(message, at, hint, "extends")

    problem = _bad_ref(ref)
    if problem:
        raise fail(f"`extends` entry {problem}", "name a .yaml file, relative to the file that extends it")
    base = Path(ref).expanduser()
    base = base if base.is_absolute() else folder / base
    base_display = os.path.normpath(os.path.join(os.path.dirname(display), ref))
    trail = " -> ".join([d for d, _ in chain] + [base_display])
    real = Path(os.path.realpath(base))
    if any(real == seen for _, seen in chain):
        raise fail(f"extends cycle: {trail}", "a recipe cannot extend itself")
    if len(chain) >= MAX_LEVELS:
        raise fail(f"more than {MAX_LEVELS} levels of extends: {trail}")
    if real in loader.done:
        done = loader.done[real]
        return None if isinstance(done, RecipeError) else done
    if not base.name.lower().endswith(SUFFIXES):
        raise fail(f"base recipe {ref!r} is not a .yaml file", "a base is a recipe: a .yaml or .yml file")
    if not loader.outside and not within(base, loader.trusted):
        raise fail(
            f"base recipe {ref!r} is outside the recipe's repository ({loader.trusted})",
            "move the base into the repository, or pass --allow-extends-outside to trust it",
        )
    try:
        exists = base.is_file()
    except OSError:  # a link loop, a name too long
        exists = False
    if not exists:
        hint = f"chain: {trail} (a base is found relative to the file that extends it)"
        raise fail(f"base recipe {ref!r} not found", hint)
    if len(loader.done) >= MAX_FILES:
        raise fail(f"the recipe extends more than {MAX_FILES} files", "merge some bases")
    if loader.total > MAX_TOTAL_BYTES:  # the entry that crossed the budget is reported; read nothing more
        return None
    try:
        layer = _load(loader, base, base_display, chain, at)
    except RecipeError as exc:
        loader.done[real] = exc
        raise
    loader.done[real] = layer
    return layer


def _bad_ref(ref: str) -> str | None:
    if "\0" in ref:
        return "holds a NUL byte"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in ref):
        return "holds a control character"
    if len(ref) > MAX_REF:
        return f"is longer than {MAX_REF} characters"
    return None


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
