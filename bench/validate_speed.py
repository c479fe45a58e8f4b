"""How fast `olivegen validate` finds mistakes, against Olive finding them itself.

Every figure comes from cold processes (a new Python each time, bytecode caches
warm, as after `pip install`), measured in this one run: each side is warmed up
once, then olivegen and Olive run in pairs (alternating which goes first; the
olivegen side of a pair is the median of three runs), and the ratio is the
median of the pairs' ratios, so both sides see the same machine load:

1. one recipe: `olivegen validate` vs Olive's own check of the same rendered
   config (`import olive`, RunConfig, every pass's config class: olivegen/render/olive_check.py);
2. time to the first error for a mistake Olive finds only at run time (a text
   template naming a column the data does not have, LoRA on a tiny local Phi-3):
   `olivegen validate` vs `olive run` until it exits (Olive logs the KeyError
   and ends without a model);
3. 1,000 distinct recipes in one `olivegen validate` call (all cores, and one
   core): six models, six pass lists, ranks, block sizes, and a data file each
   with its own column names, so no recipe's check warms a cache for the next.

    python bench/validate_speed.py                 # everything (~3 minutes on 2 cores)
    python bench/validate_speed.py --quick         # skip `olive run` (needs no torch)
    python bench/validate_speed.py --markdown docs/validation-speed.table.md

Needs the `olive` extra (olive-ai, torch, transformers) for 1 and 2; builds its
tiny model with olivegen.runner.tinymodel; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PY = sys.executable


@dataclass
class Timing:
    label: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def environment(tmp: Path) -> dict[str, str]:
    """A child environment: bytecode caches on, offline, Olive's telemetry off, caches in `tmp`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        CI="1",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        HF_HOME=str(tmp / "hf"),
        XDG_CACHE_HOME=str(tmp / "xdg"),
        PYTHONIOENCODING="utf-8",
    )
    env.pop("GITHUB_ACTIONS", None)
    return env


