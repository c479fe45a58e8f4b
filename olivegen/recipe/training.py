"""Training arguments for LoRA and QLoRA (a typed subset of transformers.TrainingArguments)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from olivegen.knowledge.catalog import suggest, training_argument_names
from olivegen.knowledge.limits import NUMPY_SEED_MAX, TORCH_SEED_MAX, TORCH_SEED_MIN
from olivegen.recipe.base import Flag, Strict
from olivegen.recipe.raw import RawKeyError

Strategy = Literal["no", "steps", "epoch"]


class TrainingArgs(Strict):
    """How long and how fast to train; unset fields keep Olive's and transformers' defaults."""

    max_steps: int | None = Field(
        None,
        description="Stop after this many optimizer steps (wins over epochs; 0 or less: train by epochs).",
    )
    num_train_epochs: float | None = Field(
        None, description="Epochs to train when `max_steps` is unset (0 or less: no training step)."
    )
    learning_rate: float | None = Field(None, ge=0, description="Peak learning rate (torch optimizers: not negative).")
    per_device_train_batch_size: int | None = Field(None, ge=1, description="Training batch size per device.")
    per_device_eval_batch_size: int | None = Field(None, ge=1, description="Evaluation batch size per device.")
    gradient_accumulation_steps: int | None = Field(
        None,
        description="Batches accumulated per step (not 0; a negative count trains no step).",
        json_schema_extra={"not": {"const": 0}},
    )
    gradient_checkpointing: Flag | None = Field(
        None, description="Recompute activations to save memory (Olive defaults this to true)."
    )
    seed: int | None = Field(
        None, ge=0, le=NUMPY_SEED_MAX, description="Random seed for training (numpy: 0 to 2**32 - 1)."
    )
    data_seed: int | None = Field(
        None,
        ge=TORCH_SEED_MIN,
        le=TORCH_SEED_MAX,
        description="Random seed for data sampling (torch: -2**63 to 2**64 - 1).",
    )
    logging_strategy: Strategy | None = Field(None, description="When to log: `no`, `steps` or `epoch`.")
    logging_steps: float | None = Field(
        None, description="Log every N steps (below 1: a fraction of all steps; above 1: a whole number; not 0)."
    )
    eval_strategy: Strategy | None = Field(None, description="When to evaluate: `no`, `steps` or `epoch`.")
    eval_steps: float | None = Field(
        None, description="Evaluate every N steps (above 1: a whole number; 0: every `logging_steps`)."
    )
    save_strategy: Literal["no", "steps", "epoch", "best"] | None = Field(None, description="When to checkpoint.")
    save_steps: float | None = Field(
        None, description="Checkpoint every N steps (above 1: a whole number; 0 or less: no step checkpoint)."
    )
    max_grad_norm: float | None = Field(None, description="Gradient clipping norm (0 or less: no clipping).")
    warmup_steps: int | float | None = Field(
        None, ge=0, description="Linear warm-up steps (below 1: a fraction of all steps)."
    )
    weight_decay: float | None = Field(None, description="Weight decay.")
    lr_scheduler_type: str | None = Field(None, description="Scheduler, e.g. `linear`, `cosine`, `constant`.")
    optim: str | None = Field(None, description="Optimizer, e.g. `adamw_torch`, `paged_adamw_32bit`.")
    adam_beta1: float | None = Field(None, ge=0, lt=1, description="Adam beta1 (torch: 0 to 1, 1 excluded).")
    adam_beta2: float | None = Field(None, ge=0, lt=1, description="Adam beta2 (torch: 0 to 1, 1 excluded).")
    extra: dict[str, Any] = Field(
        default_factory=dict,
        description="Any other `transformers.TrainingArguments` field, checked against the vendored list.",
    )

    @field_validator("extra")
    @classmethod
    def _known_extra(cls, value: dict[str, Any]) -> dict[str, Any]:
        known = set(training_argument_names())
        typed = set(cls.model_fields) - {"extra"}
        for key in value:
            if key in typed:
                raise ValueError(f"{key!r} is a typed field; write it next to `extra`, not inside it")
            if key not in known:
                hint = suggest(key, known)
                raise ValueError(
                    f"{key!r} is not a transformers.TrainingArguments field" + (f"; {hint}" if hint else "")
                )
        return value

    @field_validator("gradient_accumulation_steps")
    @classmethod
    def _accumulates(cls, value: int | None) -> int | None:
        if value == 0:
            raise ValueError(
                "gradient_accumulation_steps 0 divides by zero in the trainer; write 1 (no accumulation) or more"
            )
        return value

    @model_validator(mode="after")
    def _step_counts(self) -> TrainingArgs:
        strategies = {
            "logging_steps": self.logging_strategy,
            "eval_steps": self.eval_strategy,
            "save_steps": self.save_strategy,
        }
        for key, strategy in strategies.items():
            value = getattr(self, key)
            if value is None or strategy not in (None, "steps"):
                continue
            if key == "logging_steps" and value == 0:
                raise RawKeyError(
                    "logging_steps 0 with the steps strategy is refused by transformers;"
                    " write a step count, or `logging_strategy: 'no'`",
                    (key,),
                )
            if value > 1 and not float(value).is_integer():
                raise RawKeyError(
                    f"{key} above 1 must be a whole number of steps, not {value:g};"
                    " write a whole number, or a fraction below 1 of all steps",
                    (key,),
                )
        return self
