"""Real Olive configs through import -> validate -> render -> Olive 0.13's check -> a semantic diff.

    python bench/corpus.py FOLDER                 # every config of FOLDER (MANIFEST.tsv if present, else *.json/*.yaml)
    python bench/corpus.py FOLDER --no-olive      # skip the installed Olive's check (no olive-ai needed)
    python bench/corpus.py FOLDER --json out.json # one record per config (outcome, reason, differences)
    python bench/corpus.py FOLDER --markdown t.md # the tables as Markdown (docs/corpus.md)

Each config ends in one outcome:

- kept: imported, the recipe validates, it renders, the installed Olive (0.13) accepts the rendered
  config with no ignored key, and the rendered config means what the original meant
  (bench/olive_semantics.py: Olive's defaults filled in on both sides, legacy spellings normalized);
- refused: the imported recipe does not validate; the reason is the first error (with its position);
- meaning changed: it renders, but Olive would do something else than with the original;
- olive rejects: it renders and means the same, but Olive 0.13 rejects or ignores part of it;
- crash: a traceback anywhere in olivegen.

Then `olivegen validate` checks every original in one call and its time is reported. The
installed Olive is imported once, in this process, for every config (`--olive` of the CLI pays
its 5 s import per process).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from olive_semantics import differences, meaning  # noqa: E402

from olivegen.errors import RecipeError, Severity  # noqa: E402

OUTCOMES = ("kept", "refused", "meaning changed", "olive rejects", "crash")


@dataclass
class Result:
    """What happened to one config."""

    file: str
    source: str
    generation: str
    outcome: str = ""
    reason: str = ""
    differences: list[str] = field(default_factory=list)
    olive: list[str] = field(default_factory=list)
    import_warnings: int = 0
    olive_accepts_original: bool | None = None  # Olive 0.13's verdict on the original (None: not asked)
    validate_errors: int = 0
    label: str = ""  # the generation `olivegen import` labels the config with


def configs(folder: Path) -> list[tuple[Path, str, str]]:
    """Return (file, source repository, generation) of every config of a folder."""
    manifest = folder / "MANIFEST.tsv"
    if manifest.exists():
        with manifest.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        out = []
        for row in rows:
            name = row.get("saved_name") or row.get("path") or ""
            gen = row.get("generation_hint") or row.get("generation") or "?"
            out.append((folder / name, row.get("repo") or row.get("repository") or "?", gen))
        return out
    files = sorted(p for ext in ("*.json", "*.yaml", "*.yml") for p in folder.rglob(ext))
    return [(p, p.relative_to(folder).parts[0] if len(p.relative_to(folder).parts) > 1 else ".", "?") for p in files]


# A refusal that names what Olive 0.13 lacks (a pass or parameter newer than it, removed, renamed, in no release).
MISSING = re.compile(
    r"newer than Olive|in no Olive release|removed after Olive|no longer has|is called \w+ in Olive"
    r"|not in Olive 0\.9\.2, 0\.13|outdated key|does not exist in Olive"
    r"|runs one execution provider|runs one list of passes"
    r"|gone since Olive 0\.6\.2|Olive 0\.13 has no way|which Olive 0\.13 ignores"
)


def reason_class(message: str) -> str:
    """Group refusal messages: quoted names and numbers become placeholders."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "X", message)
    return re.sub(r"\d+", "N", text)[:110]


