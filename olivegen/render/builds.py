"""A matrix's rendered configs folded into one config with Olive's `builds`, where every variant is a build.

Olive's main branch expands a top-level `builds` map into ordinary run configs (`expand_builds`,
knowledge/builds.py): each build picks a `pipeline` of the shared passes and sets its own
`output_dir`, `host`, `target`, `evaluator` and `search_strategy`. The variants of a matrix fold
into one such config when they differ in nothing else. `fold` decides what is shared and what each
build sets; the generation's `builds.json.j2` template writes it in Olive's shape.

Passes, systems and evaluators are named maps: a name every variant uses for the same thing is
shared; one that means different things in two variants keeps its name for the first and becomes
`<name>_<variant>` for the others (its builds point at that name). A system or evaluator equal to
one shared under another name is that one.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, Position
from olivegen.knowledge.builds import BUILD_ENGINE_FIELDS, BUILD_HOST_TYPE, BUILD_WORKFLOW_ID, build_name_ok
from olivegen.source.document import SourceMap

# what only the builds may differ in: the top-level maps they name into, and the workflow id
_NAMED = ("passes", "systems", "evaluators")
_PER_BUILD = ("workflow_id", *_NAMED)
# engine fields that name an entry of a map (the rest are values)
_REFERS = {"host": "systems", "target": "systems", "evaluator": "evaluators"}
# a build's settings in the template's context (the template writes Olive's key)
_CONTEXT_KEY = {"search_strategy": "search"}


@dataclass(frozen=True)
class Variant:
    """One variant's rendered config, with where the recipe wrote what Olive checks of a build."""

    name: str
    config: dict[str, Any]
    name_at: Position  # the matrix value that names it
    where: SourceMap | None = None
    run_in: Path = Path()  # where `olive run` is taken to start: relative folders resolve there


@dataclass
class Folded:
    """The result of folding: the shared config and each build's settings, or why they stay separate."""

    base: dict[str, Any] = field(default_factory=dict)
    builds: list[dict[str, Any]] = field(default_factory=list)  # name, passes, output, host, target, evaluator, search
    reason: str | None = None  # set when the variants stay separate configs
    refused: list[Diagnostic] = field(default_factory=list)  # what Olive would refuse in them as builds


def fold(variants: Sequence[Variant], workflow_id: str) -> Folded:
    """Fold the variants' configs into one shared config and a build per variant, or say why not."""
    configs = [v.config for v in variants]
    stripped = [_without_build_fields(c) for c in configs]
    for variant, other in zip(variants[1:], stripped[1:], strict=True):
        path = _first_difference(stripped[0], other)
        if path is not None:
            return Folded(reason=f"{variants[0].name} and {variant.name} differ in {path}, which a build cannot set")
    refused = _olive_refusals(variants, workflow_id)
    if refused:
        return Folded(reason="Olive would refuse them as builds", refused=refused)
    maps: dict[str, dict[str, Any]] = {name: {} for name in _NAMED}
    renamed: list[dict[str, dict[str, str]]] = []
    for variant in variants:
        own = {name: variant.config.get(name) or {} for name in _NAMED}
        renamed.append({name: _merge(maps[name], own[name], variant.name, name != "passes") for name in _NAMED})
    engines = [c.get("engine") or {} for c in configs]
    varying = {f for f in BUILD_ENGINE_FIELDS if f != "output_dir" and _differs(engines, renamed, f)}
    base = copy.deepcopy(stripped[0])
    base["workflow_id"] = workflow_id
    base_engine = base.setdefault("engine", {})
    for name in ("host", "target", "evaluator", "search_strategy"):
        if name not in varying and name in engines[0]:
            base_engine[name] = _named(engines[0][name], renamed[0], name)
    ordered: dict[str, Any] = {}
    for key in configs[0]:  # the first variant's order; a map holds every variant's entries
        if key in _NAMED:
            if maps[key]:
                ordered[key] = maps[key]
        elif key in base:
            ordered[key] = base[key]
    for name in _NAMED:  # a map the first variant lacks goes before the engine, where the templates write maps
        if maps[name] and name not in ordered:
            engine = ordered.pop("engine", None)
            ordered[name] = maps[name]
            if engine is not None:
                ordered["engine"] = engine
    builds = []
    for variant, engine, names in zip(variants, engines, renamed, strict=True):
        build: dict[str, Any] = {
            "name": variant.name,
            "passes": [names["passes"].get(p, p) for p in variant.config.get("passes") or {}],
            "output": engine.get("output_dir"),
        }
        for name in varying:
            if name in engine:
                build[_CONTEXT_KEY.get(name, name)] = _named(engine[name], names, name)
        builds.append(build)
    return Folded(base=ordered, builds=builds)


def _without_build_fields(config: dict[str, Any]) -> dict[str, Any]:
    out = {k: copy.deepcopy(v) for k, v in config.items() if k not in _PER_BUILD}
    if isinstance(out.get("engine"), dict):
        out["engine"] = {k: v for k, v in out["engine"].items() if k not in BUILD_ENGINE_FIELDS}
    return out


