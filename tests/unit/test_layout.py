"""The package shows its pipeline: stages import only the stages below them, no cycles, a small root."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

from tests.conftest import ROOT

ROOT_MODULES = {"__init__.py", "__main__.py", "api.py", "cli.py", "errors.py"}


def test_import_contracts_hold(capsys: object) -> None:
    """The contracts in pyproject.toml ([tool.importlinter]): stage layers, no torch/Olive on the light path."""
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert code == 0, "an import crosses a stage boundary; run `lint-imports` for the chain"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph.find_modules_directly_imported_by(start)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in graph.modules:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.find_modules_directly_imported_by(nxt))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph("olivegen", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


def test_package_root_holds_only_entry_points_and_errors() -> None:
    root = ROOT / "olivegen"
    modules = {p.name for p in root.glob("*.py")}
    assert modules == ROOT_MODULES
    stages = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    documented = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for stage in stages:
        assert f"{stage}/" in documented, f"docs/architecture.md does not draw olivegen/{stage}/"
