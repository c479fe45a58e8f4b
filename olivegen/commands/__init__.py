"""One module per CLI command; each has `add_parser(subparsers)` and `execute(args) -> Exit`.

`COMMANDS` fixes the order `olivegen --help` lists them in.
"""

from __future__ import annotations

COMMANDS = ["render", "validate", "schema", "passes", "import", "init", "explain", "diff", "run", "demo", "lsp"]


def module_name(command: str) -> str:
    """Return the module of a command (`import` is a keyword, so its module is `import_`)."""
    return {"import": "import_"}.get(command, command.replace("-", "_"))
