"""The rule registry and what a rule sees."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from olivegen.errors import Diagnostic, Position, Severity
from olivegen.recipe import Recipe
from olivegen.yamlsource import Loc, SourceMap


@dataclass(frozen=True)
class Scope:
    """A validated recipe with its positions and the folder its relative paths start from."""

    recipe: Recipe
    where: SourceMap
    base: Path

    def at(self, *loc: str | int) -> Position:
        """Return the position of a value in the recipe (or of the nearest part written)."""
        return self.where.lookup(tuple(loc), prefer_value=True)

    def key_at(self, *loc: str | int) -> Position:
        """Return the position of a key in the recipe."""
        return self.where.lookup(tuple(loc))

    def error(self, rule_id: str, message: str, loc: Loc, hint: str | None = None) -> Diagnostic:
        """Build an error diagnostic at a recipe location."""
        return Diagnostic(message, self.at(*loc), hint, rule_id, Severity.ERROR)

    def warning(self, rule_id: str, message: str, loc: Loc, hint: str | None = None) -> Diagnostic:
        """Build a warning diagnostic at a recipe location."""
        return Diagnostic(message, self.at(*loc), hint, rule_id, Severity.WARNING)


Rule = Callable[[Scope], Iterable[Diagnostic]]
RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    """Register a rule under a stable id."""

    def register(func: Rule) -> Rule:
        if rule_id in RULES:
            raise ValueError(f"rule id {rule_id!r} registered twice")
        RULES[rule_id] = func
        return func

    return register


def run_checks(scope: Scope) -> list[Diagnostic]:
    """Run every rule and return all diagnostics, in file order."""
    found = [d for func in RULES.values() for d in func(scope)]
    return sorted(found, key=lambda d: (d.at.line, d.at.col, d.rule) if d.at else (0, 0, d.rule))
