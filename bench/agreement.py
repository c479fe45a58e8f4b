"""Agreement benchmark: olivegen's verdict vs Olive 0.13's, case by case (issue 19, item 2).

    python bench/agreement.py                 # olivegen + Olive's config check; writes docs/agreement.md
                                              # and bench/agreement-verdicts.json
    python bench/agreement.py --run           # also the real `olive run`s on the tiny model (cases with run=True)
    python bench/agreement.py --olivegen-only # re-record olivegen's verdicts only (after a rule change)

The catalogue (bench/agreement_cases.py) holds base recipes and cases: a mutation of a base recipe.
For each case:

- olivegen's verdict: `api.compile` of the mutated recipe: accept, or refuse with its error rule ids;
- the config Olive judges: the config olivegen renders; where olivegen refuses a recipe that
  validates, the config rendered from it with the semantic checks skipped (the mutation as Olive
  would see it); where the schema refuses it, the base's config with the case's `olive_ops`;
- Olive's verdict: `RunConfig.parse_file_or_obj`, the target's accelerator, each pass's
  `generate_config` and `validate_config` (bench/agreement_olive.py, in a subprocess with a
  timeout, under the Python that has olive-ai); for cases decided only at run time or on hardware
  that is not here, the catalogue's `olive_says` with the source line that decides it; with
  `--run`, a real `olive run` of the cases marked `run` on the tiny model (bench/agreement_run.py).

Agreement: olivegen refuses and Olive fails (rejects, prunes a pass, ignores a key, or fails at run
time), or olivegen accepts and Olive runs it. A false refusal: olivegen refuses what Olive runs. A
false acceptance: olivegen accepts what Olive fails on.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from olivegen import api  # noqa: E402
from olivegen.errors import RecipeError, Severity  # noqa: E402
from olivegen.knowledge.passes import OLIVE_PYTORCH_QUANTIZERS  # noqa: E402

VERDICTS = ROOT / "bench" / "agreement-verdicts.json"
REPORT = ROOT / "docs" / "agreement.md"
SAMPLE = ROOT / "olivegen" / "recipe" / "presets" / "data" / "chat.jsonl"
OLIVE_TIMEOUT = 900
RUN_TIMEOUT = 600


def catalogue() -> Any:
    """Load bench/agreement_cases.py (a data file, not a package module)."""
    spec = importlib.util.spec_from_file_location("agreement_cases", ROOT / "bench" / "agreement_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workdir(folder: Path) -> Path:
    """Prepare the folder recipes are written to: the sample data they read."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE, folder / "data" / "chat.jsonl")
    return folder


def apply_ops(data: Any, ops: list[tuple[Any, ...]]) -> Any:
    """Return a copy of `data` with the catalogue's ops applied."""
    data = copy.deepcopy(data)
    for op in ops:
        kind, path = op[0], op[1]
        parent = data
        for key in path[:-1]:
            if isinstance(parent, dict) and key not in parent:
                parent[key] = {}
            parent = parent[key]
        last = path[-1]
        if kind == "set":
            parent[last] = copy.deepcopy(op[2])
        elif kind == "del":
            del parent[last]
        elif kind == "insert":
            parent.insert(last, copy.deepcopy(op[2]))
        elif kind == "rename":
            parent[op[2]] = parent.pop(last)
        else:
            raise ValueError(f"unknown op {kind!r}")
    return data


def recipe_of(case: dict[str, Any], bases: dict[str, Any]) -> dict[str, Any]:
    """Return the mutated recipe data of a case."""
    return apply_ops(bases[case["base"]], case.get("ops", []))


