"""What the chosen Olive release has, and what an Azure ML host needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic
from olivegen.knowledge.catalog import (
    OLIVE_GENERATION,
    generation_label,
    has_pass,
    missing_param,
    missing_pass,
    pass_params_in,
    shape,
)
from olivegen.recipe.passes import GenericPass


@rule("olive-version")
def olive_version(scope: Scope) -> Iterator[Diagnostic]:
    """A pass or pass parameter the selected Olive release (`olive:` / `--olive-version`) does not have."""
    generation = scope.recipe.olive
    if generation == OLIVE_GENERATION:
        return
    for i, spec in enumerate(scope.recipe.passes):
        kind = str(getattr(spec, "type", ""))
        if not has_pass(kind, generation):
            elsewhere = missing_pass(kind, generation)
            yield scope.error(
                "olive-version",
                f"the {kind} pass does not exist in {generation_label(generation)}"
                + (f": {elsewhere[0]}" if elsewhere else ""),
                ("passes", i, "type"),
                f"{elsewhere[1] if elsewhere else f'render for Olive {OLIVE_GENERATION}'}"
                f' (`olive: "{(elsewhere[1] if elsewhere else OLIVE_GENERATION).split()[-1]}"`), or pick a pass'
                f" {generation_label(generation)} has (`olivegen passes` lists {OLIVE_GENERATION}'s)",
            )
            continue
        known = pass_params_in(kind, generation)
        written: dict[str, tuple[str | int, ...]]
        if isinstance(spec, GenericPass):
            written = {k: ("passes", i, "config", k) for k in spec.config}
        else:
            typed_only = ("type", "name", "options", "olive")
            written = {k: ("passes", i, k) for k in spec.model_fields_set if k not in typed_only}
            written.update({k: ("passes", i, "options", k) for k in spec.options})
        for key, loc in written.items():
            olive_key = getattr(spec, "RENAMES", {}).get(key, key)
            if known and olive_key not in known and key != "training":
                elsewhere = missing_param(kind, olive_key, generation)
                yield scope.error(
                    "olive-version",
                    f"the {kind} pass of {generation_label(generation)} has no parameter {olive_key!r}"
                    + (f": {elsewhere[0]}" if elsewhere else ""),
                    loc,
                    f"remove it, or {elsewhere[1]}" if elsewhere else "remove it",
                )


@rule("azureml-workspace")
def azureml_workspace(scope: Scope) -> Iterator[Diagnostic]:
    """An Azure ML host or target needs the recipe's `azureml:` workspace block."""
    if scope.recipe.azureml is not None:
        return
    for field in ("host", "target"):
        system = getattr(scope.recipe, field)
        if system is not None and system.type == "azureml":
            yield scope.error(
                "azureml-workspace",
                f"the {field} runs on Azure ML compute {system.compute!r}, but the recipe names no workspace",
                (field, "type"),
                "add `azureml: {subscription_id: ..., resource_group: ..., workspace: ...}`",
            )
            return


@rule("azureml-job")
def azureml_job(scope: Scope) -> Iterator[Diagnostic]:
    """On Olive 0.13 the Azure ML job runs the whole workflow on the compute, from the recipe's folder."""
    recipe = scope.recipe
    host, target = recipe.host, recipe.target
    if shape(recipe.olive) != OLIVE_GENERATION:
        return
    if target is not None and target.type == "azureml" and host.type != "azureml":
        yield scope.error(
            "azureml-job",
            f"an Azure ML target needs an Azure ML host on Olive {OLIVE_GENERATION}",
            ("target", "type"),
            "make the host the same Azure ML system: the job then runs every pass and the evaluation there",
        )
    if host.type != "azureml":
        return
    paths: list[tuple[tuple[str | int, ...], str | None]] = [
        (("model", "path"), recipe.model.path),
        (("model", "adapter_path"), recipe.model.adapter_path),
    ]
    paths += [(("host", "conda_file"), host.conda_file)]
    for i, data in enumerate(recipe.data):
        files = data.file_list()
        paths += [
            ((("data", i, "files", j) if isinstance(data.files, list) else ("data", i, "files")), f)
            for j, f in enumerate(files)
        ]
    for loc, value in paths:
        if value is None or value.startswith("azureml:") or not _exists(scope.base, value):
            continue
        resolved = (scope.base / value).resolve()
        if resolved != scope.base and scope.base not in resolved.parents:
            yield scope.error(
                "azureml-job",
                f"{value!r} is outside the recipe's folder, which the Azure ML job uploads as its code",
                loc,
                f"move it under {scope.base}, or register it as a data asset / datastore file",
            )


def _exists(base: Path, value: str) -> bool:
    return (base / value).expanduser().exists()


@rule("conda-file")
def conda_file(scope: Scope) -> Iterator[Diagnostic]:
    """The conda file of an Azure ML system must exist (relative to the recipe)."""
    for field in ("host", "target"):
        system = getattr(scope.recipe, field)
        if system is not None and system.conda_file and not _exists(scope.base, system.conda_file):
            yield scope.error(
                "conda-file",
                f"conda file {system.conda_file!r} does not exist",
                (field, "conda_file"),
                scope.path_hint(system.conda_file),
            )
