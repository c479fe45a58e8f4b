"""`olivegen passes`: the Olive passes a recipe can name."""

from __future__ import annotations

import argparse
from typing import Any

from olivegen.commands.common import Exit


def add_parser(sub: Any) -> None:
    """Register the command."""
    sub.add_parser("passes", help="list the Olive passes a recipe can use")


def execute(args: argparse.Namespace) -> Exit:
    """List Olive's passes: typed ones have recipe fields, generic ones take `config:`."""
    del args
    from olivegen.knowledge.catalog import all_pass_names, pass_info
    from olivegen.recipe.passes import TYPED_PASSES

    for name in all_pass_names():
        info = pass_info(name)
        kind = "typed  " if name in TYPED_PASSES else "generic"
        eps = ",".join(p.removesuffix("ExecutionProvider") for p in info["supported_providers"])
        print(f"{kind} {name:<36} providers={eps} precisions={','.join(info['supported_precisions'])}")
    return Exit.OK
