"""Import every model folder of an olive-recipes snapshot as one matrix recipe; measure how much shorter it is.

    python bench/olive_recipes.py /work/.mirror/microsoft+olive-recipes/repo [--folders A,B] [--markdown]

The snapshot is a git directory (`fetch` microsoft/olive-recipes); its HEAD is extracted into a
temporary folder (nothing is copied into this repository). For every top-level folder holding
*.json files: the configs (JSON files with an Olive section; the rest, such as AI Toolkit's side
files, are skipped as `olivegen import` skips them), how many import alone (`olivegen import FILE
-o OUT` would exit 0), whether all of those import together as one recipe whose every variant
renders as its single import (`factor`: `olivegen import FOLDER -o OUT` wrote a recipe with a
variant per importing config), and the recipe's lines against the importing configs' non-blank
JSON lines. Overall figures count only folders whose configs import.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from olivegen.api import import_configs  # noqa: E402
from olivegen.errors import RecipeError, Severity  # noqa: E402
from olivegen.importer.discover import collect, is_config  # noqa: E402
from olivegen.source.olive_config import load_config_with_positions  # noqa: E402


def extract(repo: Path, into: Path) -> str:
    """Extract the snapshot's HEAD into `into`; return its commit."""
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    archive = into / "head.tar"
    subprocess.run(["git", "-C", str(repo), "archive", "-o", str(archive), "HEAD"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    archive.unlink()
    return commit


def measure(folder: Path, out: Path) -> dict[str, object]:
    """Import one model folder; return its row."""
    files, _ = collect([folder])
    configs = []
    for path in files:
        try:
            config, _ = load_config_with_positions(path)
        except RecipeError:
            configs.append(path)  # unreadable: a config that does not import
            continue
        if is_config(config):
            configs.append(path)
    row: dict[str, object] = {"folder": folder.name, "configs": len(configs), "imports": 0, "factors": False}
    if not configs:
        return row
    try:
        imported = import_configs([folder], out)
    except RecipeError as exc:
        row["error"] = exc.diagnostics[0].message
        return row
    importing = [p for p in configs if str(p) not in imported.left_out]
    errors = [d for d in imported.diagnostics if d.severity is Severity.ERROR]
    row["why_not"] = Counter(d.rule for d in {(d.at.path if d.at else "", d.rule): d for d in errors}.values())
    row["imports"] = len(importing)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in importing]
    row["json_lines"] = sum(sum(1 for line in text.splitlines() if line.strip()) for text in texts)
    row["json_chars"] = sum(_chars(text) for text in texts)
    if imported.text is not None:
        row["factors"] = len(imported.variants) >= len(importing)  # a multi-build config gives several
        row["yaml_lines"] = sum(1 for line in imported.text.splitlines() if line.strip())
        row["yaml_chars"] = _chars(_without_comments(imported.text))
        row["variants"] = len(imported.variants)
        row["warnings"] = sum(1 for d in imported.diagnostics if d.severity is Severity.WARNING)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path, help="git directory of an olive-recipes snapshot")
    parser.add_argument("--folders", help="comma-separated model folders (default: every one)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        commit = extract(args.repo, Path(tmp))
        tree = Path(tmp) / "tree"
        wanted = set(args.folders.split(",")) if args.folders else None
        folders = sorted(p for p in tree.iterdir() if p.is_dir() and not p.name.startswith("."))
        folders = [p for p in folders if (wanted is None or p.name in wanted) and any(p.rglob("*.json"))]
        rows = []
        started = time.perf_counter()
        for folder in folders:
            rows.append(measure(folder, folder / f"{folder.name}.olivegen.yaml"))
            print(_line(rows[-1], False), file=sys.stderr, flush=True)
        took = time.perf_counter() - started
    print(f"olive-recipes at {commit[:10]}: {len(rows)} model folders, {took:.0f} s")
    if args.markdown:
        print("| folder | configs | import alone | all in one recipe | YAML lines | JSON lines | ratio | chars ratio |")
        print("| --- | ---: | ---: | :---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(_line(row, args.markdown))
    done = [r for r in rows if r.get("yaml_lines") and r["factors"] and r["imports"]]
    yaml_total = sum(int(r["yaml_lines"]) for r in done)  # type: ignore[call-overload]
    json_total = sum(int(r["json_lines"]) for r in done)  # type: ignore[call-overload]
    yaml_chars = sum(int(r["yaml_chars"]) for r in done)  # type: ignore[call-overload]
    json_chars = sum(int(r["json_chars"]) for r in done)  # type: ignore[call-overload]
    configs = sum(int(r["configs"]) for r in rows)  # type: ignore[call-overload]
    imports = sum(int(r["imports"]) for r in rows)  # type: ignore[call-overload]
    why: Counter[str] = Counter()
    for row in rows:
        why.update(row.get("why_not") or {})  # type: ignore[arg-type]
    print("configs left out, by the rule of their errors (a config counts once per rule):", dict(why.most_common()))
    print(
        f"overall: {configs} configs, {imports} import alone, {len(done)} of {len(rows)} folders in one recipe;"
        f" {yaml_total} YAML lines / {json_total} JSON lines = {yaml_total / max(json_total, 1):.2f};"
        f" characters other than white space (YAML comments left out): {yaml_chars} / {json_chars}"
        f" = {yaml_chars / max(json_chars, 1):.2f}"
    )
    return 0


def _chars(text: str) -> int:
    """Count the characters other than white space: a second measure, which longer lines cannot shrink."""
    return sum(1 for c in text if not c.isspace())


def _without_comments(text: str) -> str:
    """Drop YAML comments (the REVIEW notes): whole comment lines and ` # ...` tails outside quotes."""
    kept = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        quote = None
        for i, c in enumerate(line):
            if quote:
                quote = None if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c == "#" and i and line[i - 1] == " ":
                line = line[:i]
                break
        kept.append(line)
    return "\n".join(kept)


def _line(row: dict[str, object], markdown: bool) -> str:
    ratio = (
        f"{int(row['yaml_lines']) / int(row['json_lines']):.2f}"  # type: ignore[call-overload]
        if row.get("yaml_lines") and row.get("json_lines")
        else "-"
    )
    cells = [
        str(row["folder"]),
        str(row["configs"]),
        str(row["imports"]),
        "yes" if row["factors"] else ("error: " + str(row["error"])[:60] if "error" in row else "no"),
        str(row.get("yaml_lines", "-")),
        str(row.get("json_lines", "-")),
        ratio,
        f"{int(row['yaml_chars']) / int(row['json_chars']):.2f}"  # type: ignore[call-overload]
        if row.get("yaml_chars") and row.get("json_chars")
        else "-",
    ]
    return ("| " + " | ".join(cells) + " |") if markdown else "  ".join(cells)


if __name__ == "__main__":
    raise SystemExit(main())
