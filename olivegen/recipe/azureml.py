"""The Azure ML workspace a recipe's Azure ML system, registry model or datastore data belong to."""

from __future__ import annotations

from pydantic import Field

from olivegen.recipe.base import NonEmptyStr, Strict


class AzureMLWorkspace(Strict):
    """An Azure ML workspace; credentials come from `az login` or a managed identity, never from the recipe."""

    subscription_id: NonEmptyStr = Field(description="Azure subscription id.")
    resource_group: NonEmptyStr = Field(description="Resource group of the workspace.")
    workspace: NonEmptyStr = Field(description="Workspace name.")
    keyvault: NonEmptyStr | None = Field(
        None,
        description="Key vault holding the `hf-token` secret; defaults to the workspace's own key vault.",
    )
