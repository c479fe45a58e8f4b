"""Systems and engine host/target of any generation -> recipe host and target."""

from __future__ import annotations

from typing import Any, NoReturn

from olivegen.errors import Diagnostic, RecipeError
from olivegen.importer.pieces import JsonPath, Notes, flat, json_path
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
    if not eps and device == "gpu":  # Olive picks the installed onnxruntime's first provider for the device
        notes.decided(
            (label,),
            "the config names device gpu but no execution provider: Olive takes the first the installed"
            " onnxruntime has for it (CUDA with onnxruntime-gpu, DirectML with onnxruntime-directml);"
            " olivegen wrote CUDA: check",
        )
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
        if spec.get("python_environment_path") is not None:  # "" too: `validate` judges it, not import
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


def convert_systems(
    systems: dict[str, dict[str, Any]], engine: dict[str, Any], notes: Notes, pass_hosts: set[str] | None = None
) -> dict[str, Any]:
    """Map the engine's host and target systems to recipe `host`/`target` (shorthands where possible).

    `pass_hosts` are the systems passes name as their host (carried with the pass, in Olive's words).
    """
    notes.carry(("engine",), "execution_providers", "host", "target")
    eps = engine.pop("execution_providers", None)
    host_name, target_name = engine.pop("host", None), engine.pop("target", None)
    out: dict[str, Any] = {}
    warned: set[tuple[Any, ...]] = set()
    for label, name in (("host", host_name), ("target", target_name)):
        spec = (
            systems.get(name)
            if isinstance(name, str)
            else notes.flat(name, ("engine", label))
            if isinstance(name, dict)
            else None
        )
        where = ("systems", name) if isinstance(name, str) and spec is not None else ("engine", label)
        if name is None:
            if not (label == "target" and (eps or host_name is None)):  # eps: Olive <= 0.6's target
                neither = label == "host" and target_name is None and not eps
                notes.decided(
                    (label,),
                    f"the config names no {'host or target' if neither else label}: Olive's default, a local system"
                    " on the CPU (CPUExecutionProvider)",
                )
        elif spec is None:  # Olive stops at it: no such system
            known = ", ".join(map(repr, systems)) or "none"
            _refuse(notes, ("engine", label), f"no system named {name!r}", f"the systems are {known}")
        elif str(spec.get("type", "LocalSystem")) not in USED_KEYS:
            kind = spec.get("type")
            _refuse(
                notes,
                (*where, "type"),
                f"a recipe's {label} cannot be {article(str(kind))} {kind} system (Olive {OLIVE_GENERATION} has"
                f" LocalSystem, Docker and PythonEnvironment; Olive {PREVIOUS_GENERATION} also AzureML)",
                f"write the {label} as one of those, or keep this config for the Olive that has {kind}",
            )
        # Olive's default host and target: the local machine's CPU (the recipe's default host is CUDA)
        # the engine's execution_providers (Olive <= 0.6) are the target's
        out[label] = _system_spec(spec if spec is not None else {}, eps if label == "target" else None, label, notes)
        if spec is not None:
            _carry_system(spec, where, notes)
            for key in sorted(set(spec) - USED_KEYS.get(str(spec.get("type", "LocalSystem")), set()) - {"type"}):
                if (*where, key) in warned:
                    continue
                warned.add((*where, key))
                kind = str(spec.get("type", "LocalSystem"))
                notes.dropped((*where, key), f"{article(kind)} {kind} setting olivegen does not render")
    used = {n for n in (host_name, target_name) if isinstance(n, str)}
    for name in systems:
        if name in (pass_hosts or set()) - used:
            notes.carry(("systems", name))
        elif name not in used:
            notes.dropped(("systems", name), "neither the engine's host nor its target names it: Olive never used it")
    if "target" in out and out.get("host") == out["target"]:
        del out["target"]
    for label in ("host", "target"):
        if label in out and set(out[label]) == {"provider"}:
            short = {"CUDAExecutionProvider": "cuda", "CPUExecutionProvider": "cpu"}.get(out[label]["provider"])
            if short:
                out[label] = short
    return out


def _carry_system(spec: dict[str, Any], where: JsonPath, notes: Notes) -> None:
    """Record which keys of a host or target system the recipe carries: its first accelerator, the typed settings."""
    kind = str(spec.get("type", "LocalSystem"))
    notes.carry(where, *({"type"} | (USED_KEYS.get(kind, set()) & set(spec))) - {"accelerators", "aml_docker_config"})
    accelerators = spec.get("accelerators")
    if isinstance(accelerators, list) and accelerators:
        first = accelerators[0]
        if isinstance(first, dict):
            notes.carry((*where, "accelerators", 0), "device", "execution_providers")
        else:
            notes.carry((*where, "accelerators", 0))
        for i in range(1, len(accelerators)):
            notes.dropped((*where, "accelerators", i), "a recipe's host and target run on their first accelerator")
    docker = spec.get("aml_docker_config")
    if kind == "AzureML" and isinstance(docker, dict):
        inner = notes.flat(docker, (*where, "aml_docker_config"))
        notes.carry((*where, "aml_docker_config"), *({"base_image", "conda_file_path"} & set(inner)))


def _refuse(notes: Notes, path: JsonPath, message: str, hint: str) -> NoReturn:
    raise RecipeError([Diagnostic(f"{json_path(path)}: {message}", notes.position(path), hint, "import")])
