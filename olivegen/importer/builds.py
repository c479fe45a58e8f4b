"""Olive main's multi-build configs: `builds` expanded into one ordinary config per build.

The expansion is Olive's own (`expand_builds` and `_parse_builds` in olive/workflows/run/builds.py of
microsoft/Olive main at OLIVE_MAIN_COMMIT): `_default` is laid under every named build; each build's
config is the config without `builds` and `max_concurrent_builds`, with workflow id
`<workflow_id>_<build>`, only the passes its `pipeline` names (in the pipeline's order), its
`output_dir` (else `<_default.output_dir or "output">/<build>`) and any `host`, `target`,
`evaluator`, `search_strategy` written into `engine`. What a recipe cannot say is refused at its
position: `components` (a model's sub-models chosen per build); what Olive refuses is refused too
(a build name off Olive's pattern, a pass its pipeline names that `passes` lacks, a host that is not
local, output folders that overlap).
"""

from __future__ import annotations

import copy
from pathlib import PurePath
from typing import Any

from olivegen.errors import Diagnostic, Position, RecipeError, Severity
from olivegen.knowledge.builds import (
    BUILD_DEFAULT_PARENT,
    BUILD_ENGINE_FIELDS,
    BUILD_HOST_TYPE,
    BUILD_KEYS,
    BUILD_WORKFLOW_ID,
    DEFAULT_BUILD,
    DEFAULT_WORKFLOW_ID,
    build_name_ok,
)
from olivegen.knowledge.sections import MAIN_ONLY_TOP_KEYS
from olivegen.source.document import SourceMap

BUILDS, MAX_CONCURRENT = MAIN_ONLY_TOP_KEYS
# laid into `engine` when a build sets them (its output folder is laid there always)
ENGINE_FIELDS = tuple(f for f in BUILD_ENGINE_FIELDS if f != "output_dir")