def run_one(path: Path, source: str, generation: str, olive: bool, older: list[Any] | None = None) -> Result:
    """Import, compile, check with Olive and compare one config."""
    from olivegen.api import Options, compile
    from olivegen.importer import convert_config, recipe_yaml
    from olivegen.source.olive_config import load_config_with_positions

    result = Result(str(path), source, generation)
    try:
        try:
            original, where = load_config_with_positions(path)
        except RecipeError as exc:
            result.outcome, result.reason = "refused", _first(exc)
            return result
        if olive:  # asked first: a config import refuses outright still gets Olive's verdict
            result.olive_accepts_original = not _olive_on_original(original, path)
        try:
            converted = convert_config(original, where, str(path))
        except RecipeError as exc:
            result.outcome, result.reason = "refused", _first(exc)
            return result
        result.label = converted.generation
        result.import_warnings = sum(1 for d in converted.diagnostics if d.severity is Severity.WARNING)
        recipe_path = path.with_name(path.stem + ".olivegen.yaml")  # never written: only its folder matters
        from olivegen.importer import name_from_config

        name_from_config(converted.recipe, path, recipe_path)  # as `olivegen import -o` names it
        text = recipe_yaml(converted.recipe, converted.comments, source=path.name, generation=converted.generation)
        try:
            (compiled,) = compile(recipe_path, Options(texts={recipe_path.resolve(): text}))
        except RecipeError as exc:
            result.outcome, result.reason = "refused", _first(exc)
            return result
        base = str(path.resolve().parent)
        result.differences = differences(meaning(original, base), meaning(compiled.config, base))
        if result.differences:
            result.outcome = "meaning changed"
            return result
        if olive and compiled.recipe.olive == "0.13":
            from olivegen.render.olive_check import olive_problems

            rendered = set(olive_problems(compiled.config, trust_scripts=True))  # stand-ins only: empty files
            known = set() if result.olive_accepts_original else {_same(p) for p in _olive_on_original(original, path)}
            result.olive = sorted(p for p in rendered if _same(p) not in known)
        elif olive and older is not None:  # rendered for Olive 0.9: checked later by a 0.9.2 Python, in one batch
            older.append((result, compiled.config, original, path))
        result.outcome = "olive rejects" if result.olive else "kept"
    except Exception:  # noqa: BLE001 - the point is to count them
        result.outcome, result.reason = "crash", traceback.format_exc(limit=-3).strip().splitlines()[-1]
        result.olive = traceback.format_exc().splitlines()[-8:]
    return result


def _same(problem: str) -> str:
    """Olive's problem without the evaluator's name, which import may change (`common_evaluator` -> `evaluator`)."""
    return re.sub(r"^evaluators\.[^.:]+", "evaluators.*", problem)


def _olive_on_original(original: dict[str, Any], path: Path) -> set[str]:
    """What Olive 0.13 says about the original config, run from its folder (a missing user script is not ours)."""
    import os

    from olivegen.render.olive_check import olive_problems

    here = os.getcwd()
    try:
        os.chdir(path.resolve().parent)
        return set(olive_problems(original, trust_scripts=True))
    except Exception:  # noqa: BLE001 - an original Olive cannot read: nothing to subtract
        return set()
    finally:
        os.chdir(here)


