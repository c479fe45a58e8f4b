"""Where the workflow runs (host) and what it is optimized for (target)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from olivegen.knowledge.catalog import (
    OLIVE_GENERATION,
    PREVIOUS_GENERATION,
    PROVIDER_ALIASES,
    PROVIDER_DEFAULT_DEVICE,
    article,
    canonical_provider,
    facts,
    suggest,
)
from olivegen.recipe.base import Flag, NonEmptyStr, Strict, Text

Device = Literal["cpu", "gpu", "npu"]


class SystemSpec(Strict):
    """A system: local, a Docker image, another Python environment, or Azure ML compute; one device and provider."""

    type: Literal["local", "docker", "python_environment", "azureml"] = Field("local", description="Kind of system.")
    provider: NonEmptyStr = Field(
        "CUDAExecutionProvider",
        description="Execution provider, Olive's name or a short one (`cpu`, `cuda`, `tensorrt`, `dml`, `qnn` ...).",
    )
    device: Device | None = Field(None, description="Device; derived from the provider when unset.")
    extra_providers: list[NonEmptyStr] = Field(
        default_factory=list,
        description=(
            f"Olive {PREVIOUS_GENERATION} only: further execution providers of the same device; Olive ran"
            " the workflow for each."
        ),
    )
    dockerfile: NonEmptyStr | None = Field(None, description="Docker: Dockerfile, relative to the build context.")
    build_context: Text | None = Field(None, description="Docker: build context folder, relative to the recipe.")
    image_name: NonEmptyStr | None = Field(None, description="Docker: tag of the image to build.")
    work_dir: NonEmptyStr | None = Field(
        None, description="Docker: absolute folder inside the container Olive works in (Olive's default /olive-ws)."
    )
    build_args: dict[str, Any] | None = Field(None, description="Docker: `--build-arg`s of the image build.")
    run_params: dict[str, Any] | None = Field(
        None, description="Docker: arguments of `docker run` (docker-py's names, e.g. `shm_size: 128g`)."
    )
    clean_image: Flag | None = Field(None, description="Docker: remove the image after the run (Olive's default true).")
    python: NonEmptyStr | None = Field(
        None, description="Python environment: folder holding the `python` executable (e.g. a venv's `bin`)."
    )
    environment: dict[str, str] = Field(
        default_factory=dict, description="Python environment: environment variables set for the run."
    )
    prepend_to_path: list[Text] | None = Field(
        None, description="Python environment: folders put before `PATH` for the run, relative to the recipe."
    )
    compute: NonEmptyStr | None = Field(None, description="Azure ML: name of the compute cluster.")
    image: NonEmptyStr | None = Field(None, description="Azure ML: docker base image of the environment.")
    conda_file: NonEmptyStr | None = Field(
        None, description="Azure ML: conda.yaml of the environment, relative to the recipe."
    )
    hf_token: Flag = Field(
        False,
        description="Azure ML: read the Hugging Face token from the key vault secret `hf-token` (never written here).",
    )

    @field_validator("work_dir")
    @classmethod
    def _absolute_work_dir(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError(
                f"`work_dir` is a folder inside the container, an absolute path such as /olive-ws, not {value!r}"
            )
        return value

    @field_validator("device", mode="before")
    @classmethod
    def _device_case(cls, value: Any) -> Any:
        """Olive accepts `CPU`/`GPU`/`NPU` as well."""
        return value.lower() if isinstance(value, str) else value

    @field_validator("extra_providers")
    @classmethod
    def _known_extra(cls, value: list[str], info: ValidationInfo) -> list[str]:
        generation = (info.context or {}).get("generation", OLIVE_GENERATION)
        if value and generation != PREVIOUS_GENERATION:
            raise ValueError(
                f"Olive {generation} runs one execution provider per accelerator (Olive {PREVIOUS_GENERATION} ran"
                " several):"
                " keep `provider`, or one recipe per provider (a `matrix:`)"
            )
        return [_provider_name(v) for v in value]

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        return _provider_name(value)

    @model_validator(mode="after")
    def _kind_fields(self) -> SystemSpec:
        docker = {
            "dockerfile": self.dockerfile,
            "build_context": self.build_context,
            "image_name": self.image_name,
            "work_dir": self.work_dir,
            "build_args": self.build_args,
            "run_params": self.run_params,
            "clean_image": self.clean_image,
        }
        pyenv = {
            "python": self.python,
            "environment": self.environment or None,
            "prepend_to_path": self.prepend_to_path,
        }
        aml = {
            "compute": self.compute,
            "image": self.image,
            "conda_file": self.conda_file,
            "hf_token": self.hf_token or None,
        }
        required = {"docker": ("dockerfile", "build_context"), "azureml": ("compute", "image")}.get(self.type, ())
        missing = [k for k in required if {**docker, **aml}[k] is None]
        if missing:
            raise ValueError(f"{article(self.type)} {self.type} system needs {' and '.join(f'`{m}`' for m in missing)}")
        stray = [k for k, v in {**docker, **pyenv, **aml}.items() if v is not None]
        allowed = {
            "docker": set(docker),
            "python_environment": set(pyenv),
            "azureml": set(aml),
            "local": set(),
        }[self.type]
        extra = [k for k in stray if k not in allowed]
        if extra:
            raise ValueError(f"`{extra[0]}` does not apply to a {self.type} system")
        return self

    def resolved_device(self) -> str:
        """Return the device, defaulting from the provider."""
        return self.device or PROVIDER_DEFAULT_DEVICE.get(self.provider, "gpu")


def expand_shorthand(value: Any) -> Any:
    """Turn `host: cpu` / `target: cuda` style strings into a system mapping."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word == "gpu":
            word = "cuda"
        return {"provider": word}
    return value


def _provider_name(value: str) -> str:
    canonical = canonical_provider(value)
    if canonical is None:
        hint = suggest(value, [*facts()["execution_providers"], *PROVIDER_ALIASES])
        raise ValueError(f"unknown execution provider {value!r}" + (f"; {hint}" if hint else ""))
    return canonical
