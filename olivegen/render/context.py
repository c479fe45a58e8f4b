"""Recipe -> a plain, JSON-able render context: what the recipe means, in no Olive release's shape.

All defaulting and path resolution lives here; the shape of the output (section and key names,
nesting, what goes where, how systems are named) is the templates' (`templates/olive-<gen>/`).

The context (every value JSON-able; paths already absolute, or relative to `relative_to`):

- `name`: the workflow's name.
- `model`: `olive` (a raw block, else None), `path` (local path or Hugging Face id), `registry`
  ({registry, name, version} or None), `task`, `load_kwargs`, `adapter_path`.
- `systems`: `host` and `target`, each {kind: local|docker|python_environment|azureml, device,
  providers, and the fields of its kind}.
- `workspace`: the Azure ML workspace ({subscription_id, resource_group, workspace, keyvault}) or None.
- `data`: one entry per data set Olive sees (an `eval_split` makes two): name, `olive` (raw) or
  `hub`/`datastore`/`files` with `format`, `delimiter`, `split`, and `preprocess` settings.
- `evaluation`: None, {olive: raw}, or {metrics: [{name, type, sub_types, data, backend, user_config}]}.
- `passes`: [{name, type, params, known_params}]: `known_params` lists the parameters the rendered
  Olive release has for that pass (knowledge/; empty when it does not know the pass).
- `engine`: output_dir, cache_dir, log_level, evaluate_input_model, search, clean_cache, olive (raw).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from olivegen.knowledge.catalog import OLIVE_GENERATION, pass_key, pass_params_in
from olivegen.recipe import Recipe
from olivegen.recipe.data import DataSpec
from olivegen.recipe.model import InputModel
from olivegen.recipe.naming import data_format, default_train_data
from olivegen.recipe.passes import GenericPass
from olivegen.recipe.systems import SystemSpec
from olivegen.render.lora_nodes import lora_int4_exclusions
from olivegen.source.paths import is_local_path, raw_paths, relative, relative_raw_paths, resolve


def workflow_name(recipe: Recipe, recipe_path: Path) -> str:
    """Return the workflow id: the recipe's `name`, else its file name without extensions."""
    return recipe.name or recipe_path.name.split(".")[0]


class _Paths:
    """Resolves a recipe's paths once: against the recipe's folder, then relative to `relative_to` if given."""

    def __init__(self, base: Path, relative_to: Path | None) -> None:
        self.base = base
        self.anchor = relative_to.resolve() if relative_to is not None else None

    def local(self, value: str) -> str:
        return str(relative(resolve(self.base, value), self.anchor))

    def raw(self, block: Any) -> Any:
        return raw_paths(block, self.base)  # their relative form: relative_raw_paths over the whole context


def build_context(
    recipe: Recipe, recipe_path: Path, generation: str = OLIVE_GENERATION, *, relative_to: Path | None = None
) -> dict[str, Any]:
    """Build the render context: plain dicts and lists, in the order they are rendered.

    `generation` (the Olive release rendered for) only chooses the facts attached (`known_params`);
    `relative_to`: write local paths relative to this folder (None: absolute).
    """
    base = recipe_path.resolve().parent
    paths = _Paths(base, relative_to)
    target = recipe.target or recipe.host
    workspace = recipe.azureml
    context = {
        "name": workflow_name(recipe, recipe_path),
        "model": _model(recipe.model, paths),
        "systems": {"host": _system(recipe.host, paths), "target": _system(target, paths)},
        "workspace": workspace.model_dump(mode="json") if workspace is not None else None,
        "data": [entry for spec in recipe.data for entry in _data(spec, paths)],
        "evaluation": _evaluation(recipe, paths),
        "passes": _passes(recipe, generation, lora_int4_exclusions(recipe, base)),
        "engine": _engine(recipe, paths, workflow_name(recipe, recipe_path)),
    }
    if paths.anchor is not None:  # the path keys of raw Olive blocks, wherever they stand
        context = relative_raw_paths(context, paths.anchor)
    return context


