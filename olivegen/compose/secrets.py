"""Secrets never reach a rendered config: fields that hold one accept only references.

A secret-holding field is a key that names a token, secret, password, private
or access key, case-insensitive and with any prefix (`token`, `db_password`,
`openai_api_key`, `hf_api_token`, `aws_secret_access_key`, `clientSecret`;
under `environment:` e.g. `HF_TOKEN`, `AZURE_CLIENT_SECRET`), but not one that
only mentions a token (`max_new_tokens`, `pad_token_id`, `tokenizer`) or a key
(`keyvault`, `metric_key`): `is_secret_name` in olivegen/source/secrets.py. Such a field may
hold only a reference Olive or transformers resolves on the machine that runs
`olive run`:

- `model.load_kwargs.token: true` - transformers reads `HF_TOKEN` or the
  `huggingface-cli login` token there;
- environment variables of a python_environment system are left out: Olive
  copies the environment of `olive run` into it;
- Azure data is read with the identity of `az login` or a managed identity,
  never with a key or SAS token written in the recipe.

Any string that *looks* like a credential (a Hugging Face token, an OpenAI or
AWS key, an Azure SAS signature or account key, a private key, `password=...`: the one table in
olivegen/source/secrets.py) is refused wherever it is written: as a value, as
a mapping key, as a matrix value name, or as the recipe's file name (which
would become the workflow id).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from olivegen.errors import Diagnostic, Position
from olivegen.source.document import Loc, SourceMap
from olivegen.source.secrets import AZURE, HF, credential, credentials, is_secret_key

__all__ = ["check_stem", "find_secrets", "is_secret_key", "secret_hint"]

NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")  # a workflow id (recipe/base.py Identifier)


ISSUER_HINTS = {
    HF: "revoke it at huggingface.co/settings/tokens, remove it, and set HF_TOKEN in the environment"
    " of `olive run` (huggingface_hub reads it from there)",
    AZURE: "rotate it in the Azure portal, remove it, and let the run sign in with `az login` or a managed"
    " identity, or read it from an environment variable such as AZURE_STORAGE_CONNECTION_STRING",
}
OTHER_HINT = "revoke it where it was issued, remove it, and give it to the run through its environment"


def secret_hint(loc: Loc, issuer: str | None = None) -> str:
    """Say which reference to write instead of a secret at `loc` (a credential of `issuer`, when known)."""
    if loc[:2] == ("model", "load_kwargs"):
        return "write `token: true`: transformers then reads HF_TOKEN or `huggingface-cli login` where Olive runs"
    if "environment" in loc:
        return "leave it out: Olive copies the environment of `olive run` into the python environment"
    if issuer is not None:
        return ISSUER_HINTS.get(issuer, OTHER_HINT)
    return "give the secret to the machine that runs `olive run` (an environment variable, `az login`), not the recipe"


def find_secrets(data: Any, where: SourceMap) -> list[Diagnostic]:
    """Report every literal secret in composed recipe data, at the position it was written."""
    return list(_walk(data, (), where))


def check_stem(stem: str, where: SourceMap) -> list[Diagnostic]:
    """Refuse a recipe file name that cannot become the workflow id (used when the recipe has no `name:`)."""
    at = Position(where.path, 1, 1)
    kind = credential(stem)
    if kind is not None:
        return [
            Diagnostic(
                f"the recipe's file name looks like {kind}; it would become the workflow id",
                at,
                "rename the file, and revoke the credential",
                rule="secret",
            )
        ]
    if not NAME.match(stem):
        return [
            Diagnostic(
                "the recipe's file name cannot be a workflow id (letters, digits, _ . -, not starting with . or -)",
                at,
                "add `name: my-workflow` to the recipe, or rename the file",
                rule="name",
            )
        ]
    return []


def _walk(value: Any, loc: Loc, where: SourceMap) -> Iterator[Diagnostic]:
    if isinstance(value, dict):
        for key, item in value.items():
            kind = credential(str(key))
            if kind is not None:
                yield Diagnostic(
                    f"this key looks like {kind}; olivegen never writes secrets into a config",
                    where.lookup((*loc, key)),
                    secret_hint((*loc, key)),
                    rule="secret",
                )
                continue
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
        for kind, _match, issuer in credentials(value):
            yield Diagnostic(
                f"this value looks like {kind}; olivegen never writes secrets into a config",
                at,
                secret_hint(loc, issuer),
                rule="secret",
            )
            break
