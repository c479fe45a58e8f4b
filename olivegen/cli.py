"""Command line: read flags, call the api, print diagnostics, set the exit code.

This is the only module that prints, and the only place that catches
RecipeError. Anything unexpected is an internal error (exit 2) and its
traceback is shown, never swallowed.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path

from olivegen import __version__
from olivegen.errors import Diagnostic, OlivegenError, RecipeError, Severity


class Exit(IntEnum):
    """Process exit codes."""

    OK = 0
    RECIPE_ERROR = 1
    INTERNAL = 2


def build_parser() -> argparse.ArgumentParser:
    """Describe the commands and their flags."""
    parser = argparse.ArgumentParser(
        prog="olivegen", description="Compile YAML recipes into validated Microsoft Olive configs."
    )
    parser.add_argument("--version", action="version", version=f"olivegen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = sub.add_parser("render", help="render a recipe into olive-config.json")
    render.add_argument("recipe", type=Path, help="recipe file (.yaml)")
    render.add_argument("-o", "--output", type=Path, help="write here (atomically); stdout when omitted")
    render.add_argument("--check", action="store_true", help="compare with --output instead of writing; 1 on drift")

    validate = sub.add_parser("validate", help="check recipes without writing anything")
    validate.add_argument("recipes", type=Path, nargs="+", help="recipe files")
    validate.add_argument("--olive", action="store_true", help="also check the rendered config with installed Olive")
    validate.add_argument("--strict", action="store_true", help="warnings fail too")

    schema = sub.add_parser("schema", help="write the recipe JSON schema (for editors and PR checks)")
    schema.add_argument("-o", "--output", type=Path, help="write here; stdout when omitted")
    schema.add_argument("--check", action="store_true", help="compare with --output instead of writing; 1 on drift")

    sub.add_parser("passes", help="list the Olive passes a recipe can use")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `olivegen` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(execute(args))
    except RecipeError as exc:
        report(exc.diagnostics)
        return Exit.RECIPE_ERROR
    except OlivegenError as exc:
        print(f"olivegen: internal error: {exc}", file=sys.stderr)
        return Exit.INTERNAL
    except KeyboardInterrupt:
        print("olivegen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return Exit.OK
    except Exception:  # a bug: show it in full, never hide it
        traceback.print_exc()
        print("olivegen: internal error (the traceback above is a bug in olivegen; please report it)", file=sys.stderr)
        return Exit.INTERNAL


def execute(args: argparse.Namespace) -> Exit:
    """Run one parsed command."""
    if args.command == "render":
        return cmd_render(args.recipe, args.output, check=args.check)
    if args.command == "validate":
        return cmd_validate(args.recipes, olive=args.olive, strict=args.strict)
    if args.command == "schema":
        return cmd_schema(args.output, check=args.check)
    if args.command == "passes":
        return cmd_passes()
    raise AssertionError(args.command)


def report(diagnostics: Sequence[Diagnostic]) -> None:
    """Print diagnostics to stderr: the headline, then the hint."""
    for diag in diagnostics:
        print(str(diag), file=sys.stderr)


def cmd_render(recipe: Path, output: Path | None, *, check: bool) -> Exit:
    """Render one recipe to stdout, a file, or compare with a file."""
    from olivegen.api import compile_recipe, drifted, write_atomic

    compiled = compile_recipe(recipe)
    report(compiled.warnings)
    if check:
        if output is None:
            print("olivegen: --check needs -o/--output, the file to compare with", file=sys.stderr)
            return Exit.INTERNAL
        if drifted(output, compiled.text):
            print(f"{output}: out of date with {recipe}; run: olivegen render {recipe} -o {output}", file=sys.stderr)
            return Exit.RECIPE_ERROR
        return Exit.OK
    if output is None:
        sys.stdout.write(compiled.text)
    else:
        write_atomic(output, compiled.text)
        print(f"wrote {output}", file=sys.stderr)
    return Exit.OK


def cmd_validate(recipes: Sequence[Path], *, olive: bool, strict: bool) -> Exit:
    """Validate many recipes in one process; print every diagnostic and a summary."""
    from olivegen.api import compile_recipe

    errors = warnings = 0
    for recipe in recipes:
        found: list[Diagnostic]
        try:
            compiled = compile_recipe(recipe)
            found = list(compiled.warnings)
            if olive:
                from olivegen.errors import Position
                from olivegen.olivecheck import olive_problems

                found += [
                    Diagnostic(p, Position(str(recipe), 1, 1), "olivegen renders keys Olive ignores: report it", "olive")
                    for p in olive_problems(compiled.config)
                ]
        except RecipeError as exc:
            found = list(exc.diagnostics)
        report(found)
        errors += sum(d.severity is Severity.ERROR for d in found)
        warnings += sum(d.severity is Severity.WARNING for d in found)
    n = len(recipes)
    print(f"{n} file{'s' * (n != 1)}, {errors} error{'s' * (errors != 1)}, "
          f"{warnings} warning{'s' * (warnings != 1)}", file=sys.stderr)
    return Exit.RECIPE_ERROR if errors or (strict and warnings) else Exit.OK


def cmd_schema(output: Path | None, *, check: bool) -> Exit:
    """Write (or check) the recipe JSON schema."""
    from olivegen.api import drifted, write_atomic
    from olivegen.recipe_schema import recipe_schema_text

    text = recipe_schema_text()
    if check:
        target = output or Path("schemas/recipe.schema.json")
        if drifted(target, text):
            print(f"{target}: out of date; run: olivegen schema -o {target}", file=sys.stderr)
            return Exit.RECIPE_ERROR
        return Exit.OK
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        print(f"wrote {output}", file=sys.stderr)
    return Exit.OK


def cmd_passes() -> Exit:
    """List Olive's passes: the typed ones first, then those used through the generic form."""
    from olivegen.catalog import all_pass_names, pass_info
    from olivegen.recipe.passes import TYPED_PASSES

    for name in all_pass_names():
        info = pass_info(name)
        kind = "typed  " if name in TYPED_PASSES else "generic"
        eps = ",".join(p.removesuffix("ExecutionProvider") for p in info["supported_providers"])
        print(f"{kind} {name:<36} providers={eps} precisions={','.join(info['supported_precisions'])}")
    return Exit.OK
