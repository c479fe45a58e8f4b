"""Pydantic models of a recipe, one module per part."""

from olivegen.recipe.root import Recipe

__all__ = ["Recipe"]
