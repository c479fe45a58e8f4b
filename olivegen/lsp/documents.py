"""The documents an editor has open: which are recipes, their unsaved text, and what they say once composed.

Positions: LSP counts columns in UTF-16 code units (or what the client and server agree on),
olivegen in characters; `to_lsp` and `from_lsp` convert a column on a given line with pygls' own
`PositionCodec`, the one the server agreed on at initialize.

Base recipes on disk are read as `validate` reads them: through `source/files.py` (regular files,
bounded), a `.yaml` file inside the recipe's repository unless its bases are trusted
(`--allow-extends-outside`); `BaseFiles` reads each once per (path, size, mtime_ns).
"""

from __future__ import annotations

import fnmatch
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.workspace import PositionCodec

from olivegen.errors import RecipeError
from olivegen.knowledge.sections import olive_section_line
from olivegen.lsp.outline import Cursor, Line, cursor_at, item_value, read_lines
from olivegen.source.files import read_text
from olivegen.source.paths import repository_root, within

_MODELINE = re.compile(r"recipe\.schema\.json")
_TOP_KEY = re.compile(r"^(extends|passes)\s*:", re.MULTILINE)
_OLIVE_KEY = olive_section_line()
SUFFIXES = (".olive.yaml", ".olive.yml")
BASE_SUFFIXES = (".yaml", ".yml")
MAX_BASES = 64


