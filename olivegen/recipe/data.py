"""Data sets for training and evaluation, and how their text is prepared."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, WithJsonSchema, field_validator, model_validator

from olivegen.knowledge.catalog import OLIVE_GENERATION, suggest
from olivegen.knowledge.limits import DATASETS_BUILDERS
from olivegen.recipe.base import Flag, Identifier, NonEmptyStr, Strict, Text
from olivegen.recipe.raw import check_data


def _builder(value: str) -> str:
    if value not in DATASETS_BUILDERS:
        hint = suggest(value, DATASETS_BUILDERS)
        raise ValueError(
            f"datasets has no {value!r} builder"
            + (f"; {hint}" if hint else f"; use one of {', '.join(DATASETS_BUILDERS)}")
        )
    return value


# A `datasets.load_dataset` builder (Olive hands it over as `data_name`).
FileFormat = Annotated[
    str, AfterValidator(_builder), WithJsonSchema({"type": "string", "enum": list(DATASETS_BUILDERS)})
]


class HubDataset(Strict):
    """A data set on the Hugging Face Hub."""

    name: NonEmptyStr = Field(description="Data set id, e.g. `tatsu-lab/alpaca`.")
    subset: Text | None = Field(
        None, description="Configuration (subset) name, if the data set has several (empty: the default one)."
    )


class Datastore(Strict):
    """A file in an Azure ML datastore (read with `azureml-fsspec` at run time)."""

    subscription_id: NonEmptyStr = Field(description="Azure subscription id of the workspace.")
    resource_group: NonEmptyStr = Field(description="Resource group of the workspace.")
    workspace: NonEmptyStr = Field(description="Azure ML workspace name.")
    datastore: NonEmptyStr = Field("workspaceblobstore", description="Datastore name.")
    path: NonEmptyStr = Field(description="Path of the file inside the datastore.")
    format: FileFormat = Field("json", description="File format of the data (a `datasets` builder).")

    def uri(self) -> str:
        """Return the `azureml://` URI that `datasets` reads through azureml-fsspec."""
        return (
            f"azureml://subscriptions/{self.subscription_id}/resourcegroups/{self.resource_group}"
            f"/workspaces/{self.workspace}/datastores/{self.datastore}/paths/{self.path.lstrip('/')}"
        )


class DataSpec(Strict):
    """One named data set, where it comes from and how it is turned into training text."""

    name: Identifier = Field(description="Name passes use to refer to this data (e.g. `train_data: tone`).")
    files: NonEmptyStr | list[NonEmptyStr] | None = Field(
        None, description="Local JSON/JSONL/CSV/Parquet file(s), relative to the recipe."
    )
    format: FileFormat | None = Field(
        None,
        description="File format (a `datasets` builder: json, csv, parquet, text, arrow ...); guessed from the file"
        " extension when unset.",
    )
    hub: HubDataset | None = Field(None, description="A Hugging Face Hub data set instead of local files.")
    datastore: Datastore | None = Field(None, description="An Azure ML datastore file instead of local files.")
    split: NonEmptyStr = Field("train", description="Split to read (`train`, or a slice such as `train[:90%]`).")
    eval_split: float | None = Field(
        None,
        gt=0,
        lt=1,
        description=(
            "Fraction of the split held out for evaluation, in (0, 1): its last rows, before pre-processing"
            " (not a random sample, and not a count); creates a second data set `<name>_eval` that LoRA/QLoRA"
            " use as eval data."
        ),
    )
    text_template: str | None = Field(
        None,
        description="Python format template with `{column}` placeholders that builds each training text.",
    )
    text_cols: list[NonEmptyStr] | None = Field(None, description="Columns joined into the text, when no template.")
    chat_template: Flag = Field(False, description="Apply the tokenizer's chat template to a messages column.")
    message_col: NonEmptyStr | None = Field(None, description="Column with chat messages (with `chat_template`).")
    max_seq_len: int = Field(1024, ge=8, le=1_048_576, description="Maximum tokens per training sequence.")
    strategy: Literal["join", "join-random", "join-sliding-window", "line-by-line", "line-by-line-random"] = Field(
        "join", description="How rows become sequences: joined and split, or one row per sequence."
    )
    stride: int | None = Field(None, ge=1, description="Window stride, for `join-sliding-window`.")
    pad_to_max_len: Flag = Field(False, description="Pad every sequence to `max_seq_len` (line-by-line only).")
    use_attention_mask: Flag = Field(True, description="Add an attention mask to each example.")
    max_samples: int | None = Field(None, ge=1, description="Use at most this many samples.")
    add_special_tokens: Flag = Field(True, description="Add the tokenizer's BOS/EOS tokens to each sequence.")
    olive: dict[str, Any] | None = Field(
        None,
        description=(
            "Escape hatch: the data config in Olive's own words (`type`, `user_script`, `load_dataset_config`,"
            " `pre_process_data_config`, `dataloader_config` ...), rendered as written with this `name`."
        ),
    )

    @field_validator("olive", mode="after")
    @classmethod
    def _raw(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else check_data(value)

    @field_validator("eval_split", mode="before")
    @classmethod
    def _not_a_count(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 1 and float(value).is_integer():
            raise ValueError(
                f"eval_split is a fraction in (0, 1), not a count: Olive {OLIVE_GENERATION} has no way to hold out"
                f" {value:g}"
                " samples (Olive <= 0.6's eval_dataset_size drew them at random from the pre-processed training"
                " samples, eval_split holds out the split's last rows before pre-processing); write a fraction"
                " such as `eval_split: 0.1` (the last 10% of the rows), or a separate data set as the pass's"
                " `eval_data`"
            )
        return value

    @field_validator("eval_split")
    @classmethod
    def _whole_percent(cls, value: float | None) -> float | None:
        if value is not None and abs(value * 100 - round(value * 100)) > 1e-9:
            raise ValueError(f"eval_split must be a whole percentage such as 0.3, not {value}")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> DataSpec:
        if self.olive is not None:
            extra = sorted(self.model_fields_set - {"olive", "name"})
            if extra:
                raise ValueError(f"`olive:` gives the whole data config; leave out `{extra[0]}`")
            return self
        given = [k for k in ("files", "hub", "datastore") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give the data as exactly one of `files`, `hub` or `datastore`")
        if self.strategy == "join-sliding-window" and self.stride is None:
            raise ValueError("strategy 'join-sliding-window' needs `stride`")
        if "random" in self.strategy and self.max_samples is None:
            raise ValueError(
                f"strategy {self.strategy!r} needs `max_samples`, the number of random samples to draw;"
                " add `max_samples:` or use a strategy without `random`"
            )
        if not (self.text_template or self.text_cols or self.chat_template):
            raise ValueError("say how to build the text: `text_template`, `text_cols` or `chat_template: true`")
        return self

    def file_list(self) -> list[str]:
        """Return the local files as a list (empty for hub and datastore data)."""
        if self.files is None:
            return []
        return [self.files] if isinstance(self.files, str) else list(self.files)
