"""Olive's pass history: which release has which pass, renamed passes, parameters newer than 0.13.

Backed by ``schemas/olive-history/`` (pass names per release from v0.2.0 to Olive's main branch,
the parameters of each pass at every release tag from v0.2.0 to v0.13.0, read by
``tools/olive_param_history.py``, and on main; provenance in its PROVENANCE.json). Used
to say *why* a pass or a parameter is unknown (newer than Olive 0.13, removed, renamed, or in no
Olive release) and to label the generation of an imported config.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from olivegen.knowledge.resources import schema_json

MAIN = "main"  # Olive's main branch: the key of its tables (pass-params-main.json)

# Olive's own renames: the old pass and the one that replaced it (with the release that added it).
SUCCESSORS = {
    "OrtPerfTuning": "OrtSessionParamsTuning",
    "OnnxModelOptimizer": "OnnxPeepholeOptimizer",
    "OnnxMatMul4Quantizer": "OnnxBlockWiseRtnQuantization",
    "OnnxIOFloat16ToFloat32": "OnnxIODataTypeConverter",
}
# Parameters Olive renamed, by today's pass name: {old parameter: new parameter}. Each one read in
# its commit's diff: the new parameter takes the same values and the run code uses it the same way.
PARAM_RENAMES: dict[str, dict[str, str]] = {
    # 39548134e "introduce host_device for pass" (#1047), Olive 0.5.1
    "OnnxConversion": {"use_device": "device"},
    "SparseGPT": {"compute_device": "device"},
    # cd3cefbac "Add LoHa and LoKr Pass" (#1587), Olive 0.8.0: both still passed to peft's r and lora_alpha
    "LoRA": {"lora_r": "r", "lora_alpha": "alpha"},
    "QLoRA": {"lora_r": "r", "lora_alpha": "alpha"},
    "LoftQ": {"lora_r": "r", "lora_alpha": "alpha"},
    # 29be1e2aa "Introduce global Precision & PrecisionBits declarations" (#1808), Olive 0.9.0:
    # bits 4 is PrecisionBits.BITS4 (value 4, still AutoAWQ's w_bit); precision takes "fp4"/"nf4" as before
    "AutoAWQQuantizer": {"w_bit": "bits"},
    "OnnxBnb4Quantization": {"quant_type": "precision"},
    # 381cf4cb7 "Quantization: Prepare qdq config, new quantization parameters" (#1704), Olive 0.9.0:
    # both still go to ONNX Runtime's extra_options ActivationSymmetric/WeightSymmetric
    "OnnxQuantization": {"ActivationSymmetric": "activation_symmetric", "WeightSymmetric": "weight_symmetric"},
    "OnnxStaticQuantization": {"ActivationSymmetric": "activation_symmetric", "WeightSymmetric": "weight_symmetric"},
    "OnnxDynamicQuantization": {"ActivationSymmetric": "activation_symmetric", "WeightSymmetric": "weight_symmetric"},
    # 96133c857 "Enable EP Context Encapsulation with OpenVINO models" (#1747), Olive 0.9.0: the output
    # folder name (default "ov_model" both), and the shapes passed to ov.convert_model(input=...)
    # (new `static`, default true, keeps passing them)
    "OpenVINOConversion": {"output_model": "model_name", "input": "input_shapes"},
    # 2a9c42bd7 "Update NVMO quantization pass" (#1985), Olive 0.9.2
    "NVModelOptQuantization": {"random_calib_data": "use_random_calibration_data"},
}
# Parameters Olive stopped exposing and passes on in another one: pass -> {parameter: where it goes now}.
# 381cf4cb7 (#1704), Olive 0.9.0: ONNX Runtime's extra options, which Olive 0.8 copied into
# `extra_options` under the same key (overriding a key written there), go in `extra_options` directly.
_EXTRA = dict.fromkeys(
    ("EnableSubgraph", "ForceQuantizeNoInputCheck", "MatMulConstBOnly", "extra.Sigmoid.nnapi"), "extra_options"
)
PARAM_MOVES: dict[str, dict[str, str]] = {
    "OnnxQuantization": _EXTRA,
    "OnnxStaticQuantization": _EXTRA,
    "OnnxDynamicQuantization": _EXTRA,
}
# Parameters replaced by one that takes the same choices spelled differently (hint only, import keeps
# them): 29be1e2aa (#1808), Olive 0.9.0, ONNX Runtime's QuantType names -> Olive's precisions
# (quant_type_from_precision maps them back one to one).
_QUANT_TYPES = "'QInt8' is 'int8', 'QUInt8' is 'uint8', 'QInt16' is 'int16', 'QUInt16' is 'uint16'"
PARAM_RESPELLED: dict[str, dict[str, tuple[str, str]]] = {
    name: {"weight_type": ("precision", _QUANT_TYPES)}
    for name in ("OnnxQuantization", "OnnxStaticQuantization", "OnnxDynamicQuantization")
}
# The same choices in Olive's spelling since 0.9.0 (onnxruntime QuantType names before): one to one.
QUANT_TYPE_SPELLING = {
    "QInt4": "int4",
    "QUInt4": "uint4",
    "QInt8": "int8",
    "QUInt8": "uint8",
    "QInt16": "int16",
    "QUInt16": "uint16",
}
# Parameters that kept their name but take Olive's spelling since 0.9.0 (29be1e2aa).
RESPELLED_VALUES = {name: ("activation_type",) for name in PARAM_RESPELLED}
# Keys of a pass entry (beside type and config) that Olive dropped: the last release that had each
# (read in RunPassConfig/AbstractPassConfig at the tags; None: not pinned down) and what Olive 0.13 does.
GONE_PASS_ENTRY_KEYS: dict[str, tuple[str | None, str]] = {
    "disable_search": ("v0.7.0", "Olive 0.13 searches only with an engine search_strategy"),
    "output_name": ("v0.6.2", "Olive 0.13 names outputs by pass"),
    "clean_run_cache": ("v0.6.2", "Olive 0.13 has no per-pass cache cleaning"),
    "search_space": (None, "Olive 0.13 reads search values from the parameters"),
}
# Olive <= 0.6 parameters that loaded a pass's own data; Olive 0.7 moved data loading to data configs.
DATA_LOADING_PARAMS = frozenset(
    {
        "user_script",
        "script_dir",
        "dataloader_func",
        "dataloader_func_kwargs",
        "data_dir",
        "batch_size",
        "train_data_dir",
        "val_data_dir",
        "train_dataloader_func",
        "train_batch_size",
    }
)


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


@cache
def _releases() -> dict[str, list[str]]:
    table: dict[str, list[str]] = schema_json("olive-history/passes-by-release.json")["passes"]
    return table


@cache
def _index() -> dict[str, str]:
    return {_fold(p): p for names in _releases().values() for p in names}


def releases_of(name: str) -> list[str]:
    """Return the releases (tags such as `v0.9.2`, and `HEAD` for main) that have a pass, oldest first."""
    spelled = _index().get(_fold(name))
    return [tag for tag, names in _releases().items() if spelled in names] if spelled else []


def successor(name: str) -> str | None:
    """Return the pass that replaced a removed one (`OrtPerfTuning` -> `OrtSessionParamsTuning`), or None."""
    folded = {_fold(k): v for k, v in SUCCESSORS.items()}
    return folded.get(_fold(name))


def _label(tag: str) -> str:
    return "Olive's main branch" if tag == "HEAD" else f"Olive {tag.lstrip('v.')}"


def why_unknown_pass(name: str) -> str:
    """Say why Olive 0.13 has no such pass: newer, removed (and its successor), or in no release."""
    tags = releases_of(name)
    if not tags:
        return "in no Olive release"
    if tags == ["HEAD"]:
        return "newer than Olive 0.13 (only on Olive's main branch)"
    later = successor(name)
    gone = f"removed after {_label(tags[-1])}"
    return f"{gone}; its successor is {later}" if later else gone


@cache
def _params(which: str) -> dict[str, Any]:
    table: dict[str, Any] = schema_json(f"olive-history/pass-params-{which}.json")
    return table


def on_main(pass_name: str, param: str) -> bool:
    """Tell whether Olive's main branch (after 0.13) has a parameter of a pass."""
    return param in (_params(MAIN).get(pass_name) or [])


