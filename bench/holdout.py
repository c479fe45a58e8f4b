"""Gather Olive workflow configs that are not in a corpus: a second, independent set for bench/corpus.py.

Reads every `examples/**/*.json` of an Olive git clone at the given tags (`git show TAG:path`, no
checkout), keeps the ones that look like workflow configs (`passes` or `input_model` at the top)
and whose bytes are in no file of the corpus folders given with `--exclude`, and writes each once
as `TAG@path__with__underscores.json` into OUT. Nothing from it is copied into the repository.

    python bench/holdout.py /path/to/Olive-clone /tmp/holdout --exclude ../shared/olive-corpus
    python bench/corpus.py /tmp/holdout
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

# Olive releases whose examples the shared corpus does not hold (it has v0.2.0, v0.4.0, v0.6.2, v0.9.2, HEAD).
TAGS = ("v0.3.1", "v0.5.2", "v0.7.0", "v0.7.1.1", "v0.8.0", "v0.9.0", "v0.9.3", "v0.13.0")


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout


def _digests(folders: list[Path]) -> set[str]:
    seen = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in (".json", ".yaml", ".yml") and path.is_file():
                seen.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return seen


def main(argv: list[str] | None = None) -> int:
    """Write the configs of the tags that no excluded folder holds; print how many."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a git clone of microsoft/Olive (with its tags)")
    parser.add_argument("out", type=Path, help="folder to write the configs into")
    parser.add_argument("--exclude", type=Path, action="append", default=[], help="a corpus folder to leave out")
    parser.add_argument("--tag", action="append", help=f"tags to read (default: {', '.join(TAGS)})")
    args = parser.parse_args(argv)
    seen = _digests(args.exclude)
    args.out.mkdir(parents=True, exist_ok=True)
    found = written = 0
    for tag in args.tag or TAGS:
        for path in _git(args.repo, "ls-tree", "-r", "--name-only", tag, "--", "examples").decode().split():
            if not path.endswith(".json"):
                continue
            blob = _git(args.repo, "show", f"{tag}:{path}")
            try:
                data = json.loads(blob)
            except ValueError:
                continue
            if not isinstance(data, dict) or not ("passes" in data or "input_model" in data):
                continue
            found += 1
            digest = hashlib.sha256(blob).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            (args.out / f"{tag}@{path.replace('/', '__')}").write_bytes(blob)
            written += 1
    tags = len(args.tag or TAGS)
    print(f"{found} workflow configs at {tags} tags; {written} not in the excluded folders -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
