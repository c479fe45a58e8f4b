"""Local files and folders a recipe names must exist (relative to the recipe)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic
from olivegen.recipe.model import AZUREML_REGISTRY_URI
from olivegen.source.paths import is_local_path

# Keys of `olive:` blocks that Olive imports or resolves as local files and folders, and where a
# missing one stops it (olive-ai 0.13.0): `user_script` (and a data config's `script_dir`) when
# RunConfig reads the config (DataConfig's validator, olive/data/config.py:64-65, imports it:
# olive/common/import_lib.py:14-16 and :36-38); a model's `model_script` and `script_dir` when Olive
# creates the input model, before the first pass ("model_script must be a local file",
# olive/model/handler/pytorch.py:157-163).
SCRIPT_KEYS = {"user_script": "file", "model_script": "file", "script_dir": "folder"}


@rule("missing-file")
def missing_files(scope: Scope) -> Iterator[Diagnostic]:
    """Local data files, adapters and docker contexts must exist before anything runs."""
    for i, data in enumerate(scope.recipe.data):
        files = data.file_list()
        for j, name in enumerate(files):
            if not (scope.base / name).expanduser().is_file():
                loc = ("data", i, "files", j) if isinstance(data.files, list) else ("data", i, "files")
                yield scope.error(
                    "missing-file",
                    f"data file {name!r} does not exist",
                    loc,
                    scope.path_hint(name),
                )
    model = scope.recipe.model
    if model.adapter_path and not (scope.base / model.adapter_path).expanduser().is_dir():
        yield scope.error(
            "missing-file", f"adapter folder {model.adapter_path!r} does not exist", ("model", "adapter_path")
        )
    for field in ("host", "target"):
        system = getattr(scope.recipe, field)
        if system is not None and system.type == "docker" and system.build_context:
            if not (scope.base / system.build_context).is_dir():
                yield scope.error(
                    "missing-file",
                    f"docker build context {system.build_context!r} does not exist",
                    (field, "build_context"),
                )
    yield from missing_scripts(scope)


def _scripts(node: Any, loc: tuple[str | int, ...], raw: bool) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """Yield (location, key, value) of every script key inside an `olive:` block of the recipe data."""
    if isinstance(node, dict):
        for key, value in node.items():
            inside = raw or key == "olive"
            if inside and key in SCRIPT_KEYS and isinstance(value, str) and value and "://" not in value:
                yield (*loc, key), key, value
            else:
                yield from _scripts(value, (*loc, key), inside)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _scripts(item, (*loc, i), raw)


def missing_scripts(scope: Scope) -> Iterator[Diagnostic]:
    """`user_script`, `model_script` and `script_dir` of `olive:` blocks must exist (Olive imports them)."""
    for loc, key, value in _scripts(scope.dumped, (), False):
        path = (scope.base / value).expanduser()
        kind = SCRIPT_KEYS[key]
        if path.is_dir() if kind == "folder" else path.is_file():
            continue
        yield scope.error(
            "missing-file",
            f"{key} {value!r} does not exist" if not path.exists() else f"{key} {value!r} is not a {kind}",
            loc,
            (
                "Olive stops when it reads the config (it imports the script); "
                if key == "user_script" or loc[0] != "model"
                else f"Olive stops when it loads the input model ('{key} must be a local {kind}'); "
            )
            + scope.path_hint(value),
        )


@rule("model-path")
def model_path(scope: Scope) -> Iterator[Diagnostic]:
    """A model path that is neither a Hub id (`org/name`) nor an existing folder would be fetched as a Hub id."""
    path = scope.recipe.model.path
    if path is None or AZUREML_REGISTRY_URI.match(path) or path.startswith("azureml:"):
        if path and path.startswith("azureml:") and not AZUREML_REGISTRY_URI.match(path):
            yield scope.error(
                "model-path",
                f"{path!r} is not an Azure ML registry model URI",
                ("model", "path"),
                "write azureml://registries/<registry>/models/<name>/versions/<version>",
            )
        return
    local = is_local_path(scope.base, path)
    folder = (scope.base / path).expanduser()
    if local and not folder.exists():
        yield scope.error(
            "model-path",
            f"local model folder {path!r} does not exist",
            ("model", "path"),
            scope.path_hint(path),
        )
    elif local and not folder.is_dir():
        yield scope.error(
            "model-path",
            f"{path!r} is a file, not a model folder",
            ("model", "path"),
            "Olive loads the model with transformers: point at the folder holding its config.json",
        )
    elif local and not (folder / "config.json").is_file():
        yield scope.error(
            "model-path",
            f"local model folder {path!r} has no config.json",
            ("model", "path"),
            _no_config_hint(folder, path),
        )
    elif not local and (path.count("/") > 1 or path.startswith("-")):
        yield scope.error(
            "model-path",
            f"{path!r} is neither a local folder nor a Hugging Face id (`org/name`)",
            ("model", "path"),
            "Olive would try to download it from the Hub; check the folder name",
        )
    elif not local and "/" in path and (scope.base / path.split("/")[0]).is_dir():
        first = path.split("/")[0]
        yield scope.error(
            "model-path",
            f"{path!r} does not exist, but {first!r} is a folder beside the recipe",
            ("model", "path"),
            f"check the folder name under {first}/ (as written, Olive would look for a Hub model {path!r});"
            f" write ./{path} for a local folder",
        )


def _no_config_hint(folder: Path, written: str) -> str:
    """Say why config.json matters, and name a folder below that has one (a snapshot, a checkpoint)."""
    below = sorted(str(p.parent.relative_to(folder)) for p in folder.glob("*/config.json"))[:1]
    below += [] if below else sorted(str(p.parent.relative_to(folder)) for p in folder.glob("*/*/config.json"))[:1]
    where = f"; {written.rstrip('/')}/{below[0]} has one" if below else ""
    return (
        "Olive loads the model with transformers, which needs config.json (with `model_type`) in the folder;"
        f" point at the folder that holds it, or save the model there with save_pretrained(){where}"
    )
