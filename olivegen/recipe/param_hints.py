"""What to say about a pass parameter Olive 0.13 does not have: why, and what to write instead.

From Olive's history (`knowledge/history.py`): renamed (and to what, since which release), removed
(the last release that had it; the data-loading parameters of Olive <= 0.6 point at the pass's data
config, ONNX Runtime's options at `extra_options`), newer than 0.13, or in no release (a did-you-mean).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from olivegen.knowledge.catalog import (
    MAIN_GENERATION,
    OLIVE_GENERATION,
    PREVIOUS_GENERATION,
    VENDORED_GENERATIONS,
    enum_choices,
    enum_takes,
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
    written: Mapping[str, Any],
    params: dict[str, Any],
    typed: Iterable[str] = (),
    *,
    generation: str | None = None,
) -> None:
    """Raise ParamErrors naming each key that is a typed field (`typed`) or not a parameter, and each bad value.

    A value is bad when an Enum parameter of a vendored release's own table does not take it (reported at the value).
    """
    fields = set(typed)
    found: list[RawKeyError] = []
    judged = (generation or OLIVE_GENERATION) in VENDORED_GENERATIONS  # its own table, not 0.13's borrowed
    for key, value in written.items():
        if key in fields:
            message = f"{key!r} is a field of {pass_name}; write it beside `options`, not inside"
        elif params and key not in params:
            message = no_param(pass_name, key, params, generation)
        elif judged and key in params and not enum_takes(params[key] or {}, value):
            found.append(RawKeyError(bad_value(pass_name, key, value, params[key], generation), (key,)))
            continue
        else:
            continue
        found.append(RawKeyError(message, (key,), on_key=True))
    if found:
        raise ParamErrors(found)


def bad_value(pass_name: str, key: str, value: Any, info: dict[str, Any], generation: str | None) -> str:
    """Say that an Enum parameter does not take a value, and which values it takes (the hint, after `; `)."""
    values = enum_choices(info) or []
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    release = "" if generation in (None, OLIVE_GENERATION) else f" of {generation_label(generation)}"
    near = suggest(value, [str(v) for v in values]) if isinstance(value, str) else None
    spelled = ""
    if values and isinstance(values[0], str):
        spelled = " (in any case)" if info.get("enum_case_insensitive") else " (spelled exactly so)"
    return (
        f"{pass_name}{release} does not take {shown} for {key!r}; "
        + (f"{near} " if near else "")
        + f"{key} takes one of {', '.join(repr(v) for v in values)}{spelled}"
    )


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
