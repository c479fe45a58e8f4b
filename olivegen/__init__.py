"""olivegen: compile short YAML recipes into validated Microsoft Olive workflow configs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from olivegen.errors import Diagnostic, Position, RecipeError

__version__ = "0.1.0"
__all__ = ["Diagnostic", "Position", "RecipeError", "__version__", "compile_recipe"]

if TYPE_CHECKING:
    from olivegen.api import compile_recipe


def __getattr__(name: str) -> Any:
    if name == "compile_recipe":
        from olivegen.api import compile_recipe

        return compile_recipe
    raise AttributeError(name)
