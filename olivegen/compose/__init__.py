"""Composition: between YAML parsing and model validation, one recipe built from several sources.

`extends:` bases, `${VAR}` from the environment, `--set` overrides and `matrix:`
cells all end up as plain recipe data plus a SourceMap whose positions point
at the file (or the `--set` text) that wrote each value. Every later stage -
models, semantic checks, rendering - sees an ordinary recipe.

Order: each file's `${VAR}` are filled in; bases are merged under the recipe;
then a matrix cell's changes; then `--set` overrides (the command line wins);
last, the guard against literal secrets and stray `$delete`.
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
from olivegen.compose.secrets import find_secrets
from olivegen.compose.tree import DELETE, copied, drop, raise_if, stray_deletes, subtree
from olivegen.errors import Diagnostic, RecipeError
from olivegen.source.document import Source, SourceMap

__all__ = ["DELETE", "Composed", "Matrix", "Variant", "compose", "label", "parse_overrides"]


@dataclass(frozen=True)
class Composed:
    """A recipe with its bases merged and its environment filled in; the matrix still folded."""

    data: dict[str, Any]
    where: SourceMap
    matrix: Matrix | None
    stem: str

    def source(self, overrides: Sequence[Assignment] = (), variant: Variant | None = None) -> Source:
        """Return the recipe for one variant (None: a recipe without a matrix) with overrides applied."""
        if variant is not None:
            assert self.matrix is not None
            data, where = self.matrix.apply(variant, self.data, self.where, self.stem)
        else:
            data, where = copy.deepcopy(self.data), copied(self.where)
        raise_if(apply_all(data, where, overrides))
        raise_if(find_secrets(data, where) + stray_deletes(data, where))
        return Source(data, where, "")


def compose(
    path: Path, display: str, env: Mapping[str, str] | None = None, texts: Mapping[Path, str] | None = None
) -> Composed:
    """Read a recipe file with everything it extends, `${VAR}` filled in from `env` (default: os.environ).

    `texts` maps resolved paths to text read instead of the file (an editor's unsaved buffers).
    """
    env = os.environ if env is None else env
    data, where = load(path, display, env, root=path.resolve().parent, texts=texts)
    matrix = None
    if "matrix" in data:
        matrix = Matrix(data.pop("matrix"), subtree(where, ("matrix",)), where.lookup(("matrix",)))
        drop(where, ("matrix",))
    return Composed(data, where, matrix, path.name.split(".")[0])


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
