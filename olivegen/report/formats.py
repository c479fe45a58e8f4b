"""Diagnostics as text for people, JSON for scripts, GitHub workflow commands, and SARIF 2.1.0.

Every formatter takes the files checked and their diagnostics, in order, and
returns the whole output as one string; the caller decides the stream
(text goes to stderr, machine formats to stdout). Nothing here prints.
Every piece of text that came from an input (messages, hints, file names,
code frames) has its credentials masked (`hf_****`) and, in the text and
GitHub formats, its control characters escaped (no log injection).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from olivegen.errors import Diagnostic, Severity
from olivegen.report.safe_text import escape_controls, shown
from olivegen.source.document import MAX_BYTES
from olivegen.source.secrets import mask

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES_DOC = "https://github.com/olivegen/olivegen/blob/main/docs/rules.md"
TOOL_URI = "https://github.com/olivegen/olivegen"
FRAME_WIDTH = 160
NO_FRAME = frozenset({"secret"})  # the line holds the credential the message is careful not to repeat


@dataclass
class FileReport:
    """One checked file and what was found in it."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class Totals:
    """How many files were checked and how many errors and warnings they have."""

    files: int
    errors: int
    warnings: int

    @classmethod
    def of(cls, reports: Sequence[FileReport]) -> Totals:
        """Count the reports."""
        diags = [d for r in reports for d in r.diagnostics]
        return cls(
            len(reports),
            sum(d.severity is Severity.ERROR for d in diags),
            sum(d.severity is Severity.WARNING for d in diags),
        )

    def summary(self) -> str:
        """Return `N files, E errors, W warnings` (singular where it is one)."""

        def count(n: int, word: str) -> str:
            return f"{n} {word}{'s' * (n != 1)}"

        return f"{count(self.files, 'file')}, {count(self.errors, 'error')}, {count(self.warnings, 'warning')}"


def render(fmt: str, reports: Sequence[FileReport]) -> str:
    """Format the reports in one of FORMATS."""
    if fmt == "text":
        return text(reports)
    if fmt == "json":
        return json_lines(reports)
    if fmt == "github":
        return github(reports)
    if fmt == "sarif":
        return sarif(reports)
    raise ValueError(f"unknown format {fmt!r}")


