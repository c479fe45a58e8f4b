"""What differs between the Olive releases olivegen renders for.

`build_context` produces the current (0.13) shape; `adapt_context` adjusts it:

- 0.13: Olive has no AzureML system any more (removed in 0.9.3). An `azureml` host or target
  becomes a local system on that compute, run by an Azure ML command job (olivegen/render/azureml_job.py);
  the job uploads the recipe's folder as its code, so api.render_recipe makes the rendered paths
  relative to that folder (paths.relocate).
- 0.9 (0.7-0.9.2): the AzureML system and `azureml_client` exist; datastore data is an
  `azureml_datastore` resource; pass parameters 0.9 does not know are left out when they hold
  the default (a recipe that sets them is refused by the `olive-version` rule).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from olivegen.knowledge.catalog import PREVIOUS_GENERATION, pass_params_in
from olivegen.recipe import Recipe

AZUREML_ONLY_KEYS = ("aml_compute", "aml_docker_config", "hf_token")


def uses_azureml_system(recipe: Recipe) -> bool:
    """Tell whether the host or the target is Azure ML compute."""
    return any(s is not None and s.type == "azureml" for s in (recipe.host, recipe.target))


def adapt_context(context: dict[str, Any], recipe: Recipe, base: Path, generation: str) -> dict[str, Any]:
    """Return the context for one Olive release."""
    if generation == PREVIOUS_GENERATION:
        return _for_09(context, recipe)
    if uses_azureml_system(recipe):
        for system in context["systems"].values():
            if system["type"] == "AzureML":
                system["type"] = "LocalSystem"
                for key in AZUREML_ONLY_KEYS:
                    system.pop(key, None)
        return _merge_equal_systems(context)
    return context


def _merge_equal_systems(context: dict[str, Any]) -> dict[str, Any]:
    systems = context["systems"]
    if len(systems) == 2 and systems["host_system"] == systems["target_system"]:
        systems = {"host_system": systems["host_system"]}
    if len(systems) == 1:
        context["systems"] = {"local_system": next(iter(systems.values()))}
        context["engine"]["host"] = context["engine"]["target"] = "local_system"
    return context


def _for_09(context: dict[str, Any], recipe: Recipe) -> dict[str, Any]:
    workspace = recipe.azureml
    client: dict[str, Any] = {}
    if workspace is not None:
        client = {
            "subscription_id": workspace.subscription_id,
            "resource_group": workspace.resource_group,
            "workspace_name": workspace.workspace,
        }
        if workspace.keyvault:
            client["keyvault_name"] = workspace.keyvault
    context["azureml_client"] = client
    for spec, data in zip(_expanded_data(recipe), context["data_configs"], strict=True):
        store = spec.datastore
        if store is not None:
            data["load_dataset_config"]["data_files"] = {
                "type": "azureml_datastore",
                "config": {
                    "azureml_client": {
                        "subscription_id": store.subscription_id,
                        "resource_group": store.resource_group,
                        "workspace_name": store.workspace,
                    },
                    "datastore_name": store.datastore,
                    "relative_path": store.path,
                },
            }
    for params in context["passes"].values():
        known = pass_params_in(params["type"], PREVIOUS_GENERATION)
        for key in [k for k in params if k not in ("type", "host", "evaluator") and known and k not in known]:
            del params[key]
    return context


def _expanded_data(recipe: Recipe) -> list[Any]:
    """Return the data spec behind each rendered data config (a spec with eval_split renders two)."""
    return [spec for spec in recipe.data for _ in range(2 if spec.eval_split is not None else 1)]
