"""docs/targets.md, generated from the targets table (olivegen/knowledge/targets.py).

Regenerate with: python -m tools.docs_targets > docs/targets.md
"""

from __future__ import annotations

from olivegen.knowledge.catalog import GENERATION_ORDER, OLIVE_GENERATION
from olivegen.knowledge.passes import GENAI_RELEASE
from olivegen.knowledge.targets import MODEL_BUILDER_EP_MAP, RECIPES, TARGETS, Target, chain_summary

INTRO = f"""\
# Targets: what ships a language model to each execution provider

Generated from `olivegen/knowledge/targets.py` by `python -m tools.docs_targets > docs/targets.md`;
a test keeps it in sync. `olivegen init --model HF_ID --targets cpu,cuda,...` writes one
[matrix recipe](matrix.md) with a variant per target, each running the chain below;
`olivegen validate` refuses ModelBuilder for a target it does not build for
([`builder-provider`](rules.md#builder-provider)) and names the chain that does.

```
olivegen init --model Qwen/Qwen2.5-1.5B-Instruct --targets cpu,cuda,dml,openvino,qnn,webgpu -o qwen.yaml
olivegen init --model meta-llama/Llama-3.2-1B-Instruct --targets cuda:fp16,nvtensorrtrtx:int4 -o llama.yaml
olivegen validate --strict --olive qwen.yaml      # Olive 0.13's own check of every variant
olivegen render qwen.yaml -o configs/             # configs/<target>.json
```

`T:PRECISION` picks another precision the target is built in (the first one listed is the default).
`--olive-version main` writes the chains of Olive's main branch where they differ (VitisAI).
The chains were read from microsoft/olive-recipes (`{RECIPES}`, its `fetch`ed snapshot; how often it
runs each chain, per target: [targets-survey.md](targets-survey.md), `bench/olive_recipes_targets.py`) and
checked against Olive's sources (olive-ai {OLIVE_GENERATION}, `site-packages/olive/`):
`tests/unit/test_targets.py` validates every chain of every generation as a recipe, and
`tests/test_olive_check.py` has Olive {OLIVE_GENERATION} itself accept every variant of `init --targets`
for Qwen2, Llama and Phi-3 (`RunConfig.parse_file_or_obj`, each pass's config class, and each pass's
`validate_config` for the variant's target, which prunes none; OpenVINOOptimumConversion's check
imports `nncf`, so it is judged only where the `openvino` extra is installed), and compares
ModelBuilder's `EP_MAP`, olive-ai's extras and the pass registry with this table.
[examples/targets/](../examples/targets) holds one such recipe for Qwen2.5-1.5B-Instruct and one for
Llama-3.2-1B-Instruct.

Run with Olive {OLIVE_GENERATION} on this CPU-only machine, on the tiny random-weight Llama of
`olivegen demo -o /tmp/demo --arch llama --steps 5` (the other targets need their hardware or extras):

```
olivegen run examples/targets/llama32-1b-instruct.yaml --variant cpu --set model.path=/tmp/demo/tiny/model -o run-cpu
olivegen run examples/targets/llama32-1b-instruct.yaml --variant webgpu --set model.path=/tmp/demo/tiny/model -o run-web
olivegen run examples/targets/qwen25-1.5b-instruct.yaml --variant cpu-travel-adapter --host cpu \\
  --set model.path=/tmp/demo/tiny/model --set passes.LoRA.torch_dtype=float32 \\
  --set passes.LoRA.training.max_steps=5 --set passes.LoRA.r=16 --set data.travel.max_seq_len=64 -o run-adapter
```

`cpu`: ok in 18.7 s; `webgpu`: ok in 15.9 s, its `genai_config.json` names the `webgpu` provider;
`cpu-travel-adapter`: LoRA -> ModelBuilder -> ExtractAdapters ok in 31.1 s, with
`adapter_weights.onnx_adapter` (65.6 KB) beside the int4 model.
"""


def _generations(target: Target) -> str:
    found = {g for chain in target.chains for g in chain.generations}
    return ", ".join(g for g in GENERATION_ORDER if g in found) or "–"


def _summary_row(target: Target) -> str:
    chain = target.chain(OLIVE_GENERATION)
    built = f"{chain_summary(chain)} ({chain.precision})" if chain else "none known"
    precisions = ", ".join(target.precisions(OLIVE_GENERATION)) or "–"
    system = f"{target.system_provider} on {target.system_device}" if target.system else "the same"
    extra = f"`olive-ai[{target.extra}]`" if target.extra else "none"
    cells = [f"`{target.name}`", target.provider, target.device, built, precisions, target.host, system, extra]
    return "| " + " | ".join(cells) + " |"


def _section(target: Target) -> list[str]:
    lines = [f"## `{target.name}`: {target.provider}", ""]
    lines.append(f"- **Device:** {target.device}; **host** the passes need: `{target.host}`.")
    if target.system:
        lines.append(f"- **The config's target system:** {target.system_provider} on {target.system_device}.")
    lines.append(f"- **Install:** {target.install}.")
    lines.append(f"- **Olive generations with a chain:** {_generations(target)}.")
    if target.note:
        lines.append(f"- **Note:** {target.note}.")
    lines.append("")
    if target.chains:
        lines += ["| precision | Olive | chain | source |", "| --- | --- | --- | --- |"]
        for chain in target.chains:
            olives = ", ".join(chain.generations)
            lines.append(f"| {chain.precision} | {olives} | {chain_summary(chain)} | {chain.source} |")
        lines.append("")
    lines.append("Sources:")
    lines.append("")
    lines += [f"- {source}" for source in target.sources]
    lines.append("")
    return lines


def targets_markdown() -> str:
    """Return docs/targets.md."""
    lines = [INTRO]
    lines += [
        f"## The table (Olive {OLIVE_GENERATION})",
        "",
        "| target | provider | device | chain (default precision) | precisions | host | config's target"
        " | olive-ai extra |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [_summary_row(t) for t in TARGETS]
    lines.append("")
    mapped = ", ".join(f"{provider} -> `{name}`" for provider, name in MODEL_BUILDER_EP_MAP[OLIVE_GENERATION].items())
    lines += [
        "ModelBuilder builds for the providers of its `EP_MAP` only, and for any other one a CPU model",
        f"without a word; Olive {OLIVE_GENERATION}: {mapped}. ModelBuilder's fp16 needs a GPU provider other",
        f"than the CPU's, bf16 CUDA; onnxruntime-genai {GENAI_RELEASE} builds no int8.",
        "",
    ]
    for target in TARGETS:
        lines += _section(target)
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(targets_markdown(), end="")
