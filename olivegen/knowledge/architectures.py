"""What olivegen knows about model families: their layers, LoRA defaults, depth and size.

Used by the semantic rules (LoRA target modules, CPU training size) and by rendering
(the LoRA MatMuls to keep out of int4, olivegen/render/lora_nodes.py).

The family comes from a local model's `config.json` (`model_type`, then
`architectures`) when the model path is a local folder; for a Hub id, from the
`config.json` of the local Hugging Face cache when the model is there
(HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub); otherwise from the model
id (`microsoft/Phi-3-mini-4k-instruct`, an Azure ML registry name), with the depth
of the common families (Phi-3/3.5/4, Llama 2/3.x, Mistral 7B, Qwen 2/2.5/3,
Gemma 1/2, DeepSeek-R1 distills) known by size. Nothing is downloaded.
Unknown families answer None and the rules that need them stay silent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from olivegen.source.paths import is_local_path

MAX_CONFIG_BYTES = 1024 * 1024

_LLAMA_LIKE = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class Family:
    """A model family: its display name and the names of its linear layers (what LoRA can target)."""

    key: str
    label: str
    linear: tuple[str, ...]
    other: tuple[str, ...] = ("embed_tokens", "lm_head")
    # what peft's LoRA adapts when a pass names no target_modules (Olive's own table for phi3)
    default_lora: tuple[str, ...] = ("q_proj", "v_proj")

    def modules(self) -> set[str]:
        """Return every module name a LoRA `target_modules` entry may end with."""
        return set(self.linear) | set(self.other)


FAMILIES: dict[str, Family] = {
    f.key: f
    for f in (
        Family(
            "phi3", "Phi-3", ("qkv_proj", "o_proj", "gate_up_proj", "down_proj"), default_lora=("o_proj", "qkv_proj")
        ),
        Family("llama", "Llama", _LLAMA_LIKE),
        Family("mistral", "Mistral", _LLAMA_LIKE),
        Family("qwen2", "Qwen2", _LLAMA_LIKE),
        Family("qwen3", "Qwen3", _LLAMA_LIKE),
        Family("gemma", "Gemma", _LLAMA_LIKE),
        Family("gemma2", "Gemma 2", _LLAMA_LIKE),
        Family("mixtral", "Mixtral", ("q_proj", "k_proj", "v_proj", "o_proj", "w1", "w2", "w3", "gate")),
        Family("phi", "Phi-1/Phi-2", ("q_proj", "k_proj", "v_proj", "dense", "fc1", "fc2")),
        Family("gpt2", "GPT-2", ("c_attn", "c_proj", "c_fc"), ("wte", "wpe", "lm_head")),
    )
}

ARCHITECTURES = {
    "Phi3ForCausalLM": "phi3",
    "LlamaForCausalLM": "llama",
    "MistralForCausalLM": "mistral",
    "Qwen2ForCausalLM": "qwen2",
    "Qwen3ForCausalLM": "qwen3",
    "GemmaForCausalLM": "gemma",
    "Gemma2ForCausalLM": "gemma2",
    "MixtralForCausalLM": "mixtral",
    "PhiForCausalLM": "phi",
    "GPT2LMHeadModel": "gpt2",
}

# Model ids -> family, tried in order on the lower-cased id.
_ID_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"phi-?3|phi-?4(?!-?multimodal)"), "phi3"),
    (re.compile(r"phi-?(1|1[._]5|2)(?![.\d])"), "phi"),
    (re.compile(r"mixtral"), "mixtral"),
    (re.compile(r"mistral"), "mistral"),
    (re.compile(r"qwen3"), "qwen3"),
    (re.compile(r"qwen(1\.5|2)|distill-qwen"), "qwen2"),
    (re.compile(r"gemma-?2(?![\d.]*b)"), "gemma2"),  # gemma-2-9b, gemma2; not gemma-2b (Gemma 1, 2B)
    (re.compile(r"gemma(?!-?[3-9](?![\d.]*b))"), "gemma"),  # gemma-7b is Gemma 1; gemma-3-4b is not
    (re.compile(r"llama|smollm"), "llama"),
    (re.compile(r"(^|/)(distil)?gpt2"), "gpt2"),
]

# Sizes, in billions of parameters, of ids that do not spell their size out.
_NAMED_SIZES: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"phi-?3(\.5)?-?mini|phi-?4-?mini"), 3.8),
    (re.compile(r"phi-?3(\.5)?-?small"), 7.0),
    (re.compile(r"phi-?3(\.5)?-?medium"), 14.0),
    (re.compile(r"phi-?3\.5-?moe"), 42.0),
    (re.compile(r"phi-?4(?![-.\w])"), 14.0),
    (re.compile(r"phi-?2(?![.\d])"), 2.7),
    (re.compile(r"(^|/)(distil)?gpt2(?!-)"), 0.124),
]
# Depth (num_hidden_layers) of ids whose config.json cannot be read offline.
_NAMED_LAYERS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"phi-?3(\.5)?-?mini|phi-?4-?mini"), 32),
    (re.compile(r"phi-?3(\.5)?-?medium|phi-?4(?![-.\w])"), 40),
    (re.compile(r"phi-?3(\.5)?-?small"), 32),
]
# Depth by model line and size (billions, as the id spells it), from each model's published config.json.
# Tried in order on the lower-cased id; the first line that matches decides.
_LAYERS_BY_SIZE: list[tuple[re.Pattern[str], dict[float, int]]] = [
    (re.compile(r"deepseek-r1-distill-qwen"), {1.5: 28, 7: 28, 14: 48, 32: 64}),
    (re.compile(r"deepseek-r1-distill-llama"), {8: 32, 70: 80}),
    (re.compile(r"qwen2\.5"), {0.5: 24, 1.5: 28, 3: 36, 7: 28, 14: 48, 32: 64, 72: 80}),
    (re.compile(r"qwen2(?![.\d])"), {0.5: 24, 1.5: 28, 7: 28, 72: 80}),
    (re.compile(r"qwen3"), {0.6: 28, 1.7: 28, 4: 36, 8: 36, 14: 40, 32: 64}),
    (re.compile(r"llama-?3\.2"), {1: 16, 3: 28}),
    (re.compile(r"llama-?3(\.[013])?(?![.\d])"), {8: 32, 70: 80, 405: 126}),
    (re.compile(r"llama-?2"), {7: 32, 13: 40, 70: 80}),
    (re.compile(r"mistral-7b"), {7: 32}),
    (re.compile(r"gemma-?2(?![\d.]*b)"), {2: 26, 9: 42, 27: 46}),
    (re.compile(r"gemma-(1\.1-)?\d+b"), {2: 18, 7: 28}),
]
_HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_SPELLED_SIZE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*([bm])(?![a-z])")


class NamedRef(Protocol):
    """Anything with a `name` (an Azure ML registry model)."""

    @property
    def name(self) -> str: ...  # noqa: D102


class ModelRef(Protocol):
    """The input model as this module reads it: a path or Hub id, or a registry model."""

    @property
    def path(self) -> str | None: ...  # noqa: D102

    def registry_ref(self) -> NamedRef | None: ...  # noqa: D102


@dataclass(frozen=True)
class ModelFacts:
    """What is known about the input model: its family and size (each may be unknown)."""

    family: Family | None
    billions: float | None
    source: str  # "config.json", "model id", or "unknown"
    layers: int | None = None


def model_id(model: ModelRef) -> str | None:
    """Return the text that names the model: the registry model name, else the path."""
    registry = model.registry_ref()
    if registry is not None:
        return registry.name
    return model.path


def facts_for(model: ModelRef, base: Path) -> ModelFacts:
    """Return the family and size of the input model, from its local config.json or its id."""
    name = model_id(model)
    if name is None:
        return ModelFacts(None, None, "unknown")
    if model.registry_ref() is None and is_local_path(base, name):
        config = _read_config(str((base / name).expanduser() / "config.json"))
        if config is None:
            return ModelFacts(None, None, "unknown")
        layers = _int(config, "num_hidden_layers", "n_layer", "num_layers")
        return ModelFacts(_family_from_config(config), _size_from_config(config), "config.json", layers)
    cached = hub_cache_config(name) if model.registry_ref() is None else None
    if cached is not None:
        config = _read_config(str(cached))
        if config is not None:
            layers = _int(config, "num_hidden_layers", "n_layer", "num_layers")
            return ModelFacts(_family_from_config(config), _size_from_config(config), "HF cache config.json", layers)
    lowered = name.lower()
    family = next((FAMILIES[key] for pattern, key in _ID_PATTERNS if pattern.search(lowered)), None)
    size = _size_from_id(lowered)
    return ModelFacts(family, size, "model id", _layers_from_id(lowered, size))


def _layers_from_id(lowered: str, size: float | None) -> int | None:
    """Return the depth of a well-known model from its id alone (None when olivegen does not know it)."""
    named = next((n for pattern, n in _NAMED_LAYERS if pattern.search(lowered)), None)
    if named is not None or size is None:
        return named
    for pattern, table in _LAYERS_BY_SIZE:
        if pattern.search(lowered):
            return next((n for billions, n in table.items() if abs(billions - size) < 1e-6), None)
    return None


def hub_cache_folder() -> Path:
    """Return the Hugging Face Hub cache: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub."""
    import os

    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "huggingface" / "hub"


def hub_cache_config(model_id: str) -> Path | None:
    """Return the config.json of a Hub model already in the local Hub cache (refs/main first), or None."""
    if not _HUB_ID.fullmatch(model_id) or ".." in model_id:
        return None
    repo = hub_cache_folder() / ("models--" + model_id.replace("/", "--"))
    try:
        main = (repo / "refs" / "main").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        main = ""
    if re.fullmatch(r"[0-9a-f]{6,64}", main) and (repo / "snapshots" / main / "config.json").is_file():
        return repo / "snapshots" / main / "config.json"
    try:
        found = sorted((repo / "snapshots").glob("*/config.json"))
    except OSError:
        return None
    return found[0] if found else None


@lru_cache(maxsize=64)
def _read_config(path: str) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except (OSError, ValueError):  # ValueError: a NUL byte in the name
        return None
    if len(raw) > MAX_CONFIG_BYTES:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _family_from_config(config: dict[str, Any]) -> Family | None:
    kind = config.get("model_type")
    if isinstance(kind, str) and kind in FAMILIES:
        return FAMILIES[kind]
    archs = config.get("architectures")
    if isinstance(archs, list):
        for arch in archs:
            if isinstance(arch, str) and arch in ARCHITECTURES:
                return FAMILIES[ARCHITECTURES[arch]]
    return None


def _size_from_id(lowered: str) -> float | None:
    spelled = [m for m in _SPELLED_SIZE.finditer(lowered.split("/")[-1])]
    if spelled:
        number, unit = spelled[-1].groups()
        return float(number) / (1000.0 if unit == "m" else 1.0)
    for pattern, size in _NAMED_SIZES:
        if pattern.search(lowered):
            return size
    return None


def _int(config: dict[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = config.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def _size_from_config(config: dict[str, Any]) -> float | None:
    """Estimate billions of parameters of a decoder from its config (embeddings + attention + MLP)."""
    hidden = _int(config, "hidden_size", "n_embd", "d_model")
    layers = _int(config, "num_hidden_layers", "n_layer", "num_layers")
    vocab = _int(config, "vocab_size")
    if hidden is None or layers is None or vocab is None:
        return None
    inner = _int(config, "intermediate_size", "n_inner") or 4 * hidden
    per_layer = 4 * hidden * hidden + 3 * hidden * inner
    tied = config.get("tie_word_embeddings") is not False
    return (layers * per_layer + vocab * hidden * (1 if tied else 2)) / 1e9