def _first_difference(first: Any, second: Any, path: str = "") -> str | None:
    """Return the dotted path of the first place two configs differ (None: equal)."""
    if isinstance(first, dict) and isinstance(second, dict):
        for key in [*first, *(k for k in second if k not in first)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in first or key not in second:
                return where
            found = _first_difference(first[key], second[key], where)
            if found is not None:
                return found
        return None
    return None if first == second else path or "the config"


def _merge(shared: dict[str, Any], own: dict[str, Any], variant: str, by_value: bool) -> dict[str, str]:
    """Add a variant's entries to a shared named map; return its renamed entries (own name -> shared name).

    `by_value`: an entry equal to one already shared under another name is that one (two names for the
    same CPU system become one); passes keep their names, which their output folders carry.
    """
    renamed = {}
    for name, value in own.items():
        if name in shared and shared[name] == value:
            continue
        same = [n for n, v in shared.items() if v == value] if by_value else []
        if same:
            renamed[name] = same[0]
            continue
        if name not in shared:
            shared[name] = copy.deepcopy(value)
            continue
        fresh = f"{name}_{variant}"
        while fresh in shared and shared[fresh] != value:
            fresh += "_"
        shared[fresh] = copy.deepcopy(value)
        renamed[name] = fresh
    return renamed


def _named(value: Any, renamed: dict[str, dict[str, str]], field_name: str) -> Any:
    """Return an engine value with a renamed map entry followed (`host: local_system` -> its shared name)."""
    table = _REFERS.get(field_name)
    if table is not None and isinstance(value, str):
        return renamed[table].get(value, value)
    return value


def _differs(engines: list[dict[str, Any]], renamed: list[dict[str, dict[str, str]]], name: str) -> bool:
    values = [_named(e.get(name), r, name) if name in e else None for e, r in zip(engines, renamed, strict=True)]
    return any(v != values[0] for v in values[1:])


def _olive_refusals(variants: Sequence[Variant], workflow_id: str) -> list[Diagnostic]:
    """Return what Olive's `parse_run_config` would refuse in these variants as builds, at the recipe's lines."""
    found = []
    for variant in variants:
        if not build_name_ok(variant.name):
            found.append(
                _refusal(
                    f"Olive's main branch refuses the build name {variant.name!r}: a build name starts with a letter"
                    " or digit, then letters, digits, `.`, `_` or `-` (builds.py:178)",
                    variant.name_at,
                    "rename the matrix value; until then the variants are rendered as separate configs",
                )
            )
        host = _system(variant.config, "host")
        if host is not None and host.get("type") != BUILD_HOST_TYPE:
            at = variant.where.lookup(("host",), prefer_value=True) if variant.where else variant.name_at
            found.append(
                _refusal(
                    f"[{variant.name}] Olive's main branch runs builds on a local host only, not"
                    f" {host.get('type')!r} (builds.py:84-87)",
                    at,
                    "use a local host for a multi-build config; until then the variants are rendered as separate"
                    " configs",
                )
            )
    dirs = [(v, _write_dirs(v, BUILD_WORKFLOW_ID.format(workflow_id=workflow_id, build=v.name))) for v in variants]
    for i, (first, first_dirs) in enumerate(dirs):
        for second, second_dirs in dirs[i + 1 :]:
            clash = _overlap(first_dirs, second_dirs)
            if clash:
                written = ("engine", "output_dir")
                at = second.where.lookup(written, prefer_value=True) if second.where else second.name_at
                found.append(
                    _refusal(
                        f"[{second.name}] Olive's main branch refuses builds {first.name!r} and {second.name!r}: their"
                        f" {clash} folders overlap (builds.py:90-116)",
                        at,
                        "give each variant its own output folder (`{variant}` in engine.output_dir); until then the"
                        " variants are rendered as separate configs",
                    )
                )
    return found


def _refusal(message: str, at: Position, hint: str) -> Diagnostic:
    from olivegen.errors import Severity

    return Diagnostic(message, at, hint, "builds", Severity.WARNING)


def _system(config: dict[str, Any], role: str) -> dict[str, Any] | None:
    engine = config.get("engine") or {}
    value = engine.get(role)
    if isinstance(value, str):
        value = (config.get("systems") or {}).get(value)
    return value if isinstance(value, dict) else None


def _write_dirs(variant: Variant, build_workflow_id: str) -> dict[str, Path]:
    """Return the folders a build writes (builds.py:101-112): its output folder, and its cache under the workflow id.

    Olive resolves them from where it runs; here from `variant.run_in`.
    """
    engine = variant.config.get("engine") or {}
    found = {}
    if isinstance(engine.get("output_dir"), str):
        found["output"] = (variant.run_in / engine["output_dir"]).resolve()
    cache = engine.get("cache_dir", ".olive-cache")
    if isinstance(cache, str) and not engine.get("cache_config"):
        found["cache"] = (variant.run_in / cache / build_workflow_id).resolve()
    return found


def _overlap(first: dict[str, Path], second: dict[str, Path]) -> str | None:
    for first_kind, a in first.items():
        for second_kind, b in second.items():
            if a == b or a in b.parents or b in a.parents:
                return first_kind if first_kind == second_kind else f"{first_kind} and {second_kind}"
    return None
