"""How the workflow runs: output and cache folders, logging, search and evaluation."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from olivegen.recipe.base import Identifier, NonEmptyStr, Strict
from olivegen.recipe.raw import check_engine, check_evaluator

LatencySub = Literal["avg", "max", "min", "p50", "p75", "p90", "p95", "p99", "p999"]
AccuracySub = Literal["accuracy_score", "f1_score", "precision", "recall", "auroc", "perplexity"]


class Search(Strict):
    """Search over pass parameters instead of running each pass once."""

    execution_order: Literal["joint", "pass-by-pass"] = Field("joint", description="Search passes together or in turn.")
    sampler: Literal["random", "sequential", "tpe"] = Field("tpe", description="How candidate configs are chosen.")
    max_iter: int | None = Field(None, ge=1, description="Stop after this many candidates.")
    max_time: int | None = Field(None, ge=1, description="Stop after this many seconds.")


class Engine(Strict):
    """Engine settings; folders are relative to the recipe."""

    output_dir: NonEmptyStr = Field(
        "outputs/{name}", description="Where the final model lands; `{name}` is the recipe name."
    )
    cache_dir: NonEmptyStr = Field(".olive-cache", description="Olive's cache of pass results (reused across runs).")
    log_level: Literal[0, 1, 2, 3, 4] = Field(1, description="Olive log severity: 0 verbose ... 4 fatal.")
    evaluate_input_model: bool = Field(False, description="Also evaluate the input model (needs `evaluate`).")
    search: Search | None = Field(None, description="`false` (or unset) runs each pass once; a mapping searches.")
    clean_cache: bool = Field(False, description="Empty the cache before running.")
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


class Metric(Strict):
    """One metric measured on the output model."""

    name: Identifier = Field(description="Metric name in the results.")
    type: Literal["latency", "throughput", "accuracy"] = Field(description="Kind of metric.")
    sub_types: list[LatencySub | AccuracySub] = Field(
        min_length=1,
        description="What to report: `avg`, `p90` ... for latency; `accuracy_score` ... for accuracy.",
    )
    data: Identifier = Field(description="Name of the data set the metric is measured on.")


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
        return self
