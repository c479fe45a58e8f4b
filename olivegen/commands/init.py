"""`olivegen init --preset NAME [-o FILE] [--force]`, `olivegen init --list`, `olivegen init --model ID --targets ...`.

`olivegen init --model HF_ID --targets cpu,cuda,... [--olive-version GEN] [-o FILE] [--force]` writes a
matrix recipe, a variant per target (recipe/target_matrix.py, from knowledge/targets.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, say
from olivegen.knowledge.catalog import GENERATIONS, MAIN_GENERATION, OLIVE_GENERATION
from olivegen.knowledge.targets import TARGETS


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "init",
        help="start a recipe from a preset (see --list), or a matrix recipe for a model's targets",
        description=(
            "Write a commented starting recipe from a preset, and the sample data it reads. With --model and"
            " --targets, write one matrix recipe instead: a variant per target, each running the pass chain"
            " microsoft/olive-recipes runs for that execution provider (docs/targets.md lists the targets, their"
            " chains, precisions, devices and what to install, with sources)."
        ),
        epilog=epilog(
            {
                0: "written (or listed)",
                2: "usage error: no --preset or --model, an unknown preset or target, a target with no chain for"
                " that Olive release or precision, or the file exists (--force)",
            },
            [
                "olivegen init --list",
                "olivegen init --preset lora-int4-adapter -o my.olive.yaml",
                "olivegen init --model Qwen/Qwen2.5-1.5B-Instruct --targets cpu,cuda,dml,openvino,qnn,webgpu"
                " -o qwen.yaml",
                "olivegen init --model meta-llama/Llama-3.2-1B-Instruct --targets cuda:fp16,vitisai"
                " --olive-version main",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("--preset", metavar="NAME", help="the preset to start from")
    parser.add_argument("--list", action="store_true", help="list the presets")
    parser.add_argument("--model", metavar="HF_ID", help="with --targets: the Hugging Face model id (or local folder)")
    parser.add_argument(
        "--targets",
        metavar="T[:PRECISION],...",
        help=f"with --model: the targets, one variant each ({', '.join(t.name for t in TARGETS)});"
        " `cuda:fp16` picks a precision other than the target's default",
    )
    parser.add_argument(
        "--olive-version",
        choices=[g for g in GENERATIONS if any(g in c.generations for t in TARGETS for c in t.chains)],
        default=OLIVE_GENERATION,
        help=f"with --targets: the Olive release the chains are for (default {OLIVE_GENERATION});"
        f" {MAIN_GENERATION} is Olive's main branch",
    )
    parser.add_argument("-o", "--output", type=Path, help="recipe to write (default: NAME.yaml; '-' for stdout)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing recipe")


def written_as(text: str, preset: str, target: Path) -> str:
    """Name the file written, not the preset's own file, in the preset's header comments."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            break
        lines[i] = line.replace(f"{preset}.yaml", target.as_posix())
    return "\n".join(lines)


def execute(args: argparse.Namespace) -> Exit:
    """Write a commented starting recipe, and the sample data it names, or list the presets."""
    from olivegen.recipe import presets

    if args.list:
        for name in presets.names():
            print(f"{name:<20} {presets.summary(name)}")
        return Exit.OK
    if args.model or args.targets:
        return _targets(args)
    if not args.preset:
        say("olivegen init: give --preset NAME (see olivegen init --list), or --model HF_ID --targets cpu,cuda,...")
        return Exit.USAGE
    from olivegen.knowledge.resources import schema_modeline

    if str(args.output) == "-":
        sys.stdout.write(schema_modeline(None) + presets.text(args.preset))
        return Exit.OK
    target: Path = args.output or Path(f"{args.preset}.yaml")
    text = schema_modeline(target) + written_as(presets.text(args.preset), args.preset, target)
    if target.exists() and not args.force:
        say(f"olivegen init: {target} exists; pass --force to overwrite it")
        return Exit.USAGE  # like every refusal to run
    from olivegen.render.write import write_atomic

    write_atomic(target, text)
    say(f"wrote {target} (preset {args.preset})")
    for relative, content in presets.data_files(args.preset).items():
        data = target.parent / relative
        if data.exists():
            say(f"kept {data} (it exists; the recipe reads it)")
            continue
        data.parent.mkdir(parents=True, exist_ok=True)
        data.write_bytes(content)
        say(f"wrote {data} (sample data: replace it with yours)")
    say(f"next: olivegen explain {target}")
    return Exit.OK


def _targets(args: argparse.Namespace) -> Exit:
    """Write the matrix recipe of a model's targets."""
    from olivegen.knowledge.resources import schema_modeline
    from olivegen.recipe.target_matrix import TargetError, parse_targets, recipe_name, recipe_text

    if not args.model or not args.targets or args.preset:
        say("olivegen init: --model and --targets go together, without --preset")
        return Exit.USAGE
    if any(ord(c) < 32 or c == "\x7f" for c in args.model):
        say("olivegen init: --model holds a control character (a line break?); give a Hub id or a folder")
        return Exit.USAGE
    try:
        picks = parse_targets(args.targets, args.olive_version)
    except TargetError as exc:
        say(f"olivegen init: {exc}")
        return Exit.USAGE
    stdout = str(args.output) == "-"
    target: Path = args.output or Path(f"{recipe_name(args.model)}.yaml")
    if not stdout and target.exists() and not args.force:
        say(f"olivegen init: {target} exists; pass --force to overwrite it")
        return Exit.USAGE
    shown = "RECIPE.yaml" if stdout else target.as_posix()
    text = recipe_text(
        args.model, picks, args.olive_version, path=shown, modeline=schema_modeline(None if stdout else target)
    )
    if stdout:
        sys.stdout.write(text)
        return Exit.OK
    from olivegen.render.write import write_atomic

    write_atomic(target, text)
    say(f"wrote {target} ({len(picks)} variants: {', '.join(p.variant for p in picks)})")
    say(f"next: olivegen validate {target}")
    return Exit.OK
