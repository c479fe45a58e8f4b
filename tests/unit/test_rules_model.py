"""LoRA target_modules against the model's architecture, and the model path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from olivegen.errors import RecipeError
from olivegen.knowledge.architectures import FAMILIES, facts_for
from olivegen.recipe.model import InputModel
from tests.unit.test_rules_registry import assert_style, diagnose, one, only

DATA = 'data:\n  - name: train\n    files: data/train.jsonl\n    text_template: "{prompt} {response}"\n'


def lora(model: str, modules: str, kind: str = "lora") -> str:
    return f"model:\n  path: {model}\n{DATA}passes:\n  - type: {kind}\n    target_modules: {modules}\n"


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("microsoft/Phi-3-mini-4k-instruct", "phi3"),
        ("microsoft/Phi-3.5-mini-instruct", "phi3"),
        ("microsoft/Phi-4-mini-instruct", "phi3"),
        ("meta-llama/Llama-3.2-1B-Instruct", "llama"),
        ("TinyLlama/TinyLlama-1.1B-Chat-v1.0", "llama"),
        ("mistralai/Mistral-7B-Instruct-v0.3", "mistral"),
        ("Qwen/Qwen2.5-0.5B-Instruct", "qwen2"),
        ("Qwen/Qwen3-0.6B", "qwen3"),
        ("google/gemma-2-2b-it", "gemma2"),
        ("microsoft/phi-2", "phi"),
        ("openai-community/gpt2", "gpt2"),
        ("azureml://registries/azureml-msr/models/microsoft-Phi-3-mini-4k-instruct/versions/11", "phi3"),
    ],
)
def test_family_from_the_model_id(model: str, family: str) -> None:
    facts = facts_for(InputModel(path=model), Path("."))
    assert facts.family is FAMILIES[family]


@pytest.mark.parametrize("model", ["bigscience/bloom-560m", "Qwen/Qwen-7B", "someone/my-model"])
def test_unknown_families_are_not_guessed(model: str) -> None:
    assert facts_for(InputModel(path=model), Path(".")).family is None


@pytest.mark.parametrize(
    ("model", "billions"),
    [
        ("microsoft/Phi-3-mini-4k-instruct", 3.8),
        ("microsoft/Phi-3-medium-128k-instruct", 14.0),
        ("meta-llama/Llama-2-7b-hf", 7.0),
        ("Qwen/Qwen2.5-0.5B-Instruct", 0.5),
        ("HuggingFaceTB/SmolLM2-135M", 0.135),
        ("microsoft/phi-2", 2.7),
        ("someone/my-model", None),
    ],
)
def test_size_from_the_model_id(model: str, billions: float | None) -> None:
    assert facts_for(InputModel(path=model), Path(".")).billions == billions


def test_llama_modules_on_phi3(tmp_path: Path) -> None:
    diags = only(
        diagnose(tmp_path, lora("microsoft/Phi-3-mini-4k-instruct", "[q_proj, v_proj, o_proj]")), "target-modules"
    )
    assert [d.message for d in diags] == [
        "Phi-3 models have no layer 'q_proj' (family from the model id)",
        "Phi-3 models have no layer 'v_proj' (family from the model id)",
    ]
    assert diags[0].at is not None and (diags[0].at.line, diags[0].at.col) == (9, 22)
    assert diags[0].hint == (
        "did you mean 'qkv_proj'? (Phi-3 linear layers: qkv_proj, o_proj, gate_up_proj, down_proj)"
    )
    for diag in diags:
        assert_style(diag)


def test_qlora_target_modules_are_not_checked_olive_ignores_them(tmp_path: Path) -> None:
    """Olive 0.13's QLoRA adapts every 4-bit linear layer (olive/passes/pytorch/lora.py:842)."""
    diags = diagnose(tmp_path, lora("meta-llama/Llama-2-7b-hf", "[qkv_proj]", "qlora"))
    assert only(diags, "target-modules") == []
    assert one(diags, "qlora-target-modules").message.startswith("target_modules does nothing on QLoRA")


