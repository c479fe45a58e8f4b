"""Training text: the template must be a valid format string, and name columns the data has."""

from __future__ import annotations

import string
from collections.abc import Iterator

from olivegen.checks.base import Scope, rule
from olivegen.checks.datafiles import columns, unread
from olivegen.errors import Diagnostic
from olivegen.knowledge.catalog import suggest
from olivegen.recipe.data import DataSpec
from olivegen.recipe.naming import data_format
from olivegen.source.paths import repository_root, within

OLIVE_MESSAGE_COL = "messages"


class TemplateProblem(ValueError):
    """A text_template that `str.format(**row)` cannot fill."""


def placeholders(template: str) -> list[str]:
    """Return the column names a `str.format` template reads, in order; raise TemplateProblem if it is broken."""
    names: list[str] = []
    _collect(template, names, depth=0)
    return names


def _collect(template: str, names: list[str], depth: int) -> None:
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateProblem(f"{exc}".replace("'", "`").lower()) from None
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        root = field.split(".", 1)[0].split("[", 1)[0]
        if root == "" or root.isdigit():
            raise TemplateProblem(f"placeholder {{{field}}} has no column name")
        if conversion not in (None, "r", "s", "a"):
            raise TemplateProblem(f"placeholder {{{field}!{conversion}}} has an unknown conversion")
        names.append(root)
        if spec and depth < 2:
            _collect(spec, names, depth + 1)


@rule("template-syntax")
def template_syntax(scope: Scope) -> Iterator[Diagnostic]:
    """`text_template` must be a Python format string whose placeholders are column names."""
    for i, data in enumerate(scope.recipe.data):
        if data.text_template is None or data.chat_template:
            continue
        try:
            placeholders(data.text_template)
        except TemplateProblem as exc:
            yield scope.error(
                "template-syntax",
                f"text_template cannot be filled: {exc}",
                ("data", i, "text_template"),
                "placeholders are column names in braces, such as {prompt}; write {{ and }} for literal braces",
            )


def _used_columns(data: DataSpec) -> tuple[str, list[str]]:
    """Return which field names columns and the columns it names (Olive's order: chat, template, cols)."""
    if data.chat_template:
        return "message_col", [data.message_col or OLIVE_MESSAGE_COL]
    if data.text_template is not None:
        try:
            return "text_template", placeholders(data.text_template)
        except TemplateProblem:
            return "text_template", []
    return "text_cols", list(data.text_cols or [])


@rule("unknown-column")
def unknown_column(scope: Scope) -> Iterator[Diagnostic]:
    """The columns `text_template`, `text_cols` or `message_col` name must be in the local data file."""
    for i, data in enumerate(scope.recipe.data):
        files = data.file_list()
        if not files:
            continue
        field, wanted = _used_columns(data)
        if not wanted:
            continue
        name = files[0]
        found = columns((scope.base / name).expanduser(), data_format(data))
        if found is None:
            why = unread((scope.base / name).expanduser(), data_format(data))
            if why is not None:  # a bounded read: the columns go unchecked, and the report says so
                yield scope.warning(
                    "columns-unchecked",
                    f"the columns {field} uses are not checked: {why}",
                    ("data", i, field),
                    "Olive reads the file at run time; check the column names by hand",
                )
            continue
        missing = [col for col in dict.fromkeys(wanted) if col not in found]
        # a file outside the recipe's repository is not the author's to show (`files: ~/.git-credentials`)
        shown = within((scope.base / name).expanduser(), repository_root(scope.base / "recipe.yaml"))
        for col in missing:
            hint = suggest(col, sorted(found)) if shown else None
            listing = (
                f"columns of {name}: {', '.join(sorted(found))}"
                if shown
                else f"{name} is outside the recipe's repository: olivegen does not show its content"
            )
            loc: tuple[str | int, ...] = ("data", i, field)
            if field == "text_cols" and isinstance(data.text_cols, list):
                loc = ("data", i, field, data.text_cols.index(col))
            if field == "message_col" and data.message_col is None:
                loc = ("data", i, "chat_template")
            yield scope.error(
                "unknown-column",
                f"{field} uses column {col!r}, which {name!r} does not have",
                loc,
                f"{hint} ({listing})" if hint else listing,
            )
