"""Olive config (<=0.6 legacy, 0.7-0.9, 0.10+ flat or nested) -> recipe data."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from olivegen.errors import Diagnostic, RecipeError, Severity
from olivegen.importer.data import convert_data, fold_eval_pairs, rename_data_sets
from olivegen.importer.evaluate import convert_evaluation, resolve_evaluator, write_out_named_metrics
from olivegen.importer.flows import apply_pass_flows
from olivegen.importer.legacy_data import input_model_data, input_model_task, model_task_now
from olivegen.importer.model import convert_model
from olivegen.importer.passes import convert_passes
from olivegen.importer.pieces import Notes, flat, section, unaccounted
from olivegen.importer.scrub import scrub_secrets
from olivegen.importer.systems import convert_systems
from olivegen.knowledge.catalog import GENERATIONS, OLIVE_GENERATION, PREVIOUS_GENERATION, suggest
from olivegen.knowledge.data_components import KINDS
from olivegen.knowledge.sections import MAIN_ONLY_TOP_KEYS, OLIVE_MAIN_COMMIT, OLIVE_SECTIONS
from olivegen.source.document import SourceMap

ENGINE_KEYS = {
    "host",
    "target",
    "output_dir",
    "cache_dir",
    "log_severity_level",
    "evaluate_input_model",
    "search_strategy",
    "execution_providers",
    "clean_cache",
    "evaluator",
    "packaging_config",
    "cache_config",
    "no_artifacts",
    "log_to_file",
    "ort_log_severity_level",
    "ort_py_log_severity_level",
    "plot_pareto_frontier",
    "clean_evaluation_cache",
    "enable_shared_cache",
    "output_name",
}
# Engine keys Olive 0.13 has beside those the recipe types (RunEngineConfig): carried under `engine.olive`.
RAW_ENGINE_KEYS = {
    "packaging_config",
    "cache_config",
    "plot_pareto_frontier",
    "clean_evaluation_cache",
    "enable_shared_cache",
    "no_artifacts",
    "log_to_file",
    "ort_log_severity_level",
    "ort_py_log_severity_level",
}


# Top-level keys of older Olive configs beside the sections (RunConfig of 0.9 and before).
OLDER_TOP_KEYS = ("auto_optimizer_config", "azureml_client", "workflow_host", "verbose", "$schema")
TOP_KEYS = OLIVE_SECTIONS


def known_engine_keys() -> set[str]:
    """Return every engine setting of Olive 0.13 and 0.9 (their RunEngineConfig) and of older releases."""
    return ENGINE_KEYS | RAW_ENGINE_KEYS | {k for g in GENERATIONS for k in _engine_keys(g)}


# a data config's components: `{type, params: {...}}` each (`flat(..., "params")`)
DATA_COMPONENTS = tuple(f"{kind}_config" for kind in KINDS)


def data_list(raw: Any) -> list[Any]:
    """Return data configs as the list Olive reads: the legacy mapping of name -> data config as named items."""
    if isinstance(raw, dict):
        # a non-object entry stays as written: import reports it (a data config must be an object)
        return [{**spec, "name": name} if isinstance(spec, dict) else spec for name, spec in raw.items()]
    return list(raw) if isinstance(raw, list) else []


def _engine_keys(generation: str) -> set[str]:
    """Return the engine settings of one Olive generation ("0.13", "0.9"): its RunEngineConfig."""
    from olivegen.recipe.raw import olive_keys

    return set(olive_keys("RunEngineConfig", generation if generation in GENERATIONS else OLIVE_GENERATION))


@dataclass
class Converted:
    """The recipe data, and what the conversion had to say about the input."""

    recipe: dict[str, Any]
    diagnostics: list[Diagnostic]
    comments: dict[tuple[str | int, ...], str]
    generation: str
    notes: Notes | None = None  # where each part of the config was written, and which recipe part it became


def convert_config(config: dict[str, Any], where: SourceMap | None, display: str) -> Converted:
    """Map every block of an Olive config to recipe data; report what has no modern meaning."""
    cfg = copy.deepcopy(config)
    notes = Notes(where, display)
    input_model_data(cfg, notes)  # Olive <= 0.6.1's hf_config.dataset: a data config of its own, as Olive made it
    generation = detect_generation(cfg)
    write_out_named_metrics(cfg, notes)
    apply_pass_flows(cfg, notes)
    engine = flat(section(cfg, "engine", dict, display, where))
    for key in list(cfg):
        if key in ENGINE_KEYS:
            engine[key] = cfg.pop(key)
            notes.moved[("engine", key)] = (key,)
    recipe: dict[str, Any] = {}
    if "workflow_id" in cfg:
        recipe["name"] = cfg.pop("workflow_id")
        notes.carry(("workflow_id",))
    client = flat(section(cfg, "azureml_client", dict, display, where))
    if client:
        recipe["azureml"] = {
            "subscription_id": client.pop("subscription_id", None),
            "resource_group": client.pop("resource_group", None),
            "workspace": client.pop("workspace_name", None),
            **({"keyvault": client.pop("keyvault_name")} if "keyvault_name" in client else {}),
        }
        notes.carry(("azureml_client",), "subscription_id", "resource_group", "workspace_name", "keyvault_name")
        for key in client:
            notes.dropped(("azureml_client", key), "not needed to reach the workspace")
    recipe["model"] = convert_model(section(cfg, "input_model", dict, display, where), notes)
    if "metrics" in cfg:  # top-level metrics no evaluator names: kept so that `validate` names them
        recipe["metrics"] = cfg.pop("metrics")
        notes.carry(("metrics",))
    tasks = input_model_task(config.get("input_model")), model_task_now(recipe["model"])  # Olive <= 0.6.1, 0.13
    datas = convert_data(_data_list(cfg, display, where, notes), notes, *tasks)
    written_systems = section(cfg, "systems", dict, display, where)
    systems = {name: notes.flat(spec, ("systems", name)) for name, spec in written_systems.items()}
    evaluators = section(cfg, "evaluators", dict, display, where)
    eval_splits: dict[str, float] = {}
    raw_passes = section(cfg, "passes", dict, display, where)
    named_by_passes = {
        str(spec["evaluator"])
        for entry in raw_passes.values()
        for spec in (entry if isinstance(entry, list) else [entry])
        if isinstance(spec, dict) and isinstance(spec.get("evaluator"), str)
    }
    raw_data = {d["name"] for d in datas if "olive" in d}
    passes = convert_passes(raw_passes, notes, eval_splits, systems, evaluators, raw_data)
    for name in named_by_passes & set(evaluators):
        notes.carry(("evaluators", name))
    for data in datas:
        if data["name"] in eval_splits:
            data["eval_split"] = eval_splits[data["name"]]
    fold_eval_pairs(datas, passes)
    if datas:
        recipe["data"] = datas
    pass_hosts = {
        str(spec["host"])
        for entry in raw_passes.values()
        for spec in (entry if isinstance(entry, list) else [entry])
        if isinstance(spec, dict) and isinstance(spec.get("host"), str)
    }
    recipe.update(convert_systems(systems, engine, notes, pass_hosts))
    chosen_ref = engine.get("evaluator")
    chosen = resolve_evaluator(engine.pop("evaluator", None), evaluators)
    if chosen is None and isinstance(chosen_ref, str):  # Olive stops at it: "... not found"
        instead = suggest(chosen_ref, list(evaluators)) or "name one of `evaluators`, or leave `evaluator` out"
        notes.unknown(("engine", "evaluator"), f"no evaluator named {chosen_ref!r}", instead, "unknown-evaluator")
    notes.origins[("evaluate",)] = (
        ("evaluators", chosen_ref) if isinstance(chosen_ref, str) else ("engine", "evaluator")
    )
    if chosen is not None:  # an empty evaluator evaluates nothing, as the recipe without `evaluate`
        notes.carry(("evaluators", chosen_ref) if isinstance(chosen_ref, str) else ("engine", "evaluator"))
        notes.carry(("engine", "evaluator"))
    if chosen:
        recipe["evaluate"] = convert_evaluation(chosen, notes)
    for name in evaluators:
        if name != chosen_ref and name not in named_by_passes:
            notes.dropped(("evaluators", name), "neither the engine nor a pass names it: Olive never ran it")
    recipe["passes"] = passes
    rename_data_sets(recipe, notes)
    several = any(isinstance(recipe.get(k), dict) and recipe[k].get("extra_providers") for k in ("host", "target"))
    if _only_in_09(passes) or (several and generation in ("<=0.6", "0.7-0.9")):
        recipe = {"olive": PREVIOUS_GENERATION, **recipe}
        notes.decided(
            ("olive",),
            f"a pass, parameter or second provider here is in Olive {PREVIOUS_GENERATION}, not {OLIVE_GENERATION}:"
            f" rendered for {PREVIOUS_GENERATION}",
        )
    recipe["engine"] = _engine(engine, notes, recipe.get("name"), evaluated=bool(chosen))
    scrub_secrets(recipe, notes)
    known = known_engine_keys()
    if "builds" in cfg:  # one recipe is one workflow: the builds would silently become none of them
        at = ("builds",)
        raise RecipeError(
            [
                Diagnostic(
                    f"$.builds: a multi-build config, which only Olive's main branch reads (after {OLIVE_GENERATION},"
                    f" at {OLIVE_MAIN_COMMIT}); Olive {OLIVE_GENERATION} refuses it, and one recipe without a matrix"
                    " is one build",
                    notes.position(at),
                    "`olivegen import CONFIG -o RECIPE.yaml` imports it as a matrix recipe with a variant per build",
                    "import",
                )
            ]
        )
    for key in cfg:
        if key in known or key in OLDER_TOP_KEYS:
            notes.dropped((key,), "not a section of a recipe")
        elif key in MAIN_ONLY_TOP_KEYS:
            notes.unknown(
                (key,),
                f"only Olive's main branch (after {OLIVE_GENERATION}, at {OLIVE_MAIN_COMMIT}) reads {key!r}, for"
                f" `builds`; Olive {OLIVE_GENERATION} refuses it",
                "leave it out: without `builds` it has no meaning; `olivegen import` does",
            )
        else:  # Olive puts a top-level key it does not know into `engine`, which refuses it
            hint = suggest(str(key), sorted(known | set(OLDER_TOP_KEYS) | TOP_KEYS))
            notes.unknown(
                (key,),
                f"neither Olive {OLIVE_GENERATION} nor Olive's main branch (at {OLIVE_MAIN_COMMIT}) has a section"
                f" or engine setting {key!r}",
                hint,
            )
    target = _engine_keys(str(recipe.get("olive", OLIVE_GENERATION)))
    for key in engine:
        if key in known and key not in target:  # an older Olive's: the Olive it renders for rejects it
            notes.unknown(
                ("engine", key),
                f"Olive {recipe.get('olive', OLIVE_GENERATION)} has no engine setting {key!r} (an older Olive's)",
                "leave it out: that Olive refuses the config with it; `olivegen import` does",
                "olive-removed",
            )
        elif key in known:
            notes.dropped(("engine", key), "engine setting olivegen does not render")
        else:
            notes.unknown(
                ("engine", key),
                f"neither Olive {OLIVE_GENERATION} nor Olive's main branch (at {OLIVE_MAIN_COMMIT}) has an engine"
                f" setting {key!r}",
                suggest(str(key), sorted(known)),
            )
    for path in unaccounted(config, notes):  # the last word: no key leaves the config without one
        notes.uncarried(path)
    if any(d.rule == "unknown-evaluator" for d in notes.diagnostics):  # Olive stops there: no recipe means it
        raise RecipeError(
            [replace(d, severity=Severity.ERROR) if d.rule == "unknown-evaluator" else d for d in notes.diagnostics]
        )
    return Converted(recipe, notes.diagnostics, notes.comments, generation, notes)


def _data_list(cfg: dict[str, Any], display: str, where: SourceMap | None, notes: Notes) -> list[Any]:
    """`data_configs` as a list; the legacy form is a mapping of name -> data config."""
    raw = cfg.get("data_configs")
    if isinstance(raw, dict):
        cfg.pop("data_configs")
        for i, name in enumerate(raw):  # findings about item i are about the config's `data_configs.<name>`
            notes.moved.setdefault(("data_configs", i), ("data_configs", name))
        return data_list(raw)
    out: list[Any] = section(cfg, "data_configs", list, display, where)
    return out


# the folders olivegen renders when a recipe writes none (relative to where `olive run` starts)
DEFAULT_FOLDERS = {"output_dir": "outputs/{name}", "cache_dir": ".olive-cache"}


def detect_generation(cfg: dict[str, Any]) -> str:
    """Tell which Olive release a config was written for, from its shape, its passes and their parameters.

    `<=0.6`, `0.7-0.9` or `0.10+` when something in the config says so; `0.7+` when it is written
    the same way in 0.7-0.9 and in 0.10-0.13 (then nothing in it depends on which).
    """
    from olivegen.knowledge.catalog import canonical_pass_in, pass_params_in
    from olivegen.knowledge.history import generation_of_passes, on_main

    model = cfg.get("input_model", {})
    engine: dict[str, Any] = cfg["engine"] if isinstance(cfg.get("engine"), dict) else cfg
    systems = cfg.get("systems") or {}
    specs = [flat(s) for s in systems.values() if isinstance(s, dict)] if isinstance(systems, dict) else []
    if (
        (isinstance(model, dict) and "hf_config" in flat(model))
        or "execution_providers" in engine
        or any(
            isinstance(a, str)
            for s in specs
            for a in (s["accelerators"] if isinstance(s.get("accelerators"), list) else [])
        )
    ):
        return "<=0.6"
    if "azureml_client" in cfg or any(s.get("type") == "AzureML" for s in specs):
        return "0.7-0.9"
    passes = cfg.get("passes") or {}
    entries = [
        flat(spec)
        for entry in (passes.values() if isinstance(passes, dict) else [])
        for spec in (entry if isinstance(entry, list) else [entry])
        if isinstance(spec, dict)
    ]
    by_passes = generation_of_passes([str(e.get("type")) for e in entries])
    if by_passes is not None:
        return by_passes
    newer = older = False
    for entry in entries:
        now, then = (
            canonical_pass_in(str(entry.get("type")), OLIVE_GENERATION),
            canonical_pass_in(str(entry.get("type")), PREVIOUS_GENERATION),
        )
        if now and not then:
            newer = True
        elif now and then:
            params = set(entry) - {"type", "host", "evaluator"}
            newer |= any(
                k in pass_params_in(now, OLIVE_GENERATION) and k not in pass_params_in(then, PREVIOUS_GENERATION)
                for k in params
            )
            older |= any(
                k in pass_params_in(then, PREVIOUS_GENERATION)
                and k not in pass_params_in(now, OLIVE_GENERATION)
                and not on_main(now, k)
                for k in params
            )
        elif then:
            older = True
    if older and not newer:
        return "0.7-0.9"
    if newer:
        return "0.10+"
    return "0.7+"


def _engine(engine: dict[str, Any], notes: Notes, name: Any = None, *, evaluated: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ours, theirs in (
        ("output_dir", "output_dir"),
        ("cache_dir", "cache_dir"),
        ("log_level", "log_severity_level"),
        ("clean_cache", "clean_cache"),
    ):
        if engine.get(theirs) is not None:
            out[ours] = engine.pop(theirs)
            notes.carry(("engine", theirs))
        engine.pop(theirs, None)
    if "output_dir" not in out:
        out["output_dir"] = "."  # Olive's default: the folder `olive run` starts in
    if "evaluate_input_model" in engine:  # without an evaluator Olive evaluates nothing: the same either way
        notes.carry(("engine", "evaluate_input_model"))
    evaluate_input = engine.pop("evaluate_input_model", True)  # Olive's default is true
    if evaluated:
        out["evaluate_input_model"] = evaluate_input
    if isinstance(out.get("cache_dir"), list):  # Olive's list form: the first is where it writes
        if out["cache_dir"]:
            out["cache_dir"] = out["cache_dir"][0]
        else:
            del out["cache_dir"]
    for key, default in DEFAULT_FOLDERS.items():  # a recipe's default renders the same relative folder
        if out.get(key) == default.replace("{name}", str(name)):
            del out[key]
    raw: dict[str, Any] = {}
    if "search_strategy" in engine:  # typed, in Olive's words, or false: no search, as a recipe
        notes.carry(("engine", "search_strategy"))
    search = engine.pop("search_strategy", None)
    if isinstance(search, dict):  # Olive <= 0.6 names: search_algorithm (exhaustive is the sequential sampler)
        renames = {"search_algorithm": "sampler", "search_algorithm_config": "sampler_config"}
        search = {renames.get(k, k): v for k, v in search.items()}
        if search.get("sampler") == "exhaustive":
            search["sampler"] = "sequential"
            notes.decided(
                ("engine", "search"), f"search_algorithm exhaustive is Olive {OLIVE_GENERATION}'s sequential sampler"
            )
    typed_search = {"execution_order", "sampler", "max_iter", "max_time"}
    if isinstance(search, dict) and {"execution_order", "sampler"} <= set(search) <= typed_search:
        out["search"] = search
    elif search:
        raw["search_strategy"] = search
    for key in RAW_ENGINE_KEYS:
        if key in engine:
            raw[key] = engine.pop(key)
            notes.carry(("engine", key))
    if raw:
        out["olive"] = raw
    if "output_dir" in out or "cache_dir" in out:
        notes.decided(("engine",), "paths were relative to where `olive run` ran; in a recipe they are relative to it")
    return out


def _only_in_09(passes: list[dict[str, Any]]) -> bool:
    """Tell whether a pass, or a parameter of one, exists in Olive 0.9 but not in 0.13."""
    from olivegen.knowledge.catalog import canonical_pass, canonical_pass_in, pass_params_in
    from olivegen.knowledge.history import on_main

    for item in passes:
        kind = str(item.get("type"))
        if canonical_pass(kind) is None:
            if canonical_pass_in(kind, PREVIOUS_GENERATION) is not None:
                return True
            continue
        params = {**(item.get("config") or {}), **(item.get("options") or {})}
        now, then = pass_params_in(kind, OLIVE_GENERATION), pass_params_in(kind, PREVIOUS_GENERATION)
        if any(k not in now and k in then and not on_main(kind, k) for k in params):  # on main: newer, not older
            return True
    return False
