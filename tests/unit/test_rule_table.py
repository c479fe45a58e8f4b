"""Every rule id olivegen can emit is in the rule table with its real severity, and SARIF describes it from there.

The ids are found statically (ast, no import of the emitting module): `@rule("id")`, `rule="id"`
keyword arguments, and the positional rule argument of `Diagnostic(...)` and of the helpers that
build one (`Scope.error/warning/emit`, preflight's `_error/_warning`, `RecipeError.single`,
import's `notes.unknown`), and `rule = ...` assignments that one of those then passes on.
"""

from __future__ import annotations

import ast
import json
import re

from olivegen.checks import RULE_INFO, all_rule_infos
from olivegen.errors import Diagnostic, Severity
from olivegen.report.formats import FileReport, sarif_log
from tests.conftest import ROOT

PACKAGE = ROOT / "olivegen"
RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# Helpers that build a diagnostic: the index of their rule argument and the severity they give it
# (None: the severity the rule was registered with, or one the call states).
HELPERS: dict[str, tuple[int, Severity | None]] = {
    "Diagnostic": (3, None),  # severity: the 5th argument, ERROR when left out
    "error": (0, Severity.ERROR),  # Scope.error
    "warning": (0, Severity.WARNING),  # Scope.warning
    "emit": (0, None),  # Scope.emit: the registered severity
    "_error": (1, Severity.ERROR),  # runner/preflight.py
    "_warning": (1, Severity.WARNING),  # runner/preflight.py
    "single": (3, Severity.ERROR),  # RecipeError.single
    "unknown": (3, Severity.WARNING),  # importer Notes.unknown
}


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _severity(node: ast.expr | None) -> Severity | None:
    """Return a `Severity.X` written out, else None (computed)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Severity":
        return Severity[node.attr]
    return None


def _ids(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and RULE_ID.fullmatch(node.value):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _ids(node.body) + _ids(node.orelse)
    return []


def emitted() -> dict[str, set[Severity | None]]:
    """Return every rule id written in olivegen/, with the severities it is emitted at (None: not static)."""
    found: dict[str, set[Severity | None]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["rule"]:
                for rule_id in _ids(node.value):  # `rule = "a" if ... else "b"`, then `rule=rule`
                    found.setdefault(rule_id, set()).add(None)
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            keywords = {k.arg: k.value for k in node.keywords}
            severity: Severity | None = None
            if name == "rule":  # @rule("id", Severity.X)
                ids = _ids(node.args[0]) if node.args else []
                severity = _severity(node.args[1]) if len(node.args) > 1 else Severity.ERROR
                severity = _severity(keywords["severity"]) if "severity" in keywords else severity
            elif "rule" in keywords or "rule_id" in keywords:
                ids = _ids(keywords.get("rule") or keywords["rule_id"])
                severity = _severity(keywords.get("severity")) if "severity" in keywords else Severity.ERROR
                if name in HELPERS and HELPERS[name][1] is not None:
                    severity = HELPERS[name][1]
            elif name in HELPERS and len(node.args) > HELPERS[name][0]:
                index, severity = HELPERS[name]
                ids = _ids(node.args[index])
                if name == "Diagnostic":
                    written = node.args[4] if len(node.args) > 4 else keywords.get("severity")
                    severity = _severity(written) if written is not None else Severity.ERROR
                elif name == "emit":
                    severity = None
            else:
                continue
            for rule_id in ids:
                found.setdefault(rule_id, set()).add(severity)
    return found


def test_the_scan_finds_every_kind_of_emission() -> None:
    found = emitted()
    # one of each form: @rule, rule=, Diagnostic(...) positional, preflight helper, notes.unknown
    for rule_id in ("model-kind", "extends", "import-dropped", "run-no-gpu", "olive-removed", "internal"):
        assert rule_id in found, rule_id
    assert found["run-no-gpu"] == {Severity.WARNING}
    assert len(found) >= 60


def test_every_emitted_rule_id_is_in_the_table_with_its_severity() -> None:
    table = {info.id: info for info in all_rule_infos()}
    missing = sorted(set(emitted()) - set(table))
    assert not missing, f"rule ids emitted but not in the rule table (checks/base.py): {missing}"
    for rule_id, severities in emitted().items():
        info = table[rule_id]
        assert info.summary != rule_id, f"{rule_id}: the table needs a description"
        static = {s for s in severities if s is not None}
        if rule_id in RULE_INFO:
            static.discard(RULE_INFO[rule_id].severity)  # @rule registered it so; emit() follows that
            assert not static, f"{rule_id}: registered as {info.severity.value}, emitted at {static}"
        elif static:
            # an id emitted at one severity is listed at it; one emitted at both (`unknown-key`: an
            # error in validate, a warning in import) is listed at its validate severity
            assert info.severity in static, f"{rule_id}: listed as {info.severity.value}, emitted at {static}"
            if len(static) == 1:
                assert {info.severity} == static


def test_the_table_lists_only_emitted_ids() -> None:
    stale = sorted({info.id for info in all_rule_infos()} - set(emitted()))
    assert not stale, f"rule ids in the table that nothing emits: {stale}"


def test_sarif_describes_every_rule_from_the_table() -> None:
    diags = [Diagnostic("no GPU", None, "run on a GPU host", "run-no-gpu", Severity.WARNING)]
    log = json.loads(json.dumps(sarif_log([FileReport("recipe.yaml", diags)])))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for info in all_rule_infos():
        rule = rules[info.id]
        assert rule["shortDescription"]["text"] == info.summary
        assert rule["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning"}[info.severity.value]
    assert log["runs"][0]["results"][0]["level"] == "warning"
