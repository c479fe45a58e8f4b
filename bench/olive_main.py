"""The corpus configs that need Olive's main branch: import -> render --olive-version main -> the real Olive main.

    python bench/olive_main.py ../shared/olive-corpus --python .venv-olive-main/bin/python
    python bench/olive_main.py ../shared/olive-corpus --python PY --markdown docs/olive-main-table.md

A config needs main when it names a pass that Olive 0.13.0's registry lacks and main's has, or a
parameter that main's pass module declares and Olive 0.13's pass lacks (`cpu_only` of
VitisGenerateModelLLM): the pass tables of ../shared/olive-pass-tables/ (`olive_passes_by_version.json`
v0.13.0 vs HEAD, `olive_head_pass_params.json`), with 0.13's parameters from olivegen's vendored
registry. Each such config is imported, rendered for `--olive-version main`, and both the original and
the rendered config are checked by the Olive main of `--python` (RunConfig and every pass's own config
class, `python -m olivegen.render.olive_check --many`, from the config's own folder in a scratch copy
with empty stand-ins for the scripts the corpus does not hold, as bench/corpus.py does).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import configs, stub_scripts  # noqa: E402
from olive_semantics import differences, meaning  # noqa: E402

from olivegen.errors import RecipeError, Severity  # noqa: E402


@dataclass
class Row:
    """One config that needs main, and what happened to it."""

    file: str
    needs: list[str]
    imported: bool = False
    rendered: bool = False
    same_meaning: bool | None = None
    main_accepts_original: bool | None = None
    main_accepts_rendered: bool | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    original_problems: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        """Tell whether olivegen and Olive main agree: olivegen renders what main accepts, and only that."""
        return bool(self.main_accepts_rendered) == bool(self.main_accepts_original)


def main_only(tables: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Return main's passes that 0.13.0 lacks (folded name -> name), and main's parameters per pass (folded)."""
    by_version = json.loads((tables / "olive_passes_by_version.json").read_text(encoding="utf-8"))["passes"]
    released = {_fold(p) for p in by_version["v0.13.0"]}
    passes = {_fold(p): p for p in by_version["HEAD"] if _fold(p) not in released}
    head = json.loads((tables / "olive_head_pass_params.json").read_text(encoding="utf-8"))
    params = {_fold(name): set(names) for name, names in head.items() if isinstance(names, list)}
    return passes, params


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def needs_main(config: Any, passes: dict[str, str], params: dict[str, set[str]]) -> list[str]:
    """Return why a config needs main: its main-only passes and main-only parameters (empty: it does not)."""
    from olivegen.knowledge.catalog import canonical_pass_in, pass_params_in

    found = []
    declared = config.get("passes") if isinstance(config, dict) else None
    for spec in (declared or {}).values() if isinstance(declared, dict) else []:
        for one in spec if isinstance(spec, list) else [spec]:
            if not isinstance(one, dict) or not isinstance(one.get("type"), str):
                continue
            kind = one["type"]
            if _fold(kind) in passes:
                found.append(passes[_fold(kind)])
                continue
            canonical = canonical_pass_in(kind, "0.13")
            if canonical is None:
                continue
            flat = {**one, **(one.get("config") or {})} if isinstance(one.get("config"), dict) else one
            released = set(pass_params_in(canonical, "0.13"))
            newer = sorted(p for p in flat if p in params.get(_fold(kind), set()) and p not in released)
            found += [f"{canonical}.{p}" for p in newer]
    return sorted(set(found))


def run(folder: Path, python: str, tables: Path) -> tuple[list[Row], float]:
    """Measure every config of the corpus that needs main; return the rows and the seconds taken."""
    from olivegen.render.olive_check import check_files

    passes, params = main_only(tables)
    start = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="olivegen-main-") as scratch:
        work = Path(scratch) / folder.resolve().name
        shutil.copytree(folder, work, symlinks=True)
        stub_scripts(work)
        to_check: list[tuple[Row, Path, Path | None]] = []
        for path, _, _ in configs(work):
            try:
                config = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            needs = needs_main(config, passes, params)
            if not needs:
                continue
            row = Row(str(path.relative_to(work)), needs)
            rows.append(row)
            to_check.append((row, path, _import_and_render(row, path, config)))
        files = [str(p) for _, p, _ in to_check] + [str(r) for _, _, r in to_check if r is not None]
        found = check_files(python, files, trust_scripts=True)  # stand-ins only: empty files
        for row, path, rendered in to_check:
            row.original_problems = [p.replace(str(work), "") for p in found[str(path)]]
            row.main_accepts_original = not row.original_problems
            if rendered is not None:
                mine = found[str(rendered)]
                row.main_accepts_rendered = not mine
                row.problems = [p.replace(str(work), "") for p in mine]
                if mine and not row.reason:
                    row.reason = "Olive main: " + row.problems[0]
    return rows, time.perf_counter() - start


