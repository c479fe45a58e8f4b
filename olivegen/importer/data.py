"""Data configs of any generation -> recipe data sets."""

from __future__ import annotations

import re
from typing import Any

from olivegen.importer.legacy_data import modern_data
from olivegen.importer.pieces import Notes, flat
from olivegen.knowledge.data_components import current_default_type
from olivegen.knowledge.sections import DATA_CONFIG_NAME, data_config_name

PRE_PROCESS_KEYS = {
    "text_template": "text_template",
    "text_cols": "text_cols",
    "chat_template": "chat_template",
    "message_col": "message_col",
    "max_seq_len": "max_seq_len",
    "source_max_len": "max_seq_len",
    "strategy": "strategy",
    "corpus_strategy": "strategy",
    "stride": "stride",
    "pad_to_max_len": "pad_to_max_len",
    "use_attention_mask": "use_attention_mask",
    "max_samples": "max_samples",
    "add_special_tokens": "add_special_tokens",
}
LOCAL_FORMATS = {"json", "csv", "parquet", "text"}
DATASTORE_URI = re.compile(
    r"^azureml://subscriptions/(?P<subscription_id>[^/]+)/resourcegroups/(?P<resource_group>[^/]+)"
    r"/workspaces/(?P<workspace>[^/]+)/datastores/(?P<datastore>[^/]+)/paths/(?P<path>.+)$"
)


def convert_data(
    configs: Any, notes: Notes, legacy_task: str | None = None, task_now: str | None = None
) -> list[dict[str, Any]]:
    """Map each data config to a recipe data set; report settings with no modern meaning.

    `legacy_task` and `task_now` are the tasks Olive <= 0.6.1 and Olive 0.13 read from the input model
    (for `components`/`params_config`, see importer/legacy_data.py).
    """
    out: list[dict[str, Any]] = []
    for i, raw in enumerate(configs):
        if not isinstance(raw, dict):
            notes.dropped(("data_configs", i), "a data config is an object")
            continue
        cfg = modern_data(dict(raw), ("data_configs", i), len(out), notes, legacy_task, task_now)
        name = cfg.pop("name", f"data_{i}")
        if not isinstance(name, str) or not name:
            notes.dropped(("data_configs", i, "name"), f"a data config's name is text; called it data_{i}")
            name = f"data_{i}"
        here = ("data_configs", i)
        if not typed_data(cfg, task_now):
            notes.decided(("data", len(out), "olive"), "kept in Olive's own words (not a text corpus a recipe types)")
            out.append({"name": name, "olive": cfg})
            notes.carry(here)
            continue
        notes.carry(here, "name", "type")
        cfg.pop("type", None)
        load = notes.flat(cfg.pop("load_dataset_config", {}), ("data_configs", i, "load_dataset_config"), "params")
        pre = notes.flat(
            cfg.pop("pre_process_data_config", {}), ("data_configs", i, "pre_process_data_config"), "params"
        )
        notes.carry((*here, "load_dataset_config"), *(set(load) & LOAD_KEYS))
        notes.carry((*here, "pre_process_data_config"), *(set(pre) & PRE_KEYS))
        load.pop("type", None)
        pre.pop("type", None)
        data: dict[str, Any] = {"name": name}
        data_name = load.pop("data_name", None)
        files = load.pop("data_files", None)
        if isinstance(files, dict) and flat(files).get("type") == "azureml_datastore":
            store = flat(files)
            client = flat(store.get("azureml_client", {}))
            data["datastore"] = {
                "subscription_id": client.get("subscription_id"),
                "resource_group": client.get("resource_group"),
                "workspace": client.get("workspace_name"),
                "datastore": store.get("datastore_name", "workspaceblobstore"),
                "path": store.get("relative_path"),
                "format": data_name if data_name in LOCAL_FORMATS else "json",
            }
        elif isinstance(files, str) and DATASTORE_URI.match(files):
            parts = DATASTORE_URI.match(files)
            assert parts is not None
            data["datastore"] = {
                **parts.groupdict(),
                "format": data_name if data_name in LOCAL_FORMATS else "json",
            }
        elif files is not None:
            data["files"] = files
            if data_name in LOCAL_FORMATS and data_name != "json":
                data["format"] = data_name
        elif data_name:
            data["hub"] = {"name": data_name, **({"subset": load.pop("subset")} if "subset" in load else {})}
        split = load.pop("split", "validation")  # Olive's huggingface_dataset default (0.2 to 0.13)
        if split != "train":
            data["split"] = split
        if pre.pop("dataset_type", "corpus") != "corpus":
            notes.decided(("data", i, "name"), "the source used a non-corpus dataset_type; recipes build text corpora")
        pre_keys = set(pre)
        for key, target in PRE_PROCESS_KEYS.items():
            if key in pre:
                data[target] = pre.pop(key)
        if not ({"text_template", "text_cols", "chat_template"} & set(data)):
            data["text_cols"] = ["text"]  # Olive's default
        data.setdefault("pad_to_max_len", True)  # Olive's default (the recipe's is false)
        if isinstance(data.get("text_cols"), str):
            data["text_cols"] = [data["text_cols"]]
        if "text_template" in data and "text_cols" in data:
            del data["text_cols"]  # the template names its columns; Olive ignores text_cols then
            if "text_cols" in pre_keys:
                notes.ignored(
                    (*here, "pre_process_data_config", "text_cols"),
                    "Olive ignores text_cols when text_template is set (the template names the columns)",
                    "leave text_cols out; the recipe keeps the template",
                )
        for key in ("model_name", "trust_remote_code", "task"):
            pre.pop(key, None)
        for key in list(load):
            notes.dropped(("data_configs", i, "load_dataset_config", key), "not a data loading setting")
        for key in list(pre):
            notes.dropped(("data_configs", i, "pre_process_data_config", key), "not a text preprocessing setting")
        for key in cfg:
            notes.dropped(("data_configs", i, key), "not a data setting")
        out.append(data)
    return out


