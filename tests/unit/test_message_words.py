"""Messages speak the recipe's language: no internal model class name reaches a user, and one mistake is one error.

The scan covers every case of tests/recipes/invalid/ and a set of mutated
examples (a key emptied, a mapping given a scalar, a list given a mapping, an
unknown key in every mapping, a pass type misspelled, ...).
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

import olivegen.recipe as recipe_pkg
from olivegen.api import compile_recipe
from olivegen.errors import Diagnostic, RecipeError
from olivegen.knowledge.catalog import all_pass_names
from tests.conftest import EXAMPLES, ROOT

INVALID = ROOT / "tests" / "recipes" / "invalid"


def internal_names() -> set[str]:
    """Every CamelCase pydantic model class of the recipe package that is not also an Olive pass name.

    Single words (`Engine`, `Search`, `Metric`) are English too and start many hints.
    """
    import importlib
    import pkgutil

    names: set[str] = set()
    for info in pkgutil.iter_modules(recipe_pkg.__path__):
        module = importlib.import_module(f"olivegen.recipe.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseModel) and obj.__module__.startswith("olivegen."):
                names.add(name.lstrip("_"))
    camel = {name for name in names if re.search(r"[a-z][A-Z]", name)}
    return camel - set(all_pass_names())


FORBIDDEN = internal_names()
WORD = re.compile(r"\b(" + "|".join(sorted(FORBIDDEN, key=len, reverse=True)) + r")\b")


def diagnostics(path: Path) -> list[Diagnostic]:
    try:
        return list(compile_recipe(path).warnings)
    except RecipeError as exc:
        return list(exc.diagnostics)


def leaks(diags: list[Diagnostic]) -> list[str]:
    return [str(d) for d in diags if WORD.search(d.message) or WORD.search(d.hint or "")]


def test_the_scan_knows_the_internal_names() -> None:
    assert {"GenericPass", "TrainingArgs", "DataSpec", "InputModel", "SystemSpec"} <= FORBIDDEN
    assert WORD.search("unknown key 'r' in `GenericPass`")
    assert not WORD.search("unknown key 'r' in the LoRA pass")


@pytest.mark.parametrize("path", sorted(INVALID.glob("*.yaml")), ids=lambda p: p.name)
def test_invalid_cases_name_no_internal_class(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID)
    assert leaks(diagnostics(Path(path.name))) == []


def _mappings(node: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    if isinstance(node, dict):
        yield loc, node
        for key, value in node.items():
            yield from _mappings(value, (*loc, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _mappings(value, (*loc, i))


def mutations(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (name, mutated recipe): one mistake each."""
    for loc, mapping in list(_mappings(data)):
        for key, value in mapping.items():
            where = ".".join(map(str, (*loc, key)))
            for kind, bad in (("empty", None), ("scalar", 7), ("list", [1]), ("mapping", {"x": 1}), ("text", "x")):
                if type(bad) is type(value):
                    continue
                mutated = copy.deepcopy(data)
                _at(mutated, loc)[key] = bad
                yield f"{where}={kind}", mutated
        mutated = copy.deepcopy(data)
        _at(mutated, loc)["no_such_key"] = 1
        yield f"{'.'.join(map(str, loc))}.no_such_key", mutated
    for i, item in enumerate(data.get("passes", [])):
        if isinstance(item, dict) and isinstance(item.get("type"), str):
            mutated = copy.deepcopy(data)
            mutated["passes"][i]["type"] = item["type"] + "x2"
            yield f"passes.{i}.type typo", mutated


def _at(data: Any, loc: tuple[Any, ...]) -> Any:
    for seg in loc:
        data = data[seg]
    return data


MUTATED = ["phi3-tone-classification.yaml", "phi35-travel-lab.yaml", "phi3-azureml-registry.yaml"]


@pytest.mark.parametrize("example", MUTATED)
def test_mutated_examples_name_no_internal_class(example: str, tmp_path: Path) -> None:
    source = EXAMPLES / example
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    (tmp_path / "data").symlink_to(EXAMPLES / "data")
    found: dict[str, list[str]] = {}
    count = 0
    for name, mutated in mutations(data):
        recipe = tmp_path / "recipe.yaml"
        recipe.write_text(yaml.safe_dump(mutated, sort_keys=False), encoding="utf-8")
        bad = leaks(diagnostics(recipe))
        count += 1
        if bad:
            found[name] = bad
    assert count > 50
    assert found == {}


@pytest.mark.parametrize(
    "text",
    [
        "model:\n  path: m/n\npasses:\n  - type: Lora2\n    r: 3\n    alpha: 3\n    training: {max_steps: 2}\n",
        "model:\n  path: m/n\npasses:\n  - type: ModelBuidler\n    precision: int4\n",
    ],
)
def test_a_pass_type_typo_is_one_error(text: str, tmp_path: Path) -> None:
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(text, encoding="utf-8")
    diags = diagnostics(recipe)
    assert [d.rule for d in diags] == ["pass-type"], [str(d) for d in diags]
    assert "did you mean" in (diags[0].hint or "")


def test_dedented_training_is_one_error_at_its_first_key(tmp_path: Path) -> None:
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "model:\n  path: m/n\ndata:\n  - name: d\n    hub: {name: x/y}\n    text_template: '{a}'\n"
        "passes:\n  - type: lora\n    training:\n    max_steps: 10\n    learning_rate: 0.1\n",
        encoding="utf-8",
    )
    diags = diagnostics(recipe)
    assert [(d.rule, d.message, d.at.line if d.at else 0) for d in diags] == [
        ("indentation", "`max_steps` is not indented under `training:`", 10)
    ]
    assert "`learning_rate:`" in (diags[0].hint or "")
