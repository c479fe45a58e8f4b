"""Passes of any generation -> recipe passes (typed fields, `options`, training arguments)."""

from __future__ import annotations

from typing import Any

from olivegen.errors import Diagnostic, RecipeError
from olivegen.importer.evaluate import resolve_evaluator
from olivegen.importer.pieces import JsonPath, Notes, flat, json_path
from olivegen.knowledge import passes as P
from olivegen.knowledge.catalog import (
    OLIVE_GENERATION,
    canonical_pass,
    pass_key,
    pass_params_in,
    suggest,
    training_argument_names,
)
from olivegen.knowledge.history import (
    GONE_PASS_ENTRY_KEYS,
    QUANT_TYPE_SPELLING,
    RESPELLED_VALUES,
    moved_param,
    param_releases,
    releases_of,
    renamed_param,
    respelled_param,
    successor,
    why_gone_entry_key,
)
from olivegen.recipe.passes import TYPED_PASSES
from olivegen.recipe.training import TrainingArgs


def convert_passes(
    passes: dict[str, Any],
    notes: Notes,
    eval_splits: dict[str, float],
    systems: dict[str, Any] | None = None,
    evaluators: dict[str, Any] | None = None,
    raw_data: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Map each pass to a recipe pass: typed fields, `options` for the rest, legacy names renamed.

    `raw_data` names the data sets kept in Olive's words (`olive:`), which a recipe cannot split.
    """
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    for key, raw in passes.items():
        for spec in raw if isinstance(raw, list) else [raw]:
            path: JsonPath = ("passes", key)
            if not isinstance(spec, dict) or not isinstance(flat(spec).get("type"), str):
                notes.dropped(path, "a pass is an object with a `type`")
                continue
            entry = _entry_keys(spec, path, notes, systems or {}, evaluators or {})
            params = notes.flat(spec, path)
            written = str(params.pop("type", ""))
            kind = canonical_pass(written) or str(spec.get("type"))
            renamed = successor(written)
            if canonical_pass(written) is None and renamed:
                kind = renamed
                since = f"Olive {(releases_of(renamed) or ['v?'])[0].lstrip('v')}"
                notes.decided(("passes", len(out), "type"), f"{written} is called {renamed} since {since}")
                notes.renamed((*path, "type"), written, renamed, since)
            if kind == P.LORA:
                _qlora_only(params, path, notes, len(out))
            params = _renamed_params(kind, params, path, notes)
            item: dict[str, Any] = {"type": kind}
            if pass_key(kind, None, taken) != key:
                item["name"] = key
            taken.add(key)
            if kind in TYPED_PASSES:
                item.update(_typed_params(kind, params, path, notes, eval_splits, len(out), raw_data or set()))
            else:
                if params:
                    item["config"] = params
            if entry:
                item["olive"] = entry
            notes.origins[("passes", len(out))] = path
            notes.carry(path)  # every parameter is typed, under `options` or `training`, or reported above
            out.append(item)
    return out


def _qlora_only(params: dict[str, Any], path: JsonPath, notes: Notes, index: int) -> None:
    """Drop, with a warning, the QLoRA parameters a LoRA pass sets: no Olive release has them on LoRA.

    Olive ran such a pass as plain LoRA (Olive <= 0.6 ignored unknown pass keys without a word, pydantic
    v1's default; Olive 0.7+ logs that it ignores them), so the recipe keeps LoRA, full-precision base.
    """
    gone = [k for k in params if not param_releases(P.LORA, k) and param_releases(P.QLORA, k)]
    for key in gone:
        del params[key]
        since = param_releases(P.QLORA, key)
        notes.ignored(
            (*path, key),
            f"no Olive release has {key!r} on LoRA ({P.QLORA} has it, Olive {_span(since)}): Olive ignored it and"
            " trained plain LoRA on the full-precision base, and so does the recipe",
            f"to train on a 4-bit base, write `type: {P.QLORA}` (with `{key}`) in the recipe; then set"
            " `save_quant_config: false` before ModelBuilder int4",
        )
    if gone:
        notes.decided(
            ("passes", index, "type"),
            f"LoRA as Olive ran it: it ignored {', '.join(gone)} (QLoRA parameters)",
        )


def _span(tags: list[str]) -> str:
    """`v0.3.2 ... v0.13.0` -> `0.3.2-0.13.0`."""
    first, last = tags[0].lstrip("v."), tags[-1].lstrip("v.")
    return first if first == last else f"{first}-{last}"


EVAL_SPLIT_DIFFERS = (
    "became `eval_split: {value}` on data set {train!r}, which holds out the split's last {pct}% of rows before"
    " pre-processing; Olive <= 0.6 held out a random {pct}% of the pre-processed samples"
)


def _renamed_params(kind: str, params: dict[str, Any], path: JsonPath, notes: Notes) -> dict[str, Any]:
    """Write today's name of each parameter Olive renamed (`output_model` -> `model_name`) or moved."""
    out: dict[str, Any] = {}
    moved: dict[str, dict[str, Any]] = {}
    for key, value in params.items():
        renamed = renamed_param(kind, key)
        into = moved_param(kind, key)
        respelled = _respelled(kind, key, value, params)
        replaced = respelled_param(kind, key)
        if replaced is not None and replaced[0] in params:  # both written: Olive 0.9+ reads only today's
            notes.dropped((*path, key), f"the config also sets `{replaced[0]}`, which Olive reads instead")
        elif respelled is not None:  # `weight_type: QInt8` is `precision: int8` since Olive 0.9.0
            out[respelled[0]] = respelled[1]
            if respelled[0] != key:
                notes.renamed((*path, key), f"{key}: {value}", f"{respelled[0]}: {respelled[1]}", "Olive 0.9.0")
            else:
                notes.renamed((*path, key), f"{key}: {value}", f"{key}: {respelled[1]}", "Olive 0.9.0")
        elif into and isinstance(params.get(into) or {}, dict):  # Olive <= 0.8 copied it there, over that key
            moved.setdefault(into, {})[key] = value
            notes.renamed((*path, key), key, f"{into}.{key}", "Olive 0.9.0")
        elif renamed is None:
            out[key] = value
        elif renamed[0] in params:  # both spellings: Olive reads only today's
            notes.dropped((*path, key), f"the config also sets `{renamed[0]}`, which Olive reads instead")
        else:
            out[renamed[0]] = value
            notes.renamed((*path, key), key, renamed[0], renamed[1])
    for into, values in moved.items():
        out[into] = {**(out.get(into) or {}), **values}
    return out


def _respelled(kind: str, key: str, value: Any, params: dict[str, Any]) -> tuple[str, Any] | None:
    """Return (today's parameter, today's spelling) for a QuantType-spelled choice (`QInt8`), else None."""
    if not isinstance(value, str) or value not in QUANT_TYPE_SPELLING:
        return None
    replaced = respelled_param(kind, key)
    if replaced is not None and replaced[0] not in params:
        return replaced[0], QUANT_TYPE_SPELLING[value]
    name = canonical_pass(kind) or kind
    now = pass_params_in(name, OLIVE_GENERATION)
    if key in RESPELLED_VALUES.get(name, ()) and key in now:  # not OnnxDynamicQuantization
        return key, QUANT_TYPE_SPELLING[value]
    return None


def _typed_params(
    kind: str,
    params: dict[str, Any],
    path: JsonPath,
    notes: Notes,
    eval_splits: dict[str, float],
    index: int,
    raw_data: set[str],
) -> dict[str, Any]:
    model = TYPED_PASSES[kind]
    fields = set(model.model_fields) - {"type", "name", "options"}
    reverse = {olive: ours for ours, olive in model.RENAMES.items()}
    item: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for olive_key, value in params.items():
        key = reverse.get(olive_key, olive_key)
        if olive_key == "eval_dataset_size":
            train = params.get("train_data_config")
            if params.get("eval_data_config") is not None:
                notes.dropped((*path, olive_key), "the pass names eval_data_config, which Olive evaluated on instead")
            elif isinstance(train, str) and train in raw_data:  # `olive:` gives the whole data config: no split
                at = (*path, olive_key)
                message = (
                    f"{json_path(notes.written(at))}: Olive held out {value} of the training samples to evaluate on;"
                    f" its train data set {train!r} stays in Olive's own words (`olive:`), which a recipe cannot split"
                )
                hint = (
                    f"write the held-out rows as a data config of their own (a copy of {train!r} with its own split),"
                    " name it as the pass's `eval_data_config`, and leave out eval_dataset_size"
                )
                raise RecipeError([Diagnostic(message, notes.position(at), hint, "import")])
            elif isinstance(train, str):
                eval_splits[train] = value  # a count (> 1) has no Olive 0.13 form: `validate` says so at it
                notes.decided(
                    ("passes", index, "type"),
                    f"eval_dataset_size {value} became eval_split on data set {train!r}",
                )
                if isinstance(value, float) and 0 < value < 1:
                    what = EVAL_SPLIT_DIFFERS.format(value=value, train=train, pct=f"{value * 100:g}")
                    notes.approximated((*path, olive_key), what)
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
    _olive_defaults(kind, model, params, item)
    return item


def _olive_defaults(kind: str, model: Any, params: dict[str, Any], item: dict[str, Any]) -> None:
    """Where a typed field's default is not Olive's, write Olive's default: the recipe must mean the source."""
    olive_params = pass_params_in(kind, OLIVE_GENERATION)
    for name, field in model.model_fields.items():
        olive_name = model.RENAMES.get(name, name)
        info = olive_params.get(olive_name)
        if name in item or olive_name in params or not isinstance(info, dict) or info.get("required"):
            continue
        ours = field.get_default(call_default_factory=True)
        theirs = info.get("default")
        if ours is not None and theirs is not None and ours != theirs and not isinstance(ours, dict | list):
            item[name] = theirs


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


def _entry_keys(
    spec: dict[str, Any], path: JsonPath, notes: Notes, systems: dict[str, Any], evaluators: dict[str, Any]
) -> dict[str, Any]:
    """Pop the keys of a pass entry that are not parameters; return those Olive 0.13 has (host, evaluator)."""
    out: dict[str, Any] = {}
    for key in [k for k in spec if k in GONE_PASS_ENTRY_KEYS]:
        value = spec.pop(key)
        if value not in (None, False):
            notes.dropped((*path, key), why_gone_entry_key(key) or "")
    host = spec.pop("host", None)
    if host is not None:
        system = systems.get(host) if isinstance(host, str) else host
        if isinstance(system, dict):
            out["host"] = system
        else:
            notes.dropped((*path, "host"), f"no system named {host!r}")
    evaluator = spec.pop("evaluator", None)
    if evaluator is not None:
        resolved = resolve_evaluator(evaluator, evaluators)
        if resolved is None:
            hint = suggest(str(evaluator), list(evaluators)) or "name one of `evaluators`, or leave `evaluator` out"
            notes.unknown((*path, "evaluator"), f"no evaluator named {evaluator!r}", hint, "unknown-evaluator")
        else:
            out["evaluator"] = resolved
    return out
