"""The Azure ML command job that runs a rendered Olive 0.13 config on Azure ML compute.

Olive dropped its AzureML system in 0.9.3. The same intent (run the workflow on a named
GPU cluster, in a docker image with a conda environment) is an Azure ML command job
that runs `olive run`: the recipe's folder is uploaded as the job's code, the config's
paths are relative to it (olivegen/render/generations.py), and the Hugging Face token, if
asked for, is read from the workspace key vault on the compute, never written down.
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from olivegen.errors import OlivegenError
from olivegen.recipe import Recipe

JOB_SUFFIX = ".job.yml"


class JobPlacementError(OlivegenError):
    """The config was asked to go where the job cannot upload it."""


@dataclass(frozen=True)
class Job:
    """A rendered job file and the command that submits it."""

    path: Path
    text: str
    submit: str


def needs_job(recipe: Recipe) -> bool:
    """Tell whether this recipe renders an Azure ML job beside its config (Olive 0.13, Azure ML host)."""
    return recipe.olive == "0.13" and recipe.host.type == "azureml"


def _token_script(recipe: Recipe) -> str:
    workspace = recipe.azureml
    assert workspace is not None
    lines = [
        "from azure.identity import DefaultAzureCredential",
        "from azure.keyvault.secrets import SecretClient",
        "cred = DefaultAzureCredential()",
    ]
    quoted = {k: json.dumps(v) for k, v in workspace.model_dump().items()}  # double quotes: no shell escaping
    if workspace.keyvault:
        lines.append(f"vault = {quoted['keyvault']}")
    else:
        lines += [
            "from azure.ai.ml import MLClient",
            f"ws = MLClient(cred, {quoted['subscription_id']}, {quoted['resource_group']}, {quoted['workspace']})"
            f".workspaces.get({quoted['workspace']})",
            'vault = ws.key_vault.rsplit("/", 1)[-1]',
        ]
    lines.append('print(SecretClient(f"https://{vault}.vault.azure.net", cred).get_secret("hf-token").value)')
    return "; ".join(lines)


def build_job(recipe: Recipe, recipe_path: Path, config_path: Path, workflow_id: str) -> Job:
    """Render the job for a config written at `config_path` (which must be inside the recipe's folder)."""
    from olivegen.render.jinja import render_job

    host = recipe.host
    workspace = recipe.azureml
    assert workspace is not None and host.compute and host.image
    base = recipe_path.resolve().parent
    config = config_path.resolve()
    if base not in config.parents:
        raise JobPlacementError(
            f"with an Azure ML host the config must be written inside the recipe's folder ({base}),"
            " which the job uploads as its code; choose -o there"
        )
    job_path = config.with_name(config.name.removesuffix(".json") + JOB_SUFFIX)
    command = f"olive run --config {shlex.quote(config.relative_to(base).as_posix())}"
    if host.hf_token:
        command = f'export HF_TOKEN="$(python -c {shlex.quote(_token_script(recipe))})" && {command}'
    job: dict[str, Any] = {
        "display_name": workflow_id,
        "experiment_name": "olivegen",
        "description": f"olive run of {recipe_path.name}, rendered by olivegen",
        "compute": f"azureml:{host.compute}",
        "code": Path(os.path.relpath(base, job_path.parent)).as_posix(),
        "command": command,
        "image": host.image,
        "conda_file": (
            Path(os.path.relpath((base / host.conda_file).resolve(), job_path.parent)).as_posix()
            if host.conda_file
            else None
        ),
        "environment_variables": {"PYTHONUNBUFFERED": "1", "HF_HUB_DISABLE_TELEMETRY": "1"},
    }
    submit = (
        f"az ml job create --file {shlex.quote(str(job_path))} --subscription {workspace.subscription_id}"
        f" --resource-group {workspace.resource_group} --workspace-name {workspace.workspace}"
    )
    return Job(job_path, render_job(job), submit)
