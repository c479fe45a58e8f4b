"""`olivegen validate RECIPE... [--olive] [--strict]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, report, say
from olivegen.commands.options import add_set
from olivegen.errors import Diagnostic, Position, RecipeError, Severity


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser("validate", help="check recipes without writing anything")
    parser.add_argument("recipes", type=Path, nargs="+", help="recipe files")
    parser.add_argument("--olive", action="store_true", help="also check the rendered config with installed Olive")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    add_set(parser)


def diagnose_file(recipe: Path, *, olive: bool, overrides: list[str] | None = None) -> list[Diagnostic]:
    """Return every diagnostic for one recipe, every variant of a matrix (an empty list: it compiles cleanly)."""
    from olivegen.api import compile_variants

    try:
        variants = compile_variants(recipe, overrides=overrides or [])
    except RecipeError as exc:
        return list(exc.diagnostics)
    found = [w for compiled in variants for w in compiled.warnings]
    for compiled in variants if olive else []:
        from olivegen.olivecheck import olive_problems

        found += [
            Diagnostic(f"[{compiled.variant}] {problem}" if compiled.variant else problem, Position(str(recipe), 1, 1),
                       "olivegen rendered something Olive rejects", "olive")  # fmt: skip
            for problem in olive_problems(compiled.config)
        ]
    return found


def execute(args: argparse.Namespace) -> Exit:
    """Validate many recipes in one process; print every diagnostic and a summary."""
    errors = warnings = 0
    for recipe in args.recipes:
        found = diagnose_file(recipe, olive=args.olive, overrides=args.overrides)
        report(found)
        errors += sum(d.severity is Severity.ERROR for d in found)
        warnings += sum(d.severity is Severity.WARNING for d in found)
    n = len(args.recipes)
    say(f"{n} file{'s' * (n != 1)}, {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return Exit.RECIPE_ERROR if errors or (args.strict and warnings) else Exit.OK
