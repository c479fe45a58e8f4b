"""Benchmark: the lab's two Olive commands vs one `olivegen run`, on the same tiny workflow, on this machine.

Workflow: LoRA on a tiny random-weight Phi-3 (5 steps), then ModelBuilder int4 with the adapter kept
separate (ExtractAdapters). Both ways get the same model, data, LoRA settings and a cold start
(fresh folders and caches every repetition):

  lab way   olive finetune --method lora ...      (LoRA -> adapter folder)
            olive auto-opt -a ADAPTER --use_ort_genai --use_model_builder --precision int4 ...
  olivegen  olivegen run recipe.yaml              (LoRA -> ModelBuilder int4 -> ExtractAdapters)

The lab's auto-opt line is used with `--use_model_builder --precision int4`: without them
auto-opt exports with torch.onnx (TorchScript), which fails under transformers 5.

Then the rerun: the olivegen recipe again with only the ModelBuilder pass changed
(int4_block_size 32 -> 16, via --set), in the same output folder, so Olive's cache serves
LoRA and only ModelBuilder and ExtractAdapters run again. For the lab way the same change
means running its second command again (auto-opt has no block-size flag, so it is rerun
with its cache cleared: the same work, ModelBuilder + ExtractAdapters from the adapter).

Wall time: from start to exit of the command(s). Peak memory: the largest sum of RSS over the
whole process tree (olivegen and its Olive child; each Olive command), sampled every 50 ms
with psutil. Medians of --repeats runs. Usage:

    CI=1 python bench/run_vs_cli.py [--repeats 3] [--workdir DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TEMPLATE = "<|user|>\n{prompt}<|end|>\n<|assistant|>\n{response}<|end|>"
STEPS, RANK, ALPHA, SEQ = 5, 16, 16, 64
RECIPE = """\
name: bench
model:
  path: {model}
  load_kwargs: {{attn_implementation: eager}}
data:
  - name: travel
    files: {data}
    text_template: {template}
    max_seq_len: {seq}
    add_special_tokens: false
    max_samples: 256
host: cpu
passes:
  - type: lora
    r: {rank}
    alpha: {alpha}
    torch_dtype: bfloat16
    training: {{max_steps: {steps}}}
  - type: builder
    precision: int4
    int4_block_size: 32
  - type: ExtractAdapters
"""


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float


def tree_rss(proc: psutil.Process) -> int:
    """Sum the resident memory of a process and all its descendants."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def measure(commands: list[list[str]], env: dict[str, str], cwd: Path, log: Path) -> Measured:
    """Run commands one after the other; return total wall time and the peak process-tree RSS."""
    peak = 0
    start = time.monotonic()
    with open(log, "a", encoding="utf-8") as sink:
        for command in commands:
            sink.write(f"$ {' '.join(command)}\n")
            sink.flush()
            child = subprocess.Popen(command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT)
            watched = psutil.Process(child.pid)
            done = threading.Event()
            seen = [0]

            def poll(watched: psutil.Process = watched, done: threading.Event = done, seen: list[int] = seen) -> None:
                while not done.is_set():
                    try:
                        seen[0] = max(seen[0], tree_rss(watched))
                    except psutil.NoSuchProcess:
                        return
                    done.wait(0.05)

            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            code = child.wait()
            done.set()
            poller.join()
            peak = max(peak, seen[0])
            if code != 0:
                raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}; see {log}")
    return Measured(time.monotonic() - start, peak / 2**20)


def fresh(root: Path, name: str) -> tuple[Path, dict[str, str]]:
    """A new empty folder with its own caches: every measured run starts cold."""
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = dict(os.environ)
    env.update(
        {
            "CI": "1",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "HF_DATASETS_OFFLINE": "1",
            "HF_HOME": str(folder / "hf"),
            "XDG_CACHE_HOME": str(folder / "xdg"),
        }
    )
    return folder, env


def lab_commands(model: Path, data: Path, folder: Path) -> list[list[str]]:
    olive = str(BIN / "olive")
    finetune = [
        olive, "finetune", "--method", "lora", "-m", str(model), "-d", "json", "--data_files", str(data),
        "--text_template", TEMPLATE, "--max_steps", str(STEPS), "--max_seq_len", str(SEQ),
        "--lora_r", str(RANK), "--lora_alpha", str(ALPHA), "-o", str(folder / "ft"), "--log_level", "1",
    ]  # fmt: skip
    return [finetune, auto_opt(model, folder)]


