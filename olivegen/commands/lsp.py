"""`olivegen lsp [--debounce MS]`: the language server for editors, on stdin/stdout.

Needs the `lsp` extra: `pip install "olivegen[lsp]"`. Imports pygls only when it runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, say
from olivegen.commands.options import add_outside

DESCRIPTION = """\
Run olivegen's Language Server Protocol server on stdin/stdout, for an editor to start.
It checks recipes as you type with the same rules as `olivegen validate` (diagnostics on the
recipe and on the bases it extends), and offers hover, completion, quick fixes and go to
definition. A recipe is a *.olive.yaml file, a YAML file naming recipe.schema.json in its
first lines or with a top-level `passes:`/`extends:` key, or a file matching the `globs` of
the client's initializationOptions. See docs/editors.md for VS Code, Neovim, Helix and Emacs.
Needs the lsp extra: pip install "olivegen[lsp]" (pygls and lsprotocol).
"""

EPILOG = epilog(
    {0: "the client ended the session (shutdown and exit)", 2: "the lsp extra (pygls) is not installed"},
    [
        "olivegen lsp                     # what an editor runs; it speaks JSON-RPC on stdin/stdout",
        "olivegen lsp --debounce 150      # check 150 ms after the last keystroke",
    ],
)


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "lsp",
        help="language server for editors: every rule as you type (stdin/stdout)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=HelpFormat,
    )
    parser.add_argument(
        "--debounce",
        type=int,
        default=50,
        metavar="MS",
        help="wait this long after the last keystroke before checking (default 50 ms)",
    )
    add_outside(parser)  # also the client's initializationOptions: {"allowExtendsOutside": true}


def execute(args: argparse.Namespace) -> Exit:
    """Serve until the client exits."""
    import logging

    try:
        from olivegen.lsp.server import serve
    except ImportError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in ("pygls", "lsprotocol"):
            raise  # not the extra: a bug, shown in full by the CLI
        say(f"olivegen lsp: needs the lsp extra ({missing} is not installed): pip install 'olivegen[lsp]'")
        return Exit.USAGE
    logging.basicConfig(level=logging.WARNING, format="olivegen lsp: %(levelname)s: %(message)s")
    serve(max(args.debounce, 0) / 1000, outside=args.outside)
    return Exit.OK
