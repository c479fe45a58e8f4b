"""Recipe -> the config `olivegen run` runs: overrides applied, folders placed, preflight passed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from olivegen.api import Compiled
from olivegen.errors import Diagnostic, RecipeError, Severity
from olivegen.recipe import Recipe
from olivegen.runner.layout import RunLayout
from olivegen.runner.machine import Machine

INFO_LEVEL = 1  # Olive logs "Running pass ..." at INFO; progress needs it


@dataclass(frozen=True)
class Plan:
    """A compiled recipe placed in its run folder; its warnings include preflight's."""

    compiled: Compiled
    layout: RunLayout
    notes: list[str] = field(default_factory=list)
    label: str | None = None  # the variant's own workflow id, when the config runs under the matrix's shared one

    @property
    def recipe_path(self) -> Path:
        """The recipe file."""
        return self.compiled.path

    @property
    def config(self) -> dict[str, Any]:
        """The Olive config to run."""
        return self.compiled.config

    @property
    def text(self) -> str:
        """The config as written to the run folder."""
        return self.compiled.text

    @property
    def warnings(self) -> list[Diagnostic]:
        """The recipe's warnings, then preflight's."""
        return self.compiled.warnings

    @property
    def workflow_id(self) -> str:
        """The workflow's name (a matrix variant's own, also when Olive runs it under the matrix's)."""
        return self.label or str(self.config.get("workflow_id", ""))


def place(config: dict[str, Any], layout: RunLayout) -> list[str]:
    """Point the config's engine at the run's folders; return notes on anything else changed."""
    engine = config["engine"]
    engine["output_dir"] = str(layout.model_dir)
    engine["cache_dir"] = str(layout.olive_cache)
    notes = []
    level = engine.get("log_severity_level", INFO_LEVEL)
    if isinstance(level, int) and level > INFO_LEVEL:
        engine["log_severity_level"] = INFO_LEVEL
        notes.append(f"engine log level {level} -> {INFO_LEVEL} (INFO), so olivegen can follow the passes")
    return notes


def plan_run(
    recipe_path: Path,
    *,
    outdir: Path | None = None,
    host: str | None = None,
    target: str | None = None,
    cache_dir: Path | None = None,
    overrides: Sequence[str] = (),
    machine: Machine | None = None,
    check_machine: bool = True,
    variant: str | None = None,
    outside: bool = False,
    default_cache_dir: Path | None = None,
    share_cache: bool = False,
) -> Plan:
    """Compile the recipe with `--host`/`--target` applied and the run's folders placed; refuse what cannot run here.

    The recipe goes through `api.compile` like any other command's (retargeting and placement are
    its options), so every guard of the pipeline holds for `run` too. Raises RecipeError with every
    error at once: the recipe's own, then preflight's. `default_cache_dir` (a matrix run's shared
    cache root) stands in for `cache_dir` when neither it nor the recipe's `engine.cache_dir` is
    given. `share_cache`: run a matrix variant under the matrix's workflow id (`<name>` instead of
    `<name>-<variant>`), because Olive keeps its cache per workflow id (`cache_dir/<workflow_id>/`):
    only then do the variants find each other's pass results.
    """
    from olivegen.api import Options, compile, scope_of
    from olivegen.runner.preflight import preflight
    from olivegen.runner.retarget import apply_overrides

    machine = machine or Machine()
    placed: dict[str, Any] = {}

    def retarget(recipe: Recipe) -> tuple[Recipe, list[str]]:
        changed = apply_overrides(recipe, host, target, machine)
        return changed.recipe, list(changed.notes)

    def put(recipe: Recipe, config: dict[str, Any]) -> list[str]:
        engine = config["engine"]
        out = (outdir if outdir is not None else Path(engine["output_dir"])).expanduser().resolve()
        olive_cache = None
        if cache_dir is None and "cache_dir" in recipe.engine.model_fields_set:
            olive_cache = Path(engine["cache_dir"])
        layout = RunLayout.under(out, cache_dir or (None if olive_cache else default_cache_dir), olive_cache)
        placed["layout"] = layout
        notes = place(config, layout)
        if olive_cache is not None:
            notes.append(f"Olive cache: {olive_cache} (the recipe's engine.cache_dir)")
        own_id = str(config.get("workflow_id", ""))
        if share_cache and variant and own_id.endswith(f"-{variant}"):
            placed["label"], config["workflow_id"] = own_id, own_id.removesuffix(f"-{variant}")
            notes.append(
                f"Olive workflow id {config['workflow_id']!r}, shared by the variants so they share Olive's cache"
            )
        return notes

    only = [variant] if variant is not None else None
    options = Options(overrides=overrides, only=only, single=True, outside=outside, retarget=retarget, place=put)
    (compiled,) = compile(recipe_path, options)
    checked = preflight(scope_of(compiled), machine, compiled.config, compiled.warnings)
    errors = [d for d in checked if d.severity is Severity.ERROR]
    if errors and check_machine:
        raise RecipeError(errors + [d for d in checked if d.severity is Severity.WARNING])
    notes = list(compiled.notes)
    if errors:
        notes.append(f"preflight errors ignored (--no-preflight): {len(errors)}")
    compiled = replace(compiled, warnings=[*compiled.warnings, *checked])
    return Plan(compiled, placed["layout"], notes, placed.get("label"))
