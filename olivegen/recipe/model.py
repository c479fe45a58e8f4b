"""The input model: a Hugging Face id, a local folder, or an Azure ML registry model."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from olivegen.recipe.base import Flag, NonEmptyStr, Strict
from olivegen.recipe.raw import check_model

AZUREML_REGISTRY_URI = re.compile(
    r"^azureml://registries/(?P<registry>[^/]+)/models/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$"
)


class RegistryModel(Strict):
    """A model in an Azure ML registry (stored as MLflow or plain Hugging Face files)."""

    registry: NonEmptyStr = Field(description="Registry name, e.g. `azureml` or `azureml-msr`.")
    name: NonEmptyStr = Field(description="Model name in the registry, e.g. `Phi-3-mini-4k-instruct`.")
    version: NonEmptyStr = Field(description="Model version in the registry, e.g. `11`.")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class InputModel(Strict):
    """The model the workflow starts from (rendered as Olive's `HfModel`)."""

    path: NonEmptyStr | None = Field(
        None,
        description=(
            "Hugging Face model id (`microsoft/Phi-3-mini-4k-instruct`), a local model folder (relative to the"
            " recipe), or an Azure ML registry URI `azureml://registries/<registry>/models/<name>/versions/<v>`."
        ),
    )
    registry: RegistryModel | None = Field(None, description="Azure ML registry model, instead of `path`.")
    task: NonEmptyStr = Field("text-generation", description="Hugging Face task of the model.")
    trust_remote_code: Flag = Field(False, description="Allow the model's own code from its repository to run.")
    torch_dtype: Literal["auto", "float64", "float32", "float16", "bfloat16"] | None = Field(
        None, description="Data type the model is loaded in; `None` keeps the checkpoint's."
    )
    load_kwargs: dict[str, Any] = Field(
        default_factory=dict,
        description="Other `from_pretrained` arguments (e.g. `attn_implementation`, `revision`).",
    )
    adapter_path: NonEmptyStr | None = Field(
        None, description="A PEFT adapter folder to load on top of the model (relative to the recipe)."
    )
    olive: dict[str, Any] | None = Field(
        None,
        description=(
            "Escape hatch: the input model in Olive's own words (`type: ONNXModel`, `PyTorchModel` with"
            " `model_loader` ...), rendered as written; instead of every other field."
        ),
    )

    @field_validator("olive", mode="after")
    @classmethod
    def _raw(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else check_model(value)

    @model_validator(mode="after")
    def _one_source(self) -> InputModel:
        if self.olive is not None:
            extra = sorted(self.model_fields_set - {"olive"})
            if extra:
                raise ValueError(f"`olive:` gives the whole model; leave out `{extra[0]}`")
            return self
        if (self.path is None) == (self.registry is None):
            raise ValueError("give the model as either `path` or `registry`, exactly one of them")
        return self

    def registry_ref(self) -> RegistryModel | None:
        """Return the registry model, whether written as a mapping or as an azureml:// URI."""
        if self.registry is not None:
            return self.registry
        match = AZUREML_REGISTRY_URI.match(self.path or "")
        if match:
            return RegistryModel(**match.groupdict())
        return None
