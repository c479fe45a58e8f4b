"""`olivegen diff A B`: what changes in the rendered Olive config between two recipes (or configs).

Each side is a recipe (rendered first) or an `olive-config.json`; `--set`
applies to the second side only, so `olivegen diff r.yaml r.yaml --set k=v`
shows what an override changes. The output is one line per changed value, by path, for
review comments:

    passes.lora.r: 64 -> 16
    passes.awq: removed
    data_configs[travel].pre_process_data_config.max_seq_len: 1024 -> 2048

Lists of named objects (`data_configs`) are matched by `name`; the order of
`passes` is the order Olive runs them, so a reordering is reported too.
Matrix recipes are compared variant by variant.

What is compared is what Olive reads (`importer/meaning.py`, the rules `import` uses): an engine
setting written at the top level, a pass's parameters under `config:` or flat, a system's
`config:` wrapper, a parameter written with Olive's default are layout, not changes. When only
layout differs, the command says "same meaning". Values are shown whole: one that does not fit
on a line is printed as indented JSON below it, never cut.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, report, say
from olivegen.commands.options import add_outside, add_set

Configs = dict[str, dict[str, Any]]
WIDTH = 120  # a value longer than this is shown as indented JSON on the lines below its path


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "diff",
        help="semantic diff of the Olive configs two recipes (or configs) render to",
        description="Show what changes in the rendered Olive config between two recipes (or configs), one line"
        " per changed value, by path. What Olive reads alike (engine settings at the top level, `config:`"
        " wrappers, a default written out) is no change: then it says 'same meaning'. `--set` changes the"
        " second side only.",
        epilog=epilog(
            {
                0: "compared: also when the configs differ (like `git diff`), unless --exit-code",
                1: "--exit-code and the configs differ, or a recipe has errors",
                2: "usage or internal error",
            },
            [
                "olivegen diff examples/phi3-tone-classification.yaml examples/phi3-tone-classification-qlora.yaml",
                "olivegen diff examples/phi35-travel-lab.yaml examples/phi35-travel-lab.yaml --set passes.lora.r=16",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("old", type=Path, help="recipe (.yaml) or rendered config (.json)")
    parser.add_argument("new", type=Path, help="recipe (.yaml) or rendered config (.json)")
    parser.add_argument("--exit-code", action="store_true", help="exit with 1 when the configs differ")
    add_outside(parser)
    add_set(parser)  # on the second side only


def execute(args: argparse.Namespace) -> Exit:
    """Print the differences, variant by variant for matrix recipes."""
    if args.overrides and args.new.suffix.lower() == ".json":
        say(f"olivegen diff: --set changes the second recipe, but {args.new} is a rendered config")
        return Exit.USAGE
    outside = getattr(args, "outside", False)
    old, new = configs(args.old, [], outside=outside), configs(args.new, args.overrides, outside=outside)
    lines = diff_variants(*_meanings(old, new))
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    if not lines:
        layout = diff_variants(old, new)
        say(f"same meaning (written differently in {len(layout)} places)" if layout else "no differences")
    return Exit.RECIPE_ERROR if lines and args.exit_code else Exit.OK


def _meanings(old: Configs, new: Configs) -> tuple[Configs, Configs]:
    """Both sides as Olive reads them (`importer/meaning.py`), variants of the same name paired."""
    from olivegen.importer.meaning import meaning, pair

    old, new = {n: meaning(c) for n, c in old.items()}, {n: meaning(c) for n, c in new.items()}
    if len(old) == len(new) == 1:
        (a, one), (b, other) = next(iter(old.items())), next(iter(new.items()))
        one, other = pair(one, other)
        return {a: one}, {b: other}
    for name in old.keys() & new.keys():
        old[name], new[name] = pair(old[name], new[name])
    return old, new


def configs(path: Path, overrides: list[str], *, outside: bool = False) -> Configs:
    """Return the rendered configs of one side, by variant name ('' for a recipe without a matrix)."""
    if path.suffix.lower() == ".json":
        from olivegen.source.olive_config import load_config_json

        return {"": load_config_json(path)}
    from olivegen.api import Options, compile

    compiled = compile(path, Options(overrides=overrides, outside=outside))
    for one in compiled:
        report(one.warnings)
    return {one.variant or "": one.config for one in compiled}


def diff_variants(old: Configs, new: Configs) -> list[str]:
    """Diff two sides; with variants on either side, compare the variants of the same name."""
    if len(old) == len(new) == 1:
        return diff(next(iter(old.values())), next(iter(new.values())))
    lines: list[str] = []
    for name in [*old, *(n for n in new if n not in old)]:
        if name not in new or name not in old:
            lines.append(f"variant {name or '(no matrix)'}: {'removed' if name not in new else 'added'}")
            continue
        lines.extend(f"[{name}] {line}" for line in diff(old[name], new[name]))
    return lines


def diff(old: Any, new: Any, path: str = "") -> list[str]:
    """Return one line per difference between two JSON values, in document order."""
    if isinstance(old, dict) and isinstance(new, dict):
        lines = []
        if path == "passes":
            kept_old = [k for k in old if k in new]
            kept_new = [k for k in new if k in old]
            if kept_old != kept_new:
                lines.append(f"passes order: {', '.join(kept_old)} -> {', '.join(kept_new)}")
        return lines + _by_key(old, new, lambda key: f"{path}.{key}" if path else str(key))
    if isinstance(old, list) and isinstance(new, list) and old != new:
        names_old, names_new = _names(old), _names(new)
        if names_old is not None and names_new is not None:
            by_old, by_new = dict(zip(names_old, old, strict=True)), dict(zip(names_new, new, strict=True))
            return _by_key(by_old, by_new, lambda name: f"{path}[{name}]")
        if len(old) == len(new):
            return [line for i, (a, b) in enumerate(zip(old, new, strict=True)) for line in diff(a, b, f"{path}[{i}]")]
    if old == new:
        return []
    relative = show(old) != show(new)  # shown alike (an absolute path and its relative form): say what differs
    before, after = show(old, relative=relative), show(new, relative=relative)
    if not _long(before) and not _long(after):
        return [f"{path}: {before} -> {after}"]
    return [f"{path}: changed from\n{_indent(before)}\n  to\n{_indent(after)}"]


def _added(path: str, value: Any) -> str:
    shown = show(value)
    if not _long(shown):
        return f"{path}: added {shown}"
    return f"{path}: added\n{_indent(shown)}"


def _long(shown: str) -> bool:
    return "\n" in shown or len(shown) > WIDTH


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.split("\n"))


def _by_key(old: dict[str, Any], new: dict[str, Any], where: Callable[[str], str]) -> list[str]:
    """Diff two mappings key by key (old order, then keys only `new` has); `where` names a key's path."""
    lines = []
    for key in [*old, *(k for k in new if k not in old)]:
        child = where(key)
        if key not in new:
            lines.append(f"{child}: removed")
        elif key not in old:
            lines.append(_added(child, new[key]))
        else:
            lines.extend(diff(old[key], new[key], child))
    return lines


def _names(items: list[Any]) -> list[str] | None:
    names = [i.get("name") for i in items if isinstance(i, dict)]
    if len(names) == len(items) and all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
        return [str(n) for n in names]
    return None


def show(value: Any, *, relative: bool = True) -> str:
    """Show a JSON value whole: on one line when it fits, else indented (paths under this folder, relative)."""
    shown = _relative(value) if relative else value
    text = json.dumps(shown, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= WIDTH else json.dumps(shown, ensure_ascii=False, indent=2)


def _relative(value: Any) -> Any:
    from olivegen.commands.explain import shown

    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {k: _relative(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative(v) for v in value]
    return value