@cache
def _by_release() -> dict[str, Any]:
    table: dict[str, Any] = schema_json("olive-history/pass-params-by-release.json")
    return table


def _tags_in(ranges: str) -> list[str]:
    tags: list[str] = _by_release()["tags"]
    out: list[str] = []
    for run in ranges.split(",") if ranges else []:
        first, _, last = run.partition("..")
        out += tags[tags.index(first) : tags.index(last or first) + 1]
    return out


def _lineage(pass_name: str) -> list[str]:
    """Return the pass and those it replaced (OrtSessionParamsTuning: also OrtPerfTuning), as the table has them."""
    folded = _fold(pass_name)
    names = [p for p in _by_release()["passes"] if _fold(p) == folded]
    names += [old for old, new in SUCCESSORS.items() if _fold(new) == folded and old in _by_release()["passes"]]
    return names


def param_releases(pass_name: str, param: str) -> list[str]:
    """Return the release tags (v0.2.0 ... v0.13.0) whose pass, or the pass it replaced, has a parameter."""
    found = {t for name in _lineage(pass_name) for t in _tags_in(_by_release()["passes"][name].get(param, ""))}
    return [t for t in _by_release()["tags"] if t in found]


def renamed_param(pass_name: str, param: str) -> tuple[str, str] | None:
    """Return (today's name, the release that renamed it) for a parameter Olive renamed, or None."""
    folded = _fold(pass_name)
    for name, renames in PARAM_RENAMES.items():
        if (_fold(name) == folded or _fold(successor(pass_name) or "") == _fold(name)) and param in renames:
            new = renames[param]
            last = (param_releases(name, param) or [""])[-1]
            tags: list[str] = _by_release()["tags"]
            after = [t for t in param_releases(name, new) if last in tags and tags.index(t) > tags.index(last)]
            return new, _label(after[0]) if after else "a later Olive"
    return None