def write_recipe(folder: Path, case: dict[str, Any], bases: dict[str, Any]) -> Path:
    import yaml

    path = folder / f"{case['id']}.yaml"
    data = recipe_of(case, bases)
    data.setdefault("name", case["id"].replace("-", "_").replace(".", "_"))
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def olivegen_verdict(case: dict[str, Any], bases: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Compile a case with olivegen: {"verdict": accept|refuse, "rules": [error rule ids]}, plus the config."""
    path = write_recipe(folder, case, bases)
    try:
        (compiled,) = api.compile(path)
    except RecipeError as exc:
        rules = sorted({d.rule or "?" for d in exc.diagnostics if d.severity is Severity.ERROR})
        return {"verdict": "refuse", "rules": rules, "config": None, "path": path}
    warnings = sorted({d.rule or "?" for d in compiled.warnings})
    return {"verdict": "accept", "rules": [], "warnings": warnings, "config": compiled.config, "path": path}


def olive_config(case: dict[str, Any], bases: dict[str, Any], folder: Path, mine: dict[str, Any]) -> Any:
    """The config Olive judges for a case (see the module docstring); None when the mistake has no Olive form."""
    if mine["config"] is not None:
        return mine["config"]
    source = api.load_source(mine["path"])
    try:
        recipe = api._validate(source)
    except RecipeError:
        if "olive_ops" not in case:
            return None
        base = dict(case, ops=[], id=f"{case['id']}--base")
        base_compiled = olivegen_verdict(base, bases, folder)
        if base_compiled["config"] is None:
            return None
        return apply_ops(base_compiled["config"], case["olive_ops"])
    try:  # the recipe validates: render it as it is, the semantic checks skipped
        return api._render(recipe, mine["path"], recipe.olive, None)
    except Exception:  # noqa: BLE001  (a template cannot render it: no Olive form)
        return None


def olive_python() -> str:
    """The Python that has olive-ai: OLIVE_PYTHON, else the checkout's .venv, else this one."""
    for candidate in (os.environ.get("OLIVE_PYTHON"), ROOT / ".venv/bin/python"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return sys.executable


def olive_judge(configs: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Run bench/agreement_olive.py on every config in one subprocess (Olive imported once)."""
    src, out = folder / "olive-in.json", folder / "olive-out.json"
    src.write_text(json.dumps(configs), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [olive_python(), str(ROOT / "bench" / "agreement_olive.py"), str(src), str(out)],
        check=True,
        timeout=OLIVE_TIMEOUT,
        env=env,
        cwd=folder,
    )
    judged: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return judged


def olive_verdict(case: dict[str, Any], judged: dict[str, Any] | None, ran: dict[str, Any] | None) -> dict[str, Any]:
    """Combine the config check, the catalogue's source facts and a real run into Olive's verdict."""
    if ran is not None:
        return {"verdict": "accept" if ran["ok"] else "fail", "how": "run", "evidence": ran["evidence"]}
    if "olive_says" in case:  # decided at run time or on hardware: the source line says what Olive does
        how = "hardware" if case.get("hardware") else "source"
        return {"verdict": case["olive_says"], "how": how, "evidence": case.get("hardware") or case.get("evidence", "")}
    if judged is None:
        return {"verdict": "n/a", "how": "none", "evidence": "the mistake has no Olive config form"}
    missing = [
        p for p in judged["rejected"] if "Please install" in p or p.startswith(("ImportError", "ModuleNotFound"))
    ]
    if missing:  # a package the pass needs is not installed here: Olive cannot judge it on this machine
        return {"verdict": "n/a", "how": "package", "evidence": missing[0] + "; " + case.get("hardware", "")}
    if judged["rejected"]:
        found = {"verdict": "fail", "how": "check", "evidence": judged["rejected"][0]}
    elif judged["pruned"]:
        found = {"verdict": "fail", "how": "validate_config", "evidence": judged["pruned"][0]}
    elif judged["ignored"]:
        found = {"verdict": "ignore", "how": "check", "evidence": judged["ignored"][0]}
    else:
        found = {"verdict": "accept", "how": "check", "evidence": ""}
    if case.get("hardware"):  # the check is all Olive says here; a run needs hardware not here
        found = {**found, "how": "hardware", "evidence": "; ".join(filter(None, (found["evidence"], case["hardware"])))}
    return found


def outcome(mine: str, olive: str) -> str:
    """agree / false refusal / false acceptance / no Olive verdict."""
    if olive == "n/a":
        return "no Olive verdict"
    olive_fails = olive in ("fail", "ignore")
    if mine == "refuse":
        return "agree" if olive_fails else "false refusal"
    return "false acceptance" if olive_fails else "agree"


def olivegen_only(cases: list[dict[str, Any]], bases: dict[str, Any]) -> dict[str, Any]:
    """Every case's olivegen verdict (what the fast unit test recompiles and compares)."""
    with tempfile.TemporaryDirectory(prefix="olivegen-agree-") as tmp:
        folder = workdir(Path(tmp))
        return {
            case["id"]: {k: v for k, v in olivegen_verdict(case, bases, folder).items() if k in ("verdict", "rules")}
            for case in cases
        }


def report(rows: list[dict[str, Any]], command: str) -> str:
    """docs/agreement.md: the counts, then the table, then the disagreements with their evidence."""
    from collections import Counter

    counts = Counter(r["outcome"] for r in rows)
    judged = [r for r in rows if r["outcome"] != "no Olive verdict"]
    cpu = [r for r in judged if r["olive"]["how"] != "hardware"]
    cpu_counts = Counter(r["outcome"] for r in cpu)
    kinds = Counter(r["kind"] for r in rows)
    lines = [
        "# Agreement with Olive 0.13",
        "",
        "olivegen's verdict (`api.compile`) against Olive 0.13's on every case of `bench/agreement_cases.py`"
        " (bench/agreement.py explains how each verdict is reached). Generated; do not edit.",
        "",
        f"- command: `{command}`" if "`" not in command else f"- command: `{command})",
        f"- date: {datetime.date.today().isoformat()}",
        f"- cases: {len(rows)} ({kinds['mistake']} mistakes, {kinds['valid']} valid variants) over"
        f" {len({r['base'] for r in rows})} base recipes",
        f"- agree: {counts['agree']}, false refusals: {counts['false refusal']},"
        f" false acceptances: {counts['false acceptance']}, no Olive verdict: {counts['no Olive verdict']}"
        " (no Olive form, or a package not installed here)",
        f"- among the cases Olive can judge here (not hardware): {len(cpu)} cases, agree {cpu_counts['agree']},"
        f" false refusals {cpu_counts['false refusal']}, false acceptances {cpu_counts['false acceptance']}",
        f"- false refusals by how Olive judged: {_by_how(rows, 'false refusal')};"
        f" false acceptances: {_by_how(rows, 'false acceptance')}",
        "",
        "A false refusal judged by `check` alone means Olive's config check and `validate_config` let the value"
        " through; whether `olive run` then fails (in peft, transformers, torch.onnx ...) is not measured by the"
        " check. Such a case is settled by a real run or a source line in the catalogue (`olive_says`).",
        "",
        "Olive's verdict: `fail` (rejected by its config check, a pass pruned by `validate_config`, or a"
        " failure at run time), `ignore` (runs, ignoring a key), `accept`, `n/a` (no Olive form, or a package"
        " the pass needs is not"
        " installed here: `how` is `package`). `how`:"
        " `check`, `validate_config`, `run` (a real `olive run` on the tiny model), `source` (decided at"
        " run time; the evidence names the source line), `hardware` (needs hardware not here; ditto).",
        "",
        "## Disagreements",
        "",
    ]
    bad = [r for r in rows if r["outcome"] in ("false refusal", "false acceptance")]
    if not bad:
        lines.append("None.")
    for r in bad:
        lines.append(
            f"- **{r['id']}** ({r['outcome']}): {r['why']}. olivegen: {r['olivegen']['verdict']}"
            f" {' '.join(r['olivegen']['rules'])}; Olive ({r['olive']['how']}): {r['olive']['verdict']}"
            f" — {_cell(r['olive']['evidence'], 400)}"
        )
    lines += [
        "",
        "## Every case",
        "",
        "| case | base | kind | olivegen | Olive | how | outcome | evidence |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        mine = r["olivegen"]["verdict"] + (f" ({', '.join(r['olivegen']['rules'])})" if r["olivegen"]["rules"] else "")
        lines.append(
            f"| {r['id']} | {r['base']} | {r['kind']} | {mine} | {r['olive']['verdict']} | {r['olive']['how']}"
            f" | {r['outcome']} | {_cell(r['olive']['evidence'], 160)} |"
        )
    return "\n".join(lines) + "\n"


def _by_how(rows: list[dict[str, Any]], outcome: str) -> str:
    from collections import Counter

    found = Counter(r["olive"]["how"] for r in rows if r["outcome"] == outcome)
    return ", ".join(f"{how} {n}" for how, n in sorted(found.items())) or "none"


def _cell(text: str, limit: int) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", action="store_true", help="also a real `olive run` of the cases marked run=True")
    parser.add_argument("--olivegen-only", action="store_true", help="re-record olivegen's verdicts only")
    parser.add_argument("--only", nargs="*", help="case ids (default: all)")
    args = parser.parse_args(argv)
    cat = catalogue()
    cases = [c for c in cat.CASES if not args.only or c["id"] in args.only]
    recorded: dict[str, Any] = json.loads(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.exists() else {}
    if args.olivegen_only:
        for case_id, mine in olivegen_only(cases, cat.BASES).items():
            recorded.setdefault(case_id, {})["olivegen"] = mine
        VERDICTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"re-recorded olivegen's verdicts of {len(cases)} cases in {VERDICTS.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory(prefix="olivegen-agree-") as tmp:
        folder = workdir(Path(tmp))
        mine = {c["id"]: olivegen_verdict(c, cat.BASES, folder) for c in cases}
        configs = {c["id"]: olive_config(c, cat.BASES, folder, mine[c["id"]]) for c in cases}
        judged = olive_judge({k: v for k, v in configs.items() if v is not None}, folder)
        ran: dict[str, Any] = {}
        if args.run:
            ran = run_cases([c for c in cases if c.get("run")], cat.BASES, folder, configs)
    rows = []
    for case in cases:
        olive = olive_verdict(case, judged.get(case["id"]), ran.get(case["id"]) or _recorded_run(recorded, case))
        verdict = {k: v for k, v in mine[case["id"]].items() if k in ("verdict", "rules")}
        rows.append(
            {
                "id": case["id"],
                "base": case["base"],
                "kind": case["kind"],
                "why": case["why"],
                "olivegen": verdict,
                "olive": olive,
                "outcome": outcome(verdict["verdict"], olive["verdict"]),
            }
        )
        recorded[case["id"]] = {"olivegen": verdict, "olive": olive}
    command = "python bench/agreement.py" + (" --run" if args.run else "")
    if not args.run and any(r["olive"]["how"] == "run" for r in rows):
        command += "` (the real runs of an earlier `python bench/agreement.py --run` kept"
    VERDICTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if not args.only:  # the report is of the whole catalogue
        REPORT.write_text(report(rows, command), encoding="utf-8")
    from collections import Counter

    print(dict(Counter(r["outcome"] for r in rows)))
    return 0


def run_cases(
    cases: list[dict[str, Any]], bases: dict[str, Any], folder: Path, configs: dict[str, Any]
) -> dict[str, Any]:
    """A real `olive run` of each case's config on the tiny model, on the CPU (every case marked run=True).

    About 40 runs: close to an hour on two cores; `--only` picks some.
    """
    from olivegen.runner.tinymodel import build_tiny_model

    out: dict[str, Any] = {}
    for case in cases:
        config = copy.deepcopy(configs.get(case["id"]))
        if config is None:
            continue
        arch = "llama" if "llama" in str(config["input_model"].get("model_path", "")).lower() else "phi3"
        tiny = build_tiny_model(folder / f"tiny-{arch}", arch)
        if not case.get("run_keeps_model"):  # the mistake is in the model path itself: keep it
            config["input_model"]["model_path"] = str(tiny.model_dir)
        config["input_model"].get("load_kwargs", {}).pop("trust_remote_code", None)
        cpu = {
            "type": "LocalSystem",
            "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}],
        }
        config["systems"] = {"host_system": cpu, "target_system": copy.deepcopy(cpu)}
        config["engine"]["host"], config["engine"]["target"] = "host_system", "target_system"
        for spec in config["passes"].values():  # the tiny model's hidden size is 64: a group of 128 cannot divide it
            if spec.get("type") in OLIVE_PYTORCH_QUANTIZERS and spec.get("group_size", 128) > 32:
                spec["group_size"] = 32
        config["engine"]["output_dir"] = str(folder / f"run-{case['id']}")
        config["engine"]["cache_dir"] = str(folder / "olive-cache")
        path = folder / f"run-{case['id']}.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        try:
            done = subprocess.run(
                [olive_python(), "-m", "olive", "run", "--config", str(path)],
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT,
                cwd=folder,
            )
            tail = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()][-3:]
            ok = done.returncode == 0 and any((folder / f"run-{case['id']}").rglob("*.onnx"))
            lines = (done.stdout + done.stderr).splitlines()
            errors = [line.strip() for line in lines if "Error" in line and "Traceback" not in line][:2]
            written = "" if ok or done.returncode else "no ONNX model written; "
            evidence = f"olive run on the tiny {arch} (CPU): exit {done.returncode}; {written}" + " / ".join(
                errors or tail
            )
            if ok:  # the log's tail is progress bars: say what the run made
                evidence = f"olive run on the tiny {arch} (CPU): exit 0, ONNX model written"
        except subprocess.TimeoutExpired:
            ok, evidence = False, f"olive run on the tiny {arch}: no result in {RUN_TIMEOUT} s"
        out[case["id"]] = {"ok": ok, "evidence": evidence}
        print(case["id"], "ok" if ok else "FAILED", evidence[:200])
    return out


def _recorded_run(recorded: dict[str, Any], case: dict[str, Any]) -> dict[str, Any] | None:
    """A real run recorded earlier (kept across runs without --run)."""
    olive = recorded.get(case["id"], {}).get("olive", {})
    if olive.get("how") == "run":
        return {"ok": olive["verdict"] == "accept", "evidence": olive["evidence"]}
    return None


if __name__ == "__main__":
    raise SystemExit(main())
