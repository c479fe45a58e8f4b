"""What to say about a pass parameter Olive 0.13 does not have: why, and what to write instead.

From Olive's history (`knowledge/history.py`): renamed (and to what, since which release), removed
(the last release that had it; the data-loading parameters of Olive <= 0.6 point at the pass's data
config, ONNX Runtime's options at `extra_options`), newer than 0.13, or in no release (a did-you-mean).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from olivegen.knowledge.catalog import (
    MAIN_GENERATION,
    OLIVE_GENERATION,
    PREVIOUS_GENERATION,
    generation_label,
    missing_param,
    suggest,
)
from olivegen.knowledge.history import (
    data_param_instead,
    moved_param,
    renamed_param,
    respelled_param,
    why_unknown_param,
)
from olivegen.recipe.raw import Findings, RawKeyError


class ParamErrors(Findings):
    """Every wrong parameter of one pass, each at its own key (diagnose reports one finding per key)."""


def check_params(
    pass_name: str,
    keys: Iterable[Any],
    params: dict[str, Any],
    typed: Iterable[str] = (),
    *,
    generation: str | None = None,
) -> None:
    """Raise ParamErrors naming every key that is a typed field (`typed`) or not a parameter of the pass."""
    fields = set(typed)
    found: list[RawKeyError] = []
    for key in keys:
        if key in fields:
            message = f"{key!r} is a field of {pass_name}; write it beside `options`, not inside"
        elif params and key not in params:
            message = no_param(pass_name, key, params, generation)
        else:
            continue
        found.append(RawKeyError(message, (key,), on_key=True))
    if found:
        raise ParamErrors(found)


def main_has_it(pass_name: str, key: str) -> str | None:
    """Return `render with --olive-version main` when Olive's main branch is where to find a parameter 0.13 lacks."""
    elsewhere = missing_param(pass_name, key, OLIVE_GENERATION)
    return elsewhere[1] if elsewhere and elsewhere[1].endswith(f" {MAIN_GENERATION}") else None


def renamed_hint(new: str) -> str:
    """Return the hint for a parameter Olive renamed (its did-you-mean gets the editor's quick fix)."""
    return f"did you mean {new!r}? it takes the same value"


def no_param(pass_name: str, key: str, params: dict[str, Any], generation: str | None = None) -> str:
    """Say what is missing precisely (renamed, removed, newer, in no release) and what to write instead."""
    elsewhere = missing_param(pass_name, key, generation) if generation not in (None, OLIVE_GENERATION) else None
    if generation and elsewhere:  # another release has it: which one to render for
        return f"{pass_name} of {generation_label(generation)} has no parameter {key!r}: {'; '.join(elsewhere)}"
    why = why_unknown_param(pass_name, key)
    renamed = renamed_param(pass_name, key)
    data = data_param_instead(pass_name, key)
    moved = moved_param(pass_name, key)
    respelled = respelled_param(pass_name, key)
    if renamed:
        hint: str | None = renamed_hint(renamed[0])
    elif respelled:
        hint = f"Olive {PREVIOUS_GENERATION} took `{respelled[0]}` instead, with Olive's spellings: {respelled[1]}"
    elif moved:
        hint = (
            f"Olive {PREVIOUS_GENERATION} passes it on through `{moved}`: write `{moved}: {{{key!r}: ...}}`, with"
            " the same value"
        )
    elif data:
        hint = (
            f"since Olive 0.7 the pass reads its data from `{data}`: name a data set of `data:` there, whose"
            " `olive:` block loads it (`user_script` with `load_dataset_config` or `dataloader_config`)"
        )
    else:
        hint = suggest(key, params)
        if not hint and generation in (None, OLIVE_GENERATION):
            hint = main_has_it(pass_name, key)
    return f"{pass_name} has no parameter {key!r}" + (f": {why}" if why else "") + (f"; {hint}" if hint else "")
