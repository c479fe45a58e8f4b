"""Local files and folders a recipe names must exist (relative to the recipe)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic
from olivegen.recipe.model import AZUREML_REGISTRY_URI
from olivegen.source.paths import is_local_path


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
