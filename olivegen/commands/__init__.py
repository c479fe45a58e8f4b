"""One module per CLI command; each has `add_parser(subparsers)` and `execute(args) -> Exit`.

`COMMANDS` fixes the order `olivegen --help` lists them in.
"""

from __future__ import annotations

COMMANDS = ["render", "validate", "schema", "passes"]