def auto_opt(model: Path, folder: Path) -> list[str]:
    return [
        str(BIN / "olive"), "auto-opt", "-m", str(model), "-a", str(folder / "ft" / "adapter"),
        "--device", "cpu", "--provider", "CPUExecutionProvider", "--use_ort_genai",
        "--use_model_builder", "--precision", "int4", "-o", str(folder / "ao"), "--log_level", "1",
    ]  # fmt: skip


def olivegen(recipe: Path, out: Path, *extra: str) -> list[str]:
    return [str(BIN / "olivegen"), "run", str(recipe), "-o", str(out), *extra]


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep the runs here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    args = parser.parse_args()

    from olivegen.runner.tinymodel import build_tiny_model

    root = args.workdir or Path(tempfile.mkdtemp(prefix="olivegen-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    tiny = build_tiny_model(root / "tiny", "phi3")
    recipe = root / "bench.yaml"
    recipe.write_text(
        RECIPE.format(
            model=tiny.model_dir, data=tiny.data_file, template=json.dumps(TEMPLATE), seq=SEQ, rank=RANK,
            alpha=ALPHA, steps=STEPS,
        ),
        encoding="utf-8",
    )  # fmt: skip
    rows: dict[str, list[Measured]] = {"lab": [], "olivegen": [], "olivegen_rerun": [], "lab_rerun": []}
    for i in range(args.repeats):
        folder, env = fresh(root, f"lab-{i}")
        rows["lab"].append(measure(lab_commands(tiny.model_dir, tiny.data_file, folder), env, folder, folder / "log"))
        # auto-opt has no block-size flag; what a changed last step costs the lab way is auto-opt
        # run again without its cached result (the adapter from finetune stays on disk)
        shutil.rmtree(folder / ".olive-cache")
        shutil.rmtree(folder / "ao")
        rows["lab_rerun"].append(measure([auto_opt(tiny.model_dir, folder)], env, folder, folder / "log"))
        folder, env = fresh(root, f"olivegen-{i}")
        rows["olivegen"].append(measure([olivegen(recipe, folder / "run")], env, folder, folder / "log"))
        change = olivegen(recipe, folder / "run", "--set", "passes.1.int4_block_size=16")
        rows["olivegen_rerun"].append(measure([change], env, folder, folder / "log"))
        print(f"repetition {i + 1}/{args.repeats} done", file=sys.stderr, flush=True)

    t = {k: median([m.seconds for m in v]) for k, v in rows.items()}
    mem = {k: median([m.peak_mb for m in v]) for k, v in rows.items()}

    def row(label: str, key: str) -> str:
        return f"{label:<46} {t[key]:>8.1f} {mem[key]:>9.0f}"

    workflow = f"Tiny Phi-3, LoRA {STEPS} steps -> ModelBuilder int4 -> adapter kept separate"
    print(f"\n{workflow}; median of {args.repeats} cold runs")
    print(f"{'way':<46} {'wall s':>8} {'peak MB':>9}")
    print(row("lab: olive finetune + olive auto-opt", "lab"))
    print(row("olivegen run (one workflow)", "olivegen"))
    print(f"{'ratio olivegen / lab':<46} {t['olivegen'] / t['lab']:>8.2f} {mem['olivegen'] / mem['lab']:>9.2f}")
    print("\nChange only ModelBuilder (int4_block_size 32 -> 16) and run again in the same folder")
    print(row("olivegen run, rerun (LoRA from Olive cache)", "olivegen_rerun"))
    print(f"{'ratio rerun / first olivegen run':<46} {t['olivegen_rerun'] / t['olivegen']:>8.2f}")
    print(row("lab way: olive auto-opt again (cache cleared)", "lab_rerun"))
    if args.json:
        raw = {k: [{"seconds": m.seconds, "peak_mb": m.peak_mb} for m in v] for k, v in rows.items()}
        args.json.write_text(json.dumps({"median_seconds": t, "median_peak_mb": mem, "runs": raw}, indent=2) + "\n")
    print(f"\nruns kept in {root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
