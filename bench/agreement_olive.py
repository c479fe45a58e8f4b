"""Olive 0.13's verdict on rendered configs: run under the Python that has olive-ai (bench/agreement.py calls it).

`python bench/agreement_olive.py IN.json OUT.json`: IN maps a case id to an Olive config; OUT maps it
to {"rejected": [...], "ignored": [...], "pruned": [...]}:

- rejected: what `RunConfig.parse_file_or_obj`, the target's accelerator or a pass's `generate_config`
  refuses (olivegen/render/olive_check.py's `olive_problems`, the same calls `validate --olive` makes);
- ignored: keys Olive logs that it ignores (it runs without them);
- pruned: passes whose `validate_config` says no for the target's accelerator (`olive_problems` asks
  too): `olive run` logs "Invalid config, pruned." (olive/engine/engine.py, `_run_pass`) and the flow
  produces no model.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

IGNORED = ("Ignoring", "not part of", "will be ignored")


def judge(config: dict[str, Any]) -> dict[str, list[str]]:
    """Olive's verdict on one config."""
    from olivegen.render.olive_check import PRUNED, olive_problems

    problems = olive_problems(config)
    ignored = [p for p in problems if any(word in p for word in IGNORED)]
    pruned = [p.replace(PRUNED, "(Invalid config, pruned)") for p in problems if p.endswith(PRUNED)]
    rejected = [p for p in problems if p not in ignored and not p.endswith(PRUNED)]
    if rejected:  # the run stops at the first rejection: nothing is pruned
        pruned = []
    return {"rejected": rejected, "ignored": ignored, "pruned": pruned}


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        configs = json.load(handle)
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    out = {}
    for case_id, config in configs.items():
        try:
            out[case_id] = judge(config)
        except Exception as exc:  # one broken config does not stop the batch
            out[case_id] = {"rejected": [f"{type(exc).__name__}: {exc}"], "ignored": [], "pruned": []}
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
