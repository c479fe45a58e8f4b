"""Olive facts are spelled in `olivegen/knowledge/` only: no pass name or generation literal elsewhere.

A pass name (any canonical name of the vendored pass registry, or a recipe alias), an Olive
generation ("0.13", "0.9") or a release tag ("v0.9.2", "0.9.2") written as a string constant in
olivegen/ outside knowledge/ fails here; ask `olivegen.knowledge` for it instead (`passes.LORA`,
`passes.TRAINS_ADAPTER`, `catalog.OLIVE_GENERATION` ...). Messages that name a generation in their
text ("Olive 0.13 has no ...") build it from the same names, so a new Olive release changes one
place. Docstrings are prose and not checked; ALLOWED and ALLOWED_IN_TEXT list the exceptions.
"""

from __future__ import annotations

import ast
import json
import re
import typing
from pathlib import Path

from olivegen.knowledge.catalog import GENERATIONS, PASS_ALIASES
from olivegen.knowledge.passes import MODEL_BUILDER_PRECISIONS
from olivegen.recipe.passes import ModelBuilder
from tests.conftest import ROOT

PACKAGE = ROOT / "olivegen"
KNOWLEDGE = PACKAGE / "knowledge"

# (file relative to olivegen/, literal): the few places where the word is not an Olive fact.
ALLOWED = {
    # the Python module autoawq installs (`import awq`), which happens to be the recipe alias too
    ("runner/preflight.py", "awq"),
    # a distribution whose version a run records (`onnx`), which happens to be the recipe alias too
    ("runner/fingerprint.py", "onnx"),
    # a Hugging Face model's default revision (`main`), which happens to name Olive's main branch too
    ("runner/fingerprint.py", "main"),
}

# A generation named inside human text ("Olive 0.13 has no ..."): build it from OLIVE_GENERATION /
# PREVIOUS_GENERATION. Releases (0.9.2), ranges (0.7-0.9) and other versions are history, not checked.
GENERATION_IN_TEXT = re.compile(r"(?<![\d.\-])(0\.13|0\.9)(?![\d]|\.\d)")
# (file, text): where the generation in a message is a fact of the past that must not follow a new one.
ALLOWED_IN_TEXT = {
    # what was measured, on the Olive release it was measured on
    ("runner/preflight.py", "measured on Olive 0.13"),
}


def forbidden() -> set[str]:
    """Return the literals only knowledge/ may write."""
    registry = json.loads((ROOT / "schemas" / "olive-0.13" / "passes.json").read_text(encoding="utf-8"))
    history = json.loads((ROOT / "schemas" / "olive-history" / "passes-by-release.json").read_text(encoding="utf-8"))
    tags = {tag for tag in history["passes"] if tag.startswith("v")}
    return set(registry["passes"]) | set(PASS_ALIASES) | set(GENERATIONS) | tags | {t[1:] for t in tags}


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, nodes)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def literals_outside_knowledge(source: str, relative: str, words: set[str]) -> list[str]:
    """Return `file:line: 'literal'` for each forbidden string constant of one module."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [
        f"{relative}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and node.value in words
        and (relative, node.value) not in ALLOWED
    ]


def test_no_olive_fact_is_spelled_outside_knowledge() -> None:
    words = forbidden()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if KNOWLEDGE in path.parents:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        found += literals_outside_knowledge(path.read_text(encoding="utf-8"), relative, words)
    assert not found, "ask olivegen.knowledge instead of writing these:\n" + "\n".join(found)


def generations_in_text(source: str, relative: str) -> list[str]:
    """Return `file:line: 'text'` for each string constant (docstrings aside) that names a generation in prose."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [
        f"{relative}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and GENERATION_IN_TEXT.search(node.value)
        and not any(relative == file and text in node.value for file, text in ALLOWED_IN_TEXT)
    ]


def test_messages_build_generations_from_knowledge() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if KNOWLEDGE not in path.parents:
            relative = path.relative_to(PACKAGE).as_posix()
            found += generations_in_text(path.read_text(encoding="utf-8"), relative)
    assert not found, "write {OLIVE_GENERATION} / {PREVIOUS_GENERATION} in these messages:\n" + "\n".join(found)
    assert generations_in_text('x = "render for Olive 0.9 (0.7-0.9.2), not 0.13.0"\n', "a.py") == [
        "a.py:1: 'render for Olive 0.9 (0.7-0.9.2), not 0.13.0'"
    ]
    assert not generations_in_text('x = "removed in Olive 0.9.3, read 0.7-0.9 configs"\n', "a.py")


def test_the_allowlist_is_still_needed() -> None:
    words = forbidden()
    for relative, word in ALLOWED:
        source = (PACKAGE / relative).read_text(encoding="utf-8")
        tree = ast.parse(source)
        assert any(isinstance(n, ast.Constant) and n.value == word for n in ast.walk(tree)), (relative, word)
        assert word in words
    for relative, text in ALLOWED_IN_TEXT:
        tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.Constant) and text in str(n.value) for n in ast.walk(tree)), (relative, text)


def test_the_check_fails_on_a_literal_and_ignores_docstrings() -> None:
    words = forbidden()
    source = '"""Runs LoRA."""\n\ndef f(kind):\n    """Tell LoRA."""\n    return kind == "LoRA" or kind == "0.9"\n'
    found = literals_outside_knowledge(source, "checks/example.py", words)
    assert found == ["checks/example.py:5: 'LoRA'", "checks/example.py:5: '0.9'"]
    assert {"LoRA", "QLoRA", "builder", "0.13", "0.9", "v0.9.2", "0.9.2"} <= words
    assert isinstance(KNOWLEDGE, Path) and KNOWLEDGE.is_dir()


def test_the_recipe_offers_the_precisions_model_builder_accepts() -> None:
    annotation = ModelBuilder.model_fields["precision"].annotation
    assert typing.get_args(annotation) == MODEL_BUILDER_PRECISIONS
