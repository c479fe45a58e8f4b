"""Semantic rules: what each recipe part cannot see alone. Each rule has a stable id.

A rule is a function `(Scope) -> Iterable[Diagnostic]`, registered with
`@rule("id", severity)`. Rules never raise for bad input; they report.
Every rule is documented in docs/rules.md.
"""

from __future__ import annotations

from olivegen.checks import (  # noqa: F401  (registers the rules)
    data,
    files,
    flow,
    host,
    modules,
    references,
    targets,
    training,
    values,
    versions,
)
from olivegen.checks.base import (
    RULE_INFO,
    RULES,
    RuleInfo,
    Scope,
    all_rule_infos,
    rule,
    rule_info,
    run_checks,
)

__all__ = ["RULES", "RULE_INFO", "RuleInfo", "Scope", "all_rule_infos", "rule", "rule_info", "run_checks"]
