"""Evaluators of any generation -> the recipe's `evaluate:` (typed metrics where they fit, raw otherwise)."""

from __future__ import annotations

import copy
from typing import Any

from olivegen.errors import Diagnostic, RecipeError
from olivegen.importer.pieces import Notes, flat, json_path
from olivegen.knowledge.catalog import OLIVE_GENERATION, suggest


def resolve_evaluator(ref: Any, evaluators: dict[str, Any]) -> dict[str, Any] | None:
    """Return an evaluator given by name (a key of `evaluators`) or inline, in Olive 0.13's form."""
    raw = evaluators.get(ref) if isinstance(ref, str) else ref
    if not isinstance(raw, dict):
        return None
    out = flat(copy.deepcopy(raw))
    out.pop("name", None)
    if isinstance(out.get("metrics"), list):
        out["metrics"] = [_metric(m) for m in out["metrics"]]
    return out


def _metric(metric: Any) -> Any:
    """Olive <=0.2 wrote one `sub_type` with `priority_rank`, `goal` and `higher_is_better` beside it."""
    if not isinstance(metric, dict) or "sub_type" not in metric:
        return metric
    metric = dict(metric)
    sub: dict[str, Any] = {"name": metric.pop("sub_type")}
    for old, new in (("priority_rank", "priority"), ("goal", "goal"), ("higher_is_better", "higher_is_better")):
        if old in metric:
            sub[new] = metric.pop(old)
    metric["sub_types"] = [sub]
    return metric


def convert_evaluation(evaluator: dict[str, Any], notes: Notes) -> dict[str, Any]:
    """Typed `metrics` when every metric fits the recipe's Metric (on a named data set), else Olive's own words."""
    from pydantic import ValidationError

    from olivegen.recipe.engine import Evaluation

    metrics: list[Any] = evaluator["metrics"] if isinstance(evaluator.get("metrics"), list) else []
    out: list[dict[str, Any]] = []
    typed = set(evaluator) == {"metrics"} and bool(metrics)
    for metric in metrics if typed else []:
        keys = {"name", "type", "sub_types", "data_config", "backend", "user_config"}
        if not isinstance(metric, dict) or not set(metric) <= keys or not isinstance(metric.get("data_config"), str):
            typed = False
            break
        item = {k: v for k, v in metric.items() if k not in ("data_config", "sub_types")}
        subs = metric.get("sub_types") or []
        if not isinstance(subs, list):
            typed = False
            break
        item["sub_types"] = [s["name"] if isinstance(s, dict) and set(s) == {"name"} else s for s in subs]
        item["data"] = metric["data_config"]
        out.append(item)
    if typed:
        try:
            Evaluation.model_validate({"metrics": out})
        except ValidationError:
            typed = False
    if typed:
        return {"metrics": out}
    notes.decided(("evaluate", "olive"), "kept in Olive's own words (metric settings a recipe does not type)")
    return {"olive": evaluator}


def write_out_named_metrics(cfg: dict[str, Any], notes: Notes) -> None:
    """Replace each metric an evaluator gives by name with the metric of that name in the top-level `metrics`.

    No Olive release reads a metric by name (Olive 0.13 and the main branch reject it: "Invalid
    type"); a name is read as the metric of the top-level `metrics` list it names. A name that
    matches none is refused at its position (with no top-level list, it stays as written and the
    recipe check reports it). When a name was written out, the top-level `metrics` is consumed;
    a metric in it that no evaluator names is reported as dropped.
    """
    top = cfg.get("metrics")
    if not isinstance(top, list):
        return
    named = {m["name"]: m for m in top if isinstance(m, dict) and isinstance(m.get("name"), str)}
    used: set[str] = set()
    for path, evaluator in _evaluators(cfg):
        metrics = evaluator.get("metrics")
        if not isinstance(metrics, list):
            continue
        for i, metric in enumerate(metrics):
            if isinstance(metric, str) and metric not in named and named:
                at = (*path, "metrics", i)
                hint = suggest(metric, list(named)) or "the top-level metrics are " + ", ".join(map(repr, named))
                message = f"{json_path(at)}: no metric named {metric!r} in the top-level `metrics`"
                raise RecipeError([Diagnostic(message, notes.position(at), hint, "import")])
            if isinstance(metric, str) and metric in named:
                metrics[i] = copy.deepcopy(named[metric])
                used.add(metric)
                notes.migrated(
                    (*path, "metrics", i),
                    f"metric {metric!r} is named, not written out: no Olive release reads a metric by name"
                    f" (Olive {OLIVE_GENERATION} and Olive's main branch reject it)",
                    "`olivegen import` writes it out from the top-level `metrics` list",
                )
    if not used:
        return
    cfg.pop("metrics")
    notes.decided(("metrics",), "metrics named by an evaluator written out from the top-level `metrics` list")
    for i, metric in enumerate(top):
        if not (isinstance(metric, dict) and metric.get("name") in used):
            notes.dropped(("metrics", i), "no evaluator names this metric")
        else:
            notes.carry(("metrics", i))  # written out where an evaluator names it


def _evaluators(cfg: dict[str, Any]) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Every evaluator written out in a config (by name, on the engine, on a pass), with its JSON path."""
    found: list[tuple[tuple[str | int, ...], Any]] = []
    evaluators = cfg.get("evaluators")
    if isinstance(evaluators, dict):
        found += [(("evaluators", name), ev) for name, ev in evaluators.items()]
    engine = cfg.get("engine")
    found.append((("evaluator",), cfg.get("evaluator")))
    if isinstance(engine, dict):
        found.append((("engine", "evaluator"), engine.get("evaluator")))
    passes = cfg.get("passes")
    for key, raw in passes.items() if isinstance(passes, dict) else []:
        specs = list(enumerate(raw)) if isinstance(raw, list) else [(None, raw)]
        for index, spec in specs:
            if isinstance(spec, dict):
                at: tuple[str | int, ...] = ("passes", key) if index is None else ("passes", key, index)
                found.append(((*at, "evaluator"), spec.get("evaluator")))
    out = []
    for path, ev in found:
        if isinstance(ev, dict) and isinstance(ev.get("config"), dict) and "metrics" in ev["config"]:
            out.append(((*path, "config"), ev["config"]))  # Olive <= 0.6: {type, config: {metrics}}
        elif isinstance(ev, dict):
            out.append((path, ev))
    return out
