"""The top-level sections of an Olive config, and what tells an Olive config from a recipe."""

from __future__ import annotations

import re

# Sections of Olive's RunConfig (olive/workflows/run/config.py, olive-ai 0.13) that a recipe never
# has at its top level: any of them means the file is an Olive config.
OLIVE_ONLY_SECTIONS = ("input_model", "data_configs", "evaluators", "systems", "workflow_id")
# The sections `olivegen import` reads (the rest of RunConfig's top level goes into `engine`).
OLIVE_SECTIONS = frozenset({*OLIVE_ONLY_SECTIONS, "passes", "engine"})

# Top-level keys only Olive's main branch (after 0.13) reads: multi-build configs, a dict of builds
# each merged over the rest of the config (olive/workflows/run/builds.py in microsoft/Olive main at
# OLIVE_MAIN_COMMIT, "Add multi build support (#2480)"; ../shared/olive-main holds that wheel).
OLIVE_MAIN_COMMIT = "ee6f40f"
MAIN_ONLY_TOP_KEYS = ("builds", "max_concurrent_builds")


def olive_section_line() -> re.Pattern[str]:
    """Return a pattern that finds a line starting one of OLIVE_ONLY_SECTIONS (`input_model:` ...) in YAML text."""
    return re.compile(rf"^({'|'.join(OLIVE_ONLY_SECTIONS)})\s*:", re.MULTILINE)


# A data config's `name` (DataConfig.validate_name in olive/data/config.py:68-74 of olive-ai 0.13.0, :63 of 0.9.2):
# letters, digits and underscore only; RunConfig rejects any other name before anything runs.
DATA_CONFIG_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def data_config_name(name: str) -> str:
    """Return `name` as a data config name Olive accepts: every other character becomes an underscore."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)
