"""`olivegen demo [-o OUTDIR]`: the whole path on a fresh machine, offline, in about a minute.

Everything goes to OUTDIR, by default a new temporary folder (the current folder is left alone).

Builds a tiny random-weight Phi-3 and its tokenizer, writes a recipe (LoRA -> ModelBuilder
int4 -> ExtractAdapters, on the CPU), renders and runs it with Olive, then generates with
onnxruntime-genai from the base model and with the adapter, and prints the summary.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, report, say

RECIPE = """\
# Written by `olivegen demo`: fine-tune a tiny model with LoRA, build it for onnxruntime-genai
# at int4 on the CPU, and keep the adapter as a separate .onnx_adapter file.
name: olivegen-demo
model:
  path: tiny/model
data:
  - name: travel
    files: tiny/data.jsonl
    text_template: "<|user|>\\n{{prompt}}<|end|>\\n<|assistant|>\\n{{response}}<|end|>"
    max_seq_len: 64
host: cpu
passes:
  - type: lora
    r: 8
    alpha: 16
    torch_dtype: float32
    training:
      max_steps: {steps}
      learning_rate: 0.01
      per_device_train_batch_size: 2
      seed: 0
  - type: builder
    precision: int4
    int4_block_size: 32
  - type: ExtractAdapters
    save_format: onnx_adapter
"""
# Everything the demo uses is local: never reach for the Hugging Face hub.
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
QUESTION = "What is the best time of year to visit Kyoto?"


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "demo",
        help="tiny offline model: fine-tune and convert it with Olive, generate with and without the adapter",
        description="Build a tiny random-weight model offline, fine-tune it with LoRA, build it at int4 for"
        " onnxruntime-genai with Olive on the CPU, and generate with and without the adapter."
        " Needs olivegen[olive]; no GPU, nothing downloaded.",
        epilog=epilog(
            {0: "the demo ran", 2: "usage or internal error", 3: "Olive produced no output model"},
            ["olivegen demo", "olivegen demo -o /tmp/olivegen-demo --arch llama"],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="folder to build and run in (default: a new temporary folder; nothing is written to the current one)",
    )
    parser.add_argument("--arch", choices=("phi3", "llama"), default="phi3", help="tiny model architecture")
    parser.add_argument("--steps", type=int, default=10, help="LoRA training steps (default 10)")
    parser.add_argument("--tokens", type=int, default=12, help="tokens to generate (default 12)")


def write_recipe(folder: Path, steps: int) -> Path:
    """Write the demo recipe into `folder` (its paths are relative to it)."""
    path = folder / "demo.yaml"
    path.write_text(RECIPE.format(steps=steps), encoding="utf-8")
    return path


def demo_folder(output: Path | None) -> Path:
    """Return the folder the demo works in: `-o`, else a new one under the system's temporary folder."""
    if output is None:
        import tempfile

        return Path(tempfile.mkdtemp(prefix="olivegen-demo-")).resolve()
    folder = output.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def execute(args: argparse.Namespace) -> Exit:
    """Build, render, run, generate, summarize."""
    from olivegen.api import compile
    from olivegen.commands.run import progress
    from olivegen.render.write import write_atomic
    from olivegen.runner.execute import execute_plan
    from olivegen.runner.genai import generate
    from olivegen.runner.plan import plan_run
    from olivegen.runner.summary import format_summary
    from olivegen.runner.tinymodel import build_tiny_model

    folder = demo_folder(args.output)
    say(f"olivegen demo: building a tiny random-weight {args.arch} model in {folder / 'tiny'}")
    build_tiny_model(folder / "tiny", args.arch)
    recipe = write_recipe(folder, args.steps)
    (compiled,) = compile(recipe)
    report(compiled.warnings)
    write_atomic(folder / "olive-config.json", compiled.text)
    say(f"olivegen demo: wrote {recipe} and rendered it to {folder / 'olive-config.json'}")
    plan = plan_run(recipe, outdir=folder / "run")
    for note in plan.notes:
        say(f"olivegen demo: {note}")
    report(plan.warnings)
    total = len(plan.config["passes"])
    say(f"olivegen demo: running {total} passes with Olive (log: {plan.layout.log_path})")
    summary = execute_plan(plan, on_event=progress(total), extra_env=OFFLINE)
    out = sys.stdout
    out.write("\n".join(format_summary(summary)) + "\n")
    if not summary.ok or summary.model is None:
        say(f"olivegen demo: error: {summary.failure}")
        return Exit.RUN_FAILED
    model_dir = Path(summary.model.path)
    adapter = model_dir / summary.model.adapters[0].path if summary.model.adapters else None
    out.write(f"\nonnxruntime-genai, greedy, {args.tokens} tokens after: {QUESTION!r}\n")
    base = generate(model_dir, QUESTION, max_new_tokens=args.tokens)
    out.write(f"  base model:   {base.tokens}  {base.text!r}\n")
    if adapter is not None:
        tuned = generate(model_dir, QUESTION, adapter_file=adapter, adapter_name="travel", max_new_tokens=args.tokens)
        out.write(f"  with adapter: {tuned.tokens}  {tuned.text!r}\n")
        out.write(f"  the adapter {'changes' if tuned.tokens != base.tokens else 'does not change'} the output\n")
    out.write(
        "\nThe weights are random, so the text is noise; what matters is that both run.\n"
        "Try it yourself with examples/app_generate.py from the olivegen repository:\n"
        f"  python examples/app_generate.py {model_dir}" + (f" --adapter {adapter}" if adapter else "") + "\n"
    )
    return Exit.OK
