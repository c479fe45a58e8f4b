"""What commands share: exit codes and printing diagnostics."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import IntEnum

from olivegen.errors import Diagnostic


class Exit(IntEnum):
    """Process exit codes."""

    OK = 0
    RECIPE_ERROR = 1
    INTERNAL = 2
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
    """Print a status line to stderr (stdout is kept for rendered output)."""
    print(message, file=sys.stderr, flush=True)
