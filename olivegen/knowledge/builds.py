"""Olive's multi-build configs: a top-level `builds` map expanded into one ordinary run config per build.

Source: microsoft/Olive main at ee6f40fbe ("Add multi build support (#2480)"), the wheel in
`../shared/olive-main/`: `olive/workflows/run/builds.py` (cited by line below) and
`olive/workflows/run/config.py` (`BuildConfigPartial`, `BuildConfig`, `RunConfig.builds`). No
release has it: olive-ai 0.13.0 has no `builds.py` and its RunConfig has no `builds` field.
"""

from __future__ import annotations

import re
from typing import Final

from olivegen.knowledge.catalog import INSTALLED_GENERATION, MAIN_GENERATION

# the generations whose Olive reads `builds` (builds.py exists on main only); the installed olive-ai
# reads them when it has the module (a newer release or a vendor build), whatever its version says
BUILDS_GENERATIONS: Final = frozenset({MAIN_GENERATION})
BUILDS_MODULE: Final = "olive/workflows/run/builds.py"
# the generation whose templates write a config with `builds` (templates/olive-main/builds.json.j2), for
# every generation that reads them
BUILDS_SHAPE: Final = MAIN_GENERATION
DEFAULT_BUILD: Final = "_default"  # builds.py:19: shared values, not a build
# the keys a build may have (config.py: BuildConfig)
BUILD_KEYS: Final = ("components", "pipeline", "output_dir", "host", "target", "evaluator", "search_strategy")
# a build's output folder when it names none: `<_default.output_dir or "output">/<build>`
# (builds.py: get_build_output_dir)
BUILD_DEFAULT_PARENT: Final = "output"
# the workflow id of a config that names none (olive/common/constants.py: DEFAULT_WORKFLOW_ID)
DEFAULT_WORKFLOW_ID: Final = "default_workflow"
# a build's name, matched whole (builds.py:20, fullmatch at :178-179)
BUILD_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# what a build sets in its expanded config's `engine` (builds.py:148-153); `pipeline` picks passes by name
# from the shared `passes` (builds.py:139-147), and `components` selects model components (builds.py:155-161)
BUILD_ENGINE_FIELDS: Final = ("output_dir", "host", "target", "evaluator", "search_strategy")
# the only host type a build may have (builds.py:84-87: `host.type != SystemType.Local` is refused)
BUILD_HOST_TYPE: Final = "LocalSystem"
# an expanded build's workflow id: `<workflow_id>_<build name>` (builds.py:146)
BUILD_WORKFLOW_ID: Final = "{workflow_id}_{build}"


def builds_in(generation: str) -> bool:
    """Tell whether the Olive of a generation reads a top-level `builds` map."""
    if generation == INSTALLED_GENERATION:
        return installed_reads_builds()
    return generation in BUILDS_GENERATIONS


def installed_reads_builds() -> bool:
    """Tell whether the installed olive-ai has `olive/workflows/run/builds.py` (looked up as a file, never imported)."""
    from importlib import metadata
    from pathlib import Path

    try:
        dist = metadata.distribution("olive-ai")
    except metadata.PackageNotFoundError:
        return False
    return Path(str(dist.locate_file(BUILDS_MODULE))).is_file()


def build_name_ok(name: str) -> bool:
    """Tell whether Olive takes `name` as a build name (builds.py:178)."""
    return bool(BUILD_NAME.fullmatch(name))
