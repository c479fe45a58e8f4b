"""knowledge/architectures.py: depth and layer names of common Hub models without a download; the HF cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olivegen.knowledge.architectures import facts_for, hub_cache_config, hub_cache_folder
from olivegen.render.lora_nodes import lora_builder_nodes
from tests.unit.test_rules_registry import diagnose, one, only


class Model:
    def __init__(self, path: str) -> None:
        self.path = path

    def registry_ref(self) -> None:
        return None


@pytest.fixture(autouse=True)
def empty_hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "hf-cache"
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    return cache


@pytest.mark.parametrize(
    ("model", "family", "layers"),
    [
        ("microsoft/Phi-3-mini-4k-instruct", "phi3", 32),
        ("microsoft/Phi-3.5-mini-instruct", "phi3", 32),
        ("microsoft/Phi-4-mini-instruct", "phi3", 32),
        ("microsoft/phi-4", "phi3", 40),
        ("meta-llama/Llama-2-7b-hf", "llama", 32),
        ("meta-llama/Llama-2-13b-chat-hf", "llama", 40),
        ("meta-llama/Meta-Llama-3-8B-Instruct", "llama", 32),
        ("meta-llama/Llama-3.1-8B-Instruct", "llama", 32),
        ("meta-llama/Llama-3.2-1B-Instruct", "llama", 16),
        ("meta-llama/Llama-3.2-3B-Instruct", "llama", 28),
        ("meta-llama/Llama-3.3-70B-Instruct", "llama", 80),
        ("mistralai/Mistral-7B-Instruct-v0.3", "mistral", 32),
        ("Qwen/Qwen2-1.5B-Instruct", "qwen2", 28),
        ("Qwen/Qwen2.5-0.5B-Instruct", "qwen2", 24),
        ("Qwen/Qwen2.5-3B-Instruct", "qwen2", 36),
        ("Qwen/Qwen2.5-7B-Instruct", "qwen2", 28),
        ("Qwen/Qwen3-0.6B", "qwen3", 28),
        ("Qwen/Qwen3-8B", "qwen3", 36),
        ("google/gemma-2b-it", "gemma", 18),
        ("google/gemma-7b", "gemma", 28),
        ("google/gemma-2-2b-it", "gemma2", 26),
        ("google/gemma-2-9b-it", "gemma2", 42),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "qwen2", 28),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-14B", "qwen2", 48),
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "llama", 32),
    ],
)
def test_common_hub_models_are_known_offline(model: str, family: str, layers: int) -> None:
    facts = facts_for(Model(model), Path("."))
    assert facts.family is not None and facts.family.key == family
    assert facts.layers == layers and facts.source == "model id"


@pytest.mark.parametrize("model", ["someorg/custom-lm", "Qwen/Qwen2.5-9B-Instruct", "google/gemma-3-4b-it"])
def test_unknown_models_or_sizes_answer_none(model: str) -> None:
    assert facts_for(Model(model), Path(".")).layers is None


def write_cached(cache: Path, model: str, config: dict[str, object], *, main: bool = True) -> Path:
    repo = cache / ("models--" + model.replace("/", "--"))
    snapshot = repo / "snapshots" / "0123abcd"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps(config))
    if main:
        (repo / "refs").mkdir()
        (repo / "refs" / "main").write_text("0123abcd")
    return snapshot / "config.json"


def test_the_hf_cache_config_wins_and_honours_the_environment(
    empty_hub_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {"model_type": "qwen2", "num_hidden_layers": 3, "hidden_size": 8, "vocab_size": 10}
    path = write_cached(empty_hub_cache, "someorg/custom-lm", config)
    assert hub_cache_config("someorg/custom-lm") == path
    facts = facts_for(Model("someorg/custom-lm"), Path("."))
    assert facts.layers == 3 and facts.family is not None and facts.family.key == "qwen2"
    assert facts.source == "HF cache config.json"
    monkeypatch.delenv("HF_HUB_CACHE")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "home"))
    assert hub_cache_folder() == tmp_path / "home" / "hub"
    monkeypatch.delenv("HF_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert hub_cache_folder() == tmp_path / "user" / ".cache" / "huggingface" / "hub"


def test_the_cache_lookup_refuses_odd_ids(empty_hub_cache: Path) -> None:
    write_cached(empty_hub_cache, "a/b", {"num_hidden_layers": 2}, main=False)
    assert hub_cache_config("a/b") is not None  # no refs/main: the snapshot found
    for odd in ("../a/b", "a/../b", "a", "a/b/c", "/etc/passwd"):
        assert hub_cache_config(odd) is None


LORA_INT4 = """\
model:
  path: {model}
data:
  - name: train
    files: data/train.jsonl
    text_template: "{{prompt}} {{response}}"
host: cuda
passes:
  - type: lora
  - type: builder
    precision: int4
  - type: ExtractAdapters
"""


def test_validate_warns_when_the_lora_matmuls_cannot_be_named(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, LORA_INT4.format(model="someorg/custom-lm")), "lora-int4-nodes")
    assert diag.at is not None and diag.at.line == 11
    assert "int4_nodes_to_exclude" in (diag.hint or "")
    assert only(diagnose(tmp_path / "b", LORA_INT4.format(model="Qwen/Qwen2.5-0.5B-Instruct")), "lora-int4-nodes") == []


def test_validate_uses_the_hf_cache_for_an_unknown_id(tmp_path: Path, empty_hub_cache: Path) -> None:
    write_cached(empty_hub_cache, "someorg/custom-lm", {"model_type": "llama", "num_hidden_layers": 4})
    assert only(diagnose(tmp_path, LORA_INT4.format(model="someorg/custom-lm")), "lora-int4-nodes") == []


def test_the_rendered_config_lists_the_lora_matmuls_of_a_hub_qwen(tmp_path: Path) -> None:
    from olivegen.api import compile_recipe

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text('{"prompt": "a", "response": "b"}\n')
    recipe = tmp_path / "r.yaml"
    recipe.write_text(LORA_INT4.format(model="Qwen/Qwen2.5-0.5B-Instruct"))
    builder = compile_recipe(recipe).config["passes"]["model_builder"]
    assert builder["int4_nodes_to_exclude"] == lora_builder_nodes(24, ["q_proj", "v_proj"])
    assert "/model/layers.23/attn/v_proj/lora_B/MatMul" in builder["int4_nodes_to_exclude"]
