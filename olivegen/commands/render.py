"""`olivegen render RECIPE [-o OUT] [--check] [--set PATH=VALUE]... [--variant NAME]...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, report, say
from olivegen.commands.options import add_set, add_variant, outputs


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser("render", help="render a recipe into olive-config.json")
    parser.add_argument("recipe", type=Path, help="recipe file (.yaml)")
    parser.add_argument(
        "-o", "--output", help="write here (atomically); stdout when omitted; DIR/ or a {variant} pattern for a matrix"
    )
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing; 1 on drift")
    add_set(parser)
    add_variant(parser)


def execute(args: argparse.Namespace) -> Exit:
    """Render one recipe (every variant of a matrix) to stdout, files, or compare with files."""
    from olivegen.api import compile_variants, drifted, write_atomic

    if args.check and args.output is None:
        say("olivegen render: --check needs -o/--output, the file to compare with")
        return Exit.INTERNAL
    compiled = compile_variants(args.recipe, overrides=args.overrides, only=args.variants)
    try:
        targets = outputs(args.output, compiled)
    except ValueError as exc:
        say(f"olivegen render: {exc}")
        return Exit.INTERNAL
    stale = False
    for one, target in zip(compiled, targets):
        report(one.warnings)
        if target is None:
            sys.stdout.write(one.text)
        elif args.check:
            if drifted(target, one.text):
                say(f"{target}: out of date with {args.recipe}; run: olivegen render {args.recipe} -o {args.output}")
                stale = True
        else:
            write_atomic(target, one.text)
            say(f"wrote {target}")
    return Exit.RECIPE_ERROR if stale else Exit.OK
