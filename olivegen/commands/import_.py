"""`olivegen import CONFIG.json [-o RECIPE.yaml]`: an existing Olive config -> a recipe."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, report, say
from olivegen.errors import Diagnostic, Position, RecipeError, Severity


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser("import", help="turn an existing olive-config.json (any Olive generation) into a recipe")
    parser.add_argument("config", type=Path, help="Olive config (.json)")
    parser.add_argument("-o", "--output", type=Path, help="write the recipe here; stdout when omitted")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --output")


def load_config(path: Path) -> tuple[dict[str, Any], Any]:
    """Read an Olive JSON config with positions when it parses as YAML, without them otherwise."""
    from olivegen.yamlsource import parse, read_text

    text = read_text(path, str(path))
    try:
        source = parse(text, str(path))
        return source.data, source.where
    except RecipeError:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecipeError.single(
                f"not a JSON config: {exc.msg}", Position(str(path), exc.lineno, exc.colno)
            ) from None
        if not isinstance(data, dict):
            raise RecipeError.single("an Olive config is a JSON object", Position(str(path), 1, 1)) from None
        return data, None


def execute(args: argparse.Namespace) -> Exit:
    """Convert, report what was dropped or decided, check the result compiles, and write it."""
    from olivegen.api import compile_source, write_atomic
    from olivegen.importer import convert_config, recipe_yaml
    from olivegen.yamlsource import parse

    if args.output is not None and args.output.exists() and not args.force:
        say(f"olivegen import: {args.output} exists; pass --force to overwrite it")
        return Exit.INTERNAL
    config, where = load_config(args.config)
    converted = convert_config(config, where, str(args.config))
    text = recipe_yaml(converted.recipe, converted.comments, source=args.config.name, generation=converted.generation)
    report(converted.diagnostics)
    target = args.output or args.config.with_suffix(".yaml")
    found: list[Diagnostic] = []
    try:
        compile_source(parse(text, str(target)), target)
    except RecipeError as exc:
        found = [d for d in exc.diagnostics if d.severity is Severity.ERROR]
    if found:
        say("the imported recipe does not validate yet; fix these, then run `olivegen validate`:")
        report(found)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        say(f"wrote {args.output}")
    return Exit.RECIPE_ERROR if found else Exit.OK
