"""Go to definition: an `extends:` entry opens the base recipe; a data set name jumps to where it is defined.

A base is answered only where `validate` would read it: a .yaml file inside the recipe's repository
(`source/paths.py`: its git work tree, else its folder; every link followed), or anywhere when the
user trusted bases outside it (`allowExtendsOutside`, `--allow-extends-outside`). `extends: /etc/passwd`
or `../../outside.yaml` gets no location, so the editor never opens a file the recipe cannot use.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from olivegen.lsp.documents import BASE_SUFFIXES, Document, compose_text, cursor_of, path_to_uri
from olivegen.lsp.facts import DATA_REFS, find_data_set
from olivegen.source.paths import repository_root, within


def base_location(doc: Document, ref: str) -> lsp.Location | None:
    """Return where an `extends` entry leads: a .yaml file the recipe may read (None for any other)."""
    if "\0" in ref or not ref.lower().endswith(BASE_SUFFIXES):
        return None
    base = Path(ref).expanduser()
    base = base if base.is_absolute() else doc.path.parent / base
    if not (doc.outside or within(base, repository_root(doc.path))):
        return None
    try:
        if not base.is_file():
            return None
    except OSError:  # a link loop, a name too long
        return None
    return lsp.Location(path_to_uri(base), lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)))


def definition(doc: Document, texts: dict[Path, str], position: lsp.Position) -> lsp.Location | None:
    """Answer a definition request on a recipe."""
    cur = cursor_of(doc, position.line, position.character)
    if cur is None:
        return None
    path = cur.path
    flow = cur.value.startswith("[")
    word = (cur.word if flow or cur.kind == "item" else cur.value).strip().strip("'\"")
    if not word:
        return None
    if (cur.kind == "value" and path == ("extends",)) or (cur.kind == "item" and path[:-1] == ("extends",)):
        return base_location(doc, word)
    if cur.kind == "value" and len(path) == 3 and path[0] == "passes" and path[2] in DATA_REFS:
        composed = compose_text(doc, texts)
        found = find_data_set(composed.data, word) if composed else None
        if found is None or composed is None:
            return None
        where = composed.where.values.get(("data", found[0], "name")) or composed.where.lookup(("data", found[0]))
        spot = lsp.Position(where.line - 1, where.col - 1)
        return lsp.Location(path_to_uri(where.path), lsp.Range(spot, spot))
    return None
