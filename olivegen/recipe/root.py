"""The whole recipe."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from olivegen.knowledge.catalog import (
    GENERATION_OF_NUMBER,
    INSTALLED_GENERATION,
    MAIN_GENERATION,
    OLIVE_GENERATION,
    PREVIOUS_GENERATION,
    RELEASE_TAG_OF_GENERATION,
    Generation,
)
from olivegen.recipe.azureml import AzureMLWorkspace
from olivegen.recipe.base import Identifier, Strict
from olivegen.recipe.data import DataSpec
from olivegen.recipe.engine import Engine, Evaluation
from olivegen.recipe.model import InputModel
from olivegen.recipe.passes import PassSpec
from olivegen.recipe.raw import RawKeyError
from olivegen.recipe.systems import SystemSpec, expand_shorthand

System = Annotated[SystemSpec, BeforeValidator(expand_shorthand)]


class Recipe(Strict):
    """A workflow: a model, its data, where it runs, and the passes it goes through."""

    schema_ref: str | None = Field(
        None, alias="$schema", description="Schema of this file, for editors; never rendered."
    )
    name: Identifier | None = Field(None, description="Workflow id; defaults to the recipe's file name.")
    description: str | None = Field(None, description="What this recipe is for (not rendered).")
    olive: Generation = Field(
        OLIVE_GENERATION,
        description=(
            f"Olive release the config is for: `{OLIVE_GENERATION}` (current format) or `{PREVIOUS_GENERATION}`"
            " (0.7-0.9.2, the last with the AzureML system); "
            + ", ".join(f"`{g}`" for g in RELEASE_TAG_OF_GENERATION if g != MAIN_GENERATION)
            + f" or `{MAIN_GENERATION}` (Olive's main branch): the {OLIVE_GENERATION} format, checked against that"
            f" release's own passes and parameters; `{INSTALLED_GENERATION}`: the installed olive-ai's pass"
            " registry. `render --olive-version` overrides it."
        ),
    )
    azureml: AzureMLWorkspace | None = Field(None, description="Azure ML workspace, for an `azureml` host or target.")
    model: InputModel = Field(description="The input model.")
    data: list[DataSpec] = Field(default_factory=list, description="Data sets, referred to by name from passes.")
    host: System = Field(
        default_factory=lambda: SystemSpec(),
        description="Where passes run: `cuda` (default), `cpu`, or a system mapping.",
    )
    target: System | None = Field(
        None,
        description="What the model is optimized for: a provider such as `cpu`, `cuda`, `dml`; defaults to host.",
    )
    # `evaluate` comes before `passes`: validated first, so an evaluation-only recipe may have no passes
    evaluate: Evaluation | None = Field(None, description="Metrics measured on the output model.")
    passes: list[PassSpec] = Field(
        default_factory=list,
        validate_default=True,
        description="Passes, in the order they run (none: evaluate the input model only).",
    )
    engine: Engine = Field(default_factory=lambda: Engine(), description="Engine settings.")

    model_config = {**Strict.model_config, "populate_by_name": True}

    @field_validator("olive", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        """Accept `olive: 0.9` as YAML reads it (a float) as well as the quoted text."""
        return GENERATION_OF_NUMBER.get(value, value) if isinstance(value, float) else value

    @field_validator("passes", mode="after")
    @classmethod
    def _something_to_do(cls, value: list[Any], info: ValidationInfo) -> list[Any]:
        if not value and info.data.get("evaluate") is None:
            raise ValueError("'passes' needs at least 1 item, or `evaluate:` to evaluate the input model only")
        return value

    @model_validator(mode="after")
    def _search_needs_evaluation(self) -> Recipe:
        """Olive ranks search candidates by the evaluator's metrics, and refuses a search without one."""
        raw = self.engine.olive
        if raw.get("evaluator") or self.evaluate is not None:
            return self
        at = ("engine", "search") if self.engine.search is not None else ("engine", "olive", "search_strategy")
        if self.engine.search is not None or raw.get("search_strategy"):
            raise RawKeyError(
                "a search needs `evaluate:` metrics to rank its candidates (Olive refuses it without an evaluator);"
                " add `evaluate:` or leave the search out",
                at,
            )
        return self
