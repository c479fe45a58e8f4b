"""Where a cold `olivegen validate` of one recipe spends its time, stage by stage.

    python bench/validate_profile.py [--runs 9] [RECIPE]

Each run is a fresh Python (bytecode cached) that does what `olivegen validate RECIPE` does, in
the same order, timing each stage with the CPU clock of the process (less sensitive to other
load on the machine than wall time) and the wall clock. Medians over the runs; interpreter
start-up is measured separately as `python -c pass` (wall). A recipe with an error stops after
the rules, as `validate` does (nothing is rendered). For the import tree, use
`python -X importtime -m olivegen validate RECIPE`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STAGES = r"""
import json, sys, time
marks = []
def mark(name):
    marks.append((name, time.process_time(), time.perf_counter()))
mark("start")
import olivegen.cli
olivegen.cli.build_parser()
mark("CLI: import and argument parser")
import pydantic
mark("import pydantic")
import olivegen.api as api
mark("import the recipe models (class creation)")
from pathlib import Path
path = Path(sys.argv[1])
source = api.load_source(path)
mark("read + compose (YAML libraries, extends, matrix)")
recipe = api._validate(source)  # the stages one by one, only to time each
mark("pydantic: build the Recipe validator once + validate")
found = api._check(recipe, source, path)
mark("semantic rules")
if any(d.severity.value == "error" for d in found):  # validate stops here: nothing is rendered
    from olivegen.report.formats import FileReport, render
    render("text", [FileReport(str(path), found)])
    mark("report")
    print(json.dumps([(n, c, w) for n, c, w in marks]))
    sys.exit(0)
from olivegen.render.context import build_context
from olivegen.render.jinja import render_config
config = render_config(build_context(recipe, path, recipe.olive), recipe.olive)
mark("render (import Jinja, compile templates, render, json.loads)")
from olivegen.render.output_check import check_config
check_config(config, recipe.olive)
mark("check the rendered config (output schema)")
from olivegen.report.formats import FileReport, render
render("text", [FileReport(str(path), found)])
mark("report")
print(json.dumps([(n, c, w) for n, c, w in marks]))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipe", nargs="?", type=Path, default=ROOT / "examples" / "phi35-travel-lab.yaml")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    py = sys.executable
    subprocess.run([py, "-c", STAGES, str(args.recipe)], check=True, capture_output=True)  # warm-up
    starts, runs = [], []
    for _ in range(args.runs):
        begin = time.perf_counter()
        subprocess.run([py, "-c", "pass"], check=True)
        starts.append(time.perf_counter() - begin)
        out = subprocess.run([py, "-c", STAGES, str(args.recipe)], check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout))
    names = [name for name, _, _ in runs[0][1:]]
    assert all([n for n, _, _ in r] == [n for n, _, _ in runs[0]] for r in runs)
    print(f"| stage (cold `olivegen validate {args.recipe.name}`) | CPU ms | wall ms |")
    print("| --- | ---: | ---: |")
    print(f"| Python start-up (`python -c pass`, wall) | | {statistics.median(starts) * 1000:.0f} |")
    total_cpu = total_wall = 0.0
    for i, name in enumerate(names, 1):
        cpu = statistics.median((r[i][1] - r[i - 1][1]) * 1000 for r in runs)
        wall = statistics.median((r[i][2] - r[i - 1][2]) * 1000 for r in runs)
        total_cpu, total_wall = total_cpu + cpu, total_wall + wall
        print(f"| {name} | {cpu:.0f} | {wall:.0f} |")
    print(f"| sum of the stages | {total_cpu:.0f} | {total_wall:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
