"""The only module that knows where templates/ and schemas/ live.

In a wheel they are force-included into the package (``olivegen/templates``,
``olivegen/schemas``); in a source checkout they are the top-level folders.
"""

from __future__ import annotations

import json
import os
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


# The `$id` of every schema `olivegen schema` writes: how a file in a repository is known to be one.
SCHEMA_ID = "https://raw.githubusercontent.com/olivegen/olivegen/main/schemas/recipe.schema.json"
# Where a recipe's modeline points when its repository holds no schema file: this release's schema, by tag.
SCHEMA_URL = "https://raw.githubusercontent.com/olivegen/olivegen/v{version}/schemas/recipe.schema.json"
SCHEMA_NAME = "recipe.schema.json"


def schema_url() -> str:
    """Return the stable, versioned URL of this release's recipe schema (the `v<version>` tag)."""
    import sys

    # the package is imported before any of its modules; named through sys.modules, not an import back into it
    return SCHEMA_URL.format(version=sys.modules["olivegen"].__version__)


def is_olivegen_schema(path: Path) -> bool:
    """Tell whether a file is a recipe schema `olivegen schema -o` wrote (its `$id`, in its first bytes)."""
    from olivegen.source.files import read_head

    try:
        head, _ = read_head(path, 4096)
    except (OSError, ValueError):
        return False
    return f'"$id": "{SCHEMA_ID}"'.encode() in head


def repository_schema(recipe: Path) -> Path | None:
    """Return the schema file `olivegen schema -o` wrote into the recipe's repository, or None.

    Looked for from the recipe's folder up to the repository's root (its git work tree), in each
    folder as `schemas/recipe.schema.json`, then `recipe.schema.json`: the nearest wins.
    """
    from olivegen.source.paths import repository_root, within

    root = repository_root(recipe)
    folder = Path(os.path.abspath(recipe.expanduser())).parent
    chain = [folder, *(p for p in folder.parents if within(p, root))]
    for place in chain:
        for candidate in (place / "schemas" / SCHEMA_NAME, place / SCHEMA_NAME):
            if within(candidate, root) and is_olivegen_schema(candidate):
                return candidate
    return None


def schema_modeline(recipe: Path | None) -> str:
    """Return the `# yaml-language-server: $schema=...` line for a recipe written at `recipe`.

    It must resolve in any clone of the recipe's repository, never at this install: the path, relative
    to the recipe's folder, of the schema file `olivegen schema -o` wrote into the repository
    (`repository_schema`); else this release's schema at its stable, versioned URL (`schema_url`).
    A recipe on stdout gets the URL.
    """
    where = schema_url()
    found = repository_schema(recipe) if recipe is not None else None
    if recipe is not None and found is not None:
        try:
            where = Path(os.path.relpath(found, Path(os.path.abspath(recipe.expanduser())).parent)).as_posix()
        except ValueError:  # another drive (Windows): not in the same repository after all
            pass
    return f"# yaml-language-server: $schema={where}\n"
