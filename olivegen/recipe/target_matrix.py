"""The matrix recipe `olivegen init --model ID --targets ...` writes: one variant per target.

Built from `knowledge/targets.py`: each variant runs the chain olive-recipes runs for its target.
What the variants share (the model, the most common host and chain) is written once; a cell
writes only what differs (its target, a ModelBuilder parameter, or its whole chain and data).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from olivegen.knowledge.catalog import OLIVE_GENERATION, PROVIDER_DEFAULT_DEVICE, canonical_provider
from olivegen.knowledge.passes import MODEL_BUILDER
from olivegen.knowledge.targets import (
    INSTEAD,
    TARGETS,
    TARGETS_BY_NAME,
    TARGETS_BY_PROVIDER,
    Chain,
    Target,
    chain_summary,
)

_SPEC = re.compile(r"^([A-Za-z0-9]+)(?::([A-Za-z0-9]+))?$")
HEADER = """\
{modeline}# Written by `olivegen init --model {model} --targets {targets}{olive}`.
# One variant per target: `olivegen render {path} -o configs/` writes configs/<target>.json.
# Each chain is the one microsoft/olive-recipes runs for that target (docs/targets.md: the table, with
# sources); tune the model-specific values (calibration sizes, QNN splits and context length) to yours.
"""


class TargetError(ValueError):
    """A `--targets` entry olivegen cannot build a chain for (the message says why)."""


@dataclass(frozen=True)
class Pick:
    """One requested target, its chain, and the variant name it gets."""

    target: Target
    chain: Chain
    variant: str


def parse_targets(text: str, generation: str) -> list[Pick]:
    """Read `cpu,cuda:fp16,qnn` into targets and chains for an Olive generation; TargetError when one has none."""
    picks: list[Pick] = []
    for raw in (part.strip() for part in text.split(",") if part.strip()):
        match = _SPEC.match(raw)
        target = _target(match.group(1)) if match else None
        if match is None or target is None:
            raise TargetError(_unknown(raw, match.group(1) if match else raw))
        name = target.name
        precision = match.group(2).lower() if match.group(2) else None
        chain = target.chain(generation, precision)
        if chain is None:
            raise TargetError(_no_chain(target, generation, precision))
        variant = name if precision is None or chain is target.chain(generation) else f"{name}-{precision}"
        if variant in {p.variant for p in picks}:
            raise TargetError(f"target {raw!r} is named twice")
        picks.append(Pick(target, chain, variant))
    if not picks:
        raise TargetError("name at least one target, e.g. --targets cpu,cuda")
    return picks


def _target(word: str) -> Target | None:
    """Return the target a word names: its short name, or any name of its provider (`directml`, `Dml`)."""
    provider = canonical_provider(word)
    return TARGETS_BY_NAME.get(word.lower()) or (TARGETS_BY_PROVIDER.get(provider) if provider else None)


def _unknown(raw: str, word: str) -> str:
    provider = canonical_provider(word)
    instead = INSTEAD.get(provider) if provider else None
    if instead is not None:
        return f"no chain for {provider} ({raw!r}); for an NVIDIA GPU use {instead} (ModelBuilder builds for it)"
    return f"unknown target {raw!r}; olivegen knows {', '.join(t.name for t in TARGETS)}"


def _no_chain(target: Target, generation: str, precision: str | None) -> str:
    if not target.chains:
        return f"no pass chain olivegen knows builds an LLM for {target.name} ({target.note})"
    have = target.precisions(generation)
    if precision is not None and have:
        return f"{target.name} is built in {', '.join(have)} for Olive {generation}, not {precision}"
    olives = sorted({g for c in target.chains for g in c.generations})
    return f"olivegen knows no chain for {target.name} in Olive {generation}; it has one for {', '.join(olives)}"


def recipe_text(model: str, picks: list[Pick], generation: str, *, path: str, modeline: str = "") -> str:
    """Return the matrix recipe's YAML text, a comment above each cell (chain, install, source)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    hosts = Counter(p.target.host for p in picks)
    host = hosts.most_common(1)[0][0]
    base = _base_chain(picks)
    recipe = CommentedMap()
    recipe["name"] = recipe_name(model)
    if generation != OLIVE_GENERATION:
        recipe["olive"] = generation
    recipe["model"] = {"path": model}
    recipe["host"] = host
    recipe["passes"] = [_pass(step.type, dict(step.params)) for step in base.steps]
    cells = CommentedMap()
    for pick in picks:
        cells[pick.variant] = _cell(pick, host, base)
        cells.yaml_set_comment_before_after_key(pick.variant, before=_about(pick), indent=4)
    recipe["matrix"] = {"target": cells}
    recipe.yaml_set_comment_before_after_key(
        "passes", before=f"the chain {_shared(picks, base)} (a cell may change it)"
    )
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(_flow_lists(recipe), stream)
    spec = ",".join(p.variant if p.variant == p.target.name else f"{p.target.name}:{p.chain.precision}" for p in picks)
    olive = f" --olive-version {generation}" if generation != OLIVE_GENERATION else ""
    return HEADER.format(modeline=modeline, model=model, targets=spec, olive=olive, path=path) + stream.getvalue()


