"""No credentials in a recipe: recipes are committed, reviewed and rendered into files others read.

Composition (olivegen/compose/secrets.py) already refuses secret-named keys and the common
credential shapes before validation, under the same rule id; this rule scans every string
value of the validated recipe again, with the Azure key shapes composition does not know
(bare storage account keys, Entra ID client secrets), so that any path to a Recipe is covered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic
from olivegen.source.document import Loc

HF_HINT = (
    "revoke it at huggingface.co/settings/tokens, remove it, and set HF_TOKEN in the environment"
    " of `olive run` (huggingface_hub reads it from there)"
)
AZURE_HINT = (
    "rotate it in the Azure portal, remove it, and let the run sign in with `az login` or a managed"
    " identity, or read it from an environment variable such as AZURE_STORAGE_CONNECTION_STRING"
)
_B64 = "A-Za-z0-9+/"
SECRETS: list[tuple[str, re.Pattern[str], str]] = [
    ("a Hugging Face token", re.compile(r"(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}"), HF_HINT),
    ("an Azure storage account key", re.compile(rf"AccountKey=[{_B64}]{{20,}}={{0,2}}", re.I), AZURE_HINT),
    ("an Azure shared access key", re.compile(rf"SharedAccessKey=[{_B64}]{{20,}}={{0,2}}", re.I), AZURE_HINT),
    ("an Azure SAS token", re.compile(r"(?:^|[?&;])sig=[A-Za-z0-9%+/=]{20,}", re.I), AZURE_HINT),
    ("an Azure storage account key", re.compile(rf"(?<![{_B64}])[{_B64}]{{86}}==(?![{_B64}=])"), AZURE_HINT),
    (
        "an Azure client secret",
        re.compile(r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])"),
        AZURE_HINT,
    ),
]


SHORTEST = 24  # no credential shape above matches fewer characters (`sig=` and 20)


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, str(key)))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def _redact(found: str) -> str:
    head = found.split("=", 1)[0] + "=" if "=" in found[:20] else found[:5]
    return f"{head}..."


@rule("secret")
def secret(scope: Scope) -> Iterator[Diagnostic]:
    """A recipe never holds credentials: Hugging Face tokens, Azure keys, connection strings, SAS tokens."""
    for loc, text in _strings(scope.dumped, ()):
        if len(text) < SHORTEST:
            continue
        for kind, pattern, hint in SECRETS:
            match = pattern.search(text)
            if match:
                shown = _redact(match.group().lstrip("?&;"))
                yield scope.error(
                    "secret",
                    f"this value looks like {kind} ({shown!r}); olivegen never writes secrets into a config",
                    loc,
                    hint,
                )
                break
