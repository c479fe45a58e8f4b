"""Maintainer scripts: regenerate vendored Olive facts, output schemas and the recipe reference."""
