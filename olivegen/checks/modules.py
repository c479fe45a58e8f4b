"""LoRA `target_modules` must name layers the model has."""

from __future__ import annotations

from collections.abc import Iterator

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic, Severity
from olivegen.knowledge import passes as P
from olivegen.knowledge.architectures import facts_for, model_id
from olivegen.knowledge.catalog import suggest
from olivegen.recipe.passes import ModelBuilder, _LoRAFields


@rule("target-modules")
def target_modules(scope: Scope) -> Iterator[Diagnostic]:
    """Every LoRA/QLoRA `target_modules` entry must be a layer of the model's architecture."""
    trainers = [
        (i, spec)
        for i, spec in enumerate(scope.recipe.passes)
        if isinstance(spec, _LoRAFields) and spec.target_modules and spec.CANONICAL != P.QLORA
    ]  # QLoRA ignores target_modules (qlora-target-modules)
    if not trainers:
        return
    facts = facts_for(scope.recipe.model, scope.base)
    family = facts.family
    if family is None:
        return
    known = family.modules()
    for i, spec in trainers:
        for j, name in enumerate(spec.target_modules or []):
            leaf = name.rsplit(".", 1)[-1]
            if leaf in known:
                continue
            hint = suggest(leaf, sorted(known))
            layers = f"{family.label} linear layers: {', '.join(family.linear)}"
            if name == "all-linear":
                hint = (
                    "PEFT takes `all-linear` only as a plain string;"
                    " leave `target_modules` out to adapt every linear layer"
                )
            yield scope.error(
                "target-modules",
                f"{family.label} models have no layer {name!r} (family from the {facts.source})",
                ("passes", i, "target_modules", j),
                f"{hint} ({layers})" if hint else layers,
            )


@rule("lora-int4-nodes", Severity.WARNING)
def lora_int4_nodes(scope: Scope) -> Iterator[Diagnostic]:
    """LoRA -> ModelBuilder int4 -> ExtractAdapters needs the model's depth to keep the LoRA MatMuls out of int4."""
    passes = list(scope.recipe.passes)
    kinds = [str(getattr(spec, "type", "")) for spec in passes]
    adapter = scope.recipe.model.adapter_path is not None
    facts = None
    for i, spec in enumerate(passes):
        if kinds[i] in P.TYPED_ADAPTER_TRAINERS:
            adapter = True
        elif kinds[i] in P.MERGES_ADAPTERS:
            adapter = False
        elif isinstance(spec, ModelBuilder) and spec.precision == "int4" and adapter:
            if P.EXTRACT_ADAPTERS not in kinds[i + 1 :] or spec.int4_nodes_to_exclude:
                continue
            if "int4_nodes_to_exclude" in (spec.extra_options or {}):
                continue
            facts = facts or facts_for(scope.recipe.model, scope.base)
            if facts.family is not None and facts.layers is not None:
                continue
            name = model_id(scope.recipe.model) or "the model"
            yield scope.warning(
                "lora-int4-nodes",
                f"olivegen cannot tell the layers of {name!r}, so this int4 pass will quantize the LoRA MatMuls"
                " too and the base model will not run without its adapter",
                ("passes", i, "precision"),
                "use a local copy of the model (its config.json gives the depth), have it in the Hugging Face"
                " cache, or list int4_nodes_to_exclude: /model/layers.N/attn/q_proj/lora_A/MatMul and"
                " .../lora_B/MatMul for each layer N and adapted projection",
            )
