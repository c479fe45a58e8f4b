"""Systems and engine host/target of any generation -> recipe host and target."""

from __future__ import annotations

from typing import Any

from olivegen.importer.pieces import Notes, flat
from olivegen.knowledge.catalog import (
    OLIVE_GENERATION,
    PREVIOUS_GENERATION,
    PROVIDER_DEFAULT_DEVICE,
    article,
    canonical_provider,
)

# The keys of each Olive system type that become recipe host/target fields.
USED_KEYS = {
    "LocalSystem": {"accelerators"},
    "AzureML": {"accelerators", "aml_compute", "aml_docker_config", "hf_token"},
    "Docker": {
        "accelerators",
        "dockerfile",
        "build_context_path",
        "image_name",
        "work_dir",
        "build_args",
        "run_params",
        "clean_image",
    },
    "PythonEnvironment": {"accelerators", "python_environment_path", "environment_variables", "prepend_to_path"},
}


def _provider(accelerators: Any, engine_eps: Any) -> tuple[str | None, list[str]]:
    device, eps = None, []
    if isinstance(accelerators, list) and accelerators:
        first = accelerators[0]
        if isinstance(first, str):
            device = first.lower()
        elif isinstance(first, dict):
            device = str(first["device"]).lower() if first.get("device") else None  # Olive infers it from the EPs
            eps = [str(e) for e in first.get("execution_providers") or []]
    if not eps and isinstance(engine_eps, list) and engine_eps:
        eps = [str(e) for e in engine_eps]
    return device, eps


def _system_spec(spec: dict[str, Any], engine_eps: Any, label: str, notes: Notes) -> dict[str, Any]:
    device, eps = _provider(spec.get("accelerators"), engine_eps)
    provider = eps[0] if eps else None
    kind = spec.get("type", "LocalSystem")
    out: dict[str, Any] = {}
    if kind == "AzureML":
        out["type"] = "azureml"
        docker = flat(spec.get("aml_docker_config") or {})
        for ours, value in (
            ("compute", spec.get("aml_compute")),
            ("image", docker.get("base_image")),
            ("conda_file", docker.get("conda_file_path")),
        ):
            if value:
                out[ours] = value
        if spec.get("hf_token"):
            out["hf_token"] = True
        notes.decided(
            (label, "type"),
            f"Olive {OLIVE_GENERATION} has no AzureML system: olivegen renders a job that runs `olive run` on this"
            " compute"
            f' (or the native system with `olive: "{PREVIOUS_GENERATION}"`)',
        )
    elif kind == "Docker":
        out["type"] = "docker"
        for ours, theirs in (
            ("dockerfile", "dockerfile"),
            ("build_context", "build_context_path"),
            ("image_name", "image_name"),
            ("work_dir", "work_dir"),
            ("build_args", "build_args"),
            ("run_params", "run_params"),
        ):
            if spec.get(theirs):
                out[ours] = spec[theirs]
        if spec.get("clean_image") is not None:
            out["clean_image"] = spec["clean_image"]
    elif kind == "PythonEnvironment":
        out["type"] = "python_environment"
        if spec.get("python_environment_path"):
            out["python"] = spec["python_environment_path"]
        if spec.get("environment_variables"):
            out["environment"] = spec["environment_variables"]
        if spec.get("prepend_to_path"):
            out["prepend_to_path"] = spec["prepend_to_path"]
    canonical = canonical_provider(provider) if provider else None
    out["provider"] = canonical or provider or ("CUDAExecutionProvider" if device == "gpu" else "CPUExecutionProvider")
    if len(eps) > 1:
        out["extra_providers"] = [canonical_provider(e) or e for e in eps[1:]]
    if device and device != PROVIDER_DEFAULT_DEVICE.get(out["provider"], "gpu"):
        out["device"] = device
    return out


def convert_systems(systems: dict[str, dict[str, Any]], engine: dict[str, Any], notes: Notes) -> dict[str, Any]:
    """Map the engine's host and target systems to recipe `host`/`target` (shorthands where possible)."""
    eps = engine.pop("execution_providers", None)
    host_name, target_name = engine.pop("host", None), engine.pop("target", None)
    out: dict[str, Any] = {}
    warned: set[tuple[Any, ...]] = set()
    for label, name in (("host", host_name), ("target", target_name)):
        spec = systems.get(name) if isinstance(name, str) else flat(name) if isinstance(name, dict) else None
        # Olive's default host and target: the local machine's CPU (the recipe's default host is CUDA)
        # the engine's execution_providers (Olive <= 0.6) are the target's
        out[label] = _system_spec(spec if spec is not None else {}, eps if label == "target" else None, label, notes)
        if spec is not None:
            where = ("systems", name) if isinstance(name, str) else ("engine", label)
            for key in sorted(set(spec) - USED_KEYS.get(str(spec.get("type", "LocalSystem")), set()) - {"type"}):
                if (*where, key) in warned:
                    continue
                warned.add((*where, key))
                kind = str(spec.get("type", "LocalSystem"))
                notes.dropped((*where, key), f"{article(kind)} {kind} setting olivegen does not render")
    if "target" in out and out.get("host") == out["target"]:
        del out["target"]
    for label in ("host", "target"):
        if label in out and set(out[label]) == {"provider"}:
            short = {"CUDAExecutionProvider": "cuda", "CPUExecutionProvider": "cpu"}.get(out[label]["provider"])
            if short:
                out[label] = short
    return out
