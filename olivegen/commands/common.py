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
    """Print diagnostics to stderr: the headline, then the hint (credentials masked, controls escaped)."""
    from olivegen.report.formats import text_one

    for diag in diagnostics:
        print(text_one(diag), file=sys.stderr)


def say(message: str) -> None:
    """Print a status line to stderr (stdout is kept for rendered output); credentials are masked."""
    from olivegen.source.secrets import mask

    print(mask(message), file=sys.stderr, flush=True)
