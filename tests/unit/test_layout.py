"""The package shows its pipeline: stages import only the stages below them, no cycles, a small root."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import grimp
from importlinter.cli import lint_imports
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract

from tests.conftest import ROOT

ROOT_MODULES = {"__init__.py", "__main__.py", "api.py", "cli.py", "errors.py"}


def test_import_contracts_hold(capsys: object) -> None:
    """The contracts in pyproject.toml ([tool.importlinter]): stage layers, no torch/Olive on light paths, no cycles."""
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert code == 0, "an import crosses a stage boundary or closes a cycle; run `lint-imports` for the chain"


def _graph() -> grimp.ImportGraph:
    sys.path.insert(0, str(ROOT))
    try:
        return grimp.build_graph("olivegen", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))


def test_no_package_imports_a_module_of_its_own_that_imports_it_back() -> None:
    """The one cycle `acyclic_siblings` cannot see: a package's __init__ and a module inside it.

    Every other cycle either stays among one package's children (the contract's cycle between
    siblings) or passes through a package's own __init__ (this test): the two cover all cycles.
    """
    graph = _graph()
    back = [
        (package, inner)
        for package in sorted(graph.modules)
        for inner in sorted(graph.find_modules_directly_imported_by(package))
        if inner.startswith(package + ".") and graph.chain_exists(importer=inner, imported=package)
    ]
    assert back == [], "a package imports a module that imports the package back"


def test_the_cycle_contract_catches_a_cycle() -> None:
    """The `acyclic_siblings` contract in pyproject.toml, on a tiny graph with a cycle between siblings."""
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.c", imported="p.a")
    contract = AcyclicSiblingsContract(name="cycles", session_options={}, contract_options={"ancestors": ["p"]})
    assert contract.check(graph, verbose=False).kept
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    assert not contract.check(graph, verbose=False).kept


def test_package_root_holds_only_entry_points_and_errors() -> None:
    root = ROOT / "olivegen"
    modules = {p.name for p in root.glob("*.py")}
    assert modules == ROOT_MODULES
    stages = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    documented = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for stage in stages:
        assert f"{stage}/" in documented, f"docs/architecture.md does not draw olivegen/{stage}/"
