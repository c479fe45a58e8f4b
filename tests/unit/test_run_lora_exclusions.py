"""LoRA -> ModelBuilder int4 -> ExtractAdapters: olivegen keeps the LoRA MatMuls out of int4 quantization.

The names are checked against a real model builder output in tests/e2e (phi3 and llama).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from olivegen.api import compile_recipe
from olivegen.recipe import Recipe
from olivegen.render.lora_nodes import lora_builder_nodes, lora_int4_exclusions
from tests.conftest import EXAMPLES

DATA = (EXAMPLES / "data" / "data_sample_travel.jsonl").read_text(encoding="utf-8")


def compile_passes(tmp_path: Path, passes: str, *, model_type: str = "phi3", layers: int = 2, model: str = "") -> dict:
    (tmp_path / "travel.jsonl").write_text(DATA, encoding="utf-8")
    if not model:
        folder = tmp_path / "m"
        folder.mkdir(exist_ok=True)
        arch = {"phi3": "Phi3ForCausalLM", "llama": "LlamaForCausalLM"}[model_type]
        config = {"model_type": model_type, "architectures": [arch], "num_hidden_layers": layers, "hidden_size": 64}
        (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
        model = "./m"
    text = f"""\
model: {{path: {model}}}
data:
  - {{name: travel, files: travel.jsonl, text_template: "{{prompt}} {{response}}"}}
host: cpu
passes:
""" + textwrap.indent(textwrap.dedent(passes), "  ")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    config: dict = compile_recipe(path).config
    return config


def builder(config: dict) -> dict:
    return next(p for p in config["passes"].values() if p["type"] == "ModelBuilder")


def names(layers: int, *blocks: str) -> list[str]:
    return [f"/model/layers.{i}/{b}/lora_{ab}/MatMul" for i in range(layers) for b in blocks for ab in "AB"]


EXTRACT_JSON = '[{"type": "builder", "precision": "int4"}, {"type": "ExtractAdapters"}]'
EXTRACT = """\
- {type: builder, precision: int4}
- {type: ExtractAdapters}
"""


def test_phi3_packed_qkv_is_named_as_the_builder_unpacks_it(tmp_path: Path) -> None:
    config = compile_passes(tmp_path, "- {type: lora, target_modules: [o_proj, qkv_proj]}\n" + EXTRACT)
    expected = names(2, "attn/o_proj", "attn/q_proj", "attn/k_proj", "attn/v_proj")
    assert builder(config)["int4_nodes_to_exclude"] == expected


def test_default_targets_follow_olive_per_model_type(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    phi3 = compile_passes(tmp_path / "a", "- {type: lora}\n" + EXTRACT)
    assert builder(phi3)["int4_nodes_to_exclude"] == names(
        2, "attn/o_proj", "attn/q_proj", "attn/k_proj", "attn/v_proj"
    )
    (tmp_path / "b").mkdir()
    llama = compile_passes(tmp_path / "b", "- {type: lora}\n" + EXTRACT, model_type="llama", layers=3)
    assert builder(llama)["int4_nodes_to_exclude"] == names(3, "attn/q_proj", "attn/v_proj")


def test_mlp_modules_and_user_exclusions(tmp_path: Path) -> None:
    passes = """\
    - {type: lora, target_modules: [gate_up_proj, down_proj]}
    - {type: builder, precision: int4, int4_nodes_to_exclude: [/lm_head/MatMul]}
    - {type: ExtractAdapters}
    """
    config = compile_passes(tmp_path, passes)
    expected = ["/lm_head/MatMul", *names(2, "mlp/gate_proj", "mlp/up_proj", "mlp/down_proj")]
    assert builder(config)["int4_nodes_to_exclude"] == expected


def test_nothing_is_added_after_a_merge_without_extract_or_at_other_precisions(tmp_path: Path) -> None:
    cases = {
        "merge": "- {type: lora}\n- {type: merge}\n- {type: builder, precision: int4}\n",
        "no-extract": "- {type: lora}\n- {type: builder, precision: int4}\n",
        "fp32": "- {type: lora}\n- {type: builder, precision: fp32}\n- {type: ExtractAdapters}\n",
        "user-extra": (
            "- {type: lora}\n- {type: builder, precision: int4, extra_options: {int4_nodes_to_exclude: [x]}}\n"
            "- {type: ExtractAdapters}\n"
        ),
    }
    for name, passes in cases.items():
        (tmp_path / name).mkdir()
        assert "int4_nodes_to_exclude" not in builder(compile_passes(tmp_path / name, passes)), name


def test_qlora_adapts_every_linear_layer(tmp_path: Path) -> None:
    # a recipe rule refuses QLoRA -> int4 unmerged today; the exclusion logic still knows QLoRA's targets
    compile_passes(tmp_path, "- {type: lora}\n" + EXTRACT)  # writes the model folder
    recipe = Recipe.model_validate(
        {
            "model": {"path": "./m"},
            "host": "cpu",
            "passes": [{"type": "qlora", "target_modules": ["o_proj"]}, *json.loads(EXTRACT_JSON)],
        }
    )
    blocks = (
        "attn/q_proj",
        "attn/k_proj",
        "attn/v_proj",
        "attn/o_proj",
        "mlp/gate_proj",
        "mlp/up_proj",
        "mlp/down_proj",
    )
    assert sorted(lora_int4_exclusions(recipe, tmp_path)[1]) == sorted(names(2, *blocks))


def test_a_known_hub_model_gets_its_32_layers_and_an_unknown_one_nothing(tmp_path: Path) -> None:
    (tmp_path / "known").mkdir()
    known = compile_passes(tmp_path / "known", "- {type: lora}\n" + EXTRACT, model="microsoft/Phi-3.5-mini-instruct")
    assert len(builder(known)["int4_nodes_to_exclude"]) == 32 * 4 * 2
    (tmp_path / "unknown").mkdir()
    unknown = compile_passes(tmp_path / "unknown", "- {type: lora}\n" + EXTRACT, model="someorg/some-phi3-model")
    assert "int4_nodes_to_exclude" not in builder(unknown)


def test_an_adapter_path_on_the_model_is_read_from_its_adapter_config(tmp_path: Path) -> None:
    (tmp_path / "adapter").mkdir()
    (tmp_path / "adapter" / "adapter_config.json").write_text(json.dumps({"target_modules": ["v_proj"]}))
    (tmp_path / "travel.jsonl").write_text(DATA, encoding="utf-8")
    (tmp_path / "m").mkdir()
    config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "num_hidden_layers": 1}
    (tmp_path / "m" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "model: {path: ./m, adapter_path: ./adapter}\nhost: cpu\npasses:\n"
        "  - {type: builder, precision: int4}\n  - {type: ExtractAdapters}\n",
        encoding="utf-8",
    )
    assert builder(compile_recipe(recipe).config)["int4_nodes_to_exclude"] == names(1, "attn/v_proj")


def test_unknown_modules_give_no_names() -> None:
    assert lora_builder_nodes(2, ["lm_head", "fc1"]) == []
    assert lora_builder_nodes(1, ["model.layers.0.self_attn.q_proj"]) == names(1, "attn/q_proj")


def test_the_lab_example_renders_the_exclusions() -> None:
    config = compile_recipe(EXAMPLES / "phi35-travel-lab.yaml").config
    excluded = builder(config)["int4_nodes_to_exclude"]
    assert excluded == names(32, "attn/o_proj", "attn/q_proj", "attn/k_proj", "attn/v_proj")