LOAD_KEYS = {"type", "data_name", "data_files", "split", "subset"}
PRE_KEYS = {*PRE_PROCESS_KEYS, "type", "model_name", "trust_remote_code", "task", "dataset_type"}


TEXT_GENERATION_PRE = "text_generation_huggingface_pre_process"


def typed_data(cfg: dict[str, Any], task_now: str | None = None) -> bool:
    """Tell whether a data config is a Hugging Face text corpus every key of which a recipe data set types.

    A pre-processing without a `type` is the one Olive 0.13 picks for the task (the data config's
    own, else the input model's, `task_now`): a text corpus only where that is text generation;
    otherwise (`huggingface_pre_process` for text classification ...) it keeps its own words, whose
    defaults (no `text_cols`, no padding setting) are not a text corpus's.
    """
    if cfg.get("type") != "HuggingfaceContainer" or not set(cfg) <= {
        "type",
        "load_dataset_config",
        "pre_process_data_config",
    }:
        return False
    load, pre = flat(cfg.get("load_dataset_config"), "params"), flat(cfg.get("pre_process_data_config"), "params")
    if pre.get("type") is None:
        task = pre.get("task") or task_now
        if current_default_type("HuggingfaceContainer", "pre_process_data", str(task) if task else None) != (
            TEXT_GENERATION_PRE
        ):
            return False
    return (
        set(load) <= LOAD_KEYS
        and set(pre) <= PRE_KEYS
        and load.get("type") in (None, "huggingface_dataset")
        and pre.get("type") in (None, TEXT_GENERATION_PRE)
        and pre.get("dataset_type", "corpus") == "corpus"
        and bool(load.get("data_name"))
    )


def fold_eval_pairs(datas: list[dict[str, Any]], passes: list[dict[str, Any]]) -> None:
    """Turn `<n>` split `s[:70%]` + `<n>_eval` split `s[70%:]` (what eval_split renders) back into eval_split."""
    by_name = {d["name"]: d for d in datas}
    for data in list(datas):
        twin = by_name.get(f"{data['name']}_eval")
        split = str(data.get("split", ""))
        if twin is None or not split.endswith("%]") or "[:" not in split:
            continue
        base, cut = split[:-2].split("[:")
        rest = {k: v for k, v in twin.items() if k not in ("name", "split")}
        if twin.get("split") != f"{base}[{cut}%:]" or rest != {
            k: v for k, v in data.items() if k not in ("name", "split")
        }:
            continue
        data["split"] = base
        if base == "train":
            del data["split"]
        data["eval_split"] = round(1 - int(cut) / 100, 2)
        datas.remove(twin)
        for item in passes:
            if item.get("eval_data") == twin["name"]:
                del item["eval_data"]


# Keys of the imported recipe (typed passes, `olive:`/`config:` blocks, metrics) that name a data set.
DATA_REFERENCES = frozenset({"train_data", "eval_data", "data", "train_data_config", "eval_data_config", "data_config"})


def rename_data_sets(recipe: dict[str, Any], notes: Notes) -> None:
    """Give each data set whose name Olive rejects (`tiny-codes-train`) an accepted one, and follow its references.

    Olive <= 0.4 took any name; Olive 0.9 and 0.13 accept letters, digits and underscore only
    (knowledge/sections.py), so the name is rewritten, not kept, with a REVIEW comment.
    """
    datas = recipe.get("data") or []
    taken = {d.get("name") for d in datas if isinstance(d, dict)}
    renames: dict[str, str] = {}
    for i, data in enumerate(datas):
        name = data.get("name") if isinstance(data, dict) else None
        if not isinstance(name, str) or DATA_CONFIG_NAME.match(name):
            continue
        new = base = data_config_name(name)
        count = 1
        while new in taken:
            count += 1
            new = f"{base}_{count}"
        taken.add(new)
        data["name"] = renames[name] = new
        renames[f"{name}_eval"] = f"{new}_eval"
        notes.decided(
            ("data", i, "name"),
            f"renamed from {name!r}: today's Olive accepts only letters, digits and underscore in a data config name",
        )
    if renames:
        for part in ("passes", "evaluate"):
            if part in recipe:
                _rename_references(recipe[part], renames)


def _rename_references(node: Any, renames: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in DATA_REFERENCES and isinstance(value, str) and value in renames:
                node[key] = renames[value]
            else:
                _rename_references(value, renames)
    elif isinstance(node, list):
        for item in node:
            _rename_references(item, renames)
