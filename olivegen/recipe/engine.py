"""How the workflow runs: output and cache folders, logging, search and evaluation."""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from olivegen.knowledge.catalog import suggest
from olivegen.recipe.base import Flag, Identifier, NonEmptyStr, Strict, Text
from olivegen.recipe.raw import RawKeyError, check_engine, check_evaluator, check_user_config

LatencySub = Literal["avg", "max", "min", "p50", "p75", "p90", "p95", "p99", "p999"]
AccuracySub = Literal[
    "accuracy_score",
    "f1_score",
    "precision",
    "recall",
    "auroc",
    "perplexity",
    "wer",
    "rtfx",
    "exact_match",
    "relaxed_accuracy",
    "word_sort_ratio",
]
SizeSub = Literal["bytes"]


class Search(Strict):
    """Search over pass parameters instead of running each pass once."""

    execution_order: Literal["joint", "pass-by-pass"] = Field("joint", description="Search passes together or in turn.")
    sampler: Literal["random", "sequential", "tpe"] = Field("tpe", description="How candidate configs are chosen.")
    max_iter: int | None = Field(None, description="Stop after this many candidates (0 or less: after the first).")
    max_time: int | None = Field(None, description="Stop after this many seconds (0 or less: after the first).")


class Engine(Strict):
    """Engine settings; folders written here are relative to the recipe."""

    output_dir: Text = Field(
        "outputs/{name}",
        description="Where the final model lands; `{name}` is the recipe name. Written: relative to the recipe;"
        " the default: relative to the folder `olive run` starts in.",
    )
    cache_dir: Text = Field(
        ".olive-cache",
        description="Olive's cache of pass results (reused across runs). Written: relative to the recipe;"
        " the default: relative to the folder `olive run` starts in.",
    )
    log_level: Literal[0, 1, 2, 3, 4] = Field(1, description="Olive log severity: 0 verbose ... 4 fatal.")
    evaluate_input_model: Flag = Field(False, description="Also evaluate the input model (needs `evaluate`).")
    search: Search | None = Field(None, description="`false` (or unset) runs each pass once; a mapping searches.")
    clean_cache: Flag = Field(False, description="Empty the cache before running.")
    olive: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "Escape hatch: other engine keys in Olive's own words (`search_strategy` with more settings,"
            " `packaging_config`, `output_name` ...), rendered as written."
        ),
    )

    @field_validator("search", mode="before")
    @classmethod
    def _false_is_off(cls, value: Any) -> Any:
        return None if value is False else value

    @field_validator("olive", mode="after")
    @classmethod
    def _raw(cls, value: dict[str, Any]) -> dict[str, Any]:
        typed = {"output_dir", "cache_dir", "log_severity_level", "evaluate_input_model", "clean_cache"}
        return check_engine(value, typed)


GoalType = Literal[
    "threshold", "min-improvement", "percent-min-improvement", "max-degradation", "percent-max-degradation"
]


class Goal(Strict):
    """What a sub type must reach for a candidate to count (Olive's MetricGoal)."""

    type: GoalType = Field(description="`threshold`, or an improvement/degradation relative to the input model.")
    value: float = Field(
        description="The threshold, or the allowed change (in percent for `percent-...`: 5 is 5%, in (0, 100) where"
        " the change cannot exceed 100%)."
    )


class SubType(Strict):
    """A sub type with Olive's ranking settings."""

    name: NonEmptyStr = Field(description="Sub type name (see `sub_types`).")
    priority: int | None = Field(
        None,
        ge=1,
        description=(
            "Rank among all sub types (1 first). When no sub type has one, olivegen ranks them in the order"
            " written (Olive refuses several sub types without ranks)."
        ),
    )
    goal: Goal | None = Field(None, description="Goal the sub type must reach.")
    higher_is_better: Flag | None = Field(None, description="Direction; Olive knows it for built-in sub types.")
    metric_config: dict[str, Any] | None = Field(None, description="Arguments of the metric function.")


