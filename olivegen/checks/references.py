"""Names that must refer to something: data sets, pass keys."""

from __future__ import annotations

from collections.abc import Iterator

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic
from olivegen.knowledge.catalog import suggest
from olivegen.knowledge.sections import DATA_CONFIG_NAME, data_config_name
from olivegen.recipe.passes import _LoRAFields


def data_names(scope: Scope) -> list[str]:
    """Return every data set name a pass may refer to, generated eval sets included."""
    names = [d.name for d in scope.recipe.data]
    names += [f"{d.name}_eval" for d in scope.recipe.data if d.eval_split is not None]
    return names


@rule("duplicate-name")
def duplicate_names(scope: Scope) -> Iterator[Diagnostic]:
    """Data set names and pass names must be unique."""
    seen: dict[str, int] = {}
    for i, name in enumerate(data_names(scope)[: len(scope.recipe.data)]):
        if name in seen:
            yield scope.error(
                "duplicate-name",
                f"data set {name!r} is defined twice",
                ("data", i, "name"),
                f"the first one is data set #{seen[name] + 1}; give each a unique name",
            )
        seen[name] = i
    keys: dict[str, int] = {}
    for i, spec in enumerate(scope.recipe.passes):
        if spec.name is None:
            continue
        if spec.name in keys:
            yield scope.error(
                "duplicate-name",
                f"pass name {spec.name!r} is used twice",
                ("passes", i, "name"),
                "give each pass a unique `name`",
            )
        keys[spec.name] = i


@rule("data-name")
def data_name(scope: Scope) -> Iterator[Diagnostic]:
    """A data set's name becomes an Olive data config name: letters, digits and underscore only."""
    for i, data in enumerate(scope.recipe.data):
        if DATA_CONFIG_NAME.match(data.name):
            continue
        fixed = data_config_name(data.name)
        refs = _references(scope, data.name)
        yield scope.error(
            "data-name",
            f"data set name {data.name!r} is not a name Olive accepts (letters, digits and underscore only)",
            ("data", i, "name"),
            f"write `name: {fixed}`" + (f" and change {refs} to it" if refs else ""),
        )


def _references(scope: Scope, name: str) -> str:
    """Say how many keys of the recipe refer to data set `name` (its `_eval` set included)."""
    names = {name, f"{name}_eval"}
    count = sum(
        getattr(spec, field, None) in names
        for spec in scope.recipe.passes
        for field in ("train_data", "eval_data", "data")
    )
    if scope.recipe.evaluate is not None:
        count += sum(metric.data in names for metric in scope.recipe.evaluate.metrics)
    return "" if not count else "the reference" if count == 1 else f"the {count} references"


def _data_config_refs(node: object, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield (path, name) of each data set a pass's Olive parameters name.

    Olive resolves every key ending in `data_config`, at any depth of a pass's config, against
    `data_configs` by name ("calib not found in ..." otherwise; olive/workflows/run/config.py
    `_resolve_all_data_configs`, olive-ai 0.13.0 :353-363).
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).endswith("data_config") and isinstance(value, str):
                yield (*loc, str(key)), value
            elif not str(key).endswith("data_config"):
                yield from _data_config_refs(value, (*loc, str(key)))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _data_config_refs(item, (*loc, i))


@rule("unknown-data")
def unknown_data(scope: Scope) -> Iterator[Diagnostic]:
    """Every data reference names a data set of the recipe; training passes have data to train on."""
    names = data_names(scope)
    for i, spec in enumerate(scope.recipe.passes):
        for field in ("train_data", "eval_data", "data"):
            value = getattr(spec, field, None)
            if value is not None and value not in names:
                hint = suggest(value, names) or (f"data sets: {', '.join(names)}" if names else "add a `data:` entry")
                yield scope.error("unknown-data", f"no data set named {value!r}", ("passes", i, field), hint)
        if isinstance(spec, _LoRAFields) and spec.train_data is None and not scope.recipe.data:
            yield scope.error(
                "unknown-data",
                f"{spec.CANONICAL} needs training data but the recipe has no `data:`",
                ("passes", i, "type"),
                "add a data set under `data:` (files, hub or datastore)",
            )
        for block in ("config", "olive"):  # Olive's own words: every `*data_config` key names a data set
            for loc, value in _data_config_refs(getattr(spec, block, None), ()):
                if value not in names:
                    listed = f"data sets: {', '.join(names)}" if names else "add a `data:` entry"
                    hint = suggest(value, names) or listed
                    at = ("passes", i, block, *loc)
                    yield scope.error("unknown-data", f"no data set named {value!r}", at, hint)
    if scope.recipe.evaluate is not None:
        for i, metric in enumerate(scope.recipe.evaluate.metrics):
            if metric.data not in names:
                hint = suggest(metric.data, names) or "add a `data:` entry"
                yield scope.error(
                    "unknown-data",
                    f"no data set named {metric.data!r}",
                    ("evaluate", "metrics", i, "data"),
                    hint,
                )
