"""Shared building blocks of the recipe models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a NUL character is not allowed here (no file name or id can hold one)")
    return value


NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_no_nul)]
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
]


class Strict(BaseModel):
    """A recipe part: unknown keys are errors, never silently dropped.

    `defer_build`: a part's validator is built when first used, not when its class is defined;
    validating a Recipe builds the whole tree once (a cold `validate` saves ~10 ms of CPU time).
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=False, defer_build=True, strict=True
    )


def ci_pattern(*words: str) -> str:
    """Build a case-insensitive JSON-schema pattern (ECMA regex has no inline flags)."""

    def one(word: str) -> str:
        return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else f"[{c}]" if c in "-_" else c for c in word)

    return "^(" + "|".join(one(w) for w in words) + ")$"