def _model(model: InputModel, paths: _Paths) -> dict[str, Any]:
    out: dict[str, Any] = {
        "olive": None,
        "path": None,
        "registry": None,
        "task": model.task,
        "load_kwargs": {},
        "adapter_path": None,
    }
    if model.olive is not None:
        out["olive"] = paths.raw(model.olive)
        return out
    registry = model.registry_ref()
    if registry is not None:
        out["registry"] = {"registry": registry.registry, "name": registry.name, "version": registry.version}
    elif model.path is not None and is_local_path(paths.base, model.path):
        out["path"] = paths.local(model.path)
    else:
        out["path"] = model.path
    load_kwargs: dict[str, Any] = {}
    if model.trust_remote_code:
        load_kwargs["trust_remote_code"] = True
    if model.torch_dtype:
        load_kwargs["torch_dtype"] = model.torch_dtype
    load_kwargs.update(model.load_kwargs)
    out["load_kwargs"] = load_kwargs
    if model.adapter_path:
        out["adapter_path"] = paths.local(model.adapter_path)
    return out


def _system(spec: SystemSpec, paths: _Paths) -> dict[str, Any]:
    """Return a system as what it is: equal dicts render as equal Olive systems (so one system, not two)."""
    out: dict[str, Any] = {
        "kind": spec.type,
        "device": spec.resolved_device(),
        "providers": [spec.provider, *spec.extra_providers],
    }
    if spec.type == "docker":
        out["dockerfile"] = spec.dockerfile
        out["build_context"] = paths.local(spec.build_context or ".")
        for key in ("image_name", "work_dir", "build_args", "run_params", "clean_image"):
            out[key] = getattr(spec, key)
    if spec.type == "azureml":
        out["compute"] = spec.compute
        out["image"] = spec.image
        out["conda_file"] = paths.local(spec.conda_file) if spec.conda_file else None
        out["hf_token"] = spec.hf_token
    if spec.type == "python_environment":
        out["python"] = paths.local(spec.python) if spec.python else None
        out["environment"] = dict(sorted(spec.environment.items()))
        out["prepend_to_path"] = [paths.local(p) for p in spec.prepend_to_path] if spec.prepend_to_path else None
    return out


def _data(spec: DataSpec, paths: _Paths) -> list[dict[str, Any]]:
    """Return the data sets Olive sees for one recipe data set: one, or a train and an `_eval` part."""
    if spec.olive is not None:
        return [{"name": spec.name, "olive": paths.raw(spec.olive)}]
    load: dict[str, Any] = {"hub": None, "datastore": None, "files": None, "format": None, "delimiter": None}
    if spec.hub is not None:
        load["hub"] = {"name": spec.hub.name, "subset": spec.hub.subset}
    elif spec.datastore is not None:
        store = spec.datastore
        load["format"] = data_format(spec)
        load["datastore"] = {
            "uri": store.uri(),
            "subscription_id": store.subscription_id,
            "resource_group": store.resource_group,
            "workspace": store.workspace,
            "datastore": store.datastore,
            "path": store.path,
        }
    else:
        written = spec.file_list()
        load["format"] = data_format(spec)
        load["files"] = [paths.local(f) for f in written]
        if spec.format is None and all(f.lower().endswith(".tsv") for f in written):
            load["delimiter"] = "\t"  # `datasets`' csv builder reads commas unless told
    pre: dict[str, Any] = {"strategy": spec.strategy, "max_seq_len": spec.max_seq_len}
    if spec.text_template is not None:
        pre["text_template"] = spec.text_template
    if spec.text_cols:
        pre["text_cols"] = list(spec.text_cols)
    if spec.chat_template:
        pre["chat_template"] = True
        if spec.message_col:
            pre["message_col"] = spec.message_col
    if spec.stride is not None:
        pre["stride"] = spec.stride
    pre["pad_to_max_len"] = spec.pad_to_max_len
    pre["use_attention_mask"] = spec.use_attention_mask
    if not spec.add_special_tokens:
        pre["add_special_tokens"] = False
    if spec.max_samples is not None:
        pre["max_samples"] = spec.max_samples

    def part(name: str, split: str) -> dict[str, Any]:
        return {"name": name, "olive": None, **load, "split": split, "preprocess": dict(pre)}

    if spec.eval_split is None:
        return [part(spec.name, spec.split)]
    cut = round((1 - spec.eval_split) * 100)
    return [part(spec.name, f"{spec.split}[:{cut}%]"), part(f"{spec.name}_eval", f"{spec.split}[{cut}%:]")]


