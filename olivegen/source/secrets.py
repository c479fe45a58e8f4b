"""The one table of credential shapes and secret-holding key names, and masking them in any text.

Every stage that meets user text uses this table: composition refuses a recipe
holding a credential (compose/secrets.py), the `secret` rule scans the validated
recipe (checks/secrets.py), `import` scrubs converted configs (importer/scrub.py)
and every output is masked (`hf_****`) before it is printed (report/, cli.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from olivegen.source.document import Loc

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

HF = "hf"
AZURE = "azure"
OTHER = "other"
_B64 = "A-Za-z0-9+/"
# (what it is, its shape, who issues it); group "keep" is the part masking keeps (`hf_`, `AccountKey=`)
CREDENTIALS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("a Hugging Face token", re.compile(r"(?<![A-Za-z0-9])(?P<keep>hf_)[A-Za-z0-9]{30,}"), HF),
    (
        "an Azure storage account key",
        re.compile(r"(?P<keep>AccountKey=)[^;\s&\"']{4,}", re.IGNORECASE),
        AZURE,
    ),
    (
        "an Azure shared access key",
        re.compile(r"(?P<keep>SharedAccess(?:Key|Signature)=)[^;\s&\"']{4,}", re.IGNORECASE),
        AZURE,
    ),
    ("an Azure SAS signature", re.compile(r"(?:^|(?<=[?&;]))(?P<keep>sig=)[A-Za-z0-9%+/=]{10,}", re.IGNORECASE), AZURE),
    (
        "an Azure storage account key",
        re.compile(rf"(?<![A-Za-z0-9])(?P<keep>)[{_B64}]{{86}}==(?![A-Za-z0-9=])"),
        AZURE,
    ),
    (
        "an Azure client secret",
        re.compile(r"(?<![A-Za-z0-9_~.-])(?P<keep>)[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])"),
        AZURE,
    ),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9])(?P<keep>gh[pousr]_)[A-Za-z0-9]{30,}"), OTHER),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9])(?P<keep>github_pat_)[A-Za-z0-9_]{30,}"), OTHER),
    ("an AWS access key", re.compile(r"(?<![A-Z0-9])(?P<keep>AKIA)[A-Z0-9]{16}(?![A-Z0-9])"), OTHER),
    (
        "a password in a URL",  # bounded repeats: linear on a 2 MB value
        re.compile(r"(?<![A-Za-z0-9+.-])(?P<keep>[A-Za-z][A-Za-z0-9+.-]{0,31}://[^/\s:@]{1,256}:)[^/\s@]{1,256}(?=@)"),
        OTHER,
    ),
    (
        "a private key",
        re.compile(r"(?P<keep>-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(?:-----END[^-]*-----|$)"),
        OTHER,
    ),
)
SHORTEST = 15  # no shape above matches fewer characters (`AccountKey=` and 4)
MASK = "****"


def credentials(text: str) -> Iterator[tuple[str, re.Match[str], str]]:
    """Yield (what it is, the match, issuer) for every credential-shaped part of `text`."""
    if len(text) < SHORTEST:
        return
    for kind, pattern, issuer in CREDENTIALS:
        for match in pattern.finditer(text):
            yield kind, match, issuer


def credential(text: str) -> str | None:
    """Return what the first credential in `text` looks like ("a Hugging Face token"), or None."""
    return next((kind for kind, _, _ in credentials(text)), None)


def mask(text: str) -> str:
    """Return `text` with every credential masked, keeping only its telltale prefix (`hf_****`)."""
    if len(text) < SHORTEST:
        return text
    for _, pattern, _ in CREDENTIALS:
        text = pattern.sub(lambda m: m.group("keep") + MASK, text)
    return text


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
