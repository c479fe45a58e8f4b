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
        help="turn existing Olive configs (any Olive generation) into a recipe; several: one matrix recipe",
        description="Turn an existing Olive config (any Olive generation) into a recipe, reporting what was"
        " dropped or decided, and check that the recipe compiles. Several configs, or a folder (every *.json in"
        " it, recursively; JSON files that are not Olive configs are skipped with a note), become ONE recipe:"
        " what all share is written once, what differs goes into `matrix:` cells, one variant per config named"
        " after its path below the configs' common folder (QNN/config.json -> QNN-config). A config with Olive"
        " main's `builds` becomes one variant per build. Each variant renders as its config imported alone"
        " (workflow id aside; a variant's output folder is `<output_dir>/<variant>`, as in any matrix): import"
        " compiles the recipe and checks it. A config that does not import alone is reported and left out.",
        epilog=epilog(
            {
                0: "imported; the recipe validates (every config given imported)",
                1: "imported, but the recipe does not validate yet, or some configs were left out (listed)",
                2: "usage or internal error (e.g. --output exists without --force)",
            },
            [
                "olivegen import tests/data/olive-configs/seed-guide-legacy.json -o imported.yaml",
                "olivegen import olive-config.json            # the recipe on stdout",
                "olivegen import tests/data/olive-configs/targets/ -o targets.yaml   # a folder: one matrix recipe",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument(
        "configs",
        nargs="+",
        type=Path,
        metavar="CONFIG",
        help="Olive configs (.json, or Olive's YAML form), or folders",
    )
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

    if len(args.configs) > 1 or args.configs[0].is_dir():
        return _many(args)
    args.config = args.configs[0]
    config, where = load_config_with_positions(args.config)
    if isinstance(config, dict) and "builds" in config:  # Olive main's multi-build config: a variant per build
        return _many(args)
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



def _many(args: argparse.Namespace) -> Exit:
    """Several configs (or a folder, or one multi-build config) -> one matrix recipe, checked variant by variant."""
    from olivegen.api import import_configs
    from olivegen.knowledge.resources import schema_modeline
    from olivegen.render.write import write_atomic

    imported = import_configs(args.configs, args.output, schema_modeline(args.output))
    report(imported.diagnostics)
    if imported.left_out:
        say(f"left out {len(imported.left_out)} config(s) that do not import alone: " + ", ".join(imported.left_out))
    if imported.text is None:
        say("olivegen import: no config imported; nothing written")
        return Exit.RECIPE_ERROR
    if args.output is None:
        sys.stdout.write(imported.text)
    else:
        write_atomic(args.output, imported.text, inputs=tuple(imported.sources))
        count = len(imported.variants)
        what = f"{count} variants, each" if count > 1 else "one config,"
        say(f"wrote {args.output}: {what} rendering as its config imported alone")
    return Exit.RECIPE_ERROR if imported.left_out else Exit.OK
