"""`olivegen import CONFIG.json [-o RECIPE.yaml]`: an existing Olive config -> a recipe."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, report, say
from olivegen.errors import Diagnostic, RecipeError, Severity


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "import",
        help="turn an existing olive-config.json (any Olive generation) into a recipe",
        description="Turn an existing Olive config (any Olive generation) into a recipe, reporting what was"
        " dropped or decided, and check that the recipe compiles.",
        epilog=epilog(
            {
                0: "imported; the recipe validates",
                1: "imported, but the recipe does not validate yet (the errors are listed)",
                2: "usage or internal error (e.g. --output exists without --force)",
            },
            [
                "olivegen import tests/data/olive-configs/seed-guide-legacy.json -o imported.yaml",
                "olivegen import olive-config.json            # the recipe on stdout",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("config", type=Path, help="Olive config (.json, or Olive's YAML form)")
    parser.add_argument("-o", "--output", type=Path, help="write the recipe here; stdout when omitted")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --output")


def execute(args: argparse.Namespace) -> Exit:
    """Convert, report what was dropped or decided, check the result compiles, and write it."""
    if args.output is not None and str(args.output) == "-":  # the usual spelling of stdout
        args.output = None
    from olivegen.api import Options, compile
    from olivegen.importer import convert_config, name_from_config, recipe_yaml
    from olivegen.render.write import write_atomic

    if args.output is not None and args.output.exists() and not args.force:
        say(f"olivegen import: {args.output} exists; pass --force to overwrite it")
        return Exit.USAGE
    from olivegen.source.olive_config import load_config_with_positions

    config, where = load_config_with_positions(args.config)
    converted = convert_config(config, where, str(args.config))
    name_from_config(converted.recipe, args.config, args.output)
    from olivegen.knowledge.resources import schema_modeline

    modeline = schema_modeline(args.output)  # the schema this install ships, relative to the recipe
    text = recipe_yaml(
        converted.recipe,
        converted.comments,
        source=args.config.name,
        generation=converted.generation,
        modeline=modeline,
    )
    report(converted.diagnostics)
    target = args.output or args.config.with_suffix(".yaml")  # relative paths resolve beside the config
    shown = str(target) if args.output is not None else "<recipe on stdout>"
    found: list[Diagnostic] = []
    try:
        compile(target, Options(texts={target.resolve(): text}, display=shown))  # as `validate` will see it
    except RecipeError as exc:
        found += [d for d in exc.diagnostics if d.severity is Severity.ERROR]
    if found:
        say("the imported recipe does not validate yet; fix these, then run `olivegen validate`:")
        report(found)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text, inputs=(args.config,))
        say(f"wrote {args.output}")
    return Exit.RECIPE_ERROR if found else Exit.OK

