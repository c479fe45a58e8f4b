"""`olivegen import`: an Olive config of any generation -> a clean recipe.

`convert.py` maps each block to its modern meaning, `emit.py` writes the
recipe with comments where a human decision was needed. Whatever has no
modern meaning is reported as a diagnostic naming its JSON path, never
dropped silently.
"""

from __future__ import annotations

from olivegen.importer.convert import Converted, convert_config
from olivegen.importer.emit import name_from_config, recipe_yaml

__all__ = ["Converted", "convert_config", "name_from_config", "recipe_yaml"]
