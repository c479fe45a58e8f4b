"""A tiny random-weight causal LM, built offline in seconds, for real Olive runs on any machine.

`build_tiny_model(folder)` writes a Hugging Face model folder: config, safetensors
weights, a byte-level BPE tokenizer trained locally with `tokenizers` (with the
chat tokens `<|user|>`, `<|assistant|>`, `<|end|>`), a chat template, and a
small prompt/response JSONL data set beside it. Two architectures: a Phi-3
(packed `qkv_proj`/`gate_up_proj`, what the seed workflows fine-tune) and a
Llama. Nothing is downloaded; weights are seeded, so the same call writes the
same files.

Needs the `olive` extra (torch, transformers, tokenizers); they are imported
inside the functions, so importing olivegen never pulls them in.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Arch = Literal["phi3", "llama"]

SPECIAL_TOKENS = ["<|endoftext|>", "<|user|>", "<|assistant|>", "<|end|>", "<|system|>"]
VOCAB_SIZE = 512
HIDDEN = 64
LAYERS = 2
HEADS = 4
MAX_POSITIONS = 512
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)
# The template the recipes train with: the chat format above, one JSONL row per example.
TEXT_TEMPLATE = "<|user|>\n{prompt}<|end|>\n<|assistant|>\n{response}<|end|>"
# The rows the tiny model trains on ship inside the package (the presets' sample chat data), so a
# wheel install and a checkout train on the same data (nothing comes from the repository).
SAMPLE_DATA = ("olivegen.recipe.presets", "data/chat.jsonl")


@dataclass(frozen=True)
class TinyModel:
    """Where a built tiny model and its data set live."""

    model_dir: Path
    data_file: Path
    arch: str
    target_modules: tuple[str, ...]
    num_layers: int


def travel_rows() -> list[dict[str, str]]:
    """Return the prompt/response rows shipped in the package (the presets' sample chat data)."""
    from importlib import resources

    package, name = SAMPLE_DATA
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write_dataset(path: Path, rows: list[dict[str, str]] | None = None) -> Path:
    """Write prompt/response rows as JSONL (the format the lab's `data_sample_travel.jsonl` has)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(row, ensure_ascii=False) for row in (rows if rows is not None else travel_rows())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _corpus(rows: list[dict[str, str]]) -> list[str]:
    return [TEXT_TEMPLATE.format(**row) for row in rows]


def train_tokenizer(rows: list[dict[str, str]]) -> Any:
    """Train a byte-level BPE tokenizer on the rows; the special tokens get the first ids."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_corpus(rows), trainer=trainer)
    return tok


def _save_tokenizer(tok: Any, folder: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=SPECIAL_TOKENS[1:],
        model_max_length=MAX_POSITIONS,
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(str(folder))
    # onnxruntime-genai reads `tokenizer_class` to pick its tokenizer; byte-level BPE is GPT-2's.
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "GPT2Tokenizer"
    config["chat_template"] = CHAT_TEMPLATE
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _config(arch: Arch, tok: Any) -> Any:
    ids = {t: tok.token_to_id(t) for t in SPECIAL_TOKENS}
    common: dict[str, Any] = {
        "vocab_size": tok.get_vocab_size(),
        "hidden_size": HIDDEN,
        "intermediate_size": 2 * HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "num_key_value_heads": HEADS,
        "max_position_embeddings": MAX_POSITIONS,
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": [ids["<|end|>"], ids["<|endoftext|>"]],
        "pad_token_id": ids["<|endoftext|>"],
        "tie_word_embeddings": False,
    }
    if arch == "phi3":
        from transformers import Phi3Config

        # Equal to max_position_embeddings: otherwise the model builder takes the LongRoPE path.
        return Phi3Config(**common, original_max_position_embeddings=MAX_POSITIONS)
    if arch == "llama":
        from transformers import LlamaConfig

        return LlamaConfig(**common)
    raise ValueError(f"unknown tiny architecture {arch!r}; use 'phi3' or 'llama'")


TARGET_MODULES: dict[str, tuple[str, ...]] = {
    "phi3": ("o_proj", "qkv_proj"),
    "llama": ("q_proj", "k_proj", "v_proj", "o_proj"),
}


def build_tiny_model(folder: Path, arch: Arch = "phi3", *, seed: int = 0, force: bool = False) -> TinyModel:
    """Write a tiny random-weight causal LM and its data set under `folder`; return where they are.

    `folder/model` is the Hugging Face folder, `folder/data.jsonl` the data set. An
    existing complete build is reused unless `force` (the weights are seeded, so a
    rebuild would write the same files; reuse keeps Olive's cache keys stable).
    """
    import torch
    from transformers import AutoModelForCausalLM, GenerationConfig
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    folder = Path(folder)
    model_dir, data_file = folder / "model", folder / "data.jsonl"
    marker = model_dir / ".tinymodel.json"
    stamp = {
        "arch": arch,
        "seed": seed,
        "hidden": HIDDEN,
        "layers": LAYERS,
        "heads": HEADS,
        "vocab": VOCAB_SIZE,
    }
    result = TinyModel(model_dir, data_file, arch, TARGET_MODULES[arch], LAYERS)
    if not force and marker.is_file() and data_file.is_file():
        try:
            if json.loads(marker.read_text(encoding="utf-8")) == stamp:
                return result
        except ValueError:
            pass
    if model_dir.exists():
        shutil.rmtree(model_dir)
    model_dir.mkdir(parents=True)
    rows = travel_rows()
    write_dataset(data_file, rows)
    tok = train_tokenizer(rows)
    _save_tokenizer(tok, model_dir)
    config = _config(arch, tok)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)  # type: ignore[no-untyped-call]
    model.generation_config = GenerationConfig(  # type: ignore[no-untyped-call]
        bos_token_id=config.bos_token_id,
        eos_token_id=config.eos_token_id,
        pad_token_id=config.pad_token_id,
        do_sample=False,
        max_length=MAX_POSITIONS,
    )
    model.save_pretrained(str(model_dir), safe_serialization=True)
    marker.write_text(json.dumps(stamp, sort_keys=True) + "\n", encoding="utf-8")
    return result
