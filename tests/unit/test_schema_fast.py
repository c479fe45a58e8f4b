"""The quick yes/no output-schema check agrees with jsonschema, on every golden config and on mutations of them."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from olivegen.knowledge.resources import schema_json
from olivegen.source.schema_fast import Unsupported, conforms
from tests.conftest import ROOT

GOLDEN = sorted((ROOT / "tests" / "golden").rglob("*.json"))
SCHEMAS = {gen: schema_json(f"olive-{gen}/olive-config.schema.json") for gen in ("0.13", "0.9")}


def _generation(path: Path) -> str:
    return "0.9" if "olive-0.9" in path.parts else "0.13"


def _agree(config: Any, generation: str) -> None:
    schema = SCHEMAS[generation]
    expected = Draft202012Validator(schema).is_valid(config)
    assert conforms(config, schema) is expected


@pytest.mark.parametrize("path", GOLDEN, ids=[str(p.relative_to(ROOT / "tests" / "golden")) for p in GOLDEN])
def test_every_golden_config_conforms(path: Path) -> None:
    config = json.loads(path.read_text(encoding="utf-8"))
    assert conforms(config, SCHEMAS[_generation(path)]) is True
    _agree(config, _generation(path))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


REPLACEMENTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-2, 2, allow_nan=False),
    st.sampled_from(["", "x", "HfModel", "cpu", "CPUExecutionProvider", "LoRA", "int4", "text-generation"]),
    st.just([]),
    st.just({}),
    st.just([{}]),
    st.just({"type": "LocalSystem"}),
)


@settings(max_examples=400, deadline=None)
@given(
    index=st.integers(0, len(GOLDEN) - 1),
    picks=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from(["set", "delete", "add"])), max_size=3),
    value=REPLACEMENTS,
)
def test_mutated_configs_get_the_same_verdict_as_jsonschema(
    index: int, picks: list[tuple[float, str]], value: Any
) -> None:
    path = GOLDEN[index]
    config = json.loads(path.read_text(encoding="utf-8"))
    for where, how in picks:
        paths = _paths(config)
        target = paths[int(where * len(paths))]
        if not target:
            continue
        parent = config
        for part in target[:-1]:
            parent = parent[part]
        last = target[-1]
        if how == "set":
            parent[last] = copy.deepcopy(value)
        elif how == "delete":
            del parent[last]
        elif isinstance(parent[last], dict):
            parent[last]["extra_key"] = copy.deepcopy(value)
        elif isinstance(parent[last], list):
            parent[last].append(copy.deepcopy(value))
    _agree(config, _generation(path))


def test_json_equality_keeps_booleans_apart_from_numbers() -> None:
    schema = {"enum": [1, "a"], "type": ["integer", "string"]}
    assert conforms(1, schema) and conforms(1.0, schema)
    assert not conforms(True, schema)
    assert not conforms(False, {"const": 0})


def test_an_unknown_keyword_is_never_guessed() -> None:
    with pytest.raises(Unsupported):
        conforms("x", {"pattern": "^a"})
    with pytest.raises(Unsupported):
        conforms({}, {"$ref": "https://example.com/s.json"})


def test_a_valid_render_does_not_import_jsonschema(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from olivegen.cli import main\n"
        "code = main(['validate', sys.argv[1]])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'referencing')), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "examples" / "phi35-travel-lab.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.strip() == "[]"  # the report is on stdout, the imported modules on stderr


def test_a_recipe_with_an_error_imports_no_template_or_schema_machinery(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text('{"prompt": "a", "response": "b"}\n', encoding="utf-8")
    recipe = tmp_path / "bad.yaml"
    recipe.write_text(
        "model: {path: microsoft/Phi-3-mini-4k-instruct}\n"
        "data: [{name: d, files: d.jsonl, text_template: '{question} {response}'}]\n"
        "passes: [{type: lora}]\n",
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from olivegen.cli import main\n"
        "code = main(['validate', sys.argv[1]])\n"
        "heavy = ('jinja2', 'jsonschema', 'referencing', 'markupsafe')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(recipe)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1 and "error[unknown-column]" in done.stdout, done.stdout + done.stderr
    assert done.stderr.strip() == "[]"