def expand(
    config: dict[str, Any], where: SourceMap | None, display: str
) -> tuple[list[tuple[str, dict[str, Any]]], list[Diagnostic]]:
    """Return (build name, that build's config) for every named build, and notes; RecipeError where Olive stops."""
    problems: list[Diagnostic] = []

    def at(*loc: str | int) -> Position:
        return where.lookup(loc) if where is not None else Position(display, 1, 1)

    def refuse(message: str, loc: tuple[str | int, ...], hint: str | None = None) -> None:
        problems.append(Diagnostic(f"$.{'.'.join(map(str, loc))}: {message}", at(*loc), hint, "import"))

    notes: list[Diagnostic] = []
    source = copy.deepcopy(config)
    limit = source.pop(MAX_CONCURRENT, None)
    if MAX_CONCURRENT in config:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            refuse(f"`{MAX_CONCURRENT}` must be a positive integer (Olive refuses {limit!r})", (MAX_CONCURRENT,))
        else:
            notes.append(
                Diagnostic(
                    f"$.{MAX_CONCURRENT}: how many builds Olive main runs at once; the recipe's variants are separate"
                    " configs, run one by one: not carried",
                    at(MAX_CONCURRENT),
                    None,
                    "import-dropped",
                    Severity.WARNING,
                )
            )
    raw = source.pop(BUILDS)
    if not isinstance(raw, dict):
        refuse("`builds` must map build names to builds (Olive refuses it otherwise)", (BUILDS,))
        raise RecipeError(problems)
    default = raw.get(DEFAULT_BUILD, {})
    if not isinstance(default, dict):
        refuse("`builds._default` must be a mapping", (BUILDS, DEFAULT_BUILD))
        default = {}
    for key in default:
        if key not in BUILD_KEYS:
            refuse(f"a build has no key {key!r} (Olive refuses it)", (BUILDS, DEFAULT_BUILD, key))
    passes = source.get("passes") or {}
    workflow_id = source.get("workflow_id", DEFAULT_WORKFLOW_ID)
    out: list[tuple[str, dict[str, Any]]] = []
    for name, build in raw.items():
        if name == DEFAULT_BUILD:
            continue
        if not build_name_ok(name):
            refuse(f"Olive refuses the build name {name!r}", (BUILDS, name), "use letters, digits, `.`, `_`, `-`")
            continue
        if not isinstance(build, dict):
            refuse(f"build {name!r} must be a mapping", (BUILDS, name))
            continue
        merged = {k: v for k, v in default.items() if v is not None and k != "output_dir"} | build
        for key in build:
            if key not in BUILD_KEYS:
                refuse(f"a build has no key {key!r} (Olive refuses it)", (BUILDS, name, key))
        if merged.get("components"):
            loc = (BUILDS, name, "components") if "components" in build else (BUILDS, DEFAULT_BUILD, "components")
            refuse(
                f"build {name!r} picks model components; a recipe's model has no components to pick",
                loc,
                "import a config per component model instead",
            )
        pipeline = merged.get("pipeline")
        if not isinstance(pipeline, list) or not pipeline or not all(isinstance(p, str) and p for p in pipeline):
            refuse(f"build {name!r} needs `pipeline`: the names of its passes, in order", (BUILDS, name))
            continue
        missing = [p for p in pipeline if p not in passes]
        if missing:
            loc = (BUILDS, name, "pipeline") if "pipeline" in build else (BUILDS, DEFAULT_BUILD, "pipeline")
            refuse(f"build {name!r} names unknown passes {missing}; `passes` has {sorted(passes)}", loc)
            continue
        child = copy.deepcopy(source)
        child["workflow_id"] = BUILD_WORKFLOW_ID.format(workflow_id=workflow_id, build=name)
        child["passes"] = {p: copy.deepcopy(passes[p]) for p in pipeline}
        parent = default.get("output_dir") or BUILD_DEFAULT_PARENT
        _engine_value(child, "output_dir", build.get("output_dir") or str(PurePath(parent) / name))
        for key in ENGINE_FIELDS:
            if merged.get(key) is not None:
                _engine_value(child, key, copy.deepcopy(merged[key]))
        host = merged.get("host")
        kind = host.get("type") if isinstance(host, dict) else _system_type(source, host)
        if kind not in (None, BUILD_HOST_TYPE):
            loc = (BUILDS, name, "host") if "host" in build else (BUILDS, DEFAULT_BUILD, "host")
            refuse(f"build {name!r} runs on a {kind} host; Olive main runs builds on local hosts only", loc)
            continue
        out.append((name, child))
    _overlapping([(n, c["engine"]["output_dir"]) for n, c in out], refuse)
    piped = {p for _, child in out for p in child["passes"]}
    for unused in [p for p in passes if p not in piped] if isinstance(passes, dict) else []:
        notes.append(
            Diagnostic(
                f"$.passes.{unused}: no build's `pipeline` names it: Olive main never runs it; not carried",
                at("passes", unused),
                None,
                "import-dropped",
                Severity.WARNING,
            )
        )
    if not out and not problems:
        refuse("`builds` needs at least one named build besides `_default` (Olive refuses it)", (BUILDS,))
    if problems:
        raise RecipeError(problems)
    return out, notes


def _engine_value(config: dict[str, Any], key: str, value: Any) -> None:
    """builds.py `_set_engine_value`: the top-level key goes, the value is laid into `engine`."""
    config.pop(key, None)
    engine = config.get("engine")
    config["engine"] = {**(engine if isinstance(engine, dict) else {}), key: value}


def _system_type(config: dict[str, Any], host: Any) -> Any:
    systems = config.get("systems")
    spec = systems.get(host) if isinstance(systems, dict) and isinstance(host, str) else None
    return spec.get("type") if isinstance(spec, dict) else None


def _overlapping(folders: list[tuple[str, Any]], refuse: Any) -> None:
    """builds.py `_validate_build_write_dirs`: no build writes inside another's output folder."""
    import posixpath

    seen: list[tuple[str, str]] = []
    for name, folder in folders:
        mine = posixpath.normpath(str(folder))
        for other, theirs in seen:
            if mine == theirs or mine.startswith(theirs + "/") or theirs.startswith(mine + "/"):
                refuse(f"builds {other!r} and {name!r} write into overlapping folders ({theirs}, {mine})", (BUILDS,))
        seen.append((name, mine))
