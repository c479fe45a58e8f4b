"""An Olive config as Olive reads it, with what is only layout taken out: for `olivegen diff`.

Two configs that Olive runs alike may be written differently: an older release's engine settings
at the top level, a pass's parameters flat or under `config:`, a system or model wrapped in
`{type, config: {...}}`, a data config's components under `params:`, data configs as a mapping
by name. `import` reads all of these (convert.py, pieces.py); `meaning` applies the same rules
to a whole config, so `diff` compares what the configs mean, not how they are written:

- a top-level key that is an engine setting (`ENGINE_KEYS` and every release's RunEngineConfig,
  `known_engine_keys`) is read inside `engine` (a key written in `engine` itself wins, as in import);
- `flat`: `{type, config: {...}}` of the model, engine, each system, evaluator and pass is one
  object; a data config component's `{type, params: {...}}` too; the legacy mapping of data configs
  is the list Olive makes of it (`data_list`);
- a falsy `search_strategy` is no search, and `evaluate_input_model` without an engine `evaluator`
  evaluates nothing (import drops both the same way);
- a system named by `host` or `target` (of the engine or a pass) is read as the system itself: two
  configs that name the same system differently mean the same (import resolves them the same way);
- an empty section is as if absent; and between two configs (`pair`), a pass parameter one side
  leaves out reads as Olive's default there (the same default in every vendored release that has
  the pass and parameter), so writing a default out is no change and changing one shows both values.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from olivegen.importer.convert import DATA_COMPONENTS, data_list, known_engine_keys
from olivegen.importer.pieces import flat
from olivegen.knowledge.catalog import VENDORED_GENERATIONS, canonical_pass_in, pass_params_in
from olivegen.knowledge.sections import OLIVE_SECTIONS


def meaning(config: dict[str, Any]) -> dict[str, Any]:
    """Return `config` normalized as described above (a new object; the input is not changed)."""
    cfg = copy.deepcopy(config)
    engine = flat(cfg.pop("engine", None))
    engine_keys = known_engine_keys()
    for key in [k for k in cfg if k not in OLIVE_SECTIONS and k in engine_keys]:
        value = cfg.pop(key)
        engine.setdefault(key, value)
    if not engine.get("search_strategy"):
        engine.pop("search_strategy", None)
    if engine.get("evaluator") is None:
        engine.pop("evaluator", None)
        engine.pop("evaluate_input_model", None)
    cfg["engine"] = engine
    if isinstance(cfg.get("input_model"), dict):
        cfg["input_model"] = flat(cfg["input_model"])
    for section in ("systems", "evaluators"):
        if isinstance(cfg.get(section), dict):
            cfg[section] = {name: flat(spec) if isinstance(spec, dict) else spec for name, spec in cfg[section].items()}
    if isinstance(cfg.get("passes"), dict):
        cfg["passes"] = {
            name: [flat(s) for s in spec] if isinstance(spec, list) else flat(spec)
            for name, spec in cfg["passes"].items()
        }
    systems = cfg.get("systems") if isinstance(cfg.get("systems"), dict) else {}
    if systems:
        holders = [engine, *_pass_specs(cfg.get("passes"))]
        for holder in holders:
            for key in ("host", "target"):
                if isinstance(holder.get(key), str) and isinstance(systems.get(holder[key]), dict):
                    holder[key] = systems[holder[key]]
        used = [h.get(r) for h in holders for r in ("host", "target")]
        cfg["systems"] = {k: v for k, v in systems.items() if not any(u is v for u in used)}  # compared where used
    if isinstance(cfg.get("data_configs"), dict | list):
        cfg["data_configs"] = [_data(d) for d in data_list(cfg["data_configs"])]
    return {k: v for k, v in cfg.items() if v not in ({}, [], None)}


def _pass_specs(passes: Any) -> list[dict[str, Any]]:
    entries = passes.values() if isinstance(passes, dict) else []
    return [s for e in entries for s in (e if isinstance(e, list) else [e]) if isinstance(s, dict)]


def pair(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fill in, on each side, Olive's default of a pass parameter only the other side of the same pass writes."""
    old, new = copy.deepcopy(old), copy.deepcopy(new)
    old_passes, new_passes = old.get("passes"), new.get("passes")
    if not isinstance(old_passes, dict) or not isinstance(new_passes, dict):
        return old, new
    for name in old_passes.keys() & new_passes.keys():
        a, b = old_passes[name], new_passes[name]
        if not isinstance(a, dict) or not isinstance(b, dict) or not isinstance(a.get("type"), str):
            continue
        now = VENDORED_GENERATIONS[0]
        if canonical_pass_in(a["type"], now) != canonical_pass_in(str(b.get("type")), now):
            continue
        for one, other in ((a, b), (b, a)):
            for key in other.keys() - one.keys():
                found = _olive_default(a["type"], key)
                if found is not None:
                    one[key] = found[0]
    return old, new


def _olive_default(kind: str, key: str) -> tuple[Any] | None:
    """Return (Olive's default,) of a pass parameter when every vendored release that has it agrees on it."""
    defaults = []
    for generation in VENDORED_GENERATIONS:
        canonical = canonical_pass_in(kind, generation)
        info = pass_params_in(canonical, generation).get(key) if canonical else None
        if isinstance(info, dict):
            if info.get("required") or "default" not in info:
                return None
            defaults.append(info["default"])
    if not defaults or any(json.dumps(d, sort_keys=True) != json.dumps(defaults[0], sort_keys=True) for d in defaults):
        return None
    return (defaults[0],)


def _data(spec: Any) -> Any:
    if not isinstance(spec, dict):
        return spec
    out = flat(spec)
    for key in DATA_COMPONENTS:
        if isinstance(out.get(key), dict):
            out[key] = flat(out[key], "params")
    return out
