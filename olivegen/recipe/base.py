"""Shared building blocks of the recipe models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints
from pydantic import Strict as StrictType


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a NUL character is not allowed here (no file name or id can hold one)")
    return value


NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_no_nul)]
# Any text a file name can hold (no NUL), empty included: an empty folder is the current one.
Text = Annotated[str, AfterValidator(_no_nul)]
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
]


# A yes/no value, read as Olive reads it: `true`/`false` and the words Pydantic takes (`yes`, `on`, `1` ... any
# case); the recipe schema lists the same words. Every other value is strict: `r: "16"` is text, never 16.
Flag = Annotated[bool, StrictType(False)]
FLAG_WORDS = ("0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes")


class Strict(BaseModel):
    """A recipe part: unknown keys are errors, never silently dropped; values are never coerced (strict).

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
