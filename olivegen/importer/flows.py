"""`pass_flows` of Olive <= 0.7 -> the passes of the one flow, in its order.

Olive 0.3 to 0.7 read a top-level `pass_flows: [[p1, p2], ...]`: each flow ran exactly its
passes, in the flow's order, one output per flow; a pass in no flow was registered but never
ran (`Engine.set_pass_flows` and `run_no_search` in olive/engine/engine.py, v0.4.0 to v0.7.1.1).
Olive 0.8 removed the key (Olive 0.9.2 rejects it, "extra fields not permitted"; Olive 0.13,
"Extra inputs are not permitted") and runs `passes` in their order. One flow is therefore
exactly a workflow of its passes; several flows are several workflows, which one recipe cannot be.
"""

from __future__ import annotations

from typing import Any, NoReturn

from olivegen.errors import Diagnostic, RecipeError
from olivegen.importer.pieces import JsonPath, Notes, json_path
from olivegen.knowledge.catalog import OLIVE_GENERATION


def apply_pass_flows(cfg: dict[str, Any], notes: Notes) -> None:
    """Keep, in flow order, the passes of the config's one flow; refuse several flows. Pops `pass_flows`."""
    if "pass_flows" not in cfg:
        return
    flows = cfg.pop("pass_flows")
    if flows is None or flows == []:  # Olive read no flows as "every pass, in order"; 0.9.2 and 0.13 reject the key
        notes.migrated(
            ("pass_flows",),
            f"Olive 0.8 removed `pass_flows` (Olive 0.9.2 and {OLIVE_GENERATION} reject the key)",
            "`olivegen import` leaves the empty `pass_flows` out: every pass runs, in order",
        )
        return
    passes = cfg.get("passes")
    passes = passes if isinstance(passes, dict) else {}
    if not isinstance(flows, list) or not all(isinstance(flow, list) for flow in flows):
        _refuse(notes, ("pass_flows",), "`pass_flows` is a list of flows, each a list of pass names", None)
    for i, flow in enumerate(flows):
        seen: set[str] = set()
        for j, name in enumerate(flow):
            if not isinstance(name, str) or name not in passes:
                known = ", ".join(map(repr, passes)) or "none"
                _refuse(notes, ("pass_flows", i, j), f"no pass named {name!r} in `passes`", f"the passes are {known}")
            if name in seen:
                _refuse(
                    notes,
                    ("pass_flows", i, j),
                    f"flow {i + 1} runs {name!r} twice",
                    f"Olive {OLIVE_GENERATION} runs each entry of `passes` once: copy the pass under a second name",
                )
            seen.add(name)
    if len(flows) > 1:
        _refuse(
            notes,
            ("pass_flows",),
            f"{len(flows)} pass flows: Olive ran each flow as its own workflow; Olive {OLIVE_GENERATION} runs one"
            " list of"
            " passes per config",
            _split_hint(flows, list(passes)),
        )
    flow = flows[0]
    for name in passes:
        if name not in flow:
            notes.dropped(("passes", name), "not in pass_flows: Olive did not run it")
    cfg["passes"] = {name: passes[name] for name in flow}
    notes.migrated(
        ("pass_flows",),
        f"Olive 0.8 removed `pass_flows` (Olive 0.9.2 and {OLIVE_GENERATION} reject the key)",
        "`olivegen import` keeps the passes of the one flow, in its order",
    )
    notes.decided(("passes",), "the passes of the config's one pass flow, in the flow's order")


def _split_hint(flows: list[list[str]], order: list[str]) -> str:
    """Say how to split: one recipe per flow; a matrix deleting passes when every flow keeps the passes' order."""
    hint = "split it: import one copy of the config per flow (each with that one flow)"
    if all([p for p in order if p in flow] == flow for flow in flows):
        values = "; ".join(
            f"flow{i + 1}: {{{', '.join(f'passes.{p}: $delete' for p in order if p not in flow)}}}"
            for i, flow in enumerate(flows)
        )
        hint += f", or import it without `pass_flows` and add a `matrix:` with one value per flow ({values})"
    return hint


def _refuse(notes: Notes, path: JsonPath, message: str, hint: str | None) -> NoReturn:
    raise RecipeError([Diagnostic(f"{json_path(path)}: {message}", notes.position(path), hint, "import")])
