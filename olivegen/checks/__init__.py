"""Semantic rules: what each recipe part cannot see alone. Each rule has a stable id.

A rule is a function `(Scope) -> Iterable[Diagnostic]`, registered with
`@rule("id")`. Rules never raise for bad input; they report.
"""

from __future__ import annotations

from olivegen.checks.base import RULES, Scope, rule, run_checks
from olivegen.checks import files, flow, references  # noqa: F401  (registers the rules)

__all__ = ["RULES", "Scope", "rule", "run_checks"]
