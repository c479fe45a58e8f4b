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
OPENAI = "sk-" + "T3BlbkFJ" + "aB3dEfGhIjKlMnOpQrStUvWxYz0123456789ab"
OPENAI_PROJECT = "sk-proj-" + "Ab3dEfGhIjKl_MnOpQrStUvWx-Yz0123456789abcdEfGhIjKlMnOpQrStUvWxYz01"
AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
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
    "openai-key": (f"description: {OPENAI}\n", "an OpenAI API key", "revoke"),
    "openai-project-key": (f"description: uses {OPENAI_PROJECT} here\n", "an OpenAI API key", "revoke"),
    "aws-secret-after-its-id": (f'description: "{AWS_ID}:{AWS_SECRET}"\n', "an AWS secret access key", "revoke"),
    "aws-secret-by-name": (
        f'description: "AWS_SECRET_ACCESS_KEY={AWS_SECRET}"\n',
        "an AWS secret access key",
        "revoke",
    ),
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
        "c4377ae9f1b2d3e4a5b6c7d8e9f0a1b2c3d4e5f6",  # a git sha: 40 characters, but no AWS context
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # a sha256
        "123e4567-e89b-12d3-a456-426614174000",  # a UUID
        "sk-learn-compatible-preprocessing-for-phi",  # `sk-` and a hyphenated name: no digit
        "risk-assessment-model-2024-finetuned-v3-long-name",  # `sk-` inside a word
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ",  # 40 base64 characters alone: a hash as well as a key
        "models/AKIA-style/checkpoint",
        "set max_new_tokens: 128 and the token from HF_TOKEN",
        "api_key: $${OPENAI_API_KEY}",  # a reference (escaped: no variable is read), not a key
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


SECRET_NAMES = [
    "aws_secret_access_key",
    "openai_api_key",
    "hf_api_token",
    "db_password",
    "AWS_SECRET_ACCESS_KEY",
    "clientSecret",
    "OpenAIApiKey",
    "hub_token",
    "push_to_hub_token",
    "private_key",
    "access_key",
    "token",
    "password_value",
]


@pytest.mark.parametrize("key", SECRET_NAMES)
def test_a_key_naming_a_secret_is_refused_with_any_prefix(tmp_path: Path, key: str) -> None:
    text = f"model:\n  path: microsoft/Phi-3-mini-4k-instruct\n  load_kwargs:\n    {key}: hunter2-but-longer\n" + PASSES
    source = parse(text, "r.yaml")
    found = find_secrets(source.data, source.where)
    assert len(found) == 1 and found[0].rule == "secret" and key in found[0].message, found
    assert found[0].at is not None and (found[0].at.line, found[0].at.col) == (4, 7 + len(key))
    assert "hunter2" not in str(found[0])


# keys of recipes and of Olive's configs (schemas/: pass parameters, data configs, systems, metrics)
# that mention a token, a key or a secret but hold none
LEGITIMATE = {
    "max_new_tokens": 128,
    "generate_max_new_tokens": 64,
    "add_special_tokens": False,
    "tokenizer": "microsoft/Phi-3-mini-4k-instruct",
    "tokenizer_dir": "tok",
    "pad_token_id": 0,
    "pad_token": "<pad>",
    "eos_token": "</s>",
    "n_sample_token": 8,
    "a_per_token": 4,
    "min_longest_common_tokens": 2,
    "save_metadata_for_token_generation": True,
    "include_num_input_tokens_seen": True,
    "average_tokens_across_devices": True,
    "keyvault": "my-vault",
    "keyvault_name": "my-vault",
    "metric_key": "accuracy",
    "past_key_value_name": "past_key_values",
    "num_key_value_heads": 8,
    "config_meta_data_keys": "architectures",
    "secret_name": "hf-token",
    "hf_token": True,
    "use_auth_token": True,
    "token": True,
    "password_file": "/run/secrets/db",
    "sort_keys": True,
    "key": "value",
}


def test_keys_that_only_mention_a_secret_pass() -> None:
    from olivegen.source.secrets import is_secret_name, mask

    lines = "".join(
        f"    {key}: {str(value).lower() if isinstance(value, bool) else value}\n" for key, value in LEGITIMATE.items()
    )
    source = parse("model:\n  path: m\n  olive:\n" + lines, "r.yaml")
    assert find_secrets(source.data, source.where) == []
    assert [key for key in LEGITIMATE if is_secret_name(key) and not isinstance(LEGITIMATE[key], bool)] == []
    assert mask(lines) == lines


def test_key_named_secrets_are_masked_in_any_text() -> None:
    from olivegen.source.secrets import mask

    assert mask("    db_password: hunter22 # x") == "    db_password: **** # x"
    assert mask('{"openai_api_key": "not one I know"}') == '{"openai_api_key": "****"}'
    assert mask(f"{AWS_ID}:{AWS_SECRET}") == "AKIA****:****"
    assert mask(f"x {OPENAI_PROJECT} y") == "x sk-proj-**** y"
    assert mask(f"aws_secret_access_key = {AWS_SECRET}") == "aws_secret_access_key = ****"
