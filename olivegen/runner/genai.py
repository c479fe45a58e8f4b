"""Load an output model with onnxruntime-genai and generate, with or without a LoRA adapter.

The lab's inference step: og.Model, og.Adapters + load, og.Tokenizer, GeneratorParams,
set_active_adapter, then a token loop with a stream decoder. Greedy search, so the same
model, adapter and prompt always give the same tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHAT_PROMPT = "<|user|>\n{question}<|end|>\n<|assistant|>\n"


@dataclass(frozen=True)
class Generation:
    """Tokens generated after the prompt, and their text."""

    tokens: list[int]
    text: str
    adapter: str | None


def _start(
    model_dir: Path, question: str, new_tokens: int, adapter_file: Path | None, adapter_name: str
) -> tuple[Any, Any]:
    """Load the model, prime a greedy generator with the chat prompt (and the adapter); return it and the tokenizer."""
    import onnxruntime_genai as og

    model = og.Model(str(model_dir))
    tokenizer = og.Tokenizer(model)
    prompt = tokenizer.encode(CHAT_PROMPT.format(question=question))
    params = og.GeneratorParams(model)
    params.set_search_options(max_length=len(prompt) + new_tokens, do_sample=False)
    generator = og.Generator(model, params)
    if adapter_file is not None:
        adapters = og.Adapters(model)
        adapters.load(str(adapter_file), adapter_name)
        generator.set_active_adapter(adapters, adapter_name)
    generator.append_tokens(prompt)
    return generator, tokenizer


def generate(
    model_dir: Path,
    question: str,
    *,
    adapter_file: Path | None = None,
    adapter_name: str = "adapter",
    max_new_tokens: int = 16,
) -> Generation:
    """Generate up to `max_new_tokens` greedily for a chat question; use the adapter when given."""
    generator, tokenizer = _start(model_dir, question, max_new_tokens, adapter_file, adapter_name)
    stream = tokenizer.create_stream()
    tokens: list[int] = []
    pieces: list[str] = []
    while not generator.is_done() and len(tokens) < max_new_tokens:
        generator.generate_next_token()
        token = int(generator.get_next_tokens()[0])
        tokens.append(token)
        pieces.append(stream.decode(token))
    return Generation(tokens, "".join(pieces), adapter_name if adapter_file is not None else None)


def prompt_logits(
    model_dir: Path, question: str, *, adapter_file: Path | None = None, adapter_name: str = "adapter"
) -> list[float]:
    """Return the logits of the token after the chat prompt (to compare a model with and without an adapter)."""
    generator, _ = _start(model_dir, question, 1, adapter_file, adapter_name)
    logits = generator.get_output("logits")
    return [float(x) for x in logits.reshape(-1, logits.shape[-1])[-1]]
