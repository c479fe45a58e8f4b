"""`olivegen passes [PATTERN] [--format text|json]`: the Olive passes a recipe can name."""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import typing
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, say
from olivegen.knowledge.catalog import OLIVE_GENERATION

KINDS = (
    "typed: the recipe knows the pass's keys (checked, with defaults; see docs/recipe-reference.md);"
    " generic: any other Olive pass, its parameters under `config:`, checked against Olive's registry"
)


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "passes",
        help="list the Olive passes a recipe can use",
        description=(
            f"List the Olive {OLIVE_GENERATION} passes a recipe can name in `type:`, with their providers"
            " and precisions. "
        )
        + KINDS
        + ".",
        epilog=epilog(
            {0: "listed (also when nothing matches)", 2: "usage error"},
            ["olivegen passes", "olivegen passes lora", "olivegen passes 'Onnx*Quant*' --format json"],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument(
        "pattern",
        nargs="?",
        help="only passes whose name holds this text (any case), or matches it as a glob (`*`, `?`, `[...]`)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")


def matches(name: str, pattern: str | None) -> bool:
    """Tell whether a pass name matches a filter: a glob when it has `*?[`, else a substring; any case."""
    if not pattern:
        return True
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatch(name.lower(), pattern.lower())
    return pattern.lower() in name.lower()


def rows(pattern: str | None = None) -> list[dict[str, Any]]:
    """Return the passes as rows: name, kind, providers, precisions (what the recipe accepts for typed passes)."""
    from olivegen.knowledge.catalog import all_pass_names, pass_info
    from olivegen.recipe.passes import TYPED_PASSES

    out = []
    for name in all_pass_names():
        if not matches(name, pattern):
            continue
        info = pass_info(name)
        precisions = list(info["supported_precisions"])
        typed = TYPED_PASSES.get(name)
        field = typed.model_fields.get("precision") if typed is not None else None
        if field is not None and typing.get_origin(field.annotation) is typing.Literal:
            precisions = [str(p) for p in typing.get_args(field.annotation)]  # what the recipe accepts
        out.append(
            {
                "name": name,
                "kind": "typed" if typed is not None else "generic",
                "providers": [p.removesuffix("ExecutionProvider") for p in info["supported_providers"]],
                "precisions": precisions,
            }
        )
    return out


def execute(args: argparse.Namespace) -> Exit:
    """List Olive's passes: typed ones have recipe fields, generic ones take `config:`."""
    found = rows(args.pattern)
    if args.format == "json":
        sys.stdout.write(json.dumps(found, indent=2) + "\n")
        return Exit.OK
    for row in found:
        sys.stdout.write(
            f"{row['kind']:<7} {row['name']:<36} providers={','.join(row['providers'])}"
            f" precisions={','.join(row['precisions'])}\n"
        )
    if not found:
        say(f"no pass matches {args.pattern!r}")
    say(KINDS)
    return Exit.OK
