"""`--set PATH=VALUE`: typed values, how passes and data are addressed, and errors at the override."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from olivegen.api import compile_recipe, load_source
from olivegen.compose.scalars import yaml_value
from olivegen.errors import RecipeError
from tests.conftest import CliResult

Run = Callable[..., CliResult]
RECIPE = """\
model: {path: org/model}
data:
  - name: chat
    files: d.jsonl
    text_template: "{prompt} {response}"
host: cpu
passes:
  - type: lora
    torch_dtype: float32
  - type: merge
  - type: builder
    name: int4
    precision: int4
"""


@pytest.fixture
def recipe(tmp_path: Path) -> Path:
    (tmp_path / "d.jsonl").write_text('{"prompt": "a", "response": "b"}\n')
    path = tmp_path / "r.yaml"
    path.write_text(RECIPE)
    return path


def data_with(recipe: Path, *overrides: str) -> dict[str, Any]:
    return load_source(recipe, overrides=overrides).data


def headlines(recipe: Path, *overrides: str) -> list[str]:
    with pytest.raises(RecipeError) as exc:
        compile_recipe(recipe, overrides=overrides)
    return [d.headline() for d in exc.value.diagnostics]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("16", 16),
        ("0.5", 0.5),
        ("true", True),
        ("[a, b]", ["a", "b"]),
        ("{x: 1}", {"x": 1}),
        ("", None),
        ("~", None),
        ("fp16", "fp16"),
        ("'16'", "16"),
        ("2024-01-02", "2024-01-02"),
    ],
)
def test_values_are_read_as_yaml(text: str, value: Any) -> None:
    assert yaml_value(text) == value


def test_rank_is_an_int_in_the_rendered_config(recipe: Path) -> None:
    config = compile_recipe(recipe, overrides=["passes.lora.r=16"]).config
    assert config["passes"]["lora"]["r"] == 16


@pytest.mark.parametrize("address", ["lora", "0", "LoRA", "Lora"])
def test_a_pass_by_key_index_or_type(recipe: Path, address: str) -> None:
    assert data_with(recipe, f"passes.{address}.r=8")["passes"][0]["r"] == 8


@pytest.mark.parametrize("address", ["int4", "2", "builder", "ModelBuilder"])
def test_a_named_pass_by_name_index_or_type(recipe: Path, address: str) -> None:
    assert data_with(recipe, f"passes.{address}.precision=fp16")["passes"][2]["precision"] == "fp16"


def test_a_pass_by_its_rendered_key(recipe: Path) -> None:
    assert "merge_adapter_weights" in compile_recipe(recipe).config["passes"]
    data = data_with(recipe, "passes.merge_adapter_weights.name=merged")
    assert data["passes"][1] == {"type": "merge", "name": "merged"}


def test_data_by_name_and_new_keys(recipe: Path) -> None:
    data = data_with(recipe, "data.chat.max_seq_len=256", "engine.search.sampler=random", "target=cuda")
    assert data["data"][0]["max_seq_len"] == 256
    assert data["engine"] == {"search": {"sampler": "random"}}
    assert data["target"] == "cuda"


def test_later_overrides_win_and_mappings_merge(recipe: Path) -> None:
    data = data_with(
        recipe,
        "passes.lora.training={max_steps: 5}",
        "passes.lora.training={seed: 1}",
        "passes.lora.training.max_steps=7",
    )
    assert data["passes"][0]["training"] == {"max_steps": 7, "seed": 1}


def test_lists_replace(recipe: Path) -> None:
    data = data_with(
        recipe, "passes.lora.target_modules=[q_proj, v_proj]", "passes.lora.target_modules=[o_proj]"
    )
    assert data["passes"][0]["target_modules"] == ["o_proj"]


def test_delete_a_key_and_a_pass(recipe: Path) -> None:
    data = data_with(recipe, "passes.lora.torch_dtype=$delete", "passes.merge=$delete", "host=$delete")
    assert [p["type"] for p in data["passes"]] == ["lora", "builder"]
    assert "torch_dtype" not in data["passes"][0] and "host" not in data


def test_positions_follow_a_deleted_pass(recipe: Path) -> None:
    lines = headlines(recipe, "passes.merge=$delete", "passes.int4.precision=int3")
    assert lines[0].startswith("--set passes.int4.precision=int3:1:29: error[invalid-value]:")


def test_a_bad_value_points_at_the_override(recipe: Path) -> None:
    lines = headlines(recipe, "passes.lora.r=abc")
    assert len(lines) == 1 and lines[0].startswith("--set passes.lora.r=abc:1:21: error[invalid-value]: ")


def test_an_unknown_key_points_at_its_segment(recipe: Path) -> None:
    with pytest.raises(RecipeError) as exc:
        compile_recipe(recipe, overrides=["passes.lora.rank=4"])
    diag = exc.value.diagnostics[0]
    assert (
        diag.headline()
        == "--set passes.lora.rank=4:1:19: error[unknown-key]: unknown key 'rank' in the LoRA pass"
    )


def test_an_unknown_pass_suggests_one(recipe: Path) -> None:
    with pytest.raises(RecipeError) as exc:
        compile_recipe(recipe, overrides=["passes.lorra.r=4"])
    diag = exc.value.diagnostics[0]
    assert (
        diag.headline()
        == f"--set passes.lorra.r=4:1:14: error[override]: no item 'lorra' in passes of {recipe}"
    )
    assert diag.hint == "did you mean 'lora'?"


def test_every_bad_override_is_reported(recipe: Path) -> None:
    lines = headlines(recipe, "passes.9.r=4", "passes.lora.r.x=1", "nothing")
    assert lines == [
        "--set nothing:1:7: error[override]: an override is PATH=VALUE, not 'nothing'",
    ]
    lines = headlines(recipe, "passes.9.r=4", "passes.lora.torch_dtype.x=1")
    assert lines == [
        f"--set passes.9.r=4:1:14: error[override]: passes of {recipe} has 3 items; there is no #9",
        "--set passes.lora.torch_dtype.x=1:1:31: error[override]:"
        " passes.0.torch_dtype is 'float32', not a mapping or list, so it has no 'x'",
    ]


def test_ambiguous_type_asks_for_a_key(tmp_path: Path, recipe: Path) -> None:
    two = recipe.read_text().replace(
        "  - type: merge\n", "  - type: merge\n  - type: lora\n    torch_dtype: float32\n"
    )
    recipe.write_text(two)
    with pytest.raises(RecipeError, match="'LoRA' matches 2 items of passes in "):
        load_source(recipe, overrides=["passes.LoRA.r=4"])
    assert load_source(recipe, overrides=["passes.lora_2.r=4"]).data["passes"][2]["r"] == 4


def test_invalid_yaml_value(recipe: Path) -> None:
    with pytest.raises(RecipeError) as exc:
        load_source(recipe, overrides=["passes.lora.target_modules=[a"])
    assert (
        exc.value.diagnostics[0]
        .headline()
        .startswith("--set passes.lora.target_modules=[a:1:34: error[override]: the value is not valid YAML")
    )


def test_cli_render_and_validate_take_set(run_cli: Run, recipe: Path) -> None:
    result = run_cli("render", recipe, "--set", "passes.lora.r=4", "--set", "passes.int4.precision=fp32")
    assert result.code == 0, result.err
    passes = json.loads(result.out)["passes"]
    assert passes["lora"]["r"] == 4 and passes["int4"]["precision"] == "fp32"
    bad = run_cli("validate", recipe, "--set", "passes.lora.r=abc")
    assert bad.code == 1
    assert bad.first_out_line.startswith("--set passes.lora.r=abc:1:21: error[invalid-value]")


def test_a_recipe_without_overrides_is_unchanged(recipe: Path) -> None:
    assert compile_recipe(recipe).text == compile_recipe(recipe, overrides=[]).text
    assert compile_recipe(recipe).text != compile_recipe(recipe, overrides=["passes.lora.r=4"]).text


def test_overrides_compose_with_extends(tmp_path: Path, recipe: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text(
        textwrap.dedent("""\
        extends: r.yaml
        passes:
          - type: lora
            torch_dtype: float32
        """)
    )
    data = data_with(child, "passes.lora.r=2")
    assert data["passes"] == [{"type": "lora", "torch_dtype": "float32", "r": 2}]


def test_an_empty_mapping_written_as_nothing_can_be_filled(recipe: Path) -> None:
    recipe.write_text(recipe.read_text() + "engine:\n")
    assert data_with(recipe, "engine.log_level=3")["engine"] == {"log_level": 3}
