"""Read each Olive pass's parameters at every release tag from a git mirror of microsoft/Olive.

    python -m tools.olive_param_history --repo /path/to/Olive.git            # writes the vendored table
    python -m tools.olive_param_history --repo /path/to/Olive.git --renames  # lists rename candidates
    python -m tools.olive_param_history --repo /path/to/Olive.git --main-only  # main's table only

Nothing of Olive is imported: each tag's sources are read with ``git show TAG:path`` and parsed
with ``ast`` (tools/olive_sources.py); a pass's parameters are what ``Pass.default_config(cls)``
returns at that tag, read statically (tools/olive_default_config.py). What the static read is not
sure of is written to the provenance as a note instead of being guessed.

Writes ``schemas/olive-history/pass-params-by-release.json``: for each pass, each parameter with
the tags that have it, as ranges over the ordered tag list (``"v0.2.0..v0.6.2"``), and records the
mirror's commits, the notes and the file's sha256 in ``PROVENANCE.json``. Also writes
``schemas/olive-history/pass-params-main.json``: each pass of Olive's main branch with its parameters,
read the same way at main's commit (``--olive-version main`` checks recipes against it).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from tools.olive_default_config import Reader
from tools.olive_sources import Git, Keys, pass_classes

__all__ = ["TAGS", "Git", "build", "main_gone", "main_table", "rename_candidates", "write_main"]

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "schemas" / "olive-history" / "pass-params-by-release.json"
# Every release tag from v0.2.0 to v0.13.0, in release order (`v.0.7.1` is Olive's own spelling).
TAGS = [
    "v0.2.0", "v0.2.1", "v0.3.1", "v0.3.2", "v0.3.3", "v0.4.0", "v0.5.0", "v0.5.1", "v0.5.2",
    "v0.6.0", "v0.6.1", "v0.6.2", "v0.7.0", "v.0.7.1", "v0.7.1.1", "v0.8.0", "v0.9.0", "v0.9.1",
    "v0.9.2", "v0.9.3", "v0.10.0", "v0.10.1", "v0.11.0", "v0.12.0", "v0.12.1", "v0.13.0",
]  # fmt: skip


def read_tag(git: Git, tag: str) -> tuple[dict[str, Keys], dict[str, set[str]]]:
    """Return each pass's parameters at a tag and the notes of what was not sure."""
    reader = Reader(git, tag)
    params = {name: reader.params(module, cls) for name, (module, cls) in sorted(pass_classes(reader).items())}
    return {name: keys for name, keys in params.items() if keys is not None}, reader.notes


def ranges(present: list[bool], tags: list[str]) -> str:
    """`v0.2.0..v0.6.2,v0.9.0..v0.13.0` for the runs of tags that have it."""
    runs, start = [], None
    for index, here in enumerate([*present, False]):
        if here and start is None:
            start = index
        elif not here and start is not None:
            runs.append(tags[start] if start == index - 1 else f"{tags[start]}..{tags[index - 1]}")
            start = None
    return ",".join(runs)


def build(git: Git, tags: list[str]) -> tuple[dict[str, Any], dict[str, list[str]], dict[str, dict[str, Keys]]]:
    """Read every tag; return the vendored table, the notes with the tags they apply to, and the per-tag reads."""
    per_tag: dict[str, dict[str, Keys]] = {}
    notes: dict[str, list[str]] = {}
    for tag in tags:
        per_tag[tag], tag_notes = read_tag(git, tag)
        for name, texts in tag_notes.items():
            for text in sorted(texts):
                notes.setdefault(f"{name}: {text}", []).append(tag)
    passes: dict[str, dict[str, str]] = {}
    for name in sorted({p for table in per_tag.values() for p in table}):
        seen = list(dict.fromkeys(k for tag in tags for k in (per_tag[tag].get(name) or Keys()).names))
        passes[name] = {
            "": ranges([name in per_tag[tag] for tag in tags], tags),
            **{k: ranges([k in (per_tag[tag].get(name) or Keys()).names for tag in tags], tags) for k in sorted(seen)},
        }
    table = {"tags": tags, "passes": passes}
    return table, {text: [ranges([t in where for t in tags], tags)] for text, where in notes.items()}, per_tag


def main_gone(git: Git, since: str, head: str, released: dict[str, dict[str, Keys]]) -> dict[str, dict[str, str]]:
    """Parameters main had after a release, in no release and no longer on main: pass -> {param: last commit}."""
    now = read_tag(git, head)[0]
    out: dict[str, dict[str, str]] = {}
    commits = git.run("rev-list", "--reverse", f"{since}..{head}", "--", "olive/passes", "olive/olive_config.json")
    for commit in commits.split():
        try:
            seen = read_tag(git, commit)[0]
        except (SyntaxError, FileNotFoundError):  # a commit whose sources do not parse: nothing to learn
            continue
        for name, keys in seen.items():
            for param in keys.names:
                if param in (now.get(name) or Keys()).names:
                    continue
                if any(param in (table.get(name) or Keys()).names for table in released.values()):
                    continue
                out.setdefault(name, {})[param] = commit[:9]
    return {name: dict(sorted(params.items())) for name, params in sorted(out.items())}


