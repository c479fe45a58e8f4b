"""Which pass chains microsoft/olive-recipes runs on a Hugging Face model, per execution provider and device.

    python bench/olive_recipes_targets.py GIT_DIR            # a `fetch`ed snapshot's git directory
    python bench/olive_recipes_targets.py GIT_DIR --top 3    # the 3 most common chains per target

Reads every JSON config at HEAD with `git show` (nothing is copied out of the snapshot), keeps those
whose input model is a Hugging Face model (`HfModel`, any case) and groups them by the target's
execution provider and device (`-` when the config names no target: Olive's local CPU system).
Prints a Markdown table per group: the chain (pass types in order; ModelBuilder with its
precision), how many configs run it, one of them. Then, for each target of olivegen's table
(olivegen/knowledge/targets.py), how many configs run exactly the table's default chain for Olive
0.13 (and for Olive's main branch where it differs), and which targets those configs name.
This is the survey behind docs/targets.md; its output is docs/targets-survey.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from olivegen.knowledge.catalog import MAIN_GENERATION, OLIVE_GENERATION  # noqa: E402
from olivegen.knowledge.passes import MODEL_BUILDER  # noqa: E402
from olivegen.knowledge.targets import TARGETS  # noqa: E402


def _git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", "-C", git_dir, *args], capture_output=True, text=True, check=True).stdout


def _configs(git_dir: str) -> dict[str, dict[str, Any]]:
    """Return path -> config for every JSON file at HEAD that parses as an Olive config with passes."""
    found: dict[str, dict[str, Any]] = {}
    for path in _git(git_dir, "ls-tree", "-r", "--name-only", "HEAD").split("\n"):
        if not path.endswith(".json") or path.startswith("."):
            continue
        try:
            config = json.loads(_git(git_dir, "show", f"HEAD:{path}"))
        except (ValueError, subprocess.CalledProcessError):
            continue
        if isinstance(config, dict) and isinstance(config.get("passes"), dict):
            found[path] = config
    return found


def _target(config: dict[str, Any]) -> tuple[str, str]:
    """Return the target's first provider and device, `-` where the config does not say."""
    engine = config.get("engine") if isinstance(config.get("engine"), dict) else {}
    target = config.get("target") or engine.get("target")
    systems = config.get("systems") if isinstance(config.get("systems"), dict) else {}
    spec = systems.get(target) if isinstance(target, str) else target
    accelerators = (spec or {}).get("accelerators") if isinstance(spec, dict) else None
    first = accelerators[0] if isinstance(accelerators, list) and accelerators else {}
    providers = first.get("execution_providers") or ["-"] if isinstance(first, dict) else ["-"]
    device = str(first.get("device") or "-").lower() if isinstance(first, dict) else "-"
    return str(providers[0]), device


def _chain(config: dict[str, Any]) -> tuple[str, ...]:
    steps = []
    for entry in config["passes"].values():
        entry = entry[0] if isinstance(entry, list) and entry else entry
        if not isinstance(entry, dict):
            continue
        kind = str(entry.get("type", "?"))
        steps.append(f"{kind} {entry.get('precision')}" if kind.lower() == MODEL_BUILDER.lower() else kind)
    return tuple(steps)


def _named(steps: Any) -> tuple[str, ...]:
    """Return a chain's steps as the survey names them (ModelBuilder with its precision)."""
    return tuple(f"{s.type} {s.params.get('precision')}" if s.type == MODEL_BUILDER else s.type for s in steps)


def survey(git_dir: str, top: int) -> str:
    """Return the survey as Markdown."""
    configs = _configs(git_dir)
    groups: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for path, config in sorted(configs.items()):
        model = config.get("input_model")
        if not isinstance(model, dict) or str(model.get("type", "")).lower() != "hfmodel":
            continue
        groups[_target(config)].append((path, _chain(config)))
    head = _git(git_dir, "rev-parse", "HEAD").strip()
    lines = [f"olive-recipes @ {head}: {sum(len(v) for v in groups.values())} configs of a Hugging Face model.", ""]
    lines += [
        "| provider | device | configs | chain | configs with it | e.g. |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for (provider, device), items in sorted(groups.items()):
        counts = Counter(chain for _, chain in items)
        for i, (chain, n) in enumerate(counts.most_common(top)):
            example = next(path for path, c in items if c == chain)
            first = (provider, device, str(len(items))) if i == 0 else ("", "", "")
            lines.append(f"| {' | '.join(first)} | {' -> '.join(chain)} | {n} | {example} |")
    lines += ["", "| olivegen target | Olive | its default chain | configs running exactly it | their targets |"]
    lines.append("| --- | --- | --- | --- | --- |")
    everything = [(where, chain) for where, items in groups.items() for _, chain in items]
    for target in TARGETS:
        shown: set[tuple[str, ...]] = set()
        for generation in (OLIVE_GENERATION, MAIN_GENERATION):
            chain = target.chain(generation)
            mine = _named(chain.steps) if chain else ()
            if mine in shown:
                continue
            shown.add(mine)
            where = Counter(f"{p}/{d}" for (p, d), c in everything if mine and c == mine)
            seen = ", ".join(f"{w} ({n})" for w, n in where.most_common()) or "–"
            row = [target.name, generation, " -> ".join(mine) or "none", str(sum(where.values())), seen]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("git_dir", help="the git directory of a fetched microsoft/olive-recipes snapshot")
    parser.add_argument("--top", type=int, default=4, help="chains shown per provider and device (default 4)")
    args = parser.parse_args()
    print(survey(args.git_dir, args.top), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
