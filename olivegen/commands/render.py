"""`olivegen render RECIPE [-o OUT] [--check]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, report, say


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser("render", help="render a recipe into olive-config.json")
    parser.add_argument("recipe", type=Path, help="recipe file (.yaml)")
    parser.add_argument("-o", "--output", type=Path, help="write here (atomically); stdout when omitted")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing; 1 on drift")


def execute(args: argparse.Namespace) -> Exit:
    """Render one recipe to stdout, a file, or compare with a file."""
    from olivegen.api import compile_recipe, drifted, write_atomic

    if args.check and args.output is None:
        say("olivegen render: --check needs -o/--output, the file to compare with")
        return Exit.INTERNAL
    compiled = compile_recipe(args.recipe)
    report(compiled.warnings)
    if args.check:
        if drifted(args.output, compiled.text):
            say(f"{args.output}: out of date with {args.recipe}; run: olivegen render {args.recipe} -o {args.output}")
            return Exit.RECIPE_ERROR
        return Exit.OK
    if args.output is None:
        sys.stdout.write(compiled.text)
    else:
        write_atomic(args.output, compiled.text)
        say(f"wrote {args.output}")
    return Exit.OK