def main_table(git: Git, head: str) -> tuple[dict[str, Any], str]:
    """Each pass of Olive's main branch with its parameters (sorted), read as the tags are; and main's commit."""
    commit = git.run("rev-list", "-n", "1", head).strip()
    passes, notes = read_tag(git, commit)
    table: dict[str, Any] = {
        "_source": f"microsoft/Olive main {commit}: Pass.default_config(cls) of each pass, read with ast from"
        " `git show COMMIT:path` as tools/olive_param_history.py reads the release tags",
        **{name: sorted(keys.names) for name, keys in sorted(passes.items())},
    }
    if notes:
        table["_not_sure"] = {name: sorted(texts) for name, texts in sorted(notes.items())}
    return table, commit


def write_main(git: Git, head: str, out: Path) -> Path:
    """Write `pass-params-main.json` beside `out` and record its commit and sha256 in PROVENANCE.json."""
    table, commit = main_table(git, head)
    path = out.parent / "pass-params-main.json"
    text = json.dumps(table, indent=0, sort_keys=False, separators=(",", ":")) + "\n"
    path.write_text(text, encoding="utf-8")
    provenance_path = out.parent / "PROVENANCE.json"
    provenance = json.loads(provenance_path.read_text(encoding="utf-8")) if provenance_path.exists() else {}
    provenance.setdefault("sha256", {})[path.name] = hashlib.sha256(text.encode()).hexdigest()
    provenance["commit_HEAD"] = commit
    provenance[path.name] = {
        "generated_by": "python -m tools.olive_param_history --repo <a clone of microsoft/Olive> [--main-only]",
        "source": "Pass.default_config(cls) of each pass of olive/olive_config.json at main's commit, read with"
        " ast from `git show COMMIT:path`, as for the release tags (inherited and helper parameters included)",
        "commit": commit,
    }
    provenance_path.write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(table) - 1} passes at {commit[:9]})", file=sys.stderr)
    return path


def _fold(name: str) -> str:
    return name.replace("_", "").replace(".", "").lower()


def rename_candidates(per_tag: dict[str, dict[str, Keys]], tags: list[str]) -> list[str]:
    """List parameters gone at a tag while one with the same type, default or description appears."""
    out = []
    for before, after in zip(tags, tags[1:], strict=False):
        for name, keys in per_tag[after].items():
            old = per_tag[before].get(name)
            if old is None:
                continue
            gone = {k: v for k, v in old.names.items() if k not in keys.names}
            new = {k: v for k, v in keys.names.items() if k not in old.names}
            for g, gsig in gone.items():
                for n, nsig in new.items():
                    if gsig and nsig:
                        a, b = json.loads(gsig), json.loads(nsig)
                        same = [
                            label
                            for label, x, y in zip(("type", "default", "description"), a, b, strict=True)
                            if x == y
                        ]
                        alike = difflib.SequenceMatcher(None, _fold(g), _fold(n)).ratio() >= 0.5
                        if len(same) >= 2 or "description" in same or (same and alike):
                            out.append(f"{before}->{after} {name}: {g} -> {n} (same {', '.join(same)})")
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the vendored table and its provenance, or print rename candidates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True, help="a clone or mirror of microsoft/Olive with its tags")
    parser.add_argument("--renames", action="store_true", help="print rename candidates instead of writing")
    parser.add_argument("--main", default="main", help="Olive's main branch in the clone (default: main)")
    parser.add_argument("--main-since", default="v0.12.0", help="read main's commits after this tag (default: v0.12.0)")
    parser.add_argument("--main-only", action="store_true", help="write only main's table (pass-params-main.json)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    git = Git(args.repo)
    if args.main_only:
        write_main(git, args.main, args.out)
        return 0
    table, notes, per_tag = build(git, TAGS)
    if args.renames:
        print("\n".join(rename_candidates(per_tag, TAGS)))
        return 0
    table["main_gone"] = main_gone(git, args.main_since, args.main, per_tag)
    write_main(git, args.main, args.out)
    text = json.dumps(table, indent=0, sort_keys=False, separators=(",", ":")) + "\n"
    args.out.write_text(text, encoding="utf-8")
    provenance_path = args.out.parent / "PROVENANCE.json"
    provenance = json.loads(provenance_path.read_text(encoding="utf-8")) if provenance_path.exists() else {}
    provenance.setdefault("sha256", {})[args.out.name] = hashlib.sha256(text.encode()).hexdigest()
    provenance[args.out.name] = {
        "generated_by": "python -m tools.olive_param_history --repo <a clone of microsoft/Olive>",
        "source": "Pass.default_config(cls) of each pass at each tag, read with ast from `git show TAG:path` "
        "(olive/olive_config.json lists the passes from v0.6.0; before it, the Pass subclasses under olive/passes)",
        "commits": {tag: git.run("rev-list", "-n", "1", tag).strip() for tag in [*TAGS, args.main]},
        "main_since": args.main_since,
        "format": 'passes: pass -> parameter -> the tags that have it, as ranges over `tags` (key "": the pass'
        " itself); main_gone: pass -> parameter -> the last commit of main (after --main-since) that had a"
        " parameter that is in no release and no longer on main",
        "not_sure": {text: where[0] for text, where in sorted(notes.items())},
    }
    provenance_path.write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text)} bytes, {len(table['passes'])} passes); {len(notes)} notes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
