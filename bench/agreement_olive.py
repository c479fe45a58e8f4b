"""Olive 0.13's verdict on rendered configs: run under the Python that has olive-ai (bench/agreement.py calls it).

`python bench/agreement_olive.py IN.json OUT.json`: IN maps a case id to an Olive config; OUT maps it
to {"rejected": [...], "ignored": [...], "pruned": [...]}:

- rejected: what `RunConfig.parse_file_or_obj`, the target's accelerator or a pass's `generate_config`
  refuses (olivegen/render/olive_check.py's `olive_problems`, the same calls `validate --olive` makes);
- ignored: keys Olive logs that it ignores (it runs without them);
- pruned: passes whose `validate_config` says no for the target's accelerator: `olive run` logs
  "Invalid config, pruned." (olive/engine/engine.py, `_run_pass`) and the pass produces no model.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

IGNORED = ("Ignoring", "not part of", "will be ignored")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _pruned(config: dict[str, Any]) -> list[str]:
    """Return `pass: reason` for each pass whose validate_config refuses the target's accelerator."""
    from olive.hardware.accelerator import AcceleratorSpec
    from olive.package_config import OlivePackageConfig
    from olive.workflows.run.config import RunConfig

    from olivegen.render.olive_check import _device, _target_accelerator

    run_config = RunConfig.parse_file_or_obj(json.loads(json.dumps(config)))
    device, provider = _target_accelerator(config)
    spec = AcceleratorSpec(_device(device), provider)
    package = OlivePackageConfig.load_default_config()
    out = []
    collect = _Collect()
    olive_log = logging.getLogger("olive")
    olive_log.addHandler(collect)
    level, olive_log.level = olive_log.level, logging.DEBUG
    try:
        for key, pass_configs in run_config.passes.items():
            for pass_config in pass_configs:
                cls = package.import_pass_module(pass_config.type)
                generated = cls.generate_config(spec, pass_config.config or {}, disable_search=True)
                collect.messages.clear()
                if not cls.validate_config(generated, spec):
                    why = "; ".join(collect.messages) or "validate_config returned False"
                    out.append(f"passes.{key}: {why} (Invalid config, pruned)")
    finally:
        olive_log.removeHandler(collect)
        olive_log.level = level
    return out


def judge(config: dict[str, Any]) -> dict[str, list[str]]:
    """Olive's verdict on one config."""
    from olivegen.render.olive_check import olive_problems

    problems = olive_problems(config)
    ignored = [p for p in problems if any(word in p for word in IGNORED)]
    rejected = [p for p in problems if p not in ignored]
    pruned: list[str] = []
    if not rejected:
        try:
            pruned = _pruned(config)
        except Exception as exc:  # an Olive-side refusal the first checks did not reach
            rejected.append(f"{type(exc).__name__}: {exc}")
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
