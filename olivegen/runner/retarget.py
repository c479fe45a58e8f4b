"""`--host` and `--target`: run a recipe written for another machine, changing only what must change.

`--host cpu` replaces the host system's provider and device (an Azure ML host becomes
local: `olivegen run` runs Olive on this machine). The target is what the model is
built for; it changes only when asked (`--target`), or when the recipe's target is CUDA
(written, or implied because the recipe names no target) and this machine cannot load
a CUDA model: then it follows the CPU host, and the note says so.

Measured on this machine's Olive 0.13 / torch 2.13: LoRA and QLoRA train on a CPU host in
their recipe dtype (bfloat16, float16 autocast or float32), so no training setting is changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from olivegen.errors import Diagnostic, RecipeError
from olivegen.knowledge.catalog import PROVIDER_DEFAULT_DEVICE, canonical_provider
from olivegen.knowledge.passes import NVIDIA_PROVIDERS, TYPED_ADAPTER_TRAINERS
from olivegen.recipe import Recipe
from olivegen.recipe.systems import SystemSpec
from olivegen.runner.machine import Machine

CUDA_PROVIDERS = NVIDIA_PROVIDERS


def describe(spec: SystemSpec) -> str:
    """Return `CUDAExecutionProvider on gpu` (with the system kind when not local)."""
    kind = "" if spec.type == "local" else f"{spec.type} "
    return f"{kind}{spec.provider} on {spec.resolved_device()}"


def provider_of(value: str, flag: str) -> str:
    """Return Olive's provider name for a `--host`/`--target` value (`cpu`, `cuda`, `gpu`, a provider)."""
    word = "cuda" if value.strip().lower() == "gpu" else value.strip()
    canonical = canonical_provider(word)
    if canonical is None:
        raise RecipeError(
            [
                Diagnostic(
                    f"{flag} {value!r} is not an execution provider",
                    None,
                    "use cpu, cuda, or a provider name",
                    "run-flag",
                )
            ]
        )
    return canonical


def _system(spec: SystemSpec, provider: str) -> SystemSpec:
    update: dict[str, object] = {"provider": provider, "device": PROVIDER_DEFAULT_DEVICE.get(provider, "gpu")}
    if spec.type == "azureml":
        update.update({k: None for k in ("compute", "image", "conda_file") if k in type(spec).model_fields})
        update["type"] = "local"
    return spec.model_copy(update=update)


@dataclass(frozen=True)
class Overridden:
    """The recipe to run and a note per change made to it."""

    recipe: Recipe
    notes: list[str]


def apply_overrides(recipe: Recipe, host: str | None, target: str | None, machine: Machine) -> Overridden:
    """Return the recipe with `--host`/`--target` applied, and what changed and why."""
    notes: list[str] = []
    old_host, old_target = recipe.host, recipe.target or recipe.host
    new_host, new_target = old_host, old_target
    if host is not None:
        new_host = _system(old_host, provider_of(host, "--host"))
        if describe(new_host) != describe(old_host):
            notes.append(f"host: {describe(old_host)} -> {describe(new_host)} (--host {host})")
    if target is not None:
        new_target = _system(old_target, provider_of(target, "--target"))
        if describe(new_target) != describe(old_target):
            notes.append(f"target: {describe(old_target)} -> {describe(new_target)} (--target {target})")
    elif (
        host is not None
        and new_host.resolved_device() == "cpu"
        and old_target.provider in CUDA_PROVIDERS
        and not machine.ort_cuda()
    ):
        new_target = _system(old_target, new_host.provider)
        implied = "" if recipe.target is not None else " (the recipe names no target, so it was the host)"
        notes.append(
            f"target: {describe(old_target)}{implied} -> {describe(new_target)}:"
            " onnxruntime-gpu is not installed,"
            " so a CUDA model could not be loaded here; pass --target cuda to build for CUDA anyway"
        )
    trains = any(str(getattr(spec, "type", "")) in TYPED_ADAPTER_TRAINERS for spec in recipe.passes)
    if trains and host is not None and new_host.resolved_device() == "cpu" and old_host.resolved_device() != "cpu":
        notes.append("training settings unchanged: LoRA and QLoRA train on the CPU in the recipe's torch_dtype")
    if not notes:
        return Overridden(recipe, [])
    same = new_target == new_host
    updated = recipe.model_copy(update={"host": new_host, "target": None if same else new_target})
    return Overridden(updated, notes)
