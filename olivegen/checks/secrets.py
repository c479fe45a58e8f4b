"""No credentials in a recipe: recipes are committed, reviewed and rendered into files others read.

Composition (olivegen/compose/secrets.py) already refuses secret-named keys and credential
shapes before validation, under the same rule id; this rule scans every string of the
validated recipe again with the same table (olivegen/source/secrets.py), so that any path to
a Recipe is covered.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from olivegen.checks.base import Scope, rule
from olivegen.errors import Diagnostic
from olivegen.source.document import Loc
from olivegen.source.secrets import AZURE, HF, MASK, credentials

HF_HINT = (
    "revoke it at huggingface.co/settings/tokens, remove it, and set HF_TOKEN in the environment"
    " of `olive run` (huggingface_hub reads it from there)"
)
AZURE_HINT = (
    "rotate it in the Azure portal, remove it, and let the run sign in with `az login` or a managed"
    " identity, or read it from an environment variable such as AZURE_STORAGE_CONNECTION_STRING"
)
HINTS = {HF: HF_HINT, AZURE: AZURE_HINT}
OTHER_HINT = "revoke it where it was issued, remove it, and give it to the run through its environment"


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, str(key)))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


@rule("secret")
def secret(scope: Scope) -> Iterator[Diagnostic]:
    """A recipe never holds credentials: Hugging Face tokens, Azure keys, connection strings, SAS tokens."""
    for loc, text in _strings(scope.dumped, ()):
        for kind, match, issuer in credentials(text):
            shown = match.group("keep") + MASK
            yield scope.error(
                "secret",
                f"this value looks like {kind} ({shown!r}); olivegen never writes secrets into a config",
                loc,
                HINTS.get(issuer, OTHER_HINT),
            )
            break
