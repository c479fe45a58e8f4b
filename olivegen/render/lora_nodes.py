"""The LoRA MatMuls a ModelBuilder int4 pass must leave unquantized when ExtractAdapters follows.

LoRA -> ModelBuilder int4 -> ExtractAdapters. The model builder writes a LoRA layer as two extra
MatMuls beside the base one (onnxruntime-genai `make_matmul_lora`): for the base MatMul
`/model/layers.{i}/{block}/{proj}/MatMul` they are `.../{proj}/lora_A/MatMul` and
`.../{proj}/lora_B/MatMul`. At int4 it quantizes those too, and ExtractAdapters then turns their
int4 weights into optional inputs whose empty defaults MatMulNBits rejects: the base model no
longer runs without its adapter. Listing them in `int4_nodes_to_exclude` keeps them float, so it
does. Packed Phi-3 layers (`qkv_proj`, `gate_up_proj`) are unpacked by the builder when they
carry LoRA.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from olivegen.knowledge import passes as P
from olivegen.knowledge.architectures import facts_for
from olivegen.recipe import Recipe
from olivegen.recipe.model import InputModel
from olivegen.recipe.passes import ModelBuilder
from olivegen.source.paths import resolve

LORA_BUILDER_NODES: dict[str, tuple[str, ...]] = {
    "q_proj": ("attn/q_proj",),
    "k_proj": ("attn/k_proj",),
    "v_proj": ("attn/v_proj",),
    "o_proj": ("attn/o_proj",),
    "qkv_proj": ("attn/q_proj", "attn/k_proj", "attn/v_proj"),
    "gate_proj": ("mlp/gate_proj",),
    "up_proj": ("mlp/up_proj",),
    "down_proj": ("mlp/down_proj",),
    "gate_up_proj": ("mlp/gate_proj", "mlp/up_proj"),
}
# The typed trainers only: olivegen knows which modules they adapt (knowledge/passes.py).
LORA_FAMILY = P.TYPED_ADAPTER_TRAINERS


def lora_builder_nodes(layers: int, modules: list[str] | tuple[str, ...]) -> list[str]:
    """Return the names the model builder gives the LoRA MatMuls of these modules (unknown ones: none)."""
    blocks = [block for module in modules for block in LORA_BUILDER_NODES.get(module.split(".")[-1], ())]
    blocks = list(dict.fromkeys(blocks))
    return [f"/model/layers.{i}/{b}/lora_{ab}/MatMul" for i in range(layers) for b in blocks for ab in "AB"]


def _adapter_targets(model: InputModel, base: Path) -> list[str] | None:
    if not model.adapter_path:
        return None
    try:
        config: Any = json.loads((Path(resolve(base, model.adapter_path)) / "adapter_config.json").read_text())
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    targets = config.get("target_modules") if isinstance(config, dict) else None
    return [str(t) for t in targets] if isinstance(targets, list) else None


def lora_int4_exclusions(recipe: Recipe, base: Path) -> dict[int, list[str]]:
    """Return, per ModelBuilder int4 pass that keeps a LoRA adapter for ExtractAdapters, its nodes to exclude.

    The pass's own `int4_nodes_to_exclude` come first; `extra_options.int4_nodes_to_exclude`
    (which overrides the field in Olive) leaves the pass alone. Models whose family or depth
    cannot be told (a hub id olivegen does not know) get nothing added.
    """
    passes = list(recipe.passes)
    kinds = [str(getattr(spec, "type", "")) for spec in passes]
    if not any(k in LORA_FAMILY for k in kinds) and recipe.model.adapter_path is None:
        return {}
    facts = facts_for(recipe.model, base)
    out: dict[int, list[str]] = {}
    targets = _adapter_targets(recipe.model, base)
    for index, spec in enumerate(passes):
        kind = kinds[index]
        if kind in LORA_FAMILY:
            chosen = getattr(spec, "target_modules", None)
            if kind == P.QLORA:  # QLoRA adapts every linear layer it quantizes (Olive overrides target_modules)
                targets = list(facts.family.linear) if facts.family else []
            else:
                targets = list(chosen) if chosen else list(facts.family.default_lora if facts.family else ())
        elif kind in P.MERGES_ADAPTERS:
            targets = None
        elif isinstance(spec, ModelBuilder) and spec.precision == "int4" and targets:
            user_owned = "int4_nodes_to_exclude" in (spec.extra_options or {})
            if P.EXTRACT_ADAPTERS not in kinds[index + 1 :] or user_owned or facts.layers is None:
                continue
            derived = lora_builder_nodes(facts.layers, targets)
            if derived:
                out[index] = list(dict.fromkeys([*(spec.int4_nodes_to_exclude or []), *derived]))
    return out
