"""What commands share: exit codes and printing diagnostics."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from enum import IntEnum

from olivegen.errors import Diagnostic


class Exit(IntEnum):
    """Process exit codes."""

    OK = 0
    RECIPE_ERROR = 1
    INTERNAL = 2
    USAGE = 2  # the command line asks for something impossible (same code as INTERNAL, as documented)
    RUN_FAILED = 3  # `olivegen run`: Olive produced no output model


def report(diagnostics: Sequence[Diagnostic]) -> None:
    """Print diagnostics to stderr as `validate` shows them: the headline, the hint, the code frame.

    Commands whose stdout is their product (`render`, `import`, `diff`, `run`) report here;
    `validate`, whose product is the report, prints it on stdout.
    """
    if not diagnostics:
        return
    from olivegen.report.formats import code_frames

    for diag in diagnostics:
        print(code_frames(diag), file=sys.stderr)


def say(message: str) -> None:
    """Print a status line to stderr (stdout is kept for rendered output).

    Credentials are masked once, by the stream itself: `cli.main` wraps stdout and stderr in
    `report.safe_text.MaskedStream` for every command.
    """
    print(message, file=sys.stderr, flush=True)


def epilog(exits: dict[int, str], examples: list[str]) -> str:
    """Return a command's --help epilog: its exit codes, then examples (HelpFormat keeps it as written)."""
    lines = ["exit codes:"]
    lines += [f"  {code}  {meaning}" for code, meaning in sorted(exits.items())]
    lines += ["", "examples:"]
    lines += [f"  {example}" for example in examples]
    return "\n".join(lines)


class HelpFormat(argparse.HelpFormatter):
    """Wrap descriptions as usual; keep an epilog made by `epilog` (exit codes, examples) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("exit codes:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)
