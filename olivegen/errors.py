"""The one user-facing error type, and the positions it points at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, order=True)
class Position:
    """A place in a recipe file: 1-based line and column."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Severity(str, Enum):
    """How bad a diagnostic is; only errors fail a plain `validate`."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One finding: what is wrong, where, and what to do about it."""

    message: str
    at: Position | None = None
    hint: str | None = None
    rule: str = "recipe"
    severity: Severity = Severity.ERROR

    def headline(self) -> str:
        """Return `file:line:col: severity[rule]: message`, the first line of the report."""
        where = f"{self.at}: " if self.at else ""
        return f"{where}{self.severity.value}[{self.rule}]: {self.message}"

    def __str__(self) -> str:
        return self.headline() + (f"\n  hint: {self.hint}" if self.hint else "")


class OlivegenError(Exception):
    """Base of every error olivegen raises on purpose."""


class RecipeError(OlivegenError):
    """The recipe (or the input around it) is wrong; carries every diagnostic at once."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @classmethod
    def single(
        cls, message: str, at: Position | None = None, hint: str | None = None, rule: str = "recipe"
    ) -> RecipeError:
        """Build an error with one diagnostic."""
        return cls([Diagnostic(message, at, hint, rule)])


class TemplateBug(OlivegenError):
    """olivegen produced output that is not valid: a bug in olivegen, never in the recipe."""


class ResourceMissing(OlivegenError):
    """A packaged template or schema could not be found (a broken install)."""


class OutputError(OlivegenError):
    """A file or folder olivegen was asked to write cannot be written (the message says which and why)."""
