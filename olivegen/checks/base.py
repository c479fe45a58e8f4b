"""The rule registry and what a rule sees.

Every diagnostic olivegen emits carries a stable rule id. Semantic rules
register with `@rule("id", severity)`; the ids of the earlier stages (YAML,
schema validation, `--olive`) are described in `STAGE_RULES`. `rule_info`
answers for both, so every output format can describe every id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, Position, Severity
from olivegen.recipe import Recipe
from olivegen.recipe.systems import SystemSpec
from olivegen.source.document import Loc, SourceMap


@dataclass(frozen=True)
class RuleInfo:
    """What a rule id means: its severity and a one-line summary."""

    id: str
    severity: Severity
    summary: str


@dataclass(frozen=True)
class Scope:
    """A validated recipe with its positions and the folder its relative paths start from."""

    recipe: Recipe
    where: SourceMap
    base: Path

    @cached_property
    def dumped(self) -> dict[str, Any]:
        """Return the recipe as written (defaults left out) as plain data, keyed like the recipe."""
        data: dict[str, Any] = self.recipe.model_dump(mode="python", by_alias=True, exclude_defaults=True)
        return data

    def at(self, *loc: str | int) -> Position:
        """Return the position of a value in the recipe (or of the nearest part written)."""
        return self.where.lookup(tuple(loc), prefer_value=True)

    def key_at(self, *loc: str | int) -> Position:
        """Return the position of a key in the recipe."""
        return self.where.lookup(tuple(loc))

    def written(self, *loc: str | int) -> bool:
        """Tell whether this exact key or list item is written in the recipe (not a default)."""
        return tuple(loc) in self.where.keys

    @property
    def target(self) -> SystemSpec:
        """Return the system the model is optimized for: `target`, else the host."""
        return self.recipe.target or self.recipe.host

    def path_hint(self, written: str) -> str:
        """Say where a missing path was looked for: the recipe's folder, or (absolute) as written."""
        if Path(written).expanduser().is_absolute():  # a base's relative paths arrive rebased onto its folder
            return "looked for at that path (a relative path in a base recipe means the base's folder)"
        return f"paths are relative to the recipe's folder ({self.base})"

    def error(self, rule_id: str, message: str, loc: Loc, hint: str | None = None) -> Diagnostic:
        """Build an error diagnostic at a recipe location."""
        return Diagnostic(message, self.at(*loc), hint, rule_id, Severity.ERROR)

    def warning(self, rule_id: str, message: str, loc: Loc, hint: str | None = None) -> Diagnostic:
        """Build a warning diagnostic at a recipe location."""
        return Diagnostic(message, self.at(*loc), hint, rule_id, Severity.WARNING)

    def emit(self, rule_id: str, message: str, loc: Loc, hint: str | None = None) -> Diagnostic:
        """Build a diagnostic with the severity the rule was registered with."""
        return Diagnostic(message, self.at(*loc), hint, rule_id, RULE_INFO[rule_id].severity)


Rule = Callable[[Scope], Iterable[Diagnostic]]
RULES: dict[str, Rule] = {}
RULE_INFO: dict[str, RuleInfo] = {}

# Ids of diagnostics found before the semantic rules run (reading, YAML, the recipe schema) or after
# them (`validate --olive`). Their severity is always error.
STAGE_RULES: dict[str, str] = {
    "recipe": "The file cannot be read as a recipe: missing, unreadable, not UTF-8, empty or not a mapping.",
    "yaml": "The YAML itself is broken: syntax, duplicate keys, tags, nesting or alias expansion beyond the caps.",
    "indentation": "A key indented to the wrong column: under the wrong parent, or lined up with nothing above it.",
    "unknown-key": "A key the recipe format does not have (with a did-you-mean or the allowed keys).",
    "legacy-key": "A key from older Olive configs or tutorials; the hint gives today's spelling.",
    "missing-key": "A required key is missing.",
    "invalid-value": "A value has the wrong type or is out of range for its key.",
    "pass-type": "A pass type Olive does not register, or a pass without `type`.",
    "secret": "A recipe never holds credentials (Hugging Face tokens, Azure keys, connection strings, SAS"
    " tokens ...): checked once on the composed recipe and once on the rendered config.",
    "olive": "The installed Olive rejects or would silently ignore part of the rendered config (`--olive`).",
}


def rule(rule_id: str, severity: Severity = Severity.ERROR) -> Callable[[Rule], Rule]:
    """Register a rule under a stable id; its docstring's first line is its summary."""

    def register(func: Rule) -> Rule:
        if rule_id in RULES or rule_id in STAGE_RULES:
            raise ValueError(f"rule id {rule_id!r} registered twice")
        RULES[rule_id] = func
        summary = (func.__doc__ or rule_id).strip().splitlines()[0]
        RULE_INFO[rule_id] = RuleInfo(rule_id, severity, summary)
        return func

    return register


def rule_info(rule_id: str) -> RuleInfo:
    """Describe any rule id olivegen emits (semantic rules and the earlier stages)."""
    if rule_id in RULE_INFO:
        return RULE_INFO[rule_id]
    return RuleInfo(rule_id, Severity.ERROR, STAGE_RULES.get(rule_id, rule_id))


def all_rule_infos() -> list[RuleInfo]:
    """Return every rule id olivegen can emit, stage ids first, then semantic rules by id."""
    stages = [RuleInfo(k, Severity.ERROR, v) for k, v in STAGE_RULES.items()]
    return stages + [RULE_INFO[k] for k in sorted(RULE_INFO)]


def run_checks(scope: Scope) -> list[Diagnostic]:
    """Run every rule and return all diagnostics, in file order."""
    found = [d for func in RULES.values() for d in func(scope)]
    return sorted(found, key=lambda d: (d.at.line, d.at.col, d.rule) if d.at else (0, 0, d.rule))
