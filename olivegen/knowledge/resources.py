"""The only module that knows where templates/ and schemas/ live.

In a wheel they are force-included into the package (``olivegen/templates``,
``olivegen/schemas``); in a source checkout they are the top-level folders.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from olivegen.errors import ResourceMissing

_PACKAGE = Path(__file__).resolve().parent.parent  # olivegen/: a wheel's force-included folders are here
_CHECKOUT = _PACKAGE.parent


@cache
def _root(kind: str) -> Path:
    """Return the folder `kind` (templates, schemas): the package's own, else the checkout's.

    A plain path, not importlib.resources: pip installs olivegen unzipped, and importlib.resources
    costs a cold `validate` ~10 ms of imports (zipfile, tempfile ...).
    """
    packaged = _PACKAGE / kind
    if packaged.is_dir():
        return packaged
    checkout = _CHECKOUT / kind
    if checkout.is_dir():
        return checkout
    raise ResourceMissing(f"no {kind}/ folder found inside the olivegen package or beside it; reinstall olivegen")


def templates_dir(generation: str) -> Path:
    """Return the folder of Jinja templates for one Olive config generation."""
    return template_folder(f"olive-{generation}")


def template_folder(name: str) -> Path:
    """Return one folder under templates/ (`olive-0.13`, `common`, `azureml`)."""
    folder = _root("templates").joinpath(name)
    if not folder.is_dir():
        raise ResourceMissing(f"no templates/{name} folder in this install; reinstall olivegen")
    return Path(str(folder))


def schema_text(name: str) -> str:
    """Return the text of a packaged schema file, e.g. ``olive-0.13/passes.json``."""
    node = _root("schemas")
    for part in name.split("/"):
        node = node.joinpath(part)
    if not node.is_file():
        raise ResourceMissing(f"no schema named {name!r} was found in this install")
    return node.read_text(encoding="utf-8")


@cache
def schema_json(name: str) -> Any:
    """Return a packaged schema file parsed as JSON (cached per process)."""
    return json.loads(schema_text(name))


def recipe_schema_file() -> Path:
    """Return the recipe JSON schema shipped with this install (inside the package, or the checkout's)."""
    return Path(str(_root("schemas").joinpath("recipe.schema.json"))).resolve()


def schema_modeline(recipe: Path | None) -> str:
    """Return the `# yaml-language-server: $schema=...` line for a recipe written at `recipe`.

    It points at the schema this install ships: relative to the recipe's folder (the language
    server reads it so) when the two share a folder below the root, else absolute (a recipe on
    stdout, in another tree, or on another drive).
    """
    import os

    schema = recipe_schema_file()
    where = schema.as_posix()
    if recipe is not None:
        folder = recipe.expanduser().resolve().parent
        try:
            shared = Path(os.path.commonpath([schema, folder]))
        except ValueError:  # another drive (Windows)
            shared = Path(folder.anchor)
        if shared != Path(shared.anchor):
            where = Path(os.path.relpath(schema, folder)).as_posix()
    return f"# yaml-language-server: $schema={where}\n"
