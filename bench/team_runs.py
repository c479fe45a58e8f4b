"""Benchmark: reruns and matrices with `olivegen run`, against the work they replace, in one run.

Workflow: LoRA on the tiny random-weight Phi-3 (5 steps) -> ModelBuilder int4 -> ExtractAdapters,
the recipe of bench/run_vs_cli.py. Each repetition starts from empty folders and caches and runs,
in this order:

  first       olivegen run recipe.yaml -o F/run                          (cold)
  unchanged   olivegen run recipe.yaml -o F/run                          (nothing changed: reused)
  last pass   olivegen run recipe.yaml -o F/run --set passes.1.int4_block_size=16
  matrix      olivegen run matrix.yaml -o F/matrix                       (4 variants: block 16/32/64/128)
  separate    olive run --config C, for each of the same 4 variants' configs, each in its own
              folders (what running the rendered configs one by one costs; rendered beforehand,
              not timed)

`matrix` and `separate` build the same four models; they run in alternating order between
repetitions. Ratios are taken per repetition (paired) and their median reported. A first
repetition warms the page cache and bytecode and is not counted. Wall time from start to exit;
peak memory: the largest sum of RSS over the process tree (psutil, every 50 ms).

    CI=1 python bench/team_runs.py [--repeats 3] [--workdir DIR] [--json FILE] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_vs_cli import ALPHA, RANK, RECIPE, SEQ, STEPS, TEMPLATE, Measured, fresh, measure  # noqa: E402

MATRIX = """\
matrix:
  block:
    b16: {passes.builder.int4_block_size: 16}
    b32: ~
    b64: {passes.builder.int4_block_size: 64}
    b128: {passes.builder.int4_block_size: 128}
"""
PY = sys.executable


def olivegen(*args: str | Path) -> list[str]:
    return [PY, "-m", "olivegen", *[str(a) for a in args]]


def separate_configs(matrix: Path, folder: Path, env: dict[str, str]) -> list[Path]:
    """Render the matrix's configs, each pointed at folders of its own (as separate runs would be)."""
    import subprocess

    rendered = folder / "rendered"
    subprocess.run(olivegen("render", matrix, "-o", f"{rendered}/"), env=env, check=True, capture_output=True)
    configs = []
    for path in sorted(rendered.glob("*.json")):
        config = json.loads(path.read_text(encoding="utf-8"))
        own = folder / "sep" / path.stem
        config["engine"]["output_dir"] = str(own / "model")
        config["engine"]["cache_dir"] = str(own / "cache")
        config["engine"]["log_severity_level"] = 1
        own.mkdir(parents=True)
        target = own / "olive-config.json"
        target.write_text(json.dumps(config, indent=2), encoding="utf-8")
        configs.append(target)
    assert len(configs) == 4, configs
    return configs


