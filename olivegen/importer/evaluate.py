"""Evaluators of any generation -> the recipe's `evaluate:` (typed metrics where they fit, raw otherwise)."""

from __future__ import annotations

import copy
import typing
from typing import Any

from olivegen.importer.pieces import Notes, flat
from olivegen.recipe.engine import AccuracySub, LatencySub

TYPED_SUBS = set(typing.get_args(LatencySub)) | set(typing.get_args(AccuracySub))


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
