"""The Azure ML command job that runs a rendered Olive 0.13 config on Azure ML compute.

Olive dropped its AzureML system in 0.9.3. The same intent (run the workflow on a named
GPU cluster, in a docker image with a conda environment) is an Azure ML command job
that runs `olive run`: the recipe's folder is uploaded as the job's code, the config's
paths are relative to it (api._render), and the Hugging Face token, if
asked for, is read from the workspace key vault on the compute, never written down.

A matrix renders one pipeline job beside its configs (`<recipe>.pipeline.yml`): one command
node per variant, each `olive run` of its own config with its own compute, image and token
step, run in parallel by Azure ML; one failing node does not cancel the others.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from olivegen.errors import OlivegenError
from olivegen.knowledge.catalog import OLIVE_GENERATION, shape
from olivegen.recipe import Recipe

JOB_SUFFIX = ".job.yml"
PIPELINE_SUFFIX = ".pipeline.yml"


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
    return shape(recipe.olive) == OLIVE_GENERATION and recipe.host.type == "azureml"


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


def _command_fields(recipe: Recipe, recipe_path: Path, config_path: Path, job_dir: Path) -> dict[str, Any]:
    """Return what a command job (or a pipeline node) that runs `config_path` needs, paths relative to `job_dir`."""
    host = recipe.host
    assert host.compute and host.image
    base = recipe_path.resolve().parent
    config = config_path.resolve()
    if base not in config.parents:
        raise JobPlacementError(
            f"with an Azure ML host the config must be written inside the recipe's folder ({base}),"
            " which the job uploads as its code; choose -o there"
        )
    command = f"olive run --config {shlex.quote(config.relative_to(base).as_posix())}"
    if host.hf_token:
        command = f'export HF_TOKEN="$(python -c {shlex.quote(_token_script(recipe))})" && {command}'
    return {
        "compute": f"azureml:{host.compute}",
        "code": Path(os.path.relpath(base, job_dir)).as_posix(),
        "command": command,
        "image": host.image,
        "conda_file": (
            Path(os.path.relpath((base / host.conda_file).resolve(), job_dir)).as_posix()
            if host.conda_file
            else None
        ),
        "environment_variables": {"PYTHONUNBUFFERED": "1", "HF_HUB_DISABLE_TELEMETRY": "1"},
    }


def _submit(recipe: Recipe, job_path: Path) -> str:
    workspace = recipe.azureml
    assert workspace is not None
    # every argument quoted: the workspace names come from the recipe, and the line is pasted into a shell
    words = ["az", "ml", "job", "create", "--file", str(job_path), "--subscription", workspace.subscription_id]
    words += ["--resource-group", workspace.resource_group, "--workspace-name", workspace.workspace]
    return shlex.join(words)


def build_job(recipe: Recipe, recipe_path: Path, config_path: Path, workflow_id: str) -> Job:
    """Render the job for a config written at `config_path` (which must be inside the recipe's folder)."""
    from olivegen.render.jinja import render_job

    assert recipe.azureml is not None
    config = config_path.resolve()
    job_path = config.with_name(config.name.removesuffix(".json") + JOB_SUFFIX)
    job: dict[str, Any] = {
        "display_name": workflow_id,
        "experiment_name": "olivegen",
        "description": f"olive run of {recipe_path.name}, rendered by olivegen",
        **_command_fields(recipe, recipe_path, config, job_path.parent),
    }
    return Job(job_path, render_job(job), _submit(recipe, job_path))


def node_name(variant: str, taken: set[str]) -> str:
    """Return a pipeline node name for a variant: letters, digits and `_`, starting with a letter, unique."""
    name = re.sub(r"[^a-z0-9_]", "_", variant.lower()).strip("_") or "variant"
    if not name[0].isalpha():
        name = "v_" + name
    name = name[:200]
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}_{n}", n + 1
    taken.add(unique)
    return unique


@dataclass(frozen=True)
class PipelineNode:
    """One variant of a matrix as a node of the pipeline job."""

    recipe: Recipe
    config_path: Path
    workflow_id: str
    variant: str


def build_pipeline(recipe_path: Path, nodes: Sequence[PipelineNode], job_path: Path | None = None) -> Job:
    """Render one pipeline job that runs every variant's config in parallel (default: beside the configs).

    The workspace is the first variant's; a variant on another workspace cannot share the pipeline.
    """
    from olivegen.render.jinja import render_job

    assert nodes
    first = nodes[0].recipe
    assert first.azureml is not None
    for node in nodes[1:]:
        if node.recipe.azureml != first.azureml:
            raise JobPlacementError(
                f"variant {node.variant!r} names another Azure ML workspace than {nodes[0].variant!r};"
                " one pipeline job runs in one workspace: render those variants separately (--variant)"
            )
    configs = [n.config_path.resolve() for n in nodes]
    if job_path is None:
        folder = Path(os.path.commonpath([c.parent for c in configs]))
        job_path = folder / (recipe_path.name.removesuffix(".yaml").removesuffix(".yml") + PIPELINE_SUFFIX)
    taken: set[str] = set()
    jobs = {
        node_name(n.variant, taken): {
            "display_name": n.workflow_id,
            **_command_fields(n.recipe, recipe_path, config, job_path.parent),
        }
        for n, config in zip(nodes, configs, strict=True)
    }
    pipeline = {
        "display_name": f"{recipe_path.stem}: {len(nodes)} variants",
        "experiment_name": "olivegen",
        "description": f"olive run of each variant of {recipe_path.name}, in parallel; rendered by olivegen",
        "jobs": jobs,
    }
    return Job(job_path, render_job(pipeline, "pipeline.yml.j2"), _submit(first, job_path))
