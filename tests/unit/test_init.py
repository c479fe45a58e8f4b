"""`olivegen init`: every preset writes a commented recipe that validates and renders; never clobbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from olivegen.recipe import presets
from tests.conftest import CliResult

Run = Callable[..., CliResult]
PRESETS = presets.names()
REQUIRED = {
    "lora-int4": ["LoRA", "MergeAdapterWeights", "ModelBuilder"],
    "lora-int4-adapter": ["LoRA", "ModelBuilder", "ExtractAdapters"],
    "qlora": ["QLoRA", "MergeAdapterWeights", "ModelBuilder"],
    "awq-lora-int4": ["AutoAWQQuantizer", "LoRA", "ModelBuilder", "ExtractAdapters"],
    "int4": ["ModelBuilder"],
    "onnx-optimize": ["OnnxConversion", "OrtTransformersOptimization"],
}


def test_the_required_presets_exist() -> None:
    assert set(REQUIRED) <= set(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_preset_writes_a_recipe_that_validates_and_renders(run_cli: Run, tmp_path: Path, name: str) -> None:
    target = tmp_path / "sub" / f"{name}.yaml"
    result = run_cli("init", "--preset", name, "-o", target)
    assert result.code == 0, result.err
    modeline, body = target.read_text().split("\n", 1)
    assert modeline.startswith("# yaml-language-server: $schema=")
    assert body == presets.text(name).replace(f"{name}.yaml", f"{target.as_posix()}") or body == presets.text(name)
    assert body.startswith("# ")  # commented
    compiled = compile_recipe(target)
    assert compiled.warnings == []
    types = [p["type"] for p in compiled.config["passes"].values()]
    assert types == REQUIRED.get(name, types)
    assert compiled.config["workflow_id"] == name  # named after the file it was written to
    assert run_cli("validate", target).code == 0
    assert json.loads(run_cli("render", target).out) == compiled.config


def test_sample_data_is_written_beside_the_recipe(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("init", "--preset", "lora-int4", "-o", tmp_path / "mine.yaml")
    sample = tmp_path / "data" / "chat.jsonl"
    assert sample.is_file() and f"wrote {sample}" in result.err
    rows = [json.loads(line) for line in sample.read_text().splitlines()]
    assert rows and all(set(r) == {"prompt", "response"} for r in rows)


def test_existing_data_is_kept(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "chat.jsonl").write_text('{"prompt": "mine", "response": "mine"}\n')
    result = run_cli("init", "--preset", "qlora", "-o", tmp_path / "q.yaml")
    assert result.code == 0 and "kept" in result.err
    assert "mine" in (tmp_path / "data" / "chat.jsonl").read_text()


def test_refuses_to_overwrite_without_force(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "recipe.yaml"
    target.write_text("mine\n")
    result = run_cli("init", "--preset", "int4", "-o", target)
    assert result.code == 2 and "--force" in result.err  # a usage mistake, not a recipe error
    assert target.read_text() == "mine\n"
    assert run_cli("init", "--preset", "int4", "-o", target, "--force").code == 0
    assert target.read_text().split("\n", 1)[1] == presets.text("int4").replace("int4.yaml", target.as_posix())


def test_default_output_is_named_after_the_preset(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("init", "--preset", "int4", cwd=tmp_path).code == 0
    assert (tmp_path / "int4.yaml").read_text().split("\n", 1)[1] == presets.text("int4")


def test_stdout(run_cli: Run) -> None:
    from olivegen.knowledge.resources import schema_url

    result = run_cli("init", "--preset", "onnx-optimize", "-o", "-")
    modeline, rest = result.out.split("\n", 1)
    assert result.code == 0 and rest == presets.text("onnx-optimize")
    assert modeline == f"# yaml-language-server: $schema={schema_url()}"


def test_modeline_points_at_the_repository_schema_file_and_the_header_at_the_file_written(
    run_cli: Run, tmp_path: Path
) -> None:
    """Issue 20, item 10: a teammate's clone must load the schema, so the modeline never names an install path."""
    from olivegen.knowledge.resources import recipe_schema_file, schema_url

    (tmp_path / ".git").mkdir()
    target = tmp_path / "team" / "my.olive.yaml"
    assert run_cli("init", "--preset", "lora-int4-adapter", "-o", target).code == 0
    text = target.read_text()
    assert text.split("\n", 1)[0] == f"# yaml-language-server: $schema={schema_url()}"  # no schema file yet
    assert str(recipe_schema_file()) not in text and "site-packages" not in text
    assert f"olivegen render {target.as_posix()} -o olive-config.json" in text
    assert "lora-int4-adapter.yaml" not in text
    assert run_cli("schema", "-o", tmp_path / "schemas" / "recipe.schema.json").code == 0
    second = tmp_path / "team" / "deep" / "other.olive.yaml"
    assert run_cli("init", "--preset", "lora-int4-adapter", "-o", second).code == 0
    first = second.read_text().split("\n", 1)[0]
    assert first == "# yaml-language-server: $schema=../../schemas/recipe.schema.json"
    assert run_cli("validate", second).code == 0


def test_schema_url_is_this_release_by_tag() -> None:
    from olivegen import __version__
    from olivegen.knowledge.resources import schema_url

    assert schema_url() == (
        f"https://raw.githubusercontent.com/olivegen/olivegen/v{__version__}/schemas/recipe.schema.json"
    )


def test_modeline_is_relative_inside_one_tree(tmp_path: Path) -> None:
    from olivegen.knowledge.resources import recipe_schema_file, schema_modeline

    beside = recipe_schema_file().parent.parent / "examples" / "r.yaml"
    assert schema_modeline(beside) == "# yaml-language-server: $schema=../schemas/recipe.schema.json\n"


def test_modeline_never_names_a_schema_outside_the_repository_or_of_another_tool(tmp_path: Path) -> None:
    from olivegen.knowledge.resources import schema_modeline, schema_url

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "recipe.schema.json").write_text(RECIPE_SCHEMA_TEXT)  # outside the repository
    (repo / "recipe.schema.json").write_text('{"$id": "https://example.com/other.json"}\n')  # not olivegen's
    assert schema_modeline(repo / "r.yaml") == f"# yaml-language-server: $schema={schema_url()}\n"
    (repo / "recipe.schema.json").write_text(RECIPE_SCHEMA_TEXT)
    assert schema_modeline(repo / "a" / "r.yaml") == "# yaml-language-server: $schema=../recipe.schema.json\n"


def test_list_names_each_preset_with_its_summary(run_cli: Run) -> None:
    result = run_cli("init", "--list")
    assert result.code == 0
    names = [line.split()[0] for line in result.out.splitlines()]
    assert names == PRESETS
    assert "LoRA -> int4 (merged)" in result.out


def test_unknown_preset_suggests_one(run_cli: Run) -> None:
    result = run_cli("init", "--preset", "qloraa")
    assert result.code == 1
    assert result.err.splitlines() == [
        "error[preset]: no preset named 'qloraa'",
        "  hint: did you mean 'qlora'?",
    ]


def test_no_preset_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("init")
    assert result.code == 2 and "--preset" in result.err


def test_presets_ship_inside_the_package() -> None:
    folder = Path(presets.__file__).parent
    assert sorted(p.stem for p in folder.glob("*.yaml")) == PRESETS
    for name in PRESETS:
        for relative in presets.data_files(name):
            assert (folder / relative).is_file()


RECIPE_SCHEMA_TEXT = (Path(__file__).resolve().parents[2] / "schemas" / "recipe.schema.json").read_text(
    encoding="utf-8"
)