def default_format(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """Return the format used without --format: `github` inside GitHub Actions, else `text`."""
    env = os.environ if environ is None else environ
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


# --- text -----------------------------------------------------------------------------------


class _Lines:
    """The lines of the files diagnostics point into, read once each (only for code frames)."""

    def __init__(self) -> None:
        self.cache: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self.cache:
            from olivegen.source.files import read_limited
            from olivegen.source.paths import repository_root, within

            try:  # a regular file of at most a recipe's size: never a device, a FIFO or a huge file,
                # and never one outside the repository it is written in (a link to a private file)
                if not within(Path(path), repository_root(Path(path))):
                    raise PermissionError(path)
                raw = read_limited(path, MAX_BYTES)
            except (OSError, ValueError):
                self.cache[path] = None
            else:
                self.cache[path] = raw.decode("utf-8-sig", errors="replace").split("\n")
        lines = self.cache[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1].rstrip("\r")


def code_frame(source_line: str, line: int, col: int) -> list[str]:
    """Return the recipe line and a caret under column `col`, e.g. `  12 | r: 4` / `     |    ^`."""
    gutter = f"{line:>4} | "
    visible = source_line
    start = 0
    if len(visible) > FRAME_WIDTH:  # keep the caret in view on very long lines
        start = max(0, min(col - 1 - FRAME_WIDTH // 2, len(visible) - FRAME_WIDTH))
        visible = visible[start : start + FRAME_WIDTH]
    offset = max(0, min(col - 1 - start, len(visible)))
    masked = mask(visible)  # the whole line: a caret inside a credential must not split it unmasked
    if masked != visible:
        visible, offset = masked, min(offset, len(masked))
    before, after = escape_controls(visible[:offset]), escape_controls(visible[offset:])
    pad = "".join(ch if ch == "\t" else " " for ch in before)
    return [gutter + before + after, " " * (len(gutter) - 2) + "| " + pad + "^"]


def text_one(diag: Diagnostic, lines: _Lines | None = None) -> str:
    """Return one diagnostic: the headline first, then the hint, then a code frame when the line is readable."""
    out = [shown(diag.headline())]
    if diag.hint:
        out.append(f"  hint: {shown(diag.hint)}")
    if diag.at is not None and lines is not None and diag.rule not in NO_FRAME:
        source = lines.line(diag.at.path, diag.at.line)
        if source is not None:
            out += code_frame(source, diag.at.line, diag.at.col)
    return "\n".join(out)


def code_frames(diag: Diagnostic) -> str:
    """Return one diagnostic as `validate` prints it, code frame included (for the other commands).

    No frame for a secret, nor for a line of an Olive config (`import`): such a line can hold
    anything, credentials included, and often the whole file.
    """
    quiet = "secret" in diag.rule or (diag.at is not None and diag.at.path.lower().endswith(".json"))
    return text_one(diag, None if quiet else _Lines())


def text(reports: Sequence[FileReport]) -> str:
    """Return every diagnostic for people, then the summary line."""
    lines = _Lines()
    chunks = [text_one(d, lines) for r in reports for d in r.diagnostics]
    chunks.append(Totals.of(reports).summary())
    return "\n".join(chunks) + "\n"


# --- json -----------------------------------------------------------------------------------


def as_dict(diag: Diagnostic, file: str) -> dict[str, Any]:
    """Return one diagnostic as a flat JSON object."""
    return {
        "file": mask(diag.at.path if diag.at else file),
        "line": diag.at.line if diag.at else None,
        "col": diag.at.col if diag.at else None,
        "severity": diag.severity.value,
        "rule": diag.rule,
        "message": mask(diag.message),
        "hint": mask(diag.hint) if diag.hint else diag.hint,
    }


def json_lines(reports: Sequence[FileReport]) -> str:
    """Return a JSON array with one object per diagnostic (file, line, col, severity, rule, message, hint)."""
    items = [as_dict(d, r.path) for r in reports for d in r.diagnostics]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


# --- GitHub workflow commands -------------------------------------------------------------


def escape_data(value: str) -> str:
    """Escape a workflow command's message: %, CR and LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command property: %, CR, LF, `:` and `,`."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def relative(path: str, root: Path | None = None) -> str:
    """Return `path` relative to `root` (default: the working directory) when inside it, with `/` separators."""
    base = root or Path.cwd()
    try:  # the path as written first: a link (or a link loop) is shown as itself
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(base)).as_posix()
    except ValueError:
        pass
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a link loop (Python < 3.13)
        return Path(path).as_posix()


def github_one(diag: Diagnostic, file: str) -> str:
    """Return one `::error file=...,line=...,col=...,title=...::message` workflow command."""
    command = "error" if diag.severity is Severity.ERROR else "warning"
    props = [f"file={escape_property(shown(relative(diag.at.path if diag.at else file)))}"]
    if diag.at is not None:
        props += [f"line={diag.at.line}", f"col={diag.at.col}"]
    props.append(f"title={escape_property(f'olivegen {diag.rule}')}")
    message = _github_text(diag.message) + (f"\nhint: {_github_text(diag.hint)}" if diag.hint else "")
    return f"::{command} {','.join(props)}::{escape_data(message)}"


def _github_text(value: str) -> str:
    """Mask credentials and escape control characters; CR and LF stay for escape_data (%0D, %0A)."""
    return escape_controls(mask(value), keep="\t\r\n")


def github(reports: Sequence[FileReport]) -> str:
    """Return one workflow command per diagnostic (GitHub turns them into annotations on the PR)."""
    return "".join(github_one(d, r.path) + "\n" for r in reports for d in r.diagnostics)


# --- SARIF 2.1.0 --------------------------------------------------------------------------


def _sarif_level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _artifact(path: str, base: Path) -> dict[str, str]:
    """Return a SARIF artifactLocation: relative to SRCROOT when inside it, else an absolute file URI."""
    rel = relative(path, base)
    if Path(rel).is_absolute():
        return {"uri": Path(rel).as_uri()}
    return {"uri": quote(rel), "uriBaseId": "SRCROOT"}


def sarif_log(reports: Sequence[FileReport], root: Path | None = None) -> dict[str, Any]:
    """Return a SARIF 2.1.0 log: one run, every rule olivegen has, one result per diagnostic."""
    from olivegen import __version__
    from olivegen.checks import all_rule_infos, rule_info

    infos = all_rule_infos()
    seen = {info.id for info in infos}
    for report in reports:  # ids from other stages (composition, import) olivegen may add later
        for diag in report.diagnostics:
            if diag.rule not in seen:
                infos.append(rule_info(diag.rule))
                seen.add(diag.rule)
    index = {info.id: i for i, info in enumerate(infos)}
    rules = [
        {
            "id": info.id,
            "name": "".join(part.capitalize() for part in info.id.split("-")),
            "shortDescription": {"text": info.summary},
            "helpUri": f"{RULES_DOC}#{info.id}",
            "defaultConfiguration": {"level": _sarif_level(info.severity)},
        }
        for info in infos
    ]
    base = (root or Path.cwd()).resolve()
    results = []
    for report in reports:
        for diag in report.diagnostics:
            location: dict[str, Any] = {
                "artifactLocation": _artifact(mask(diag.at.path if diag.at else report.path), base)
            }
            if diag.at is not None:
                location["region"] = {"startLine": diag.at.line, "startColumn": diag.at.col}
            text_ = mask(diag.message) + (f"\nhint: {mask(diag.hint)}" if diag.hint else "")
            results.append(
                {
                    "ruleId": diag.rule,
                    "ruleIndex": index[diag.rule],
                    "level": _sarif_level(diag.severity),
                    "message": {"text": text_},
                    "locations": [{"physicalLocation": location}],
                }
            )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "olivegen",
                        "version": __version__,
                        "informationUri": TOOL_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": base.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def sarif(reports: Sequence[FileReport]) -> str:
    """Return the SARIF log as JSON text."""
    return json.dumps(sarif_log(reports), indent=2, ensure_ascii=False) + "\n"