def timed(cmd: Sequence[str], env: dict[str, str], cwd: Path, expect: set[int]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(list(cmd), env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in expect:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return elapsed, done.stdout + done.stderr


@dataclass
class Pairs:
    """Paired cold runs: olivegen (median of a few runs around each Olive run) and Olive, and their ratios."""

    ours: Timing
    olive: Timing

    @property
    def ratio(self) -> float:
        """Median over the pairs of Olive's time / olivegen's."""
        return statistics.median(b / a for a, b in zip(self.ours.seconds, self.olive.seconds, strict=True))


def paired(label: str, n: int, ours: Callable[[], float], olive: Callable[[int], float], per_pair: int = 3) -> Pairs:
    """Warm both up, then n pairs, alternating which side goes first; olivegen's side of a pair is the
    median of `per_pair` cold runs (it is short, so noisier)."""
    ours()
    olive(-1)
    a: list[float] = []
    b: list[float] = []
    for i in range(n):
        if i % 2:
            b.append(olive(i))
        a.append(statistics.median(ours() for _ in range(per_pair)))
        if not i % 2:
            b.append(olive(i))
        print(f"  {label}: pair {i + 1}/{n}: olivegen {a[-1]:.3f} s, Olive {b[-1]:.2f} s", flush=True)
    return Pairs(Timing("olivegen", a), Timing("Olive", b))


def repeat(label: str, n: int, cmd: Sequence[str], env: dict[str, str], cwd: Path, expect: set[int]) -> Timing:
    timed(cmd, env, cwd, expect)  # warm-up: writes bytecode caches, fills the page cache
    runs = [timed(cmd, env, cwd, expect)[0] for _ in range(n)]
    print(f"  {label}: median {statistics.median(runs):.3f} s of {[round(r, 3) for r in runs]}", flush=True)
    return Timing(label, runs)


# --- 1. one recipe: olivegen validate vs Olive's own config check ---------------------------

OLIVE_CHECK = (
    "import json, sys\n"
    "from olivegen.render.olive_check import olive_problems\n"
    "problems = olive_problems(json.load(open(sys.argv[1], encoding='utf-8')))\n"
    "print(problems)\n"
    "sys.exit(1 if problems else 0)\n"
)


def bench_one_recipe(tmp: Path, env: dict[str, str], n_olive: int) -> Pairs:
    recipe = EXAMPLES / "phi3-tone-classification.yaml"
    config = tmp / "one" / "olive-config.json"
    config.parent.mkdir(parents=True)
    subprocess.run([PY, "-m", "olivegen", "render", str(recipe), "-o", str(config)], env=env, check=True)
    return paired(
        "one recipe",
        n_olive,
        lambda: timed([PY, "-m", "olivegen", "validate", str(recipe)], env, ROOT, {0})[0],
        lambda i: timed([PY, "-c", OLIVE_CHECK, str(config)], env, ROOT, {0})[0],
    )


# --- 2. time to the first error Olive only finds at run time ---------------------------------

RECIPE_RUNTIME = """\
name: wrong-column
model:
  path: ./tiny/model
  torch_dtype: float32
data:
  - name: travel
    files: tiny/data.jsonl
    text_template: "<|user|>\\n{COLUMN}<|end|>\\n<|assistant|>\\n{response}<|end|>"
    max_seq_len: 64
host: cpu
target: cpu
passes:
  - type: lora
    target_modules: [o_proj, qkv_proj]
    torch_dtype: float32
    r: 4
    alpha: 8
    training:
      max_steps: 2
      per_device_train_batch_size: 1
engine:
  output_dir: out/{name}
  cache_dir: cache
"""


def bench_runtime_error(tmp: Path, env: dict[str, str], n_olive: int) -> Pairs:
    from olivegen.runner.tinymodel import build_tiny_model

    folder = tmp / "runtime"
    build_tiny_model(folder / "tiny")
    good = folder / "good.yaml"
    good.write_text(RECIPE_RUNTIME.replace("COLUMN", "prompt"), encoding="utf-8")
    bad = folder / "bad.yaml"
    bad.write_text(RECIPE_RUNTIME.replace("COLUMN", "question"), encoding="utf-8")

    # olivegen finds it before anything runs
    _, report = timed([PY, "-m", "olivegen", "validate", str(bad)], env, folder, {1})
    assert "error[unknown-column]" in report and "'question'" in report, report

    # Olive gets the very config the wrong recipe stands for: the right one with the column swapped
    config = json.loads(subprocess.run(
        [PY, "-m", "olivegen", "render", str(good)], env=env, cwd=folder, check=True, capture_output=True, text=True
    ).stdout)  # fmt: skip
    for data in config["data_configs"]:
        pre = data["pre_process_data_config"]
        pre["text_template"] = pre["text_template"].replace("{prompt}", "{question}")

    def olive_run(i: int) -> float:
        work = folder / f"olive-{i + 1}"  # a fresh folder and cache every time
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        config["engine"]["output_dir"] = str(work / "out")
        config["engine"]["cache_dir"] = str(work / "cache")
        path = work / "olive-config.json"
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        elapsed, log = timed([PY, "-m", "olive", "run", "--config", str(path)], env, work, {0, 1})
        assert "question" in log, f"olive run did not fail on the column:\n{log[-3000:]}"
        assert not any((work / "out").rglob("*.safetensors")), "olive run produced a model"
        return elapsed

    return paired(
        "wrong column",
        n_olive,
        lambda: timed([PY, "-m", "olivegen", "validate", str(bad)], env, folder, {1})[0],
        olive_run,
    )


# --- 3. 1,000 recipes in one call ---------------------------------------------------------------

SERIAL = (
    "import sys\n"
    "import olivegen.commands.validate as v\n"
    "v.PARALLEL_FROM = 10**9\n"
    "from olivegen.cli import main\n"
    "sys.exit(main(['validate', *sys.argv[1:]]))\n"
)


MODELS = [
    "microsoft/Phi-3-mini-4k-instruct",
    "microsoft/Phi-3-mini-128k-instruct",
    "microsoft/Phi-3.5-mini-instruct",
    "meta-llama/Llama-3.2-1B-Instruct",
    "Qwen/Qwen2.5-0.5B-Instruct",
    "mistralai/Mistral-7B-Instruct-v0.3",
]
PASS_LISTS = [  # (passes, host, target); {r} {a} {steps} {block} filled per recipe
    ("- type: lora\n  r: {r}\n  alpha: {a}\n  training: {{max_steps: {steps}}}\n", "cpu", "cpu"),
    ("- type: lora\n  r: {r}\n  alpha: {a}\n  training: {{max_steps: {steps}}}\n- type: merge\n"
     "- type: builder\n  precision: int4\n  int4_block_size: {block}\n", "cpu", "cpu"),
    ("- type: lora\n  r: {r}\n  alpha: {a}\n  training: {{max_steps: {steps}}}\n- type: builder\n"
     "  precision: int4\n  int4_block_size: {block}\n- type: ExtractAdapters\n", "cpu", "cpu"),
    ("- type: qlora\n  save_quant_config: false\n  r: {r}\n  alpha: {a}\n  training: {{max_steps: {steps}}}\n"
     "- type: merge\n- type: builder\n  precision: int4\n", "cuda", "cpu"),
    ("- type: awq\n- type: lora\n  r: {r}\n  alpha: {a}\n  training: {{max_steps: {steps}}}\n"
     "- type: builder\n  precision: int4\n- type: ExtractAdapters\n", "cuda", "cpu"),
    ("- type: lora\n  r: {r}\n  alpha: {a}\n  training: {{max_steps: {steps}}}\n- type: merge\n"
     "- type: builder\n  precision: fp16\n", "cuda", "cuda"),
]
RECIPE_MANY = """\
name: r{i:04d}
model:
  path: {model}
data:
  - name: d{i}
    files: data/d{i:04d}.jsonl
    text_template: "<|user|>\\n{{{q}}}<|end|>\\n<|assistant|>\\n{{{a_col}}}<|end|>"
    max_seq_len: {seq}
host: {host}
target: {target}
passes:
{passes}engine:
  output_dir: out/{{name}}
"""


def make_recipes(folder: Path, count: int) -> list[Path]:
    """Write `count` distinct recipes: each its own model, pass list, rank, steps and data file.

    Models cycle through six families, pass lists through six flows, ranks 4-67, block sizes
    16-128, sequence lengths, and every recipe reads its own data file with its own column
    names, so nothing one recipe's check computes (a data file's columns, a model's facts in
    a cache) is what the next one needs.
    """
    (folder / "data").mkdir()
    out = []
    for i in range(count):
        q, a_col = f"question_{i}", f"answer_{i % 97}"
        rows = [json.dumps({q: f"q{i}-{n}", a_col: f"a{i}-{n}"}) for n in range(3 + i % 5)]
        (folder / "data" / f"d{i:04d}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
        passes, host, target = PASS_LISTS[(i // len(MODELS)) % len(PASS_LISTS)]
        body = passes.format(r=4 + i % 64, a=8 + i % 32, steps=10 + i % 50, block=(16, 32, 64, 128)[i % 4])
        text = RECIPE_MANY.format(
            i=i, model=MODELS[i % len(MODELS)], q=q, a_col=a_col, seq=256 + 64 * (i % 8), host=host,
            target=target, passes="".join("  " + line + "\n" for line in body.splitlines()),
        )  # fmt: skip
        path = folder / f"recipe-{i:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def bench_many(tmp: Path, env: dict[str, str], n: int, count: int) -> tuple[Timing, Timing]:
    folder = tmp / "many"
    folder.mkdir()
    files = [p.name for p in make_recipes(folder, count)]
    every = repeat(f"olivegen validate ({count} recipes, all cores)", n, [PY, "-m", "olivegen", "validate", *files],
                   env, folder, {0})  # fmt: skip
    one = repeat(f"olivegen validate ({count} recipes, one core)", n, [PY, "-c", SERIAL, *files], env, folder, {0})
    return every, one


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7, help="cold processes per 1,000-recipe figure (x2)")
    parser.add_argument("--olive-repeats", type=int, default=5, help="pairs of cold runs (Olive, olivegen) per figure")
    parser.add_argument("--count", type=int, default=1000, help="recipes in the many-recipes figure")
    parser.add_argument("--quick", action="store_true", help="skip the Olive figures (no olive-ai needed)")
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    args = parser.parse_args(argv)

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="olivegen-bench-") as name:
        tmp = Path(name)
        env = environment(tmp)
        if not args.quick:
            print("1. one recipe: olivegen validate vs Olive's own config check", flush=True)
            one = bench_one_recipe(tmp, env, args.olive_repeats)
            rows.append(("one recipe: `olivegen validate`", f"{one.ours.median:.3f} s", ""))
            rows.append(("same config: Olive's RunConfig + pass config classes", f"{one.olive.median:.2f} s",
                         f"**{one.ratio:.1f}x** faster (aim: 30x)"))  # fmt: skip
            print("2. a mistake Olive finds only at run time", flush=True)
            two = bench_runtime_error(tmp, env, args.olive_repeats)
            wrong = "wrong `text_template` column: `olivegen validate` to its error"
            rows.append((wrong, f"{two.ours.median:.3f} s", ""))
            rows.append(("same mistake: `olive run` until it fails (tiny Phi-3, CPU)", f"{two.olive.median:.2f} s",
                         f"**{two.ratio:.0f}x** sooner (aim: 100x)"))  # fmt: skip
        print(f"3. {args.count} recipes in one call", flush=True)
        every, serial = bench_many(tmp, env, max(3, args.repeats // 2), args.count)
        rows.append((f"{args.count} distinct recipes, one `olivegen validate` call, all cores", f"{every.median:.2f} s",
                     f"{args.count / every.median:.0f} recipes/s (aim: under 2 s)"))  # fmt: skip
        rows.append((f"{args.count} distinct recipes, one call, one core", f"{serial.median:.2f} s",
                     f"{args.count / serial.median:.0f} recipes/s"))  # fmt: skip

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    machine = f"{platform.machine()}, {cores} cores, Python {platform.python_version()}, {platform.system()}"
    table = "\n".join(
        ["| measurement (median of paired cold processes) | time | ratio |", "| --- | --- | --- |"]
        + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    )
    text = f"{table}\n\nMachine: {machine}; load average at the end: {os.getloadavg()[0]:.2f}.\n"
    print()
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
