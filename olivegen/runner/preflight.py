"""Passes that cannot run on this machine, refused before Olive starts: the reason and the fix.

Recipe rules (`olivegen validate`) judge the recipe alone; these judge the recipe on
*this* machine: its packages and its GPU. Every finding is a Diagnostic with a `run-*`
rule id, pointing at the pass (or system) in the recipe.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from olivegen.checks.base import Scope
from olivegen.errors import Diagnostic, Severity
from olivegen.knowledge import passes as P
from olivegen.knowledge.passes import NVIDIA_PROVIDERS as CUDA_PROVIDERS
from olivegen.runner.machine import Machine
from olivegen.runner.retarget import describe

# Every LoRA-family trainer, typed or not: each needs peft, and each leaves an adapter.
LORA_FAMILY = P.TRAINS_ADAPTER
# Python module each pass imports, and the pip package that provides it.
PASS_MODULES: dict[str, tuple[tuple[str, str], ...]] = {
    P.QLORA: (("bitsandbytes", "bitsandbytes"), ("peft", "peft")),
    P.LORA: (("peft", "peft"),),
    P.DORA: (("peft", "peft"), ("bitsandbytes", "bitsandbytes")),
    P.LOHA: (("peft", "peft"),),
    P.LOKR: (("peft", "peft"),),
    P.AUTO_AWQ: (("awq", "autoawq"),),
    P.MODEL_BUILDER: (("onnxruntime_genai", "onnxruntime-genai"),),
    P.GPTQ_MODEL: (("gptqmodel", "gptqmodel"),),
    P.GPTQ_QUANTIZER: (("auto_gptq", "auto-gptq"),),
}
EXTRA_FOR = {
    "bitsandbytes": "olivegen[qlora]",
    "onnxruntime-genai": "olivegen[olive]",
    "peft": "olivegen[olive]",
}


def _kind(spec: object) -> str:
    return str(getattr(spec, "type", ""))


def _error(scope: Scope, rule: str, message: str, loc: tuple[Any, ...], hint: str) -> Diagnostic:
    return Diagnostic(message, scope.at(*loc), hint, rule, Severity.ERROR)


def _warning(scope: Scope, rule: str, message: str, loc: tuple[Any, ...], hint: str) -> Diagnostic:
    return Diagnostic(message, scope.at(*loc), hint, rule, Severity.WARNING)


def _olive(scope: Scope, machine: Machine) -> Iterator[Diagnostic]:
    if not machine.module("olive"):
        yield _error(
            scope,
            "run-olive-missing",
            "Olive is not installed in this Python environment",
            ("passes",),
            "pip install 'olivegen[olive]' (torch first: pip install torch==2.13.0)",
        )


def _packages(scope: Scope, machine: Machine) -> Iterator[Diagnostic]:
    for i, spec in enumerate(scope.recipe.passes):
        for module, package in PASS_MODULES.get(_kind(spec), ()):
            if not machine.module(module):
                extra = EXTRA_FOR.get(package)
                yield _error(
                    scope,
                    "run-missing-package",
                    f"{_kind(spec)} needs the Python package {package!r}, which is not installed",
                    ("passes", i, "type"),
                    f"pip install {package}" + (f" (or pip install '{extra}')" if extra else ""),
                )


def _awq(scope: Scope, machine: Machine, found: Sequence[Diagnostic]) -> Iterator[Diagnostic]:
    host = scope.recipe.host
    cuda_host = host.resolved_device() == "gpu" and host.provider in CUDA_PROVIDERS
    if any(d.rule == "awq-needs-cuda" for d in found):
        return  # the recipe rule already says the host is not CUDA
    for i, spec in enumerate(scope.recipe.passes):
        if _kind(spec) not in P.NEEDS_CUDA_HOST:
            continue
        followed_by_lora = any(_kind(s) in LORA_FAMILY for s in scope.recipe.passes[i + 1 :])
        cpu_fix = (
            "on a CPU, drop the quantizer and let ModelBuilder int4 quantize (LoRA cannot train on Olive's"
            " Gptq/Rtn output)"
            if followed_by_lora
            else "on a CPU, use `type: gptq` (with `data:`) or `type: rtn` instead"
        )
        if not cuda_host:
            yield _error(
                scope,
                "run-awq-needs-cuda",
                f"AutoAWQQuantizer needs a CUDA GPU host, but the host is {describe(host)}",
                ("passes", i, "type"),
                f"run on an NVIDIA GPU machine with `host: cuda`; {cpu_fix}",
            )
        elif not machine.cuda_gpu():
            yield _error(
                scope,
                "run-awq-needs-cuda",
                "AutoAWQQuantizer needs a CUDA GPU, and torch sees none on this machine"
                " (autoawq stops with 'Please use GPU to run AWQ quantization')",
                ("passes", i, "type"),
                f"run on an NVIDIA GPU machine; {cpu_fix} (with --host cpu)",
            )


def _cuda_host(scope: Scope, machine: Machine) -> Iterator[Diagnostic]:
    host = scope.recipe.host
    if host.type != "local" or host.resolved_device() != "gpu" or host.provider not in CUDA_PROVIDERS:
        return
    if any(_kind(s) in P.NEEDS_CUDA_HOST for s in scope.recipe.passes):
        return  # reported as an error above
    if not machine.cuda_gpu():
        yield _warning(
            scope,
            "run-no-gpu",
            f"the host is {describe(host)}, but torch sees no CUDA GPU: the passes will run on the CPU",
            ("host",),
            "pass --host cpu to say so (and let olivegen adapt a CUDA target)",
        )


def _cuda_target(scope: Scope, machine: Machine) -> Iterator[Diagnostic]:
    target = scope.recipe.target or scope.recipe.host
    if target.provider not in CUDA_PROVIDERS or machine.ort_cuda():
        return
    yield _error(
        scope,
        "run-cuda-target",
        f"the target is {describe(target)}, but onnxruntime-gpu is not installed: the CUDA model could not be"
        " loaded or evaluated here",
        ("target",) if scope.recipe.target is not None else ("host",),
        "build for this machine with --target cpu (or --host cpu), or install onnxruntime-gpu on a CUDA"
        " machine"
        " (pip install 'olivegen[cuda]')",
    )


def _remote(scope: Scope) -> Iterator[Diagnostic]:
    for name, spec in (("host", scope.recipe.host), ("target", scope.recipe.target)):
        if spec is not None and spec.type == "azureml":
            yield _error(
                scope,
                "run-remote-system",
                f"the {name} is an Azure ML system; olivegen run runs Olive on this machine",
                (name,),
                "run here with --host cpu (or --host cuda), or submit the rendered Azure ML job",
            )


def _unexcluded_lora(scope: Scope, config: dict[str, Any]) -> Iterator[Diagnostic]:
    passes = list(scope.recipe.passes)
    kinds = [_kind(s) for s in passes]
    rendered = list(config.get("passes", {}).values())
    adapter = scope.recipe.model.adapter_path is not None
    for i, kind in enumerate(kinds):
        if kind in LORA_FAMILY:
            adapter = True
        elif kind in P.MERGES_ADAPTERS:
            adapter = False
        elif kind == P.MODEL_BUILDER and adapter and P.EXTRACT_ADAPTERS in kinds[i + 1 :]:
            params = rendered[i] if i < len(rendered) else {}
            if params.get("precision") == "int4" and not params.get("int4_nodes_to_exclude"):
                yield _warning(
                    scope,
                    "run-lora-int4",
                    "ModelBuilder int4 will quantize the LoRA MatMuls too, and the base model will then"
                    " fail to run without its adapter (MatMulNBits 'expected shape'); olivegen could not"
                    " derive their names for this model",
                    ("passes", i, "type"),
                    "list them in int4_nodes_to_exclude: /model/layers.N/attn/q_proj/lora_A/MatMul,"
                    " .../lora_B/MatMul for each layer N and adapted projection",
                )


def _model_dims(scope: Scope) -> dict[str, int]:
    from olivegen.source.paths import is_local_path, resolve

    model = scope.recipe.model
    if model.path is None or model.registry_ref() is not None or not is_local_path(scope.base, model.path):
        return {}
    try:
        config = json.loads((Path(resolve(scope.base, model.path)) / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    keys = ("hidden_size", "intermediate_size")
    return {k: v for k in keys if isinstance(v := config.get(k) if isinstance(config, dict) else None, int)}


def _rank_collision(scope: Scope) -> Iterator[Diagnostic]:
    kinds = [_kind(s) for s in scope.recipe.passes]
    if P.EXTRACT_ADAPTERS not in kinds:
        return
    dims = None
    for i, spec in enumerate(scope.recipe.passes):
        rank = getattr(spec, "r", None)
        if kinds[i] not in LORA_FAMILY or not isinstance(rank, int):
            continue
        dims = _model_dims(scope) if dims is None else dims
        same = [name for name, value in dims.items() if value == rank]
        if same:
            yield _warning(
                scope,
                "run-lora-rank",
                f"LoRA rank r={rank} equals the model's {same[0]}: after ExtractAdapters the base model will"
                " fail to run without its adapter (onnxruntime reuses a buffer sized for r; measured on Olive"
                " 0.13, onnxruntime 1.31)",
                ("passes", i, "r"),
                "pick a rank that no dimension of the model has (e.g. r: 16)",
            )


def preflight(
    scope: Scope, machine: Machine, config: dict[str, Any], found: Sequence[Diagnostic] = ()
) -> list[Diagnostic]:
    """Return every reason the recipe cannot run (errors) or may surprise (warnings) on this machine.

    `found` holds the recipe rules' diagnostics, so a problem they already report is not repeated.
    """
    out = [
        *_olive(scope, machine),
        *_remote(scope),
        *_packages(scope, machine),
        *_awq(scope, machine, found),
        *_cuda_host(scope, machine),
        *_cuda_target(scope, machine),
        *_unexcluded_lora(scope, config),
        *_rank_collision(scope),
    ]
    return sorted(out, key=lambda d: (d.at.line, d.at.col, d.rule) if d.at else (0, 0, d.rule))
