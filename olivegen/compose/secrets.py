"""Secrets never reach a rendered config: fields that hold one accept only references.

A secret-holding field is a key named like one (`token`, `password`,
`api_key`, `connection_string` ...; under `environment:` any variable whose
name ends like one, e.g. `HF_TOKEN`, `AZURE_CLIENT_SECRET`). Such a field may
hold only a reference Olive or transformers resolves on the machine that runs
`olive run`:

- `model.load_kwargs.token: true` - transformers reads `HF_TOKEN` or the
  `huggingface-cli login` token there;
- environment variables of a python_environment system are left out: Olive
  copies the environment of `olive run` into it;
- Azure data is read with the identity of `az login` or a managed identity,
  never with a key or SAS token written in the recipe.

Any string that *looks* like a credential (a Hugging Face token, an Azure SAS
signature or account key, a private key) is refused wherever it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from olivegen.errors import Diagnostic
from olivegen.source.document import Loc, SourceMap

SECRET_KEYS = frozenset(
    {
        "token",
        "hftoken",
        "authtoken",
        "useauthtoken",
        "accesstoken",
        "apitoken",
        "sastoken",
        "password",
        "passwd",
        "secret",
        "clientsecret",
        "apikey",
        "accesskey",
        "accountkey",
        "secretkey",
        "privatekey",
        "connectionstring",
        "credential",
        "credentials",
    }
)
_ENV_SECRET = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|ACCOUNT_?KEY|PRIVATE_?KEY|SAS|"
    r"CONNECTION_?STRING|CREDENTIALS?)$",
    re.IGNORECASE,
)
LOOKS_SECRET = (
    (re.compile(r"\bhf_[A-Za-z0-9]{30,}"), "a Hugging Face token"),
    (re.compile(r"[?&]sig=[^&\s]{10,}", re.IGNORECASE), "an Azure SAS signature"),
    (re.compile(r"AccountKey=[^;\s]+", re.IGNORECASE), "an Azure storage account key"),
    (re.compile(r"SharedAccess(Signature|Key)=[^;\s]+", re.IGNORECASE), "an Azure shared access key"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
)


def _fold(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def is_secret_key(loc: Loc) -> bool:
    """Tell whether the value at `loc` is written under a key that holds a secret."""
    strings = [k for k in loc if isinstance(k, str)]
    if not strings:
        return False
    if len(loc) >= 2 and loc[-2] == "environment":
        return bool(_ENV_SECRET.search(str(loc[-1])))
    return _fold(strings[-1]) in SECRET_KEYS


def secret_hint(loc: Loc) -> str:
    """Say which reference to write instead of a secret at `loc`."""
    if loc[:2] == ("model", "load_kwargs"):
        return (
            "write `token: true`: transformers then reads HF_TOKEN or `huggingface-cli login` where Olive"
            " runs"
        )
    if "environment" in loc:
        return "leave it out: Olive copies the environment of `olive run` into the python environment"
    return (
        "give the secret to the machine that runs `olive run` (an environment variable, `az login`),"
        " not the recipe"
    )


def find_secrets(data: Any, where: SourceMap) -> list[Diagnostic]:
    """Report every literal secret in composed recipe data, at the position it was written."""
    return list(_walk(data, (), where))


def _walk(value: Any, loc: Loc, where: SourceMap) -> Iterator[Diagnostic]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*loc, key), where)
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*loc, i), where)
        return
    if value is None or isinstance(value, bool):
        return
    at = where.lookup(loc, prefer_value=True)
    if is_secret_key(loc):
        key = next(k for k in reversed(loc) if isinstance(k, str))
        yield Diagnostic(
            f"{key!r} holds a secret; olivegen never writes one into a config",
            at,
            secret_hint(loc),
            rule="secret",
        )
        return
    if isinstance(value, str):
        for pattern, kind in LOOKS_SECRET:
            if pattern.search(value):
                yield Diagnostic(
                    f"this value looks like {kind}; olivegen never writes secrets into a config",
                    at,
                    secret_hint(loc),
                    rule="secret",
                )
                return
