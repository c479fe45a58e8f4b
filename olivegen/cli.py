"""Command line: read flags, hand them to a command module, print diagnostics, set the exit code.

This is the only place that catches RecipeError. Anything unexpected is an
internal error (exit 2) whose traceback is shown, never swallowed.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import signal
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from olivegen import __version__
from olivegen.commands import COMMANDS, module_name
from olivegen.commands.common import Exit, HelpFormat, epilog, report
from olivegen.errors import OlivegenError, RecipeError
from olivegen.knowledge.catalog import (
    INSTALLED_GENERATION,
    MAIN_GENERATION,
    OLIVE_GENERATION,
    PREVIOUS_GENERATION,
    RELEASE_TAG_OF_GENERATION,
    RELEASES_OF_GENERATION,
)


def _module(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"olivegen.commands.{module_name(name)}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Describe the commands and their flags (`only`: just that command's, all a command line naming it needs)."""
    parser = argparse.ArgumentParser(
        prog="olivegen",
        description="Compile YAML recipes into validated Microsoft Olive configs.",
        epilog=epilog(
            {
                0: "ok",
                1: "a recipe has errors (or `run` was refused; `render --check`/`diff --exit-code`: a difference)",
                2: "usage or internal error (also: `olivegen` without a command, after printing this help)",
                3: "`olivegen run`/`demo`: Olive produced no output model",
            },
            [
                "olivegen demo                                    # offline, CPU: the whole path on a tiny model",
                "olivegen validate examples/*.yaml",
                "olivegen COMMAND --help                          # each command's flags, exit codes, examples",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in [only] if only in COMMANDS else COMMANDS:
        _module(name).add_parser(sub)
    return parser


TARGETS = RELEASES_OF_GENERATION  # --olive-version -> the olive-ai releases it renders for


def version_text() -> str:
    """Return `--version`: olivegen's version and the Olive releases its configs are for."""
    return (
        f"olivegen {__version__}\n"
        f"renders for Olive (olive-ai) {TARGETS[OLIVE_GENERATION]} (default)"
        f" and {TARGETS[PREVIOUS_GENERATION]} (--olive-version {PREVIOUS_GENERATION});"
        f" checks for {', '.join(g for g in RELEASE_TAG_OF_GENERATION if g != MAIN_GENERATION)}"
        f" and Olive's main branch (--olive-version {MAIN_GENERATION}) in {OLIVE_GENERATION}'s format,"
        f" and for the installed olive-ai's passes (--olive-version {INSTALLED_GENERATION})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `olivegen` command.

    While a command runs, stdout and stderr mask credentials (`hf_****`) and SIGTERM raises
    SystemExit, so that a killed render still removes its temporary files.
    """
    from olivegen.report.safe_text import MaskedStream

    _fewer_collections()
    argv = sys.argv[1:] if argv is None else list(argv)
    # a command line that starts with a command's name needs only that command's parser (the others'
    # modules and flags cost a cold start ~10 ms); anything else (--help, --version, a typo) gets them all
    parser = build_parser(argv[0] if argv else None)
    if not argv:  # bare `olivegen`: the help, and the usage-error exit code
        parser.print_help(sys.stderr)
        return Exit.USAGE
    args = parser.parse_args(argv)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = MaskedStream(sys.stdout), MaskedStream(sys.stderr)
    previous = _on_sigterm()
    try:
        return _run(args)
    finally:
        sys.stdout, sys.stderr = streams
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _fewer_collections() -> None:
    """Run the cyclic garbage collector less often.

    A cold start allocates many objects that stay alive (modules, model classes, validators), and the
    default threshold (700) collects them again and again (~7% of a cold `validate`). Reference
    counting still frees everything acyclic at once.
    """
    gen0, gen1, gen2 = gc.get_threshold()
    if 0 < gen0 < 20_000:
        gc.set_threshold(20_000, gen1, gen2)


def _on_sigterm() -> Any:
    """Turn SIGTERM into SystemExit(143) (cleanup handlers run); return the previous handler, or None."""

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread
        return None


def _run(args: argparse.Namespace) -> int:
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
    except RecursionError:
        print("olivegen: error: the input is nested too deeply to read", file=sys.stderr)
        return Exit.INTERNAL
    except MemoryError:
        print("olivegen: error: out of memory reading the input", file=sys.stderr)
        return Exit.INTERNAL
    except Exception:  # a bug: show it in full, never hide it
        traceback.print_exc()
        print(
            "olivegen: internal error (the traceback above is a bug in olivegen; please report it)",
            file=sys.stderr,
        )
        return Exit.INTERNAL
