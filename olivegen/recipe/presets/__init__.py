"""Starting recipes for `olivegen init`: commented YAML files shipped inside the package.

A preset that trains names its data under `data/`; the sample files sit in
`olivegen/recipe/presets/data/` and are written beside the new recipe.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from olivegen.errors import RecipeError
from olivegen.knowledge.catalog import suggest


def _folder() -> Traversable:
    return files("olivegen.recipe.presets")


def names() -> list[str]:
    """Return the preset names, sorted."""
    return sorted(p.name.removesuffix(".yaml") for p in _folder().iterdir() if p.name.endswith(".yaml"))


def text(name: str) -> str:
    """Return a preset's YAML text; RecipeError for an unknown name (with a did-you-mean)."""
    if name not in names():
        hint = suggest(name, names()) or "presets: " + ", ".join(names())
        raise RecipeError.single(f"no preset named {name!r}", None, hint, rule="preset")
    return _folder().joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def summary(name: str) -> str:
    """Return what a preset is for: its first comment line, up to the colon."""
    first = text(name).split("\n", 1)[0]
    return first.removeprefix("#").split(": ", 1)[0].strip()


def data_files(name: str) -> dict[str, bytes]:
    """Return the sample files a preset refers to, by their path relative to the recipe."""
    from olivegen.source.yaml_rt import parse

    data = parse(text(name), f"{name}.yaml").data
    out: dict[str, bytes] = {}
    for spec in data.get("data", []):
        listed = spec.get("files") or []
        for relative in [listed] if isinstance(listed, str) else listed:
            out[relative] = _folder().joinpath(*relative.split("/")).read_bytes()
    return out
