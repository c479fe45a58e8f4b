"""`olivegen schema [-o FILE] [--check]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, say


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "schema",
        help="write the recipe JSON schema (for editors and PR checks)",
        description="Write the JSON schema of recipes, for editors (yaml-language-server) and PR checks."
        " A copy ships with the package: the recipes `init` and `import` write point their modeline at it.",
        epilog=epilog(
            {0: "written (or up to date with --check)", 1: "--check: the file is out of date", 2: "usage error"},
            ["olivegen schema -o recipe.schema.json", "olivegen schema --check -o schemas/recipe.schema.json"],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("-o", "--output", type=Path, help="write here; stdout when omitted")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing; 1 on drift")


def execute(args: argparse.Namespace) -> Exit:
    """Write (or check) the recipe JSON schema."""
    from olivegen.recipe.schema import recipe_schema_text
    from olivegen.render.write import drifted, write_atomic

    text = recipe_schema_text()
    if args.check:
        target = args.output or Path("schemas/recipe.schema.json")
        if drifted(target, text):
            say(f"{target}: out of date; run: olivegen schema -o {target}")
            return Exit.RECIPE_ERROR
        return Exit.OK
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        say(f"wrote {args.output}")
    return Exit.OK