def check_with_olive09(python: str, older: list[Any]) -> None:
    """Check the configs rendered for 0.9 with Olive 0.9.2 (another Python), minus its verdict on the originals."""
    import os
    import tempfile

    if not older:
        return
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for i, (_, config, _, path) in enumerate(older):
            rendered = Path(tmp) / f"{i}.json"
            rendered.write_text(json.dumps(config), encoding="utf-8")
            names += [str(rendered), str(path)]  # the original is read where it is, from its own folder
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        proc = subprocess.run(
            [python, "-m", "olivegen.render.olive_check", "--trust-scripts", "--many", *names],  # stand-ins only
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        try:
            found = json.loads(proc.stdout.strip().splitlines()[-1])
        except (json.JSONDecodeError, IndexError):
            found = {}
        for i, (result, _, _, _) in enumerate(older):
            mine = set(found.get(str(Path(tmp) / f"{i}.json"), ["olive 0.9.2 check did not run"]))
            theirs = set(found.get(str(older[i][3]), []))
            result.olive = sorted(p.replace(str(tmp), "") for p in mine - theirs)
            result.outcome = "olive rejects" if result.olive else "kept"


def _first(exc: RecipeError) -> str:
    errors = [d for d in exc.diagnostics if d.severity is Severity.ERROR] or list(exc.diagnostics)
    if not errors:
        return "(no diagnostic)"
    d = errors[0]
    return f"{d.at.line}:{d.at.col}: {d.message}" if d.at else d.message


def table(results: list[Result], key: str) -> list[str]:
    """Markdown table of outcomes grouped by one attribute."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        groups[getattr(r, key)][r.outcome] += 1
        groups["all"][r.outcome] += 1
    lines = [f"| {key} | configs | " + " | ".join(OUTCOMES) + " | kept % |", "| --- " * (len(OUTCOMES) + 3) + "|"]
    for name in sorted(groups, key=lambda g: (g == "all", g)):
        c = groups[name]
        total = sum(c.values())
        cells = " | ".join(str(c[o]) for o in OUTCOMES)
        lines.append(f"| {name} | {total} | {cells} | {100 * c['kept'] / total:.1f} |")
    return lines


def validate_all(folder: Path, files: list[Path]) -> tuple[float, str, Counter[str]]:
    """`olivegen validate` of every original in one call: seconds, its summary line, errors per file."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "olivegen", "validate", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    seconds = time.perf_counter() - start
    tail = proc.stderr.strip().splitlines()[-1:] or ["(no output)"]
    crashed = "Traceback" in proc.stderr
    errors: Counter[str] = Counter()
    try:
        for item in json.loads(proc.stdout or "[]"):
            if item.get("severity") == "error":
                errors[item.get("file", "")] += 1
    except json.JSONDecodeError:
        crashed = True
    return seconds, ("TRACEBACK: " if crashed else "") + tail[0], errors


def main(argv: list[str] | None = None) -> int:
    """Run the corpus and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--no-olive", action="store_true", help="skip the installed Olive's check")
    parser.add_argument("--no-validate", action="store_true", help="skip `olivegen validate` of the originals")
    parser.add_argument("--json", type=Path, help="write one record per config here")
    parser.add_argument("--markdown", type=Path, help="write the tables here")
    parser.add_argument("--only", help="only files whose name contains this text")
    parser.add_argument(
        "--bare", action="store_true", help="no stand-ins for the scripts configs name (refused as missing files)"
    )
    parser.add_argument(
        "--olive09",
        default=os.environ.get("OLIVEGEN_OLIVE09_PYTHON"),
        help="a Python with olive-ai 0.9.2: checks the configs rendered for 0.9 (default: $OLIVEGEN_OLIVE09_PYTHON)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="olivegen-corpus-") as scratch:
        # a scratch copy: Olive's checks create the output folders a config names (`models/...`) where
        # they run, and import writes recipes beside each config; the corpus folder stays as it is
        work = Path(scratch) / args.folder.resolve().name
        shutil.copytree(args.folder, work, symlinks=True)
        if not args.bare:
            stubbed = stub_scripts(work)
            print(f"stub scripts made in the scratch copy (the corpus holds configs only): {stubbed}", file=sys.stderr)
        return _measure(args, work)


SCRIPT_KEYS = {"user_script": "file", "model_script": "file", "script_dir": "folder"}


def stub_scripts(work: Path) -> int:
    """Make an empty stand-in for every script a config names that the corpus does not hold; return how many.

    The corpus keeps each config without the repository around it, so every `user_script: x.py`
    names a file that existed where the config was published and is missing here. olivegen (and
    Olive's RunConfig) refuse a missing script; a stand-in keeps that refusal about the corpus out
    of a measurement of import and render. Only relative paths inside the scratch copy are made.
    """
    made = 0

    def visit(node: Any, folder: Path) -> None:
        nonlocal made
        if isinstance(node, dict):
            for key, value in node.items():
                if key in SCRIPT_KEYS and isinstance(value, str) and value and not os.path.isabs(value):
                    target = (folder / value).resolve()
                    if target.is_relative_to(work.resolve()) and not target.exists():
                        if SCRIPT_KEYS[key] == "folder":
                            target.mkdir(parents=True, exist_ok=True)
                        else:
                            target.parent.mkdir(parents=True, exist_ok=True)
                            target.write_text("", encoding="utf-8")
                        made += 1
                else:
                    visit(value, folder)
        elif isinstance(node, list):
            for item in node:
                visit(item, folder)

    for path in sorted(work.rglob("*.json")):
        try:
            visit(json.loads(path.read_text(encoding="utf-8")), path.parent)
        except (OSError, ValueError):
            continue
    return made


def _measure(args: argparse.Namespace, work: Path) -> int:
    """Measure the copy `work` of `args.folder`; report file names as in `args.folder`."""
    items = configs(work)
    if args.only:
        items = [i for i in items if args.only in str(i[0])]
    start = time.perf_counter()
    older: list[Any] = []
    results = [run_one(path, source, gen, not args.no_olive, older) for path, source, gen in items]
    if args.olive09 and not args.no_olive:
        check_with_olive09(args.olive09, older)
    seconds = time.perf_counter() - start
    for r in results:
        r.file = str(args.folder / Path(r.file).relative_to(work))
    lines = [f"{len(results)} configs of {args.folder} in {seconds:.0f} s", ""]
    lines += table(results, "generation") + [""] + table(results, "source") + [""]
    reasons = Counter(f"{r.outcome}: {reason_class(r.reason)}" for r in results if r.outcome in ("refused", "crash"))
    lines += ["| refused or crashed because | configs |", "| --- | --- |"]
    lines += [f"| {reason} | {n} |" for reason, n in reasons.most_common(40)]
    changed = Counter(re.sub(r"\[\d+\]", "[i]", d.split(":")[0]) for r in results for d in r.differences[:50])
    if changed:
        lines += ["", "| meaning changed at | configs |", "| --- | --- |"]
        lines += [f"| {where} | {n} |" for where, n in changed.most_common(30)]
    rejected = Counter(reason_class(p)[:90] for r in results for p in r.olive)
    if rejected:
        lines += ["", "| Olive 0.13 rejects | configs |", "| --- | --- |"]
        lines += [f"| {p} | {n} |" for p, n in rejected.most_common(20)]
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        labels[r.generation][r.label or "(not read)"] += 1
    names = sorted({label for c in labels.values() for label in c})
    lines += ["", "| generation (manifest) | " + " | ".join(f"import says {n}" for n in names) + " |"]
    lines += ["| --- " * (len(names) + 1) + "|"]
    lines += [f"| {g} | " + " | ".join(str(labels[g][n]) for n in names) + " |" for g in sorted(labels)]
    refused = [r for r in results if r.outcome == "refused"]
    named = sum(1 for r in refused if MISSING.search(r.reason))
    lines += [
        "",
        f"refused configs whose first error names what Olive 0.13 lacks: {named} of {len(refused)};"
        " every refusal is positioned (line:column)"
        if all(re.match(r"\d+:\d+: ", r.reason) for r in refused)
        else f"refused configs whose first error names what Olive 0.13 lacks: {named} of {len(refused)}",
    ]
    if any(r.olive_accepts_original is not None for r in refused):
        also = sum(1 for r in refused if r.olive_accepts_original is False)
        lines += [f"refused configs that Olive 0.13 itself rejects (or logs keys it ignores): {also} of {len(refused)}"]
    warned = sum(1 for r in results if r.import_warnings)
    lines += ["", f"configs with import warnings (keys not carried over, each at its JSON path): {warned}"]
    if not args.no_validate:
        took, summary, errors = validate_all(work, [path for path, _, _ in items])
        errors = Counter({str(args.folder / Path(f).relative_to(work)): e for f, e in errors.items() if f})
        lines += [f"`olivegen validate` of all {len(items)} originals in one call: {took:.1f} s; {summary}"]
        accepted = [r for r in results if r.olive_accepts_original and not r.import_warnings]
        flagged = [r for r in accepted if errors[r.file]]
        lines += [
            f"originals Olive 0.13 accepts with no key import leaves behind: {len(accepted)};"
            f" of these, `olivegen validate` reports an error in {len(flagged)}"
        ]
        lines += [f"  {r.file}" for r in flagged[:10]]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    return 1 if any(r.outcome == "crash" for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
