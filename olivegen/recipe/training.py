"""Training arguments for LoRA and QLoRA (a typed subset of transformers.TrainingArguments)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from olivegen.knowledge.catalog import suggest, training_argument_names
from olivegen.recipe.base import Flag, Strict

Strategy = Literal["no", "steps", "epoch"]


class TrainingArgs(Strict):
    """How long and how fast to train; unset fields keep Olive's and transformers' defaults."""

    max_steps: int | None = Field(
        None,
        description="Stop after this many optimizer steps (wins over epochs; 0 or less: train by epochs).",
    )
    num_train_epochs: float | None = Field(None, gt=0, description="Epochs to train when `max_steps` is unset.")
    learning_rate: float | None = Field(None, ge=0, description="Peak learning rate (torch optimizers: not negative).")
    per_device_train_batch_size: int | None = Field(None, ge=1, description="Training batch size per device.")
    per_device_eval_batch_size: int | None = Field(None, ge=1, description="Evaluation batch size per device.")
    gradient_accumulation_steps: int | None = Field(None, ge=1, description="Batches accumulated per step.")
    gradient_checkpointing: Flag | None = Field(
        None, description="Recompute activations to save memory (Olive defaults this to true)."
    )
    seed: int | None = Field(None, ge=0, description="Random seed for training.")
    data_seed: int | None = Field(None, ge=0, description="Random seed for data sampling.")
    logging_strategy: Strategy | None = Field(None, description="When to log: `no`, `steps` or `epoch`.")
    logging_steps: float | None = Field(None, gt=0, description="Log every N steps (a fraction: of all steps).")
    eval_strategy: Strategy | None = Field(None, description="When to evaluate: `no`, `steps` or `epoch`.")
    eval_steps: float | None = Field(None, gt=0, description="Evaluate every N steps.")
    save_strategy: Literal["no", "steps", "epoch", "best"] | None = Field(None, description="When to checkpoint.")
    save_steps: float | None = Field(None, gt=0, description="Checkpoint every N steps.")
    max_grad_norm: float | None = Field(None, ge=0, description="Gradient clipping norm.")
    warmup_steps: int | None = Field(None, ge=0, description="Linear warm-up steps.")
    weight_decay: float | None = Field(None, ge=0, description="Weight decay.")
    lr_scheduler_type: str | None = Field(None, description="Scheduler, e.g. `linear`, `cosine`, `constant`.")
    optim: str | None = Field(None, description="Optimizer, e.g. `adamw_torch`, `paged_adamw_32bit`.")
    adam_beta1: float | None = Field(None, ge=0, lt=1, description="Adam beta1.")
    adam_beta2: float | None = Field(None, ge=0, lt=1, description="Adam beta2.")
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
