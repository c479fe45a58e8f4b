"""Cold start: `olivegen render` / `validate` of one recipe vs `python -c "import olive"`, in one run.

    python bench/cold_start.py [--runs 10]

Medians of fresh processes; the ratio says how much sooner a recipe is checked and rendered
than Olive has even finished importing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

RECIPE = Path(__file__).resolve().parent.parent / "examples" / "phi35-travel-lab.yaml"


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    py = sys.executable
    render = median_seconds([py, "-m", "olivegen", "render", str(RECIPE)], args.runs)
    validate = median_seconds([py, "-m", "olivegen", "validate", str(RECIPE)], args.runs)
    olive = median_seconds([py, "-c", "import olive"], max(3, args.runs // 2))
    bare = median_seconds([py, "-c", "pass"], args.runs)
    print("| command | median |")
    print("| --- | --- |")
    print(f"| python -c pass | {bare * 1000:.0f} ms |")
    print(f"| olivegen render {RECIPE.name} | {render * 1000:.0f} ms |")
    print(f"| olivegen validate {RECIPE.name} | {validate * 1000:.0f} ms |")
    print(f"| python -c 'import olive' | {olive * 1000:.0f} ms |")
    print(f"\nimport olive / render: {olive / render:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