def _import_and_render(row: Row, path: Path, original: dict[str, Any]) -> Path | None:
    """Import one config, render it for main beside the original; return the rendered file (None: failed)."""
    from olivegen.api import Options, compile
    from olivegen.importer import convert_config, name_from_config, recipe_yaml
    from olivegen.source.olive_config import load_config_with_positions

    try:
        loaded, where = load_config_with_positions(path)
        converted = convert_config(loaded, where, str(path))
    except RecipeError as exc:
        row.reason = "import: " + _first(exc)
        return None
    row.imported = True
    recipe_path = path.with_name(path.stem + ".olivegen.yaml")  # never written: only its folder matters
    name_from_config(converted.recipe, path, recipe_path)
    text = recipe_yaml(converted.recipe, converted.comments, source=path.name, generation=converted.generation)
    try:
        (compiled,) = compile(recipe_path, Options(generation="main", texts={recipe_path.resolve(): text}))
    except RecipeError as exc:
        row.reason = "render: " + _first(exc)
        return None
    row.rendered = True
    base = str(path.resolve().parent)
    changed = differences(meaning(original, base), meaning(compiled.config, base))
    row.same_meaning = not changed
    if changed and not row.reason:
        row.reason = "meaning changed: " + changed[0]
    rendered = path.with_name(path.stem + ".main.json")
    rendered.write_text(compiled.text, encoding="utf-8")
    return rendered


def _first(exc: RecipeError) -> str:
    errors = [d for d in exc.diagnostics if d.severity is Severity.ERROR] or list(exc.diagnostics)
    d = errors[0] if errors else None
    return "(no diagnostic)" if d is None else f"{d.at.line}:{d.at.col}: {d.message}" if d.at else d.message


def markdown(rows: list[Row], seconds: float, command: str) -> str:
    """Return the tables: totals, per main-only pass or parameter, and every failure with its reason."""

    def count(selected: list[Row]) -> str:
        n = len(selected)
        return (
            f"| {n} | {sum(r.imported for r in selected)} | {sum(r.rendered for r in selected)}"
            f" | {sum(bool(r.same_meaning) for r in selected)} | {sum(bool(r.main_accepts_rendered) for r in selected)}"
            f" | {sum(bool(r.main_accepts_original) for r in selected)} | {sum(r.agrees for r in selected)} |"
        )

    head = (
        "| configs | imported | rendered for main | same meaning | Olive main accepts the rendered"
        " | ... the original | olivegen and Olive main agree |"
    )
    lines = [f"`{command}` ({seconds:.0f} s):", "", head, "| --- " * 7 + "|", count(rows), ""]
    lines += ["| main has, 0.13 lacks | " + head[2:], "| --- " * 8 + "|"]
    for need, _ in Counter(n for r in rows for n in r.needs).most_common():
        lines.append(f"| `{need}` " + count([r for r in rows if need in r.needs]))
    failed = [r for r in rows if not r.main_accepts_rendered]
    lines += ["", f"Not accepted by Olive main as rendered ({len(failed)}):", ""]
    if failed:
        lines += ["| config | why not | Olive main on the original |", "| --- | --- | --- |"]
        lines += [
            f"| {r.file} | {_cell(r.reason)} | {_cell(r.original_problems[0]) if r.original_problems else 'accepts'} |"
            for r in failed
        ]
    else:
        lines.append("none.")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")[:240]


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print (or write) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the corpus (MANIFEST.tsv, or a folder of configs)")
    parser.add_argument(
        "--python",
        default=os.environ.get("OLIVEGEN_OLIVE_MAIN_PYTHON"),
        help="a Python with Olive's main branch (default: $OLIVEGEN_OLIVE_MAIN_PYTHON)",
    )
    parser.add_argument("--tables", type=Path, help="the pass tables (default: olive-pass-tables beside the corpus)")
    parser.add_argument("--markdown", type=Path, help="write the tables here")
    parser.add_argument("--json", type=Path, help="write one record per config here")
    args = parser.parse_args(argv)
    if not args.python:
        parser.error("give --python, a Python with Olive's main branch (or set OLIVEGEN_OLIVE_MAIN_PYTHON)")
    tables = args.tables or args.folder.resolve().parent / "olive-pass-tables"
    rows, seconds = run(args.folder, args.python, tables)
    command = f"python bench/olive_main.py {args.folder} --python {args.python}"
    text = markdown(rows, seconds, command)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        records = [{**r.__dict__, "agrees": r.agrees} for r in rows]
        args.json.write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
