"""What the host (the machine the passes run on) must be able to do."""

from __future__ import annotations

from collections.abc import Iterator

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic, Severity
from olivegen.knowledge.architectures import facts_for
from olivegen.knowledge.passes import NEEDS_CUDA_HOST, NVIDIA_PROVIDERS
from olivegen.recipe.passes import _LoRAFields

LARGE_MODEL_BILLIONS = 1.0
BYTES_PER_PARAM = {"float32": 4, "bfloat16": 2, "float16": 4}  # float16 trains in fp32 with fp16 autocast


def _host_text(scope: Scope) -> str:
    host = scope.recipe.host
    return f"{host.provider} on {host.resolved_device()!r}"


@rule("awq-needs-cuda")
def awq_needs_cuda(scope: Scope) -> Iterator[Diagnostic]:
    """AutoAWQQuantizer (autoawq) runs only on an NVIDIA CUDA host."""
    host = scope.recipe.host
    if host.resolved_device() == "gpu" and host.provider in NVIDIA_PROVIDERS:
        return
    for i, spec in enumerate(scope.recipe.passes):
        if str(getattr(spec, "type", "")) in NEEDS_CUDA_HOST:
            where = ("host",) if scope.written("host") else ("passes", i, "type")
            yield scope.error(
                "awq-needs-cuda",
                f"AutoAWQQuantizer needs a CUDA GPU host, but the host is {_host_text(scope)}",
                where,
                "autoawq stops with 'Please use GPU to run AWQ quantization'; set `host: cuda`,"
                " or quantize on the CPU with `type: gptq` or `type: rtn`",
            )


@rule("cpu-training", Severity.WARNING)
def cpu_training(scope: Scope) -> Iterator[Diagnostic]:
    """LoRA or QLoRA training of a model of a billion parameters or more on a CPU host is very slow."""
    host = scope.recipe.host
    if host.resolved_device() != "cpu":
        return
    trainers = [(i, spec) for i, spec in enumerate(scope.recipe.passes) if isinstance(spec, _LoRAFields)]
    if not trainers:
        return
    facts = facts_for(scope.recipe.model, scope.base)
    if facts.billions is None or facts.billions < LARGE_MODEL_BILLIONS:
        return
    for i, spec in trainers:
        memory = facts.billions * BYTES_PER_PARAM[spec.torch_dtype]
        yield scope.emit(
            "cpu-training",
            f"{spec.CANONICAL} trains a ~{facts.billions:g}B-parameter model on a CPU host;"
            f" its {spec.torch_dtype} weights alone take ~{memory:.0f} GB and every step is slow",
            ("passes", i, "type"),
            "train on a CUDA host (`host: cuda`), or use a model under 1B parameters for CPU runs",
        )
