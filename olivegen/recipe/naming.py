"""Names a recipe implies without writing them: a data set's file format, the data LoRA trains on."""

from __future__ import annotations

from pathlib import Path

from olivegen.recipe.data import DataSpec
from olivegen.recipe.root import Recipe

FILE_FORMATS = {".json": "json", ".jsonl": "json", ".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".txt": "text"}


def data_format(spec: DataSpec) -> str:
    """Return the `datasets` builder for a data set: its `format`, else from the file extension."""
    if spec.format:
        return spec.format
    if spec.datastore is not None:
        return spec.datastore.format
    files = spec.file_list()
    return FILE_FORMATS.get(Path(files[0]).suffix.lower(), "json") if files else "json"


def default_train_data(recipe: Recipe) -> str | None:
    """Return the data set LoRA trains on when a pass names none: the first one."""
    return recipe.data[0].name if recipe.data else None