def recipe_name(model: str) -> str:
    """Return the workflow name: the model id's last part, lower case, with only the characters Olive keeps."""
    last = model.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^a-z0-9_.-]+", "-", last.lower()).strip("-.") or "model"


def _is_builder_only(chain: Chain) -> bool:
    return len(chain.steps) == 1 and chain.steps[0].type == MODEL_BUILDER


def _base_chain(picks: list[Pick]) -> Chain:
    """Return the chain written at the top: the most common ModelBuilder-only chain, else the first one."""
    builders = [p.chain for p in picks if _is_builder_only(p.chain)]
    if not builders:
        return picks[0].chain
    precision = Counter(c.precision for c in builders).most_common(1)[0][0]
    return next(c for c in builders if c.precision == precision)


def _shared(picks: list[Pick], base: Chain) -> str:
    users = [p.variant for p in picks if p.chain.steps == base.steps]
    summary = f"{chain_summary(base)} {base.precision}"
    return f"{summary}, as {', '.join(users)} run it" if users else summary


def _pass(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return a step in the recipe's words: ModelBuilder typed, any other pass with its parameters under `config:`."""
    if kind == MODEL_BUILDER:
        return {"type": kind, **params}
    return {"type": kind, "config": params} if params else {"type": kind}


def _system(provider: str, device: str) -> Any:
    """`target:` as the short name, or a mapping when the device is not the provider's default."""
    short = TARGETS_BY_PROVIDER[provider].name
    return short if PROVIDER_DEFAULT_DEVICE.get(provider, "gpu") == device else {"provider": short, "device": device}


def _cell(pick: Pick, host: str, base: Chain) -> dict[str, Any]:
    target, chain = pick.target, pick.chain
    cell: dict[str, Any] = {}
    if target.host != host:
        cell["host"] = target.host
    cell["target"] = _system(target.system_provider, target.system_device)
    if chain.data:
        cell["data"] = [dict(d) for d in chain.data]
    if chain.steps == base.steps:
        return cell
    if _is_builder_only(chain) and _is_builder_only(base):
        mine, theirs = chain.steps[0].params, base.steps[0].params
        for key, value in mine.items():
            if theirs.get(key) != value:
                cell[f"passes.{MODEL_BUILDER}.{key}"] = value
        for key in theirs:
            if key not in mine:
                cell[f"passes.{MODEL_BUILDER}.{key}"] = "$delete"
        return cell
    cell["passes"] = [_pass(step.type, dict(step.params)) for step in chain.steps]
    return cell


def _about(pick: Pick) -> str:
    target, chain = pick.target, pick.chain
    lines = [
        f"{target.provider} on {target.device}: {chain_summary(chain)}, {chain.precision}",
        f"install: {target.install}",
        f"from {chain.source}",
    ]
    if target.note:
        lines.insert(1, target.note)
    return "\n".join(lines)


def _flow_lists(value: Any) -> Any:
    """Write lists of scalars and short mappings of scalars in flow style (`[a, b]`), the rest in block style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, CommentedMap):
        for key in value:
            value[key] = _flow_lists(value[key])
        return value
    if isinstance(value, dict):
        node = CommentedMap((k, _flow_lists(v)) for k, v in value.items())
        scalars = all(isinstance(v, (str, int, float, bool)) for v in value.values())
        if scalars and sum(len(str(k)) + len(str(v)) + 4 for k, v in value.items()) <= 60:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_flow_lists(v) for v in value)
        if all(isinstance(v, (str, int, float, bool)) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value
