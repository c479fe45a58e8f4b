"""Olive's pass history: which release has which pass, renamed passes, parameters newer than 0.13.

Backed by ``schemas/olive-history/`` (pass names per release from v0.2.0 to Olive's main branch,
and the parameters of each pass in 0.9.2 and on main; provenance in its PROVENANCE.json). Used
to say *why* a pass or a parameter is unknown (newer than Olive 0.13, removed, renamed, or in no
Olive release) and to label the generation of an imported config.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from olivegen.knowledge.resources import schema_json

# Olive's own renames: the old pass and the one that replaced it (with the release that added it).
SUCCESSORS = {
    "OrtPerfTuning": "OrtSessionParamsTuning",
    "OnnxModelOptimizer": "OnnxPeepholeOptimizer",
    "OnnxMatMul4Quantizer": "OnnxBlockWiseRtnQuantization",
    "OnnxIOFloat16ToFloat32": "OnnxIODataTypeConverter",
}
# Parameters renamed with their pass: old pass -> {old parameter: new parameter}.
PARAM_RENAMES: dict[str, dict[str, str]] = {}


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
    return param in (_params("main").get(pass_name) or [])


def why_unknown_param(pass_name: str, param: str) -> str | None:
    """Say why a parameter is not in Olive 0.13: newer (main only) or an 0.9 one since removed; else None."""
    if param in (_params("main").get(pass_name) or []):
        return "newer than Olive 0.13 (only on Olive's main branch)"
    if param in (_params("0.9.2").get(pass_name) or []):
        return "an Olive 0.9 parameter that Olive 0.13 no longer has"
    if pass_name in _params("main") or pass_name in _params("0.9.2"):
        return "not in Olive 0.9.2, 0.13 or the main branch (an older or misspelled parameter)"
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