def repetition(root: Path, index: int, recipe: Path, matrix: Path) -> dict[str, Measured]:
    folder, env = fresh(root, f"rep-{index}")
    log = folder / "log"
    out: dict[str, Measured] = {}
    out["first"] = measure([olivegen("run", recipe, "-o", folder / "run")], env, folder, log)
    out["unchanged"] = measure([olivegen("run", recipe, "-o", folder / "run")], env, folder, log)
    assert "reusing its output" in log.read_text(encoding="utf-8"), f"the unchanged rerun ran Olive; see {log}"
    change = olivegen("run", recipe, "-o", folder / "run", "--set", "passes.1.int4_block_size=16")
    out["last_pass"] = measure([change], env, folder, log)
    configs = separate_configs(matrix, folder, env)
    runs = {
        "matrix": [olivegen("run", matrix, "-o", folder / "matrix")],
        "separate": [[PY, "-m", "olive", "run", "--config", str(c)] for c in configs],
    }
    for key in ("matrix", "separate") if index % 2 == 0 else ("separate", "matrix"):
        out[key] = measure(runs[key], env, folder, log)
    models = [folder / "matrix" / v / "model" / "model.onnx" for v in ("b16", "b32", "b64", "b128")]
    models += [c.parent / "model" / "model.onnx" for c in configs]
    missing = [str(m) for m in models if not m.is_file()]
    assert not missing, f"no model: {missing}; see {log}"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="counted repetitions (after one warm-up)")
    parser.add_argument("--workdir", type=Path, help="keep the runs here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    args = parser.parse_args()

    from olivegen.runner.tinymodel import build_tiny_model

    root = args.workdir or Path(tempfile.mkdtemp(prefix="olivegen-team-"))
    root.mkdir(parents=True, exist_ok=True)
    tiny = build_tiny_model(root / "tiny", "phi3")
    text = RECIPE.format(
        model=tiny.model_dir, data=tiny.data_file, template=json.dumps(TEMPLATE), seq=SEQ, rank=RANK,
        alpha=ALPHA, steps=STEPS,
    )  # fmt: skip
    recipe = root / "bench.yaml"
    recipe.write_text(text, encoding="utf-8")
    matrix = root / "matrix.yaml"
    matrix.write_text(text + MATRIX, encoding="utf-8")

    reps: list[dict[str, Measured]] = []
    for i in range(args.repeats + 1):
        got = repetition(root, i, recipe, matrix)
        if i == 0:
            print("warm-up done: " + ", ".join(f"{k} {m.seconds:.1f} s" for k, m in got.items()), file=sys.stderr)
            continue
        reps.append(got)
        print(f"repetition {i}/{args.repeats}: " + ", ".join(f"{k} {m.seconds:.1f} s" for k, m in got.items()),
              file=sys.stderr, flush=True)  # fmt: skip
        shutil.rmtree(root / f"rep-{i}" / "sep", ignore_errors=True)

    def med(key: str) -> float:
        return statistics.median(r[key].seconds for r in reps)

    def ratio(a: str, b: str) -> float:
        return statistics.median(r[a].seconds / r[b].seconds for r in reps)

    def mem(key: str) -> float:
        return statistics.median(r[key].peak_mb for r in reps)

    rows = [
        ("first `olivegen run` (cold)", f"{med('first'):.1f} s", f"{mem('first'):.0f} MB", ""),
        ("rerun, nothing changed", f"{med('unchanged'):.2f} s", f"{mem('unchanged'):.0f} MB",
         f"**{ratio('unchanged', 'first'):.3f}x** the first run (aim: <= 0.05x)"),
        ("rerun, only the last pass changed", f"{med('last_pass'):.1f} s", f"{mem('last_pass'):.0f} MB",
         f"**{ratio('last_pass', 'first'):.2f}x** the first run (aim: <= 0.5x)"),
        ("4-variant matrix (last pass differs): one `olivegen run`", f"{med('matrix'):.1f} s",
         f"{mem('matrix'):.0f} MB", ""),
        ("same 4 configs: 4 separate `olive run`s", f"{med('separate'):.1f} s", f"{mem('separate'):.0f} MB",
         f"matrix = **{ratio('matrix', 'separate'):.2f}x** (aim: <= 0.4x)"),
    ]  # fmt: skip
    table = "\n".join(
        ["| measurement (median of paired cold runs) | wall | peak memory | ratio |", "| --- | --- | --- | --- |"]
        + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    )
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    text_out = (
        f"Tiny Phi-3, LoRA {STEPS} steps -> ModelBuilder int4 -> ExtractAdapters; {args.repeats} repetitions"
        f" after a warm-up\n\n{table}\n\nMachine: {platform.machine()}, {cores} cores, Python"
        f" {platform.python_version()}; load average at the end: {os.getloadavg()[0]:.2f}.\n"
    )
    print("\n" + text_out)
    if args.markdown:
        args.markdown.write_text(text_out, encoding="utf-8")
    if args.json:
        raw = [{k: {"seconds": m.seconds, "peak_mb": m.peak_mb} for k, m in r.items()} for r in reps]
        args.json.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    print(f"runs kept in {root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
