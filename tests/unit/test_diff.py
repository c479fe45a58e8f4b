"""`olivegen diff`: a semantic diff of rendered configs, by path, for review comments."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from olivegen.commands.diff import diff, diff_variants
from tests.conftest import EXAMPLES, ROOT, CliResult

Run = Callable[..., CliResult]
TEAM = EXAMPLES / "team"


@pytest.fixture(autouse=True)
def _in_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("TRAVEL_STEPS", raising=False)


@pytest.mark.parametrize(
    ("old", "new", "lines"),
    [
        ({"a": 1}, {"a": 1}, []),
        ({"passes": {"lora": {"r": 64}}}, {"passes": {"lora": {"r": 16}}}, ["passes.lora.r: 64 -> 16"]),
        ({"a": {"b": "x"}}, {"a": {}}, ["a.b: removed"]),
        ({"a": {}}, {"a": {"b": [1]}}, ["a.b: added [1]"]),
        ({"a": [1, 2]}, {"a": [1, 3]}, ["a[1]: 2 -> 3"]),
        ({"a": [1, 2]}, {"a": [1]}, ["a: [1, 2] -> [1]"]),
        ({"a": "1"}, {"a": 1}, ['a: "1" -> 1']),
        (
            {"d": [{"name": "x", "n": 1}, {"name": "y", "n": 2}]},
            {"d": [{"name": "y", "n": 3}, {"name": "z"}]},
            ["d[x]: removed", "d[y].n: 2 -> 3", 'd[z]: added {"name": "z"}'],
        ),
        (
            {"passes": {"a": {}, "b": {}, "c": {}}},
            {"passes": {"b": {}, "a": {}}},
            ["passes order: a, b -> b, a", "passes.c: removed"],
        ),
    ],
)
def test_diff_paths(old: Any, new: Any, lines: list[str]) -> None:
    assert diff(old, new) == lines


def test_long_values_are_shown_whole() -> None:
    [added] = diff({"a": 1}, {"a": 1, "b": ["x" * 100, "y" * 100, "end"]})
    assert "..." not in added
    assert added.splitlines() == [
        "b: added",
        "    [",
        f'      "{"x" * 100}",',
        f'      "{"y" * 100}",',
        '      "end"',
        "    ]",
    ]
    [changed] = diff({"b": "x" * 300}, {"b": "x" * 299 + "z"})
    assert changed.splitlines() == ["b: changed from", f'    "{"x" * 300}"', "  to", f'    "{"x" * 299}z"']


def test_variants_are_compared_by_name() -> None:
    old = {"cpu": {"r": 1}, "gpu": {"r": 1}}
    new = {"cpu": {"r": 2}, "npu": {"r": 1}}
    assert diff_variants(old, new) == ["[cpu] r: 1 -> 2", "variant gpu: removed", "variant npu: added"]
    assert diff_variants({"": {"r": 1}}, {"": {"r": 2}}) == ["r: 1 -> 2"]


def test_two_recipes(run_cli: Run) -> None:
    result = run_cli("diff", TEAM / "travel-int4.yaml", TEAM / "travel-qlora.yaml")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == 'workflow_id: "travel-int4" -> "travel-qlora"'
    assert 'data_configs[travel].load_dataset_config.split: "train" -> "train[:75%]"' in lines
    assert "passes.lora: removed" in lines and "evaluators: removed" in lines
    assert 'engine.output_dir: "outputs/travel-int4" -> "outputs/travel-qlora"' in lines


def test_recipe_against_its_rendered_config(run_cli: Run, tmp_path: Path) -> None:
    rendered = tmp_path / "olive-config.json"
    assert run_cli("render", TEAM / "travel-int4.yaml", "-o", rendered).code == 0
    same = run_cli("diff", rendered, TEAM / "travel-int4.yaml", "--exit-code")
    assert same.code == 0 and same.out == "" and "no differences" in same.err
    changed = run_cli("diff", rendered, TEAM / "travel-int4.yaml", "--set", "passes.lora.r=4", "--exit-code")
    assert changed.code == 1 and changed.out == "passes.lora.r: 16 -> 4\n"


def test_matrix_recipes_diff_variant_by_variant(run_cli: Run, tmp_path: Path) -> None:
    other = tmp_path / "targets.yaml"
    text = (TEAM / "travel-targets.yaml").read_text()
    other.write_text(
        text.replace("extends: travel-int4.yaml", f"extends: {TEAM / 'travel-int4.yaml'}").replace(
            "    - {target: dml-int4, model: phi3}", "    - {target: cuda-fp16, model: phi3}"
        )
    )
    refused = run_cli("diff", TEAM / "travel-targets.yaml", other)
    assert refused.code == 1 and "outside the recipe's repository" in refused.err  # tmp_path is not the repository
    result = run_cli("diff", TEAM / "travel-targets.yaml", other, "--allow-extends-outside")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "variant cuda-fp16-phi3: removed" in lines and "variant dml-int4-phi3: added" in lines
    assert not any("engine.output_dir" in line for line in lines)  # the default folder: the same on both sides


def test_bad_json_is_reported_at_its_line(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "a": 1,\n}\n')
    result = run_cli("diff", bad, bad)
    assert result.code == 1
    assert result.first_err_line.startswith(f"{bad}:3:1: error[recipe]: not a JSON config")
    (tmp_path / "list.json").write_text(json.dumps([1]))
    assert "an Olive config is a JSON object" in run_cli("diff", tmp_path / "list.json", bad).err


def test_overrides_apply_to_the_second_side_only(run_cli: Run) -> None:
    recipe = TEAM / "travel-int4.yaml"
    result = run_cli("diff", recipe, recipe, "--set", "passes.lora.r=8")
    assert result.out == "passes.lora.r: 16 -> 8\n"


def test_absolute_and_relative_forms_of_a_path_show_their_difference(run_cli: Any, tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES, ROOT

    recipe = EXAMPLES / "phi3-tone-classification.yaml"
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run_cli("render", recipe, "-o", a).code == 0
    assert run_cli("render", recipe, "-o", b, "--relative-to", ROOT).code == 0
    result = run_cli("diff", a, b, "--exit-code", cwd=ROOT)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines and all(line.split(": ", 1)[1].split(" -> ")[0] != line.split(" -> ")[1] for line in lines)
    assert any(line.startswith("data_configs[") and str(ROOT) in line for line in lines)


def test_set_with_a_rendered_config_is_a_usage_error(run_cli: Any, tmp_path: Path) -> None:
    config = tmp_path / "c.json"
    config.write_text('{"passes": {}}')
    result = run_cli("diff", config, config, "--set", "passes.lora.r=8")
    assert result.code == 2
    assert "rendered config" in result.err


# An Olive config as older releases wrote it: engine settings at the top level, `config:` wrappers on the
# model, the system and each pass, data configs as a mapping with `params:`, a falsy search, a default written;
# FLAT_LAYOUT is the same config as Olive 0.13 writes it (the system named differently, another default written).
CPU = {"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}
OLDER_LAYOUT = {
    "workflow_id": "older",
    "input_model": {
        "type": "HfModel",
        "config": {"model_path": "microsoft/Phi-3-mini-4k-instruct", "task": "text-generation"},
    },
    "systems": {"local": {"type": "LocalSystem", "config": {"accelerators": [CPU]}}},
    "data_configs": {
        "d": {
            "type": "HuggingfaceContainer",
            "load_dataset_config": {"params": {"data_name": "json", "split": "train"}},
        }
    },
    "passes": {
        "conversion": {"type": "OnnxConversion", "config": {"target_opset": 17, "use_dynamo_exporter": False}},
        "quantization": {"type": "OnnxDynamicQuantization", "config": {"per_channel": True}},
    },
    "host": "local",
    "target": "local",
    "output_dir": "outputs/older",
    "search_strategy": False,
    "evaluate_input_model": False,
}
FLAT_LAYOUT = {
    "workflow_id": "older",
    "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct", "task": "text-generation"},
    "systems": {"cpu_system": {"type": "LocalSystem", "accelerators": [CPU]}},
    "data_configs": [
        {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "json", "split": "train"}}
    ],
    "evaluators": {},
    "passes": {
        "conversion": {"type": "OnnxConversion", "target_opset": 17, "dynamic": True},
        "quantization": {"type": "OnnxDynamicQuantization", "per_channel": True},
    },
    "engine": {"host": "cpu_system", "target": "cpu_system", "output_dir": "outputs/older"},
}


def test_layout_olive_reads_alike_is_no_difference(run_cli: Run, tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLDER_LAYOUT))
    new.write_text(json.dumps(FLAT_LAYOUT))
    result = run_cli("diff", old, new, "--exit-code")
    assert result.code == 0 and result.out == "", result.out
    assert "same meaning" in result.err and "no differences" not in result.err
    changed = json.loads(json.dumps(FLAT_LAYOUT))
    changed["passes"]["quantization"]["per_channel"] = False
    changed["engine"]["output_dir"] = "outputs/other"
    new.write_text(json.dumps(changed))
    result = run_cli("diff", old, new, "--exit-code")
    assert result.code == 1
    assert result.out.splitlines() == [
        "passes.quantization.per_channel: true -> false",
        'engine.output_dir: "outputs/older" -> "outputs/other"',
    ]


def test_an_olive_config_and_its_imported_rendering_mean_the_same(run_cli: Run, tmp_path: Path) -> None:
    config, recipe, rendered = tmp_path / "older.json", tmp_path / "older.yaml", tmp_path / "rendered.json"
    older = {k: v for k, v in OLDER_LAYOUT.items() if k != "data_configs"}
    config.write_text(json.dumps({**older, "cache_dir": "cache", "log_severity_level": 1}, indent=2))
    assert run_cli("import", config, "-o", recipe).code == 0
    assert run_cli("render", recipe, "-o", rendered, "--relative-to", tmp_path).code == 0
    result = run_cli("diff", config, rendered, "--exit-code")
    assert result.code == 0 and result.out == "", result.out
    assert "same meaning" in result.err
