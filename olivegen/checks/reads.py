"""Which parts of a recipe each semantic rule reads, so one run reports every independent mistake.

When part of a recipe fails the schema, the rules still run on what did validate (`api._stages`);
a rule is skipped only when a part it reads is broken. A part is a top-level key (`model`,
`host`, `target`, `evaluate`, `engine`, `azureml`, `olive`), or a list: `data` / `passes` read
as a whole (names across items, the order of passes), `data[]` / `passes[]` read item by item
(a broken item is left out; the others are checked). A rule not listed here reads everything:
it runs only on a recipe that validated as a whole (the safe default for a new rule).

`LOCAL` rules report each finding at the one part it reads (a data set's file, the model's folder,
a system's conda file): they always run, on what validated. A broken part is left out, or is a
default or a stand-in (`api._STAND_INS`) in which they find nothing.
"""

from __future__ import annotations

from collections.abc import Collection

LOCAL = frozenset(
    {"missing-file", "model-path", "template-syntax", "unknown-column", "eval-split-on-slice", "conda-file"}
)

# `scope.target` is the target, else the host: a rule that reads it lists both
READS: dict[str, frozenset[str]] = {
    rule_id: frozenset(parts)
    for rule_id, parts in {
        "azureml-workspace": ("azureml", "host", "target"),
        "duplicate-name": ("data", "passes"),
        "unknown-data": ("data", "passes", "evaluate"),
        "merge-without-adapter": ("model", "passes"),
        "extract-without-adapter": ("model", "passes"),
        "model-kind": ("model", "passes"),
        "qlora-on-quantized": ("model", "passes"),
        "lora-on-olive-quant": ("model", "passes"),
        "qlora-int4": ("model", "passes"),
        "target-modules": ("model", "passes"),
        "lora-int4-nodes": ("model", "passes"),
        "awq-needs-cuda": ("host", "passes"),
        "cpu-training": ("host", "model", "passes"),
        "steps-and-epochs": ("passes[]",),
        "steps-beyond-max-steps": ("passes[]",),
        "no-training-steps": ("passes[]",),
        "eval-without-data": ("data", "passes"),
        "provider-device": ("host", "target", "passes", "evaluate", "model", "olive"),
        "pass-provider": ("host", "target", "passes", "model"),
        "builder-precision": ("host", "target", "passes", "model"),
        "optimize-target": ("host", "target", "passes[]"),
        "olive-version": ("olive", "passes"),
    }.items()
}


def can_run(rule_id: str, broken: Collection[str]) -> bool:
    """Tell whether a rule's diagnostics mean anything when `broken` parts failed the schema.

    `broken` holds part names, `data[]`/`passes[]` when one item of the list failed alone.
    """
    if not broken or rule_id in LOCAL:
        return True
    reads = READS.get(rule_id)
    if reads is None:
        return False
    for part in reads:
        whole = part.removesuffix("[]")
        if whole in broken or (part == whole and f"{whole}[]" in broken):
            return False
    return True
