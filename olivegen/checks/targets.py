"""Execution provider, device and precision: what Olive's pass registry and passes accept together."""

from __future__ import annotations

from collections.abc import Iterator

from olivegen.checks.base import Scope, metadata_only, pass_type, rule
from olivegen.errors import Diagnostic, Severity
from olivegen.knowledge.catalog import canonical_pass, canonical_pass_in, facts, pass_info, providers_for_device
from olivegen.knowledge.passes import (
    GENAI_BUILDER_PRECISIONS,
    GENAI_BUILDER_QUANTIZED_PRECISIONS,
    GENAI_RELEASE,
    MODEL_BUILDER_BF16_PROVIDERS,
    ORT_TRANSFORMERS_NO_FLOAT16,
    ORT_TRANSFORMERS_NO_USE_GPU,
    PYTORCH_QUANTIZERS,
    TRAINS_ADAPTER,
)
from olivegen.knowledge.targets import builder_providers, how_to_build
from olivegen.recipe.passes import GenericPass, ModelBuilder, OrtTransformersOptimization


def _short(provider: str) -> str:
    return provider.removesuffix("ExecutionProvider")


@rule("provider-device")
def provider_device(scope: Scope) -> Iterator[Diagnostic]:
    """A system's execution provider must run on its device (Olive drops it and falls back to the CPU one)."""
    for field in ("host", "target"):
        system = getattr(scope.recipe, field)
        if system is None or system.device is None:
            continue
        allowed = providers_for_device(system.device)
        if system.provider in allowed:
            continue
        if system.provider == "CPUExecutionProvider":
            # Olive keeps CPU on any device (torch passes on the device, the ONNX model for CPU) unless the
            # target is used: then it stops where onnxruntime has a provider of that device
            user = _target_user(scope) if field == "target" or scope.recipe.target is None else None
            if user is not None:
                yield scope.error(
                    "provider-device",
                    f"CPUExecutionProvider does not run on device {system.device!r}, and {user} runs on the target",
                    (field, "device"),
                    "Olive then stops (none of the target's providers found) wherever onnxruntime has a"
                    f" {system.device} provider: write `device: cpu`, or `provider:` one of"
                    f" {', '.join(_short(p) for p in allowed)}",
                )
            continue
        stated = scope.written(field, "provider")
        provider = system.provider if stated else f"the default provider {system.provider}"
        yield scope.error(
            "provider-device",
            f"{provider} does not run on device {system.device!r}",
            (field, "device"),
            f"Olive ignores it and falls back to CPUExecutionProvider; on {system.device} write `provider:`"
            f" one of {', '.join(_short(p) for p in allowed)}",
        )


def _target_user(scope: Scope) -> str | None:
    """Name what makes Olive use the target system (then it checks the target's providers), if anything."""
    if scope.recipe.evaluate is not None:
        return "the evaluation"
    for i, spec in enumerate(scope.recipe.passes):
        kind = pass_type(spec)
        canonical = canonical_pass_in(kind, scope.recipe.olive)
        entry = getattr(spec, "olive", None) or {}
        if entry.get("evaluator") is not None or (
            canonical is not None and facts(scope.recipe.olive)["passes"][canonical].get("run_on_target")
        ):
            return f"pass {i + 1} ({canonical or kind})"
    return None


@rule("pass-provider", Severity.WARNING)
def pass_provider(scope: Scope) -> Iterator[Diagnostic]:
    """A pass is made for the target's execution provider and device (Olive's pass registry)."""
    target = scope.target
    device = target.resolved_device()
    for i, spec in enumerate(scope.recipe.passes):
        canonical = canonical_pass(str(getattr(spec, "type", "")))
        if canonical is None:
            continue
        info = pass_info(canonical)
        providers = info.get("supported_providers") or ["*"]
        devices = info.get("supported_accelerators") or ["*"]
        if "*" not in providers and target.provider not in providers:
            yield scope.emit(
                "pass-provider",
                f"{canonical} is not made for the target provider {target.provider}",
                ("passes", i, "type"),
                f"Olive's pass registry lists {', '.join(_short(p) for p in providers)} for it; Olive runs it"
                " anyway, but the model may not run (or run slowly) on the target; change `target:` or the pass",
            )
        elif "*" not in devices and device not in devices:
            yield scope.emit(
                "pass-provider",
                f"{canonical} is not made for the target device {device!r}",
                ("passes", i, "type"),
                f"Olive's pass registry lists devices {', '.join(devices)} for it; change `target:` or the pass",
            )