def uri_to_path(uri: str) -> Path | None:
    """Return the file of a `file:` URI (None for any other scheme)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def path_to_uri(path: str | Path) -> str:
    """Return the `file:` URI of a path."""
    return Path(path).absolute().as_uri()


def is_recipe(path: Path, text: str, globs: list[str]) -> bool:
    """Tell whether a document is an olivegen recipe.

    A recipe is a `*.olive.yaml` file, a file whose first lines name `recipe.schema.json` (the modeline
    or a `$schema:` key), a file matching one of the configured globs, or YAML with a top-level
    `passes:` or `extends:` key and none of an Olive config's own sections (`input_model:`,
    `data_configs:`, ...: `olivegen validate` checks such a file as an Olive config, not as a recipe).
    """
    name = path.name.lower()
    if name.endswith(SUFFIXES):
        return True
    if any(fnmatch.fnmatch(str(path), g) or fnmatch.fnmatch(path.name, g) for g in globs):
        return True
    if not name.endswith((".yaml", ".yml")):
        return False
    head = "\n".join(text.split("\n", 10)[:10])
    return bool(_MODELINE.search(head) or (_TOP_KEY.search(text) and not _OLIVE_KEY.search(text)))


# The position encoding agreed with the client at initialize (pygls' codec): UTF-16, LSP's default, until then.
_codec = PositionCodec()


def use_codec(codec: PositionCodec) -> None:
    """Use the position encoding the server agreed with the client (`workspace.position_codec`)."""
    global _codec
    _codec = codec


def to_lsp(text: str, col: int) -> int:
    """Return the column, in the agreed position encoding, of a character column on a line."""
    return int(_codec.client_num_units(text[:col]))


def from_lsp(text: str, col: int) -> int:
    """Return the character column of a column in the agreed position encoding (the line's end past it)."""
    if col >= _codec.client_num_units(text):  # pygls would answer one character before the end
        return len(text)
    return _codec.position_from_client_units([text], lsp.Position(0, col)).character


def cursor_of(doc: Document, line: int, character: int) -> Cursor | None:
    """Return what is under an LSP position (0-based line, column in the agreed encoding); None past its end."""
    if line >= len(doc.lines):
        return None
    return cursor_at(doc.lines, line, from_lsp(doc.lines[line].text, character))


class BaseFiles:
    """The `extends` entries of base recipes on disk, each file read once per (path, size, mtime_ns).

    Thread-safe: the server asks from a worker thread, never from its event loop. Only the entries are
    kept (not the text), so a base of 2 MiB costs a few bytes once read.
    """

    LIMIT = 4096  # files remembered; past it the cache starts again

    def __init__(self) -> None:
        self._known: dict[Path, tuple[tuple[int, int], list[str]]] = {}
        self._lock = threading.Lock()

    def refs(self, path: Path) -> list[str] | None:
        """Return the files a base on disk extends; None when it is not a regular, readable recipe file."""
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        stamp = (info.st_size, info.st_mtime_ns)
        with self._lock:
            known = self._known.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        try:
            text = read_text(path, str(path))  # bounded, regular files only; changed since stat: read next time
        except RecipeError:
            return None
        refs = extends_refs(read_lines(text))
        with self._lock:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            self._known[path] = (stamp, refs)
        return refs


_DISK = BaseFiles()


@dataclass
class Document:
    """An open recipe: its text, version, and what was last read from it."""

    uri: str
    path: Path
    text: str
    version: int
    outside: bool = False  # bases outside the recipe's repository are trusted (--allow-extends-outside)
    _lines: list[Line] | None = field(default=None, repr=False)
    _composed: Composed | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[Line]:
        """Return the document's lines, read for the cursor (cached per version)."""
        if self._lines is None:
            self._lines = read_lines(self.text)
        return self._lines

    def update(self, text: str, version: int) -> None:
        """Take new text; what was read from the old text is dropped (the last composed data is kept)."""
        self.text, self.version, self._lines = text, version, None

    def bases(self, texts: dict[Path, str], disk: BaseFiles = _DISK) -> set[Path]:
        """Return every file this recipe extends, directly or through its bases (resolved paths).

        Open files are read from `texts`, others from disk through `disk`. As `validate` does, a base
        that is not a .yaml file, or lies outside the recipe's repository (unless `outside`), is not read.
        """
        trusted = repository_root(self.path)
        found: set[Path] = set()
        todo = [(self.path, extends_refs(read_lines(self.text)))]  # not `lines`: this runs off the event loop
        while todo and len(found) < MAX_BASES:
            path, refs = todo.pop()
            for ref in refs:
                base = Path(ref).expanduser()
                if "\0" in ref or not base.name.lower().endswith(BASE_SUFFIXES):
                    continue
                base = (base if base.is_absolute() else path.parent / base).resolve()
                if base in found or not (self.outside or within(base, trusted)):
                    continue
                found.add(base)
                if base in texts:
                    todo.append((base, extends_refs(read_lines(texts[base]))))
                elif (on_disk := disk.refs(base)) is not None:
                    todo.append((base, on_disk))
        return found

    def pass_type(self, path: tuple[str | int, ...]) -> str | None:
        """Return the `type` written in the pass item at a path such as `("passes", 2)`."""
        if len(path) != 2 or path[0] != "passes" or not isinstance(path[1], int):
            return None
        lines = self.lines
        index = -1
        list_col = None
        for i, line in enumerate(lines):
            if line.block_of is None and line.key == "passes" and line.first == 0:
                list_col = i
                break
        if list_col is None:
            return None
        dash_col = None
        for i in range(list_col + 1, len(lines)):
            line = lines[i]
            if line.block_of is not None or line.first < 0:
                continue
            if line.first == 0 and not line.dashes:
                break
            if line.dashes and (dash_col is None or line.dashes[0] == dash_col):
                dash_col = line.dashes[0]
                index += 1
                if index == path[1]:
                    found = item_value(lines, i, dash_col, "type")
                    return found[0] if found else None
        return None


def extends_refs(lines: list[Line]) -> list[str]:
    """Return the files a recipe's top-level `extends:` names (a value, a flow list or block list items)."""
    for i, line in enumerate(lines):
        if line.key != "extends" or line.first != 0 or line.block_of is not None:
            continue
        value = line.text[line.value_col :].split(" #")[0].strip()
        if value.startswith("["):
            return [v.strip().strip("'\"") for v in value.strip("[]").split(",") if v.strip()]
        if value:
            return [value.strip("'\"")]
        refs = []
        for item in lines[i + 1 :]:
            if item.first == 0 and not item.dashes:
                break
            if item.dashes and item.scalar_col >= 0:
                refs.append(item.text[item.scalar_col :].split(" #")[0].strip().strip("'\""))
        return refs
    return []


@dataclass(frozen=True)
class Composed:
    """A recipe's data with its bases merged, and where each value was written (display paths are absolute)."""

    data: dict[str, Any]
    where: Any  # olivegen.source.document.SourceMap


def compose_text(doc: Document, texts: dict[Path, str]) -> Composed | None:
    """Compose a document with its bases from unsaved texts (`api.compose_unsaved`); on failure the last good one."""
    from olivegen.api import Options, compose_unsaved

    try:
        own = {Path(os.path.realpath(doc.path)): doc.text}
        source = compose_unsaved(doc.path, Options(texts={**texts, **own}, outside=doc.outside))
    except RecipeError:
        return doc._composed
    result = Composed(source.data, source.where)
    doc._composed = result
    return result
