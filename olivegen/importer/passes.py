"""Passes of any generation -> recipe passes (typed fields, `options`, training arguments)."""

from __future__ import annotations

from typing import Any

from olivegen.importer.pieces import JsonPath, Notes, flat
from olivegen.knowledge.catalog import canonical_pass, pass_key, training_argument_names
from olivegen.recipe.passes import TYPED_PASSES
from olivegen.recipe.training import TrainingArgs


def convert_passes(passes: dict[str, Any], notes: Notes, eval_splits: dict[str, float]) -> list[dict[str, Any]]:
    """Map each pass to a recipe pass: typed fields, `options` for the rest, legacy names renamed."""
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    for key, raw in passes.items():
        for spec in raw if isinstance(raw, list) else [raw]:
            path: JsonPath = ("passes", key)
            if not isinstance(spec, dict) or not isinstance(flat(spec).get("type"), str):
                notes.dropped(path, "a pass is an object with a `type`")
                continue
            params = notes.flat(spec, path)
            kind = canonical_pass(str(params.pop("type", ""))) or str(spec.get("type"))
            if kind == "LoRA" and ("double_quant" in params or "quant_type" in params):
                kind = "QLoRA"
                notes.decided(("passes", len(out), "type"), "LoRA with double_quant/quant_type is QLoRA in Olive 0.13")
            item: dict[str, Any] = {"type": kind}
            if pass_key(kind, None, taken) != key:
                item["name"] = key
            taken.add(key)
            if kind in TYPED_PASSES:
                item.update(_typed_params(kind, params, path, notes, eval_splits, len(out)))
            else:
                if params:
                    item["config"] = params
            out.append(item)
    return out


def qlora_before_int4(passes: list[dict[str, Any]], notes: Notes) -> None:
    """QLoRA's 4-bit base cannot go through ModelBuilder int4; save it unquantized, as `olive finetune` does."""
    for i, item in enumerate(passes):
        later = [p for p in passes[i + 1 :] if p["type"] == "ModelBuilder"]
        if item["type"] == "QLoRA" and later and "save_quant_config" not in item:
            item["save_quant_config"] = False
            notes.decided(
                ("passes", i, "type"),
                "save_quant_config: false added so ModelBuilder can convert the merged model"
                " (int4 does not take QLoRA)",
            )


def _typed_params(
    kind: str, params: dict[str, Any], path: JsonPath, notes: Notes, eval_splits: dict[str, float], index: int
) -> dict[str, Any]:
    model = TYPED_PASSES[kind]
    fields = set(model.model_fields) - {"type", "name", "options"}
    reverse = {olive: ours for ours, olive in model.RENAMES.items()}
    item: dict[str, Any] = {}
    renames = {"lora_r": "r", "lora_alpha": "alpha"}
    options: dict[str, Any] = {}
    for olive_key, value in params.items():
        key = reverse.get(renames.get(olive_key, olive_key), renames.get(olive_key, olive_key))
        if olive_key == "eval_dataset_size":
            train = params.get("train_data_config")
            if isinstance(train, str):
                eval_splits[train] = value
                notes.decided(
                    ("passes", index, "type"),
                    f"eval_dataset_size {value} became eval_split on data set {train!r}",
                )
            else:
                notes.dropped((*path, olive_key), "no train data set named to split")
        elif key == "training":
            item["training"] = _training(flat(value), (*path, olive_key), notes)
        elif key in fields:
            if isinstance(value, dict) and key in ("train_data", "eval_data", "data"):
                notes.dropped((*path, olive_key), "inline data configs are not supported; name a data set")
            else:
                item[key] = value
        else:
            options[olive_key] = value
    if options:
        item["options"] = options
    return item


def _training(args: dict[str, Any], path: JsonPath, notes: Notes) -> dict[str, Any]:
    typed = set(TrainingArgs.model_fields) - {"extra"}
    known = set(training_argument_names())
    out: dict[str, Any] = {}
    extra: dict[str, Any] = dict(args.pop("extra_args", None) or {})
    for key, value in args.items():
        key = "eval_strategy" if key == "evaluation_strategy" else key
        if key in typed:
            out[key] = value
        elif key in known:
            extra[key] = value
        else:
            notes.dropped((*path, key), "not a transformers.TrainingArguments field (removed or misspelled)")
    if extra:
        out["extra"] = extra
    return out