def _passes(recipe: Recipe, generation: str, exclusions: dict[int, list[str]] | None = None) -> list[dict[str, Any]]:
    eval_names = {f"{d.name}_eval" for d in recipe.data if d.eval_split is not None}
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    for index, spec in enumerate(recipe.passes):
        key = pass_key(str(spec.type), spec.name, taken)
        taken.add(key)
        merged: dict[str, Any]
        if isinstance(spec, GenericPass):
            merged = {"type": spec.type, **spec.config, **spec.olive}
        else:
            params = spec.model_dump(mode="json", exclude={"name", "type", "options", "olive"}, exclude_none=True)
            if "training" in params:
                training = params.pop("training")
                extra = training.pop("extra", {})
                training = {**training, **extra}
                params["training"] = training or None
                if params["training"] is None:
                    del params["training"]
            if "train_data" in spec.model_fields:
                train = params.get("train_data") or default_train_data(recipe)
                if train is not None:
                    params["train_data"] = train
                if "eval_data" not in params and f"{train}_eval" in eval_names:
                    params["eval_data"] = f"{train}_eval"
            if exclusions and index in exclusions:
                params["int4_nodes_to_exclude"] = exclusions[index]
            renamed = {spec.RENAMES.get(k, k): v for k, v in params.items()}
            merged = {"type": str(spec.type), **renamed, **spec.options, **spec.olive}
        kind = merged.pop("type")
        out.append(
            {"name": key, "type": kind, "params": merged, "known_params": sorted(pass_params_in(kind, generation))}
        )
    return out


def _evaluation(recipe: Recipe, paths: _Paths) -> dict[str, Any] | None:
    if recipe.evaluate is None:
        return None
    if recipe.evaluate.olive is not None:
        return {"olive": paths.raw(recipe.evaluate.olive), "metrics": None}
    metrics: list[dict[str, Any]] = []
    for m in recipe.evaluate.metrics:
        metrics.append(
            {
                "name": m.name,
                "type": m.type,
                "sub_types": m.sub_type_list(),
                "data": m.data,
                "backend": m.backend,
                "user_config": paths.raw(m.user_config) if m.user_config is not None else None,
            }
        )
    subs = [s for metric in metrics for s in metric["sub_types"]]
    if len(subs) > 1 and not any("priority" in s for s in subs):  # Olive: "Priority must be specified ..."
        for rank, sub in enumerate(subs, start=1):
            sub["priority"] = rank
    return {"olive": None, "metrics": metrics}


def _engine_folder(engine: Any, field: str, paths: _Paths, name: str) -> str:
    """Return an engine folder: a written one from the recipe's folder; a default one left relative.

    Olive resolves a relative folder against the folder `olive run` starts in, so the defaults
    (`outputs/<name>`, `.olive-cache`) land where the run is started, never beside the recipe
    (a checkout's examples/ stays clean).
    """
    value = str(getattr(engine, field)).replace("{name}", name)
    return paths.local(value) if field in engine.model_fields_set else str(relative(value, paths.anchor))


def _engine(recipe: Recipe, paths: _Paths, name: str) -> dict[str, Any]:
    engine = recipe.engine
    return {
        "output_dir": _engine_folder(engine, "output_dir", paths, name),
        "cache_dir": _engine_folder(engine, "cache_dir", paths, name),
        "log_level": engine.log_level,
        "evaluate_input_model": engine.evaluate_input_model,
        "search": None if engine.search is None else engine.search.model_dump(mode="json", exclude_none=True),
        "clean_cache": bool(engine.clean_cache),
        "olive": paths.raw(engine.olive),
    }