@rule("builder-precision")
def builder_precision(scope: Scope) -> Iterator[Diagnostic]:
    """ModelBuilder builds the precision: fp16 needs a GPU target, bf16 CUDA, no int8, a quantized model only int4."""
    target = scope.target
    device = target.resolved_device()
    builds = GENAI_BUILDER_PRECISIONS[GENAI_RELEASE]
    quantized = dict(_quantized_before(scope))
    for i, spec in enumerate(scope.recipe.passes):
        if not isinstance(spec, ModelBuilder) or metadata_only(spec):
            continue
        where = ("passes", i, "precision")
        if spec.precision not in builds:
            yield scope.error(
                "builder-precision",
                f"onnxruntime-genai {GENAI_RELEASE}'s model builder cannot build precision {spec.precision!r}",
                where,
                f"Olive accepts it, then the build stops with a KeyError in set_onnx_dtype; write one of"
                f" {', '.join(builds)} (int4 for a small CPU model), or quantize the ONNX model after ModelBuilder",
            )
        elif spec.precision == "fp16" and (device != "gpu" or target.provider == "CPUExecutionProvider"):
            yield scope.error(
                "builder-precision",
                f"ModelBuilder precision 'fp16' needs a GPU target, not {target.provider} on {device!r}",
                where,
                "Olive skips the pass ('FP16 is not supported on CPU') and ends without a model;"
                " use int4 or fp32 for the CPU, or `target: cuda`",
            )
        elif spec.precision == "bf16" and target.provider not in MODEL_BUILDER_BF16_PROVIDERS:
            yield scope.error(
                "builder-precision",
                f"ModelBuilder precision 'bf16' needs the CUDA target provider, not {target.provider}",
                where,
                "Olive skips the pass ('BF16 is only supported on CUDA execution provider');"
                " use fp16 on other GPUs, int4 or fp32 on the CPU",
            )
        elif i in quantized and spec.precision not in GENAI_BUILDER_QUANTIZED_PRECISIONS[GENAI_RELEASE]:
            q_index, q_kind = quantized[i]
            yield scope.error(
                "builder-precision",
                f"ModelBuilder cannot build precision {spec.precision!r} from the model {q_kind} (pass {q_index + 1})"
                " quantized",
                where,
                f"onnxruntime-genai {GENAI_RELEASE} loads a quantized model's layers without float weights and"
                " stops with \"'QuantizedTensorModule' object has no attribute 'weight'\"; write"
                f" `precision: {GENAI_BUILDER_QUANTIZED_PRECISIONS[GENAI_RELEASE][0]}`, or drop the quantizer to"
                f" build {spec.precision}",
            )


def _quantized_before(scope: Scope) -> Iterator[tuple[int, tuple[int, str]]]:
    """Yield (ModelBuilder index, (quantizer index, type)) for each ModelBuilder a PyTorch quantizer's model reaches.

    Adapter trainers between them keep the quantized base ModelBuilder builds from; after any other pass
    (a merge, an Olive pass olivegen does not type) the model's weights are not known, and nothing is said.
    """
    quantizer: tuple[int, str] | None = None
    for i, spec in enumerate(scope.recipe.passes):
        kind = pass_type(spec)
        if kind in PYTORCH_QUANTIZERS:
            quantizer = (i, kind)
        elif isinstance(spec, ModelBuilder) and quantizer is not None:
            yield i, quantizer
            quantizer = None
        elif kind not in TRAINS_ADAPTER:
            quantizer = None


@rule("builder-provider")
def builder_provider(scope: Scope) -> Iterator[Diagnostic]:
    """ModelBuilder builds for the target's provider only where Olive maps it; any other gets a CPU model."""
    target = scope.target
    mapped = builder_providers(scope.recipe.olive)
    if not mapped or target.provider in mapped:
        return
    where = "target" if scope.recipe.target is not None else "host"
    passes = scope.recipe.passes
    for i, spec in enumerate(passes):
        if not isinstance(spec, ModelBuilder) or metadata_only(spec):
            continue
        if any(isinstance(later, GenericPass) for later in passes[i + 1 :]):
            # Olive passes olivegen does not type may turn the CPU-built model into the provider's (olive-recipes'
            # QNN chains: ModelBuilder, then graph surgeries, static shapes and context binaries)
            continue
        chain = how_to_build(target.provider, scope.recipe.olive)
        hint = (
            f"Olive's ModelBuilder silently builds a CPU model for it; for {_short(target.provider)} use {chain}"
            if chain
            else f"Olive's ModelBuilder silently builds a CPU model for it; build for CPU explicitly (`{where}: cpu`)"
        )
        yield scope.error(
            "builder-provider",
            f"ModelBuilder cannot build for the {where}'s provider {target.provider}",
            ("passes", i, "type"),
            hint + f"; ModelBuilder builds for {', '.join(_short(p) for p in mapped)}",
        )


@rule("optimize-target")
def optimize_target(scope: Scope) -> Iterator[Diagnostic]:
    """OrtTransformersOptimization's float16 and use_gpu need a target provider that takes them."""
    provider = scope.target.provider
    for i, spec in enumerate(scope.recipe.passes):
        if not isinstance(spec, OrtTransformersOptimization):
            continue
        if spec.float16 and provider in ORT_TRANSFORMERS_NO_FLOAT16:
            why, instead = ORT_TRANSFORMERS_NO_FLOAT16[provider]
            yield scope.error(
                "optimize-target",
                f"OrtTransformersOptimization cannot convert to float16 for the target provider {_short(provider)}",
                ("passes", i, "float16"),
                f"Olive skips the pass ('{why}') and ends without its model; {instead}",
            )
        if spec.use_gpu and provider in ORT_TRANSFORMERS_NO_USE_GPU:
            yield scope.error(
                "optimize-target",
                f"OrtTransformersOptimization cannot optimize for a GPU when the target provider is {_short(provider)}",
                ("passes", i, "use_gpu"),
                "Olive skips the pass ('CPUExecutionProvider does not support GPU inference') and ends without its"
                " model; leave `use_gpu` out for the CPU, or target a GPU (`target: cuda`)",
            )
