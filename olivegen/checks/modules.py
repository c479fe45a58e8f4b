"""LoRA `target_modules` must name layers the model has."""

from __future__ import annotations

from collections.abc import Iterator

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic
from olivegen.knowledge.architectures import facts_for
from olivegen.knowledge.catalog import suggest
from olivegen.recipe.passes import _LoRAFields


@rule("target-modules")
def target_modules(scope: Scope) -> Iterator[Diagnostic]:
    """Every LoRA/QLoRA `target_modules` entry must be a layer of the model's architecture."""
    trainers = [
        (i, spec) for i, spec in enumerate(scope.recipe.passes) if isinstance(spec, _LoRAFields) and spec.target_modules
    ]
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
