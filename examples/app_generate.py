"""A small app: load an Olive output model with onnxruntime-genai, optionally with a LoRA adapter, and chat.

The lab's inference step, standalone (needs only `pip install onnxruntime-genai`):

    python examples/app_generate.py MODEL_DIR [--adapter FILE.onnx_adapter] [--prompt TEXT]

MODEL_DIR is what `olivegen run` prints as "output model" (it holds genai_config.json).
Without --adapter the base model answers; with it, the fine-tuned one does.
"""

from __future__ import annotations

import argparse
import sys

import onnxruntime_genai as og

TEMPLATE = "<|user|>\n{prompt}<|end|>\n<|assistant|>\n"


def main(argv: list[str] | None = None) -> int:
    """Generate one answer, streaming it to stdout token by token."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="folder of the ONNX model (with genai_config.json)")
    parser.add_argument("--adapter", help="LoRA adapter file (.onnx_adapter) to activate")
    parser.add_argument("--adapter-name", default="travel", help="name the adapter is loaded under")
    parser.add_argument("--prompt", default="What is the best time of year to visit Kyoto?", help="the question")
    parser.add_argument("--max-length", type=int, default=128, help="prompt plus answer, in tokens")
    args = parser.parse_args(argv)

    model = og.Model(args.model)
    adapters = og.Adapters(model)
    if args.adapter:
        adapters.load(args.adapter, args.adapter_name)

    tokenizer = og.Tokenizer(model)
    stream = tokenizer.create_stream()
    input_tokens = tokenizer.encode(TEMPLATE.format(prompt=args.prompt))

    params = og.GeneratorParams(model)
    params.set_search_options(max_length=args.max_length, do_sample=False)
    generator = og.Generator(model, params)
    if args.adapter:
        generator.set_active_adapter(adapters, args.adapter_name)
    generator.append_tokens(input_tokens)

    print(f"{'adapter ' + args.adapter_name if args.adapter else 'base model'}> ", end="", flush=True)
    while not generator.is_done():
        generator.generate_next_token()
        print(stream.decode(generator.get_next_tokens()[0]), end="", flush=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
