"""Command line: read flags, hand them to a command module, print diagnostics, set the exit code.

This is the only place that catches RecipeError. Anything unexpected is an
internal error (exit 2) whose traceback is shown, never swallowed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from olivegen import __version__
from olivegen.commands import COMMANDS, module_name
from olivegen.commands.common import Exit, report
from olivegen.errors import OlivegenError, RecipeError


def _module(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"olivegen.commands.{module_name(name)}")


def build_parser() -> argparse.ArgumentParser:
    """Describe the commands and their flags."""
    parser = argparse.ArgumentParser(
        prog="olivegen", description="Compile YAML recipes into validated Microsoft Olive configs."
    )
    parser.add_argument("--version", action="version", version=f"olivegen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        _module(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `olivegen` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(_module(args.command).execute(args))
    except RecipeError as exc:
        report(exc.diagnostics)
        return Exit.RECIPE_ERROR
    except OlivegenError as exc:
        print(f"olivegen: error: {exc}", file=sys.stderr)
        return Exit.INTERNAL
    except KeyboardInterrupt:
        print("olivegen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return Exit.OK
    except Exception:  # a bug: show it in full, never hide it
        traceback.print_exc()
        print(
            "olivegen: internal error (the traceback above is a bug in olivegen; please report it)",
            file=sys.stderr,
        )
        return Exit.INTERNAL
