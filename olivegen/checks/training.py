"""Training arguments that contradict each other or the data."""

from __future__ import annotations

from collections.abc import Iterator

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic, Severity
from olivegen.recipe.naming import default_train_data
from olivegen.recipe.passes import _LoRAFields


def _trainers(scope: Scope) -> Iterator[tuple[int, _LoRAFields]]:
    for i, spec in enumerate(scope.recipe.passes):
        if isinstance(spec, _LoRAFields):
            yield i, spec


def _has_eval_data(scope: Scope, spec: _LoRAFields) -> bool:
    if spec.eval_data is not None:
        return True
    train = spec.train_data or default_train_data(scope.recipe)
    return any(d.name == train and d.eval_split is not None for d in scope.recipe.data)


@rule("steps-and-epochs", Severity.WARNING)
def steps_and_epochs(scope: Scope) -> Iterator[Diagnostic]:
    """`max_steps` and `num_train_epochs` both set: max_steps wins and the epochs are ignored."""
    for i, spec in _trainers(scope):
        args = spec.training
        if args.max_steps is not None and args.num_train_epochs is not None:
            yield scope.emit(
                "steps-and-epochs",
                f"max_steps {args.max_steps} wins over num_train_epochs {args.num_train_epochs:g}, which is ignored",
                ("passes", i, "training", "num_train_epochs"),
                "keep one of them: max_steps to train a fixed number of steps, num_train_epochs to train by epochs",
            )


@rule("eval-without-data", Severity.WARNING)
def eval_without_data(scope: Scope) -> Iterator[Diagnostic]:
    """`eval_strategy` asks for evaluation but the pass has no eval data, so Olive turns evaluation off."""
    for i, spec in _trainers(scope):
        strategy = spec.training.eval_strategy
        if strategy not in (None, "no") and not _has_eval_data(scope, spec):
            yield scope.emit(
                "eval-without-data",
                f"eval_strategy {strategy!r} has no eval data to evaluate on; Olive sets it to 'no'",
                ("passes", i, "training", "eval_strategy"),
                "set `eval_split: 0.1` on the training data set or `eval_data:` on the pass, or drop eval_strategy",
            )


@rule("steps-beyond-max-steps", Severity.WARNING)
def steps_beyond_max_steps(scope: Scope) -> Iterator[Diagnostic]:
    """`logging_steps` or `eval_steps` larger than `max_steps`: training ends before the first log or evaluation."""
    for i, spec in _trainers(scope):
        args = spec.training
        if args.max_steps is None:
            continue
        checks = [("logging_steps", args.logging_steps, "no training loss is logged")]
        if args.eval_strategy == "steps" or (args.eval_strategy is None and _has_eval_data(scope, spec)):
            checks.append(("eval_steps", args.eval_steps, "no evaluation runs"))
        for field, value, effect in checks:
            # values below 1 are fractions of the whole run (transformers' ratio form)
            if value is not None and value >= 1 and value > args.max_steps:
                yield scope.emit(
                    "steps-beyond-max-steps",
                    f"{field} {value:g} is more than max_steps {args.max_steps}, so {effect} before training stops",
                    ("passes", i, "training", field),
                    f"set {field} to at most {args.max_steps} (or a fraction such as 0.1 of all steps)",
                )


@rule("no-training-steps", Severity.WARNING)
def no_training_steps(scope: Scope) -> Iterator[Diagnostic]:
    """Settings transformers runs without one training step: the adapter is saved as it was initialised."""
    for i, spec in _trainers(scope):
        args = spec.training
        by_epochs = args.max_steps is None or args.max_steps < 0  # transformers trains by epochs then
        if by_epochs and args.num_train_epochs is not None and args.num_train_epochs <= 0:
            yield scope.emit(
                "no-training-steps",
                f"num_train_epochs {args.num_train_epochs:g} trains no step: the adapter stays as initialised",
                ("passes", i, "training", "num_train_epochs"),
                "train at least one epoch (e.g. `num_train_epochs: 1`) or set `max_steps`",
            )
        accumulate = args.gradient_accumulation_steps
        if accumulate is not None and accumulate < 0:
            yield scope.emit(
                "no-training-steps",
                f"gradient_accumulation_steps {accumulate} gathers no batch, so no step is trained: the adapter"
                " stays as initialised",
                ("passes", i, "training", "gradient_accumulation_steps"),
                "accumulate 1 batch (no accumulation) or more",
            )