def passes_at(tag: str) -> dict[str, list[str]]:
    """Return each pass of one release tag (`v0.12.1`), or of Olive's main branch (`main`), with its parameters."""
    if tag == MAIN:
        return {name: list(params) for name, params in _params(MAIN).items() if not name.startswith("_")}
    return {
        name: sorted(p for p, runs in params.items() if p and tag in _tags_in(runs))
        for name, params in _by_release()["passes"].items()
        if tag in _tags_in(params.get("", ""))
    }


def first_release(name: str) -> str | None:
    """Return the first release tag that has a pass (`v0.12.0`), or None (in no release, or only on main)."""
    tags = [tag for tag in releases_of(name) if tag != "HEAD"]
    return _label(tags[0]) if tags else None


def _main_gone(pass_name: str, param: str) -> str | None:
    """Return the last commit of Olive's main branch that had a parameter no release and no longer main has."""
    folded = _fold(pass_name)
    gone: dict[str, dict[str, str]] = _by_release().get("main_gone") or {}
    return next((params[param] for name, params in gone.items() if _fold(name) == folded and param in params), None)


def why_unknown_param(pass_name: str, param: str) -> str | None:
    """Say why a parameter is not in Olive 0.13: renamed, newer (main only), removed, in no release; else None."""
    renamed = renamed_param(pass_name, param)
    if renamed:
        return f"renamed to {renamed[0]!r} in {renamed[1]}"
    tags = param_releases(pass_name, param)
    if "v0.13.0" in tags:
        return None
    if param in (_params(MAIN).get(pass_name) or []):
        if tags:
            return f"removed after {_label(tags[-1])}, back on Olive's main branch"
        return "newer than Olive 0.13 (only on Olive's main branch)"
    if tags:
        return f"removed after {_label(tags[-1])}"
    commit = _main_gone(pass_name, param)
    if commit:
        return f"in no Olive release: on Olive's main branch for a while (last in {commit}), then removed"
    if not tags and (_lineage(pass_name) or pass_name in _params(MAIN)):
        return "in no Olive release (misspelled?)"
    return None


def moved_param(pass_name: str, param: str) -> str | None:
    """Return the parameter that now carries a removed one under its own key (`extra_options`), or None."""
    folded = _fold(pass_name)
    for name, moves in PARAM_MOVES.items():
        if _fold(name) == folded and param in moves:
            return moves[param]
    return None


def why_gone_entry_key(key: str) -> str | None:
    """Say why a pass entry key is gone (`removed after Olive 0.6.2: ...`), or None for a key Olive never had."""
    if key not in GONE_PASS_ENTRY_KEYS:
        return None
    last, instead = GONE_PASS_ENTRY_KEYS[key]
    return f"removed after {_label(last)}; {instead}" if last else instead


def respelled_param(pass_name: str, param: str) -> tuple[str, str] | None:
    """Return (the parameter that replaced one, how its values are spelled now), or None."""
    folded = _fold(pass_name)
    for name, table in PARAM_RESPELLED.items():
        if _fold(name) == folded and param in table:
            return table[param]
    return None


def data_param_instead(pass_name: str, param: str) -> str | None:
    """Return the data config parameter that replaced a removed data-loading one (`dataloader_func`), or None."""
    if param not in DATA_LOADING_PARAMS or "v0.13.0" in param_releases(pass_name, param):
        return None
    params: set[str] = {p for name in _lineage(pass_name) for p in _by_release()["passes"][name]}
    now = sorted(p for p in params if p.endswith("data_config") and "v0.13.0" in param_releases(pass_name, p))
    for wanted in ("train_data_config" if param.startswith("train") else "data_config", *now):
        if wanted in now:
            return wanted
    return None


_ORDER = ["v0.2.0", "v0.4.0", "v0.5.0", "v0.6.2", "v0.7.0", "v.0.7.1", "v0.8.0", "v0.9.0", "v0.9.2", "v0.9.3"]


def generation_of_passes(types: list[str]) -> str | None:
    """Label a config by its passes: one that left Olive by 0.9 marks an older config; None when they do not tell."""
    last = None
    for name in types:
        tags = releases_of(name)
        if not tags or "v0.13.0" in tags or tags == ["HEAD"]:
            continue
        newest = max((_ORDER.index(t) for t in tags if t in _ORDER), default=None)
        if newest is not None and (last is None or newest < last):
            last = newest
    if last is None:
        return None
    return "<=0.6" if last <= _ORDER.index("v0.6.2") else "0.7-0.9"
