"""The one table of credential shapes and secret-holding key names, and masking them in any text.

Every stage that meets user text uses this table: composition refuses a recipe
holding a credential (compose/secrets.py), the `secret` rule scans the validated
recipe (checks/secrets.py), `import` scrubs converted configs (importer/scrub.py)
and every output is masked (`hf_****`) before it is printed (report/, cli.py).

Two kinds of evidence: a value's shape (CREDENTIALS: Hugging Face, GitHub, OpenAI and AWS
keys, Azure keys and signatures, URL passwords, private keys), and a name that holds a secret
(`is_secret_name`: a key, an environment variable, or `name: value` / `name=value` in any text).
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
# an AWS secret access key is 40 base64 characters: only taken for one where something says so (an
# access key id, or a name such as aws_secret_access_key, just before it), never a bare 40-char hash
_AWS_SECRET = r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
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
    (  # legacy `sk-` + 48, project/service/admin keys `sk-proj-...`: a digit within, not a hyphenated word
        "an OpenAI API key",
        re.compile(
            r"(?<![A-Za-z0-9_-])(?P<keep>sk-(?:proj-|svcacct-|admin-)?)"
            r"(?=[A-Za-z0-9_-]{0,300}[0-9])(?=[A-Za-z0-9_-]{0,300}[A-Za-z])[A-Za-z0-9_-]{32,}"
        ),
        OTHER,
    ),
    (  # before the access key id's own pattern: masking keeps the id's prefix and the separator
        "an AWS secret access key",
        re.compile(rf"(?<![A-Z0-9])(?P<keep>(?:AKIA|ASIA)[A-Z0-9]{{16}}[\s:;,|=\"'/]{{1,4}}){_AWS_SECRET}"),
        OTHER,
    ),
    (
        "an AWS secret access key",
        re.compile(
            r"(?P<keep>(?<![A-Za-z0-9])(?:aws[_-]?)?secret[_-]?(?:access[_-]?)?key[\"']?\s{0,4}[:=]\s{0,4}[\"']?)"
            + _AWS_SECRET,
            re.IGNORECASE,
        ),
        OTHER,
    ),
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
# `name: value`, `name=value`, `"name": "value"` in any text (a code frame, a rendered config, a
# value): a secret when the name names one (is_secret_name) and the value is not a reference
KEYED_KIND = "a secret under a name that holds one"
KEYED = re.compile(
    r"(?P<keep>(?<![A-Za-z0-9_.-])(?P<key>[A-Za-z_][A-Za-z0-9_.-]{0,63})[\"']?[ \t]{0,4}[:=][ \t]{0,4}(?P<q>[\"'])?)"
    r"(?P<value>(?(q)[^\n\"']{1,256}|[^\s\"'`(),;&{}\[\]#]{1,256}))"
)
_NOT_A_VALUE = frozenset({"true", "false", "null", "none", "~", "yes", "no", "on", "off"})
_KEYED_SHORTEST = 6  # `pwd:x` is the least that can match


def _keyed(match: re.Match[str]) -> bool:
    value = match.group("value").strip()
    if not value or value.lower() in _NOT_A_VALUE or value[0] in "$*<{[" or MASK in value:
        return False  # a reference (`${HF_TOKEN}`, `<place_holder>`), a flag, a mapping, or masked already
    if re.fullmatch(r"[-+]?[0-9][0-9_.]*", value):
        return False
    return is_secret_name(match.group("key").rsplit(".", 1)[-1])


def credentials(text: str) -> Iterator[tuple[str, re.Match[str], str]]:
    """Yield (what it is, the match, issuer) for every credential-shaped part of `text`."""
    if len(text) < _KEYED_SHORTEST:
        return
    if len(text) >= SHORTEST:
        for kind, pattern, issuer in CREDENTIALS:
            for match in pattern.finditer(text):
                yield kind, match, issuer
    for match in KEYED.finditer(text):
        if _keyed(match):
            yield KEYED_KIND, match, OTHER


def credential(text: str) -> str | None:
    """Return what the first credential in `text` looks like ("a Hugging Face token"), or None."""
    return next((kind for kind, _, _ in credentials(text)), None)


def mask(text: str) -> str:
    """Return `text` with every credential masked, keeping only its telltale prefix (`hf_****`, `password: ****`)."""
    if len(text) < _KEYED_SHORTEST:
        return text
    if len(text) >= SHORTEST:
        for _, pattern, _ in CREDENTIALS:
            text = pattern.sub(lambda m: m.group("keep") + MASK, text)
    return KEYED.sub(lambda m: m.group("keep") + MASK if _keyed(m) else m.group(0), text)


def _fold(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# one-word names of a secret; and two words that are one (`api_key`, `access_key`, `private_key`)
_SECRET_WORDS = frozenset(
    {"secret", "secrets", "password", "passwords", "passwd", "passphrase", "pwd", "credential", "credentials"}
    | {"apikey", "accesskey", "secretkey", "privatekey", "accountkey", "sastoken", "authtoken", "apitoken"}
    | {"clientsecret", "connectionstring", "hftoken", "accesstoken", "useauthtoken", "creds"}
)
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("private", "key"),
        ("account", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("master", "key"),
        ("subscription", "key"),
        ("connection", "string"),
    }
)
# a name that ends in `token` is a tokenizer's or a count's after these words (`pad_token`, `a_per_token`)
_NOT_SECRET_TOKENS = frozenset(
    {"pad", "eos", "bos", "unk", "sep", "cls", "mask", "special", "start", "end", "stop", "eot", "sample"}
    | {"per", "new", "first", "last", "next", "image", "audio", "video", "vision", "dummy", "decoder", "max"}
    | {"min", "num", "chat", "system", "user", "assistant", "boi", "eoi", "think", "tool", "placeholder", "bot"}
)
# what may follow the secret's name and still name the secret itself (`password_value`, `api_key_b64`);
# anything else names something about it: `secret_name` (a key vault's), `password_file`, `token_env`
_HOLDING = frozenset({"value", "str", "string", "text", "raw", "b64", "base64", "plain", "plaintext", "literal"})


def is_secret_name(name: str) -> bool:
    """Tell whether a key or variable name names a secret: a token, secret, password, private or access key.

    Case-insensitive, with any prefix (`aws_secret_access_key`, `openai_api_key`, `hf_api_token`,
    `db_password`, `clientSecret`, `HF_TOKEN`), but not what only mentions one: `max_new_tokens`,
    `add_special_tokens`, `tokenizer`, `pad_token_id`, `keyvault`, `metric_key`, `secret_name`.
    """
    if _fold(name) in SECRET_KEYS:
        return True
    words = [w.lower() for w in _WORDS.findall(name[:256])]
    while words and words[-1] in _HOLDING:
        words.pop()
    if not words:
        return False
    last = words[-1]
    if last in _SECRET_WORDS:
        return True
    if len(words) >= 2 and (words[-2], last) in _SECRET_PAIRS:
        return True
    if last == "token":
        return len(words) == 1 or words[-2] not in _NOT_SECRET_TOKENS
    return False


def is_secret_key(loc: Loc) -> bool:
    """Tell whether the value at `loc` is written under a key that holds a secret."""
    strings = [k for k in loc if isinstance(k, str)]
    if not strings:
        return False
    if len(loc) >= 2 and loc[-2] == "environment":
        return bool(_ENV_SECRET.search(str(loc[-1]))) or is_secret_name(str(loc[-1]))
    return is_secret_name(strings[-1])
