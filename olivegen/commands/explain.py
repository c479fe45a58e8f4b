"""`olivegen explain RECIPE [--format text|mermaid]`: the plan a recipe renders to, for people to read.

The input model, the data, each pass in order with its settings (defaults
filled in and marked `*`), host and target, where the outputs land and what
needs a GPU. `--format mermaid` draws the same plan as a flow diagram.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from olivegen.commands.common import Exit, HelpFormat, epilog, report
from olivegen.commands.explain_inputs import data_origin, model_label, model_line, value
from olivegen.commands.explain_inputs import shown as shown  # `diff` reads it from here
from olivegen.commands.options import add_olive_version, add_outside, add_set, add_variant
from olivegen.knowledge import passes as P

if TYPE_CHECKING:
    from olivegen.api import Compiled

GPU_PASSES = {P.AUTO_AWQ: "autoawq refuses to run without a CUDA GPU"}
DATA_KEYS = ("train_data_config", "eval_data_config", "data_config")


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "explain",
        help="print the plan a recipe renders to (or a mermaid diagram)",
        description="Print the plan a recipe renders to, defaults filled in: model, data, each pass and what"
        " it produces, host and target (or a mermaid diagram).",
        epilog=epilog(
            {0: "explained", 1: "the recipe has errors", 2: "usage or internal error"},
            [
                "olivegen explain examples/phi35-travel-lab.yaml",
                "olivegen explain examples/team/travel-targets.yaml --format mermaid",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("recipe", type=Path, help="recipe file (.yaml)")
    parser.add_argument("--format", choices=("text", "mermaid"), default="text", help="text (default) or mermaid")
    add_olive_version(parser, "explain for")
    add_outside(parser)
    add_set(parser)
    add_variant(parser)


def execute(args: argparse.Namespace) -> Exit:
    """Print the plan of a recipe, or of each variant of a matrix recipe."""
    from olivegen.api import Options, compile

    options = Options(
        overrides=args.overrides,
        only=args.variants,
        outside=getattr(args, "outside", False),
        generation=args.olive_version,
    )
    compiled = compile(args.recipe, options)
    for one in compiled:
        report(one.warnings)
    if args.format == "mermaid":  # one diagram; a matrix draws each variant as a subgraph of it
        sys.stdout.write(mermaid(compiled))
    else:
        sys.stdout.write("\n".join(plan_text(one) for one in compiled))
    return Exit.OK


def gpu_needs(compiled: Compiled) -> list[tuple[str, str]]:
    """Say what needs a GPU, as (what, why): the host, passes that need one, evaluation on a GPU target."""
    recipe = compiled.recipe
    needs = []
    if recipe.host.resolved_device() == "gpu":
        needs.append(("host", f"{recipe.host.provider}; every pass runs there"))
    for key, spec in zip(compiled.config["passes"], recipe.passes, strict=True):
        kind = str(getattr(spec, "type", ""))
        if kind in GPU_PASSES:
            needs.append((key, GPU_PASSES[kind]))
        if kind in P.TYPED_ADAPTER_TRAINERS and getattr(spec, "torch_dtype", None) == "float16":
            needs.append((key, "float16 trains in mixed precision on a GPU"))
        if getattr(spec, "use_gpu", False) or getattr(spec, "float16", False):
            needs.append((key, "optimizes for GPU inference"))
    target = recipe.target or recipe.host
    if recipe.evaluate is not None and target.resolved_device() == "gpu":
        needs.append(("evaluation", f"runs on the target, {target.provider}"))
    return needs


def _system(spec: Any) -> str:
    kind = "" if spec.type == "local" else f" ({spec.type})"
    return f"{spec.provider} on {spec.resolved_device()}{kind}"


def settings(spec: Any, params: dict[str, Any]) -> list[str]:
    """Return `key=value` for each rendered setting of a pass; `*` marks a default (not written)."""
    written = {spec.RENAMES.get(k, k) for k in getattr(spec, "model_fields_set", set())}
    generic = hasattr(spec, "config")
    out = []
    for key, item in params.items():
        if key == "type":
            continue
        mark = "" if generic or key in written or key in getattr(spec, "options", {}) else "*"
        out.append(f"{key}={value(item)}{mark}")
    return out


def _folder(config: dict[str, Any], key: str) -> str:
    folder = (config.get("engine") or {}).get(key)
    return shown(folder) if isinstance(folder, str) else "Olive's default"


def plan_text(compiled: Compiled) -> str:
    """Return the plan as aligned text lines."""
    recipe, config = compiled.recipe, compiled.config
    model = config.get("input_model") or {}
    lines = [f"recipe    {compiled.path}" + (f"  (variant {compiled.variant})" if compiled.variant else "")]
    lines.append(f"workflow  {value(config.get('workflow_id'))}")
    lines.append(f"model     {model_line(model)}")
    if isinstance(model.get("adapter_path"), str):
        lines.append(f"adapter   {shown(model['adapter_path'])}")
    for data in config.get("data_configs") or []:
        lines.append(f"data      {value(data.get('name'))}: {data_origin(data)}")
    target = recipe.target or recipe.host
    lines.append(f"host      {_system(recipe.host)}  (passes run here)")
    lines.append(f"target    {_system(target)}  (the model is built and evaluated for this)")
    lines.append("passes")
    for n, ((key, params), spec) in enumerate(zip(config["passes"].items(), recipe.passes, strict=True), 1):
        lines.append(f"  {n}. {key} ({params['type']})")
        lines.extend(f"       {s}" for s in settings(spec, params))
    lines.append(f"output    {_folder(config, 'output_dir')}")
    lines.append(f"cache     {_folder(config, 'cache_dir')}")
    needs = gpu_needs(compiled)
    lines.append("gpu       " + ("needed" if needs else "not needed: runs on a CPU-only machine"))
    lines.extend(f"  {what}: {why}" for what, why in needs)
    lines.append("(* = default, not written in the recipe)")
    return "\n".join(lines) + "\n"


def _label(*parts: str) -> str:
    return '"' + "<br/>".join(p.replace('"', "#quot;") for p in parts) + '"'


def mermaid(compiled: Sequence[Compiled]) -> str:
    """Return the plan as one mermaid flowchart; each variant of a matrix is a subgraph of it."""
    lines = ["flowchart LR"]
    marked: list[str] = []
    if len(compiled) == 1:
        lines += _flow(compiled[0], "", marked)
    else:
        for k, one in enumerate(compiled, 1):
            lines.append(f"  subgraph v{k}[{_label(f'variant {one.variant}')}]")
            lines += ["  " + line for line in _flow(one, f"v{k}_", marked)]
            lines.append("  end")
    if marked:
        lines.append("  classDef gpu fill:#fde2e2,stroke:#c0392b")
        lines.append(f"  class {','.join(marked)} gpu")
    return "\n".join(lines) + "\n"


def _flow(compiled: Compiled, id_: str, marked: list[str]) -> list[str]:
    """Return one plan's nodes and edges (ids prefixed with `id_`): model -> passes -> output, data feeding passes."""
    recipe, config = compiled.recipe, compiled.config
    target = recipe.target or recipe.host
    model = model_label(config.get("input_model") or {})
    lines = [f"  {id_}model[{_label('input model', model)}]"]
    datas = config.get("data_configs") or []
    for i, data in enumerate(datas):
        lines.append(f"  {id_}data{i}[({_label('data', value(data.get('name')))})]")
    gpu = {what for what, _ in gpu_needs(compiled)}
    chain = [f"{id_}model"]
    for n, (key, params) in enumerate(config["passes"].items(), 1):
        lines.append(f"  {id_}p{n}[{_label(f'{n}. {key}', params['type'])}]")
        chain.append(f"{id_}p{n}")
    out = _label("output", _folder(config, "output_dir"), f"for {target.provider}")
    lines.append(f"  {id_}out[/{out}/]")
    lines.append("  " + " --> ".join([*chain, f"{id_}out"]))
    names = [d.get("name") for d in datas]
    for n, params in enumerate(config["passes"].values(), 1):
        for used in sorted({params[k] for k in DATA_KEYS if isinstance(params.get(k), str) and params[k] in names}):
            lines.append(f"  {id_}data{names.index(used)} -.-> {id_}p{n}")
    marked += [f"{id_}p{n}" for n, key in enumerate(config["passes"], 1) if key in gpu or "host" in gpu]
    return lines
