"""`olivegen import FILE... | FOLDER`: which files to import, and what each variant is called.

A folder stands for every `*.json` under it (recursively, links not followed), at most MAX_FILES
files of MAX_TOTAL bytes together. A JSON file with none of an Olive config's sections (AI
Toolkit's `inference_model.json`, say) is skipped with a note. A variant is named after its
file's path relative to the files' common folder, without the extension, `/` -> `-`
(`QNN/config.json` -> `QNN-config`); characters a matrix value cannot hold become `_`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, Position, RecipeError, Severity
from olivegen.knowledge.sections import MAIN_ONLY_TOP_KEYS, OLIVE_SECTIONS

MAX_FILES = 256  # a matrix has at most 256 variants (compose/matrix.py)
MAX_TOTAL = 2 * 1024 * 1024  # bytes of all the files together, as one recipe may hold (each read is bounded too)
MAX_NAME = 48  # a variant's name: room left for the recipe's in a 64-character workflow id
_BAD = re.compile(r"[^A-Za-z0-9_.-]")


def collect(paths: Sequence[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Return the config files the arguments name (a folder: its *.json, recursively) and notes on what was skipped."""
    files: list[Path] = []
    notes: list[Diagnostic] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(names):
                    found = Path(root) / name
                    if not name.lower().endswith(".json"):
                        continue
                    if found.is_symlink():  # a link may lead anywhere: a folder's configs are its own files
                        notes.append(
                            Diagnostic(
                                "a link: not followed, not imported",
                                Position(str(found), 1, 1),
                                None,
                                "import-many",
                                Severity.WARNING,
                            )
                        )
                    elif found.is_file():
                        files.append(found)
                if len(files) > MAX_FILES:
                    break
        else:
            files.append(path)
        if len(files) > MAX_FILES:
            raise RecipeError.single(
                f"more than {MAX_FILES} config files to import as one recipe",
                Position(str(path), 1, 1),
                "import fewer files, or one folder per model",
                rule="import",
            )
    total = sum(os.stat(f).st_size for f in files if os.path.exists(f))  # a link named as an argument counts whole
    if total > MAX_TOTAL:
        raise RecipeError.single(
            f"the configs to import as one recipe hold {total >> 10} KiB, more than {MAX_TOTAL >> 10} KiB",
            Position(str(paths[0]), 1, 1),
            "import fewer files, or one folder per model",
            rule="import",
        )
    if not files:
        raise RecipeError.single(
            "no *.json config in " + ", ".join(str(p) for p in paths), Position(str(paths[0]), 1, 1), rule="import"
        )
    return files, notes


def is_config(config: Any) -> bool:
    """Tell an Olive config from another JSON file: it has at least one of Olive's top-level sections."""
    return isinstance(config, dict) and bool(set(config) & (set(OLIVE_SECTIONS) | set(MAIN_ONLY_TOP_KEYS)))


def skipped(path: Path) -> Diagnostic:
    """Return the note for a JSON file that is not an Olive config."""
    sections = ", ".join(sorted(OLIVE_SECTIONS))
    return Diagnostic(
        f"not an Olive config (none of {sections} at its top level): skipped",
        Position(str(path), 1, 1),
        None,
        "import-many",
        Severity.WARNING,
    )


def variant_names(files: Sequence[Path]) -> tuple[dict[Path, str], list[Diagnostic]]:
    """Name each file's variant after its path below the files' common folder; say where a name was changed."""
    folders = [os.path.abspath(f.parent) for f in files]
    base = os.path.commonpath(folders) if folders else ""
    names: dict[Path, str] = {}
    notes: list[Diagnostic] = []
    taken: set[str] = set()
    for f in files:
        rel = os.path.relpath(os.path.abspath(f), base)
        wanted = os.path.splitext(rel)[0].replace(os.sep, "-").replace("/", "-")
        name = _BAD.sub("_", wanted)[:MAX_NAME]
        if not name[:1].isalnum() and name[:1] != "_":
            name = f"_{name}"
        stem, n = name, 2
        while name in taken:
            name, n = f"{stem}-{n}", n + 1
        taken.add(name)
        names[f] = name
        if name != wanted:
            notes.append(
                Diagnostic(
                    f"variant {name!r}: a matrix value holds letters, digits, `_ . -` only, at most {MAX_NAME} of them,"
                    f" not the name {wanted!r}",
                    Position(str(f), 1, 1),
                    None,
                    "import-many",
                    Severity.WARNING,
                )
            )
    return names, notes
