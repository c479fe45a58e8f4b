"""Credentials anywhere in a recipe's string values are errors that never echo the secret."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from olivegen.compose.secrets import find_secrets
from olivegen.source.secrets import CREDENTIALS as SECRETS
from olivegen.source.yaml_rt import parse
from tests.unit.test_rules_registry import diagnose, one

HF = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz01234567"
ACCOUNT_KEY = base64.b64encode(bytes(range(64))).decode()
CASES = {
    "hf-token-in-description": (f'description: "uses {HF}"\n', "a Hugging Face token", "HF_TOKEN"),
    "hf-token-in-load-kwargs": (
        f"model:\n  path: microsoft/Phi-3-mini-4k-instruct\n  load_kwargs: {{revision: {HF}}}\n",
        "a Hugging Face token",
        "HF_TOKEN",
    ),
    "connection-string": (
        "description: DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" + ACCOUNT_KEY + ";EndpointSuffix=c\n",
        "Azure storage account key",
        "az login",
    ),
    "bare-account-key": (f"description: {ACCOUNT_KEY}\n", "an Azure storage account key", "az login"),
    "sas-token": (
        "$schema: https://acct.blob.core.windows.net/s/recipe.json?sv=2022-11-02&sig=AbCdEfGhIjKlMnOpQrStUv%3D\n",
        "Azure SAS",
        "az login",
    ),
    "shared-access-key": (
        "description: Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey="
        + ACCOUNT_KEY[:44]
        + "\n",
        "shared access key",
        "az login",
    ),
    "client-secret": ("description: abc8Q~AbCdEfGhIjKlMnOpQrStUvWxYz0123456\n", "an Azure client secret", "az login"),
    "github-token": ("description: ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\n", "a GitHub token", "revoke"),
    "github-pat": ("description: github_pat_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\n", "a GitHub token", "revoke"),
    "aws-key": ("description: AKIAABCDEFGHIJKLMNOP\n", "an AWS access key", "revoke"),
    "url-password": ("description: https://user:pa55word-secret@example.com/x\n", "a password in a URL", "revoke"),
    "private-key": ('description: "-----BEGIN RSA PRIVATE KEY-----\\nMIIE"\n', "a private key", "revoke"),
    "account-key-in-path": (f"description: /mnt/keys/{ACCOUNT_KEY}\n", "an Azure storage account key", "az login"),
}
MODEL = "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
PASSES = "passes:\n  - {type: builder, precision: int4}\n"


@pytest.mark.parametrize("case", sorted(CASES))
def test_secret_anywhere_is_an_error(tmp_path: Path, case: str) -> None:
    line, kind, hint = CASES[case]
    text = line + (MODEL if not line.startswith("model:") else "") + PASSES
    diag = one(diagnose(tmp_path, text), "secret")
    assert kind in diag.message
    assert diag.hint and ("environment" in diag.hint or "HF_TOKEN" in diag.hint)
    assert diag.at is not None and diag.at.line == (3 if "load_kwargs" in line else 1)
    assert HF[6:] not in str(diag) and ACCOUNT_KEY[10:40] not in str(diag), "the secret must not be echoed"


@pytest.mark.parametrize(
    "value",
    [
        "00000000-0000-0000-0000-000000000000",  # a subscription id is not a secret
        "hf_short",
        "see https://huggingface.co/settings/tokens",
        "the token comes from HF_TOKEN",
        "azureml://registries/azureml/models/phi/versions/4",
    ],
)
def test_lookalikes_pass(tmp_path: Path, value: str) -> None:
    assert diagnose(tmp_path, f'description: "{value}"\n' + MODEL + PASSES) == []


def test_every_pattern_has_a_case() -> None:
    kinds = {kind for kind, _, _ in SECRETS}
    covered = {kind for case in CASES.values() for kind in kinds if case[1] in kind}
    assert covered == kinds


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_one_scan_finds_every_case_with_its_issuers_hint(case: str) -> None:
    """Composition's scan (the one scan of the input) finds each shape and says how its issuer revokes it."""
    line, kind, hint = CASES[case]
    text = line + (MODEL if not line.startswith("model:") else "") + PASSES
    source = parse(text, "r.yaml")
    found = [d for d in find_secrets(source.data, source.where) if d.rule == "secret"]
    assert len(found) == 1 and kind in found[0].message
    assert found[0].hint and hint in found[0].hint
