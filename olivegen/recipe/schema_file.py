"""The schema file a recipe's modeline names: missing, or stale against this olivegen's (`schema-file`).

Apart from `schema.py` so that `validate` never imports the schema generator: the installed schema is the
file this olivegen ships (`olivegen schema --check` keeps it the generated one), compared by sha256.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from pathlib import Path

from olivegen.errors import Diagnostic, Position, Severity

MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(?P<target>\S+)\s*$")
_MODELINE_LINES = 20  # the language server reads the modeline anywhere; olivegen writes it first


@cache
def _schema_digest() -> str:
    """Return the sha256 of this olivegen's schema: the file it ships (~1 ms), not a new build (~0.2 s).

    The shipped file is the generated one (`olivegen schema --check` in the tests); built only when missing.
    """
    from olivegen.errors import ResourceMissing
    from olivegen.knowledge.resources import recipe_schema_file

    try:
        shipped = recipe_schema_file()
        info = shipped.stat()
    except (OSError, ResourceMissing):
        from olivegen.recipe.schema import recipe_schema_text

        return hashlib.sha256(recipe_schema_text().encode("utf-8")).hexdigest()
    return _file_digest(shipped, info.st_mtime_ns, info.st_size) or ""


@cache
def _file_digest(path: Path, mtime_ns: int, size: int) -> str | None:
    """Return the sha256 of a schema file's text (newlines as written by `olivegen schema`), once per version."""
    from olivegen.source.files import read_limited

    try:
        text = read_limited(path, max(size, 1)).decode("utf-8")
    except (OSError, ValueError):
        return None
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def schema_file_warnings(recipe: Path, text: str, display: str) -> list[Diagnostic]:
    """Warn when the schema file the recipe's modeline names is missing, or stale against this olivegen's schema.

    Only a local file in the recipe's repository is judged, and only one `olivegen schema -o` wrote (its
    `$id`), or one that does not exist; a URL or another tool's schema is the author's business.
    """
    from olivegen.knowledge.resources import is_olivegen_schema
    from olivegen.source.paths import repository_root, within

    for number, line in enumerate(text.splitlines()[:_MODELINE_LINES], start=1):
        found = MODELINE.match(line)
        if found is None:
            continue
        target = found.group("target")
        if "://" in target:
            return []
        path = Path(os.path.abspath(Path(os.path.abspath(recipe)).parent / Path(target).expanduser()))
        at = Position(display, number, found.start("target") + 1)
        if not within(path, repository_root(recipe)):
            return []
        rewrite = f"run `olivegen schema -o {target}` (from the recipe's folder) and commit it"
        try:
            info = path.stat()
        except (OSError, ValueError):
            return [_warning(f"the modeline names {target}, which does not exist: editors cannot load it", at, rewrite)]
        if not is_olivegen_schema(path):
            return []
        if _file_digest(path, info.st_mtime_ns, info.st_size) != _schema_digest():
            return [
                _warning(
                    f"the schema file {target} is stale: it is not the schema of this olivegen, so editors"
                    " check this recipe against other rules than `validate`",
                    at,
                    rewrite,
                )
            ]
        return []
    return []


def _warning(message: str, at: Position, hint: str) -> Diagnostic:
    return Diagnostic(message, at, hint, "schema-file", Severity.WARNING)
