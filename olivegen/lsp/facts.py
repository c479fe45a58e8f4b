"""What the editor features say about passes, data sets and the model: read from the composed recipe.

Everything here takes plain (possibly half-written) recipe data and never raises for bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from olivegen.knowledge.catalog import PASS_ALIASES, PROVIDER_ALIASES, canonical_pass, facts, pass_info
from olivegen.lsp.fields import param_key, pass_model
from olivegen.recipe.naming import FILE_FORMATS
from olivegen.recipe.passes import GenericPass

DATA_REFS = ("train_data", "eval_data", "data")  # pass keys that name a data set
MAX_PARAMS_SHOWN = 40


def data_sets(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the data set mappings of a recipe (what is well-formed enough to have a name)."""
    found = data.get("data")
    if not isinstance(found, list):
        return []
    return [d for d in found if isinstance(d, dict) and isinstance(d.get("name"), str)]


def data_set_names(data: dict[str, Any]) -> list[str]:
    """Return the names a pass may refer to: every data set, and `<name>_eval` of those with `eval_split`."""
    names = []
    for spec in data_sets(data):
        names.append(spec["name"])
        if spec.get("eval_split") is not None:
            names.append(f"{spec['name']}_eval")
    return names


def find_data_set(data: dict[str, Any], name: str) -> tuple[int, dict[str, Any]] | None:
    """Return (index, mapping) of the data set a name refers to (`x_eval` -> `x` with eval_split)."""
    for i, spec in enumerate(data.get("data") or []):
        if isinstance(spec, dict) and spec.get("name") == name:
            return i, spec
    if name.endswith("_eval"):
        found = find_data_set(data, name.removesuffix("_eval"))
        if found and found[1].get("eval_split") is not None:
            return found
    return None


def _files(spec: dict[str, Any]) -> list[str]:
    files = spec.get("files")
    if isinstance(files, str):
        return [files]
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def data_columns(spec: dict[str, Any], folder: Path) -> tuple[str, list[str]] | None:
    """Return (file, sorted columns) of a data set's first local file, or None when they cannot be read.

    As in `validate`: nothing of a file outside the recipe's repository is shown, and a column
    name shaped like a credential is left out (the file name is masked).
    """
    from olivegen.checks.datafiles import columns
    from olivegen.source.paths import repository_root, within
    from olivegen.source.secrets import credential, mask

    files = _files(spec)
    if not files:
        return None
    path = (folder / files[0]).expanduser()
    if not within(path, repository_root(folder / "recipe.yaml")):
        return None
    fmt = spec.get("format") if isinstance(spec.get("format"), str) else None
    fmt = fmt or FILE_FORMATS.get(Path(files[0]).suffix.lower(), "json")
    try:
        found = columns(path, fmt)
    except (OSError, ValueError):
        return None
    if found is None:
        return None
    return mask(files[0]), sorted(c for c in found if credential(c) is None)


def describe_data_set(spec: dict[str, Any], folder: Path) -> str:
    """Return markdown for a data set: where it comes from and its columns."""
    name = spec.get("name")
    lines = [f"**data set `{name}`**", ""]
    hub = spec.get("hub")
    store = spec.get("datastore")
    from olivegen.source.secrets import mask

    if _files(spec):
        shown = ", ".join(mask(f) for f in _files(spec))
        lines.append("source: local file" + ("s " if len(_files(spec)) > 1 else " ") + shown)
    elif isinstance(hub, dict):
        subset = f" (subset {hub.get('subset')})" if hub.get("subset") else ""
        lines.append(f"source: Hugging Face Hub `{hub.get('name')}`{subset}")
    elif isinstance(store, dict):
        store_name = store.get("datastore", "workspaceblobstore")
        lines.append(f"source: Azure ML datastore `{store_name}`: {store.get('path')}")
    lines.append(f"split: {spec.get('split', 'train')}")
    if spec.get("eval_split") is not None:
        lines.append(f"eval_split: {spec['eval_split']} (held out as `{name}_eval`)")
    cols = data_columns(spec, folder)
    if cols is not None:
        lines += ["", f"columns of {cols[0]}: " + ", ".join(f"`{c}`" for c in cols[1])]
    return mask("  \n".join(lines))


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]


def describe_pass(written: str) -> str | None:
    """Return markdown for a pass type: what it does, where it runs, and its parameters."""
    canonical = canonical_pass(written)
    if canonical is None:
        return None
    info = pass_info(canonical)
    model = pass_model(canonical)
    aliases = [a for a, target in PASS_ALIASES.items() if target == canonical]
    title = f"**{canonical}**" + (f" (also written {', '.join(f'`{a}`' for a in aliases)})" if aliases else "")
    lines = [title, ""]
    if model is not GenericPass:
        lines.append((model.__doc__ or "").strip().splitlines()[0])
    else:
        lines.append(f"Olive pass `{canonical}`; its parameters go under `config:`.")
    for label, field in (("providers", "supported_providers"), ("precisions", "supported_precisions")):
        values = info.get(field) or []
        if values and values != ["*"]:
            lines.append(f"{label}: {', '.join(values)}")
    if model is not GenericPass:
        typed = [
            f"- `{info_.alias or name}`: {info_.description or ''}"
            for name, info_ in model.model_fields.items()
            if name not in ("type", "name", "options")
        ]
        if typed:
            lines += ["", "parameters:", *typed]
    params: dict[str, Any] = info["params"] if isinstance(info.get("params"), dict) else {}
    shown = []
    for name in list(params)[:MAX_PARAMS_SHOWN]:
        key = param_key(canonical, name)
        if key is not None:
            default = f" (default {key.default})" if key.default not in (None, "null") else ""
            shown.append(f"- `{name}`{default}: {_first_sentence(key.description)}")
    if shown:
        where = "`config:`" if model is GenericPass else "`options:`"
        more = f" ({len(params) - MAX_PARAMS_SHOWN} more)" if len(params) > MAX_PARAMS_SHOWN else ""
        lines += ["", f"Olive parameters under {where}{more}:", *shown]
    return "\n".join(lines)


def providers() -> list[tuple[str, str]]:
    """Return (name, what it means) for every execution provider and short name a recipe may write."""
    out = [(ep, "Olive execution provider") for ep in facts()["execution_providers"]]
    out += [(alias, target) for alias, target in PROVIDER_ALIASES.items()]
    return out


def model_modules(data: dict[str, Any], folder: Path) -> tuple[str, list[str], tuple[str, ...]] | None:
    """Return (family label, linear layer names, LoRA default) of the recipe's model, when its family is known."""
    from pydantic import ValidationError

    from olivegen.knowledge.architectures import facts_for
    from olivegen.recipe.model import InputModel

    model = data.get("model")
    try:
        parsed = InputModel.model_validate(model)
    except ValidationError:  # half-written model: nothing to say yet
        return None
    family = facts_for(parsed, folder).family
    if family is None:
        return None
    return family.label, list(family.linear), family.default_lora
