"""Composition: between YAML parsing and model validation, one recipe built from several sources.

`extends:` bases, `${VAR}` from the environment, `--set` overrides and `matrix:`
cells all end up as plain recipe data plus a SourceMap whose positions point
at the file (or the `--set` text) that wrote each value. Every later stage -
models, semantic checks, rendering - sees an ordinary recipe.

Order: each file's `${VAR}` are filled in; bases are merged under the recipe;
then a matrix cell's changes; then `--set` overrides (the command line wins);
last, the guard against literal secrets and stray `$delete`: the one scan of each composed
recipe for credentials (the rendered config gets one more, in `api`, for what paths bring in).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from olivegen.compose.extends import load
from olivegen.compose.matrix import Matrix, Variant, label
from olivegen.compose.overrides import Assignment, apply_all, parse_override
from olivegen.compose.secrets import check_stem, find_secrets
from olivegen.compose.tree import DELETE, copied, drop, raise_if, stray_deletes, subtree
from olivegen.errors import Diagnostic, Position, RecipeError
from olivegen.source.document import Source, SourceMap
from olivegen.source.paths import repository_root, within

__all__ = ["DELETE", "Composed", "Matrix", "Variant", "compose", "label", "parse_overrides"]


@dataclass(frozen=True)
class Composed:
    """A recipe with its bases merged and its environment filled in; the matrix still folded."""

    data: dict[str, Any]
    where: SourceMap
    matrix: Matrix | None
    stem: str
    files: tuple[Path, ...] = ()  # the recipe and every base it extends, as read

    def source(self, overrides: Sequence[Assignment] = (), variant: Variant | None = None) -> Source:
        """Return the recipe for one variant (None: a recipe without a matrix) with overrides applied."""
        if variant is not None:
            assert self.matrix is not None
            data, where = self.matrix.apply(variant, self.data, self.where, self.stem)
        else:
            data, where = copy.deepcopy(self.data), copied(self.where)
        raise_if(apply_all(data, where, overrides))
        # the one scan of the composed input: a matrix cell's values and its name (in `name`) included
        raise_if(find_secrets(data, where) + stray_deletes(data, where))
        if data.get("name") is None:
            raise_if(check_stem(self.stem, where))
        return Source(data, where, "")


OLIVE_SECTIONS = ("input_model", "data_configs", "evaluators", "systems", "workflow_id")


def _refuse_olive_config(data: dict[str, Any], where: SourceMap, shown: str) -> None:
    """Refuse an Olive config given where a recipe is expected: one error that says so, not one per key."""
    found = [key for key in OLIVE_SECTIONS if key in data]
    if found and "model" not in data:
        raise RecipeError.single(
            f"this is an Olive config (it has `{found[0]}:`), not an olivegen recipe",
            where.lookup((found[0],)),
            f"check it as it is with `olivegen validate {shown}`, or make a recipe of it with"
            f" `olivegen import {shown} -o recipe.yaml`",
            rule="recipe",
        )


def compose(
    path: Path,
    display: str,
    env: Mapping[str, str] | None = None,
    *,
    outside: bool = False,
    texts: Mapping[Path, str] | None = None,
) -> Composed:
    """Read a recipe file with everything it extends, `${VAR}` filled in from `env` (default: os.environ).

    `outside`: trust bases (and a recipe that is a link) outside the recipe's repository. `texts`
    maps resolved paths to text read instead of the file (an editor's unsaved buffers).
    """
    trusted = repository_root(path)
    if not outside and not within(path, trusted):  # the recipe, or a folder on its way, links out
        raise RecipeError.single(
            f"the recipe is a link to a file outside its repository ({trusted})",
            Position(display, 1, 1),
            "pass the file itself, or --allow-extends-outside to trust it",
            rule="extends",
        )
    root = Path(os.path.realpath(path)).parent
    (data, where), files = load(
        path, display, os.environ if env is None else env, root=root, trusted=trusted, outside=outside, texts=texts
    )
    _refuse_olive_config(data, where, display)
    matrix = None
    if "matrix" in data:
        matrix = Matrix(data.pop("matrix"), subtree(where, ("matrix",)), where.lookup(("matrix",)))
        drop(where, ("matrix",))
    return Composed(data, where, matrix, path.name.split(".")[0], tuple(files))


def parse_overrides(texts: Sequence[str]) -> list[Assignment]:
    """Read every `--set PATH=VALUE`; raise one RecipeError naming each malformed one."""
    out: list[Assignment] = []
    problems: list[Diagnostic] = []
    for text in texts:
        try:
            out.append(parse_override(text))
        except RecipeError as exc:
            problems.extend(exc.diagnostics)
    raise_if(problems)
    return out
