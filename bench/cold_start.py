"""Cold start: `olivegen render` / `validate` of one recipe vs `python -c "import olive"`, in one run.

    python bench/cold_start.py [--runs 10]

Every command is warmed up once (bytecode and page cache), then the commands run in rounds,
each round one cold process of each in turn (so they share whatever load the machine has);
medians over the rounds. The ratio says how much sooner a recipe is checked and rendered than
Olive has even finished importing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

RECIPE = Path(__file__).resolve().parent.parent / "examples" / "phi35-travel-lab.yaml"


def seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds (import olive: every other round)")
    args = parser.parse_args()
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        f"olivegen render {RECIPE.name}": [py, "-m", "olivegen", "render", str(RECIPE)],
        f"olivegen validate {RECIPE.name}": [py, "-m", "olivegen", "validate", str(RECIPE)],
        "python -c 'import olive'": [py, "-c", "import olive"],
    }
    for cmd in commands.values():
        seconds(cmd)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(args.runs):
        for name, cmd in commands.items():
            if "import olive" in name and round_ % 2:
                continue  # seconds each: half as many
            times[name].append(seconds(cmd))
    median = {name: statistics.median(values) for name, values in times.items()}
    print("| command | median |")
    print("| --- | --- |")
    for name, value in median.items():
        print(f"| {name} | {value * 1000:.0f} ms |")
    render = median[f"olivegen render {RECIPE.name}"]
    olive = median["python -c 'import olive'"]
    print(f"\nimport olive / render: {olive / render:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