class Metric(Strict):
    """One metric measured on the output model."""

    name: NonEmptyStr = Field(description="Metric name in the results.")
    type: Literal["latency", "throughput", "accuracy", "size_on_disk"] = Field(description="Kind of metric.")
    sub_types: list[NonEmptyStr | SubType] = Field(
        min_length=1,
        description=(
            "What to report: `avg`, `p90` ... for latency and throughput; `accuracy_score`, `f1_score` ... for"
            " accuracy (torchmetrics), any Hugging Face `evaluate` metric (`accuracy`, `f1`, `exact_match`, `wer`"
            " ...) with `backend: huggingface_metrics`; a mapping adds `priority`, `goal` ..."
        ),
    )
    data: Identifier = Field(description="Name of the data set the metric is measured on.")
    backend: Literal["torch_metrics", "huggingface_metrics"] | None = Field(
        None, description="Accuracy metrics: torchmetrics (Olive's default) or Hugging Face `evaluate`."
    )
    user_config: dict[str, Any] | None = Field(
        None,
        description=(
            "Olive's metric user_config (`inference_settings`, `io_bind`, `run_kwargs` ...), as written; Olive"
            " <= 0.6's data keys (`dataloader_func`, `batch_size` ...) are refused: the data is `data`."
        ),
    )

    @model_validator(mode="after")
    def _user_config_keys(self) -> Metric:
        if self.user_config:
            check_user_config(self.type, self.user_config, ("user_config",))
        return self

    @model_validator(mode="after")
    def _percent_goals(self) -> Metric:
        """Olive's range for a percent goal depends on the direction (olive/evaluator/metric.py:99-120)."""
        for i, sub in enumerate(self.sub_types):
            if isinstance(sub, str) or sub.goal is None or not sub.goal.type.startswith("percent-"):
                continue
            higher = _higher_is_better(self.type, sub)
            capped = (sub.goal.type == "percent-min-improvement") != higher  # a change bounded by 100%
            value = sub.goal.value
            if not (0 < value < 100 if capped else 0 < value):
                way = "higher" if higher else "lower"
                bound = "between 0 and 100, both excluded" if capped else "above 0"
                raise RawKeyError(
                    f"a {sub.goal.type} goal must be {bound} where {way} is better, not {value:g} (Olive refuses it);"
                    f" write a percentage {bound}",
                    ("sub_types", i, "goal", "value"),
                )
        return self

    @model_validator(mode="after")
    def _sub_type_names(self) -> Metric:
        names = [s if isinstance(s, str) else s.name for s in self.sub_types]
        if self.type == "accuracy" and self.backend == "huggingface_metrics":
            return self
        allowed = typing.get_args({"accuracy": AccuracySub, "size_on_disk": SizeSub}.get(self.type, LatencySub))
        for name in names:
            if name not in allowed:
                hint = suggest(name, allowed)
                raise ValueError(
                    f"{name!r} is not one of Olive's {self.type} sub types"
                    + (f"; {hint}" if hint else "")
                    + ("" if self.type != "accuracy" else " (other metrics: `backend: huggingface_metrics`)")
                )
        return self

    def sub_type_list(self) -> list[dict[str, Any]]:
        """Return the sub types as Olive writes them."""
        return [
            {"name": s} if isinstance(s, str) else s.model_dump(mode="json", exclude_none=True) for s in self.sub_types
        ]


def _higher_is_better(metric_type: str, sub: SubType) -> bool:
    """Olive's direction of a sub type: as written, else its default (olive/evaluator/metric.py:212-235)."""
    if metric_type == "size_on_disk":
        return False  # forced, whatever is written
    if sub.higher_is_better is not None:
        return sub.higher_is_better
    if metric_type == "accuracy":
        return sub.name != "wer"  # an error rate
    return metric_type == "throughput"


class Evaluation(Strict):
    """Metrics measured on the output model (and the input model with `evaluate_input_model`)."""

    metrics: list[Metric] = Field(default_factory=list, description="Metrics to measure.")
    olive: dict[str, Any] | None = Field(
        None,
        description=(
            "Escape hatch: the evaluator in Olive's own words (metrics with `backend`, `goal`, `priority`,"
            " `user_config`, LMEvaluator ...), rendered as written; instead of `metrics`."
        ),
    )

    @field_validator("olive", mode="after")
    @classmethod
    def _raw(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else check_evaluator(value)

    @model_validator(mode="after")
    def _one_form(self) -> Evaluation:
        if (self.olive is None) == (not self.metrics):
            raise ValueError("give the evaluation as `metrics` or as `olive`, exactly one of them")
        subs = [s for m in self.metrics for s in m.sub_types]
        ranks = sorted(s.priority for s in subs if not isinstance(s, str) and s.priority is not None)
        if ranks and ranks != list(range(1, len(ranks) + 1)):
            raise ValueError(f"sub type priorities must be 1, 2, ... without gaps or repeats, not {ranks}")
        return self
