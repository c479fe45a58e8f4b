"""Rendering details: text survives byte for byte, paths are absolute, keys Olive drops never appear."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from olivegen.errors import TemplateBug
from olivegen.render.output_check import check_config, schema_problems
from tests.conftest import EXAMPLES

NASTY = 'He said "hi" {prompt} {{x}} }} {% raw %} </script> \\n é 中文 \U0001f600\ttab'


def write(tmp_path: Path, text: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_text_template_survives_byte_for_byte(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text('{"prompt": "a", "% raw %": "b"}\n')  # every placeholder is a column
    recipe = write(
        tmp_path,
        f"""\
        model: {{path: x/y}}
        data:
          - name: d
            files: d.jsonl
            text_template: {json.dumps(NASTY + chr(10) + "line2", ensure_ascii=False)}
        passes:
          - type: lora
        """,
    )
    config = compile_recipe(recipe).config
    assert config["data_configs"][0]["pre_process_data_config"]["text_template"] == NASTY + "\nline2"


def test_relative_paths_resolve_against_the_recipe(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.csv").write_text("prompt\nhi\n")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text('{"model_type": "phi3"}')
    recipe = write(
        tmp_path,
        """\
        model: {path: ./model}
        data:
          - {name: d, files: sub/d.csv, text_cols: [prompt]}
        passes:
          - type: lora
        engine: {output_dir: "out/{name}"}
        """,
    )
    config = compile_recipe(recipe).config
    load = config["data_configs"][0]["load_dataset_config"]
    assert load == {"data_name": "csv", "data_files": str(tmp_path / "sub" / "d.csv"), "split": "train"}
    assert config["input_model"]["model_path"] == str(tmp_path / "model")
    assert config["engine"]["output_dir"] == str(tmp_path / "out" / "r")


def test_friendly_names_render_canonical(tmp_path: Path) -> None:
    recipe = write(
        tmp_path,
        """\
        model: {path: x/y}
        target: DML
        passes:
          - {type: AWQ}
          - {type: onnx}
          - {type: int4_rtn, block_size: 32}
          - {type: onnxstaticquantization, config: {quant_format: QDQ}}
        """,
    )
    config = compile_recipe(recipe).config
    assert [p["type"] for p in config["passes"].values()] == [
        "AutoAWQQuantizer",
        "OnnxConversion",
        "OnnxBlockWiseRtnQuantization",
        "OnnxStaticQuantization",
    ]
    assert config["systems"]["target_system"]["accelerators"] == [
        {"device": "gpu", "execution_providers": ["DmlExecutionProvider"]}
    ]


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_legacy_or_schema_keys_in_output(example: Path) -> None:
    text = compile_recipe(example).text
    for key in ("$schema", "lora_r", "lora_alpha", "evaluation_strategy", "eval_dataset_size", "hf_config"):
        assert f'"{key}"' not in text


def test_schema_key_in_recipe_is_accepted_and_not_rendered(tmp_path: Path) -> None:
    recipe = write(tmp_path, "$schema: ../schemas/recipe.schema.json\nmodel: {path: x/y}\npasses: [{type: rtn}]\n")
    assert "$schema" not in compile_recipe(recipe).text


def test_eval_split_makes_an_eval_data_set(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text('{"text": "a"}\n')
    recipe = write(
        tmp_path,
        "model: {path: x/y}\ndata: [{name: d, files: d.jsonl, text_cols: [text], eval_split: 0.25}]\n"
        "passes: [{type: lora}]\n",
    )
    config = compile_recipe(recipe).config
    assert [d["load_dataset_config"]["split"] for d in config["data_configs"]] == ["train[:75%]", "train[75%:]"]
    assert config["passes"]["lora"]["eval_data_config"] == "d_eval"


def test_output_schema_catches_an_off_schema_config() -> None:
    config = compile_recipe(EXAMPLES / "phi35-travel-lab.yaml").config
    config["engine"]["execution_providers"] = ["CUDAExecutionProvider"]
    config["passes"]["model_builder"]["precison"] = "int4"
    problems = schema_problems(config)
    assert any("execution_providers" in p for p in problems)
    assert any(p.startswith("$.passes.model_builder.precison") for p in problems)
    with pytest.raises(TemplateBug):
        check_config(config)


def test_output_schema_pass_enum_matches_vendored_registry() -> None:
    from olivegen.knowledge.catalog import all_pass_names
    from olivegen.knowledge.resources import schema_json

    schema = schema_json("olive-0.13/olive-config.schema.json")
    assert schema["$defs"]["pass"]["properties"]["type"]["enum"] == all_pass_names()


def test_vendored_files_match_their_provenance() -> None:
    import hashlib

    from olivegen.knowledge.resources import schema_json, schema_text

    provenance = schema_json("olive-0.13/PROVENANCE.json")
    assert provenance["olive_ai"] == "0.13.0"
    for name, digest in provenance["sha256"].items():
        assert hashlib.sha256(schema_text(f"olive-0.13/{name}").encode()).hexdigest() == digest


def test_options_reach_any_olive_parameter_of_a_typed_pass(tmp_path: Path) -> None:
    recipe = write(
        tmp_path,
        "model: {path: x/y}\npasses:\n  - type: builder\n    precision: int4\n    options: {use_qdq: true}\n",
    )
    assert compile_recipe(recipe).config["passes"]["model_builder"] == {
        "type": "ModelBuilder",
        "precision": "int4",
        "use_qdq": True,
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("{use_qdqq: true}", "ModelBuilder has no parameter 'use_qdqq'"),
        ("{precision: int8}", "'precision' is a field of ModelBuilder"),
    ],
)
def test_options_are_checked(tmp_path: Path, options: str, message: str) -> None:
    from olivegen.errors import RecipeError

    recipe = write(
        tmp_path, f"model: {{path: x/y}}\npasses:\n  - type: builder\n    precision: int4\n    options: {options}\n"
    )
    with pytest.raises(RecipeError) as info:
        compile_recipe(recipe)
    assert message in info.value.diagnostics[0].message
    assert info.value.diagnostics[0].at is not None and info.value.diagnostics[0].at.line == 5


def test_tsv_files_are_read_with_tabs(tmp_path: Path) -> None:
    (tmp_path / "d.tsv").write_text("prompt\tresponse\nhi\tthere\n")
    recipe = write(
        tmp_path,
        'model: {path: x/y}\ndata: [{name: d, files: d.tsv, text_template: "{prompt} {response}"}]\n'
        "passes: [{type: lora}]\n",
    )
    load = compile_recipe(recipe).config["data_configs"][0]["load_dataset_config"]
    assert load["data_name"] == "csv" and load["delimiter"] == "\t"


def test_compiled_templates_are_kept_and_a_broken_cache_only_costs_a_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja's per-user cache of compiled templates (like __pycache__): used when good, ignored when broken."""
    import tempfile

    from olivegen.render import jinja

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    recipe = EXAMPLES / "phi3-tone-classification.yaml"

    def fresh_render() -> str:
        jinja._environment.cache_clear()
        return compile_recipe(recipe).text

    first = fresh_render()
    cached = sorted(tmp_path.glob("_jinja2-cache-*/*.cache"))
    assert cached, "the compiled templates were not kept"
    for path in cached:
        path.write_bytes(b"not a cache")
    assert fresh_render() == first
    jinja._environment.cache_clear()
