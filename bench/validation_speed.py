"""Cold `olivegen validate` of one example against Olive's own check of the config it renders.

    python bench/validation_speed.py [--pairs 10] [--min-ratio 30] [--example examples/X.yaml]

The example is rendered once to a temporary config. Then both commands run once unmeasured
(bytecode caches written, page cache warm: as after `pip install` and a first use), and then in
`--pairs` interleaved pairs of cold processes, which one goes first alternating:

    python -m olivegen validate EXAMPLE
    python -c "from olive.workflows.run.config import RunConfig; RunConfig.parse_file_or_obj(CONFIG)"

Each time is the wall time of the child process measured from here (subprocess start to exit).
Bytecode caches stay on (PYTHONDONTWRITEBYTECODE is removed from the children's environment).
Prints every pair, the medians, the ratio (median over the pairs of Olive / olivegen, so both
sides of a ratio saw the same load; the ratio of the medians beside it) and the load average
before and after. Exits 1 when the ratio is below `--min-ratio`. A benchmark, not a unit test:
it needs the `olive` extra (olive-ai) in the same Python, and runs from this checkout.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from validate_speed import environment  # bench/ is sys.path[0]: the same child environment

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

OLIVE_CHECK = (
    "import sys\n"
    "from olive.workflows.run.config import RunConfig\n"
    "RunConfig.parse_file_or_obj(sys.argv[1])\n"
)


def timed(cmd: Sequence[str], env: dict[str, str]) -> float:
    """Wall time of one child process, from outside; it must exit 0."""
    start = time.perf_counter()
    done = subprocess.run(list(cmd), env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return elapsed


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "n/a"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=10, help="interleaved pairs of cold processes (default 10)")
    parser.add_argument("--min-ratio", type=float, default=0.0, help="exit 1 when the ratio is below this")
    parser.add_argument("--example", type=Path, default=ROOT / "examples" / "phi3-tone-classification.yaml")
    args = parser.parse_args(argv)
    example = args.example.resolve()

    with tempfile.TemporaryDirectory(prefix="olivegen-validation-speed-") as name:
        tmp = Path(name)
        env = environment(tmp)
        config = tmp / "olive-config.json"
        subprocess.run(
            [PY, "-m", "olivegen", "render", str(example), "-o", str(config)], env=env, cwd=ROOT, check=True
        )
        ours_cmd = [PY, "-m", "olivegen", "validate", str(example)]
        olive_cmd = [PY, "-c", OLIVE_CHECK, str(config)]
        load_before = load()
        timed(ours_cmd, env)  # warm-up: bytecode caches, page cache
        timed(olive_cmd, env)
        ours: list[float] = []
        olive: list[float] = []
        for i in range(args.pairs):
            if i % 2:
                olive.append(timed(olive_cmd, env))
                ours.append(timed(ours_cmd, env))
            else:
                ours.append(timed(ours_cmd, env))
                olive.append(timed(olive_cmd, env))
            print(
                f"pair {i + 1:2d}/{args.pairs}: olivegen {ours[-1]:.3f} s  Olive {olive[-1]:.3f} s"
                f"  ratio {olive[-1] / ours[-1]:.1f}x",
                flush=True,
            )
        load_after = load()

    ratio = statistics.median(b / a for a, b in zip(ours, olive, strict=True))
    ours_median, olive_median = statistics.median(ours), statistics.median(olive)
    print()
    print(f"example: {example.relative_to(ROOT) if example.is_relative_to(ROOT) else example}")
    print(f"python: {PY} ({sys.version.split()[0]})")
    print(f"olivegen validate (median of {args.pairs}): {ours_median:.3f} s")
    print(f"Olive RunConfig.parse_file_or_obj (median of {args.pairs}): {olive_median:.3f} s")
    print(f"ratio (median of per-pair ratios): {ratio:.1f}x  (ratio of medians: {olive_median / ours_median:.1f}x)")
    print(f"load average: before {load_before}, after {load_after}")
    if ratio < args.min_ratio:
        print(f"below --min-ratio {args.min_ratio:g}x", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
