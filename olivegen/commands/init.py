"""`olivegen init --preset NAME [-o FILE] [--force]` and `olivegen init --list`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, say


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "init",
        help="start a recipe from a preset (see --list)",
        description="Write a commented starting recipe from a preset, and the sample data it reads.",
        epilog=epilog(
            {0: "written (or listed)", 2: "usage error: no --preset, an unknown preset, or the file exists (--force)"},
            ["olivegen init --list", "olivegen init --preset lora-int4-adapter -o my.olive.yaml"],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("--preset", metavar="NAME", help="the preset to start from")
    parser.add_argument("--list", action="store_true", help="list the presets")
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
    if not args.preset:
        say("olivegen init: give --preset NAME (see olivegen init --list)")
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