@pytest.mark.parametrize(
    ("model", "modules"),
    [
        ("microsoft/Phi-3-mini-4k-instruct", "[qkv_proj, o_proj, gate_up_proj, down_proj]"),
        ("microsoft/Phi-3-mini-4k-instruct", "[self_attn.qkv_proj, lm_head]"),
        ("meta-llama/Llama-2-7b-hf", "[q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]"),
        ("someone/unknown-arch", "[anything_goes]"),
    ],
)
def test_modules_the_model_has(tmp_path: Path, model: str, modules: str) -> None:
    assert only(diagnose(tmp_path, lora(model, modules)), "target-modules") == []


def test_all_linear_in_a_list(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, lora("microsoft/Phi-3-mini-4k-instruct", "[all-linear]")), "target-modules")
    assert diag.hint and diag.hint.startswith("PEFT takes `all-linear` only as a plain string")


def test_local_model_family_from_config_json(tmp_path: Path) -> None:
    config = json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]})
    diag = one(diagnose(tmp_path, lora("./tiny", "[qkv_proj]"), {"tiny/config.json": config}), "target-modules")
    assert diag.message == "Llama models have no layer 'qkv_proj' (family from the config.json)"
    by_arch = json.dumps({"model_type": "custom", "architectures": ["Phi3ForCausalLM"]})
    assert diagnose(tmp_path / "b", lora("./tiny", "[qkv_proj]"), {"tiny/config.json": by_arch}) == []


def test_local_model_without_a_readable_config_is_not_checked(tmp_path: Path) -> None:
    assert diagnose(tmp_path, lora("./tiny", "[whatever]"), {"tiny/config.json": "{not json"}) == []


def test_local_model_folder_without_config_json(tmp_path: Path) -> None:
    diags = diagnose(tmp_path, lora("./tiny", "[qkv_proj]"), {"tiny/weights.bin": ""})
    diag = one(diags, "model-path")
    assert [d.rule for d in diags] == ["model-path"]
    assert diag.message == "local model folder './tiny' has no config.json"
    assert diag.at is not None and diag.at.line == 2
    assert "transformers" in (diag.hint or "")
    assert_style(diag)
    nested = diagnose(tmp_path / "b", lora("./tiny", "[qkv_proj]"), {"tiny/checkpoint-10/config.json": "{}"})
    assert "./tiny/checkpoint-10 has one" in (one(nested, "model-path").hint or "")
    a_file = diagnose(tmp_path / "c", lora("./tiny", "[qkv_proj]"), {"tiny": "x"})
    assert one(a_file, "model-path").message == "'./tiny' is a file, not a model folder"


def test_model_path_that_is_neither_folder_nor_hub_id(tmp_path: Path) -> None:
    text = "model:\n  path: models/phi/awq\npasses:\n  - {type: builder, precision: int4}\n"
    diag = one(diagnose(tmp_path, text), "model-path")
    assert diag.at is not None and (diag.at.line, diag.at.col) == (2, 9)
    assert_style(diag)
    missing = one(diagnose(tmp_path / "b", text.replace("models/phi/awq", "./models/phi")), "model-path")
    assert missing.message == "local model folder './models/phi' does not exist"


def test_typo_under_a_local_folder_is_not_taken_for_a_hub_id(tmp_path: Path) -> None:
    (tmp_path / "tiny" / "model").mkdir(parents=True)
    (tmp_path / "tiny" / "model" / "config.json").write_text('{"model_type": "phi3"}')
    recipe = tmp_path / "r.yaml"
    recipe.write_text("model: {path: tiny/modl}\npasses: [{type: builder, precision: int4}]\n")
    with pytest.raises(RecipeError) as info:
        compile_recipe(recipe)
    (diag,) = info.value.diagnostics
    assert diag.rule == "model-path" and "'tiny' is a folder beside the recipe" in diag.message
    recipe.write_text("model: {path: tiny/model}\npasses: [{type: builder, precision: int4}]\n")
    assert compile_recipe(recipe).config["input_model"]["model_path"] == str(tmp_path / "tiny" / "model")
