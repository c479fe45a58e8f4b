"""Secrets under prefixed key names, OpenAI and AWS keys never reach a config, a recipe or a log (issue 20, #2).

Before: only the exact `api_key` was refused; `aws_secret_access_key`, `openai_api_key`,
`hf_api_token`, `db_password` rendered into the config, and `sk-...` and AWS secret keys were
printed by validate and explain and copied by import.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

Run = Callable[..., CliResult]
OPENAI = "sk-proj-" + "Ab3dEfGhIjKl_MnOpQrStUvWx-Yz0123456789abcdEfGhIjKlMnOpQrStUvWxYz01"
AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
PASSWORD = "correct-horse-battery-staple"
SECRETS = (OPENAI[8:], AWS_SECRET, PASSWORD)
BASE = "host: cpu\npasses:\n  - type: builder\n    precision: int4\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


def _nothing_shown(result: CliResult) -> None:
    shown = result.out + result.err
    assert "Traceback" not in shown
    for secret in SECRETS:
        assert secret not in shown, f"{secret[:6]}... was printed"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("aws_secret_access_key", AWS_SECRET),
        ("openai_api_key", "any-value-at-all"),
        ("hf_api_token", "any-value-at-all"),
        ("db_password", PASSWORD),
    ],
)
@pytest.mark.parametrize("command", ["validate", "render", "explain"])
def test_a_prefixed_secret_key_is_refused_and_never_printed(
    run_cli: Run, repo: Path, key: str, value: str, command: str
) -> None:
    recipe = repo / "r.yaml"
    recipe.write_text(
        f"model:\n  path: microsoft/Phi-3-mini-4k-instruct\n  load_kwargs:\n    {key}: {value}\n" + BASE,
        encoding="utf-8",
    )
    args = ["-o", repo / "out.json"] if command == "render" else []
    result = run_cli(command, recipe, *args)
    assert result.code == 1, result.out + result.err
    assert f"{recipe}:4:" in result.out + result.err and "secret" in result.out + result.err
    assert not (repo / "out.json").exists()
    _nothing_shown(result)
    assert value not in result.out + result.err


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
@pytest.mark.parametrize(
    "text",
    [
        f"description: uses {OPENAI}\n",
        f'description: "{AWS_ID}:{AWS_SECRET}"\n',
        f"description: {OPENAI[:3]}{OPENAI[8:]}\n",
    ],
)
def test_openai_and_aws_keys_are_refused_and_masked(run_cli: Run, repo: Path, text: str, fmt: str) -> None:
    recipe = repo / "r.yaml"
    recipe.write_text("model:\n  path: microsoft/Phi-3-mini-4k-instruct\n" + text + BASE, encoding="utf-8")
    result = run_cli("validate", recipe, "--format", fmt)
    assert result.code == 1 and "secret" in result.out
    _nothing_shown(result)


def test_a_key_named_secret_on_an_unknown_key_is_masked_in_the_code_frame(run_cli: Run, repo: Path) -> None:
    recipe = repo / "r.yaml"
    recipe.write_text(
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n" + BASE + f"bogus:\n  db_password: {PASSWORD}\n",
        encoding="utf-8",
    )
    result = run_cli("validate", recipe)
    assert result.code == 1
    _nothing_shown(result)


def test_import_never_keeps_a_prefixed_secret_or_an_openai_or_aws_key(run_cli: Run, repo: Path) -> None:
    config = {
        "input_model": {
            "type": "HfModel",
            "model_path": "microsoft/Phi-3-mini-4k-instruct",
            "load_kwargs": {
                "aws_secret_access_key": AWS_SECRET,
                "openai_api_key": OPENAI,
                "hf_api_token": "plain-text-token-value",
                "db_password": PASSWORD,
                "trust_remote_code": False,
            },
        },
        "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
        "engine": {"output_dir": f"out/{AWS_ID}:{AWS_SECRET}"},
    }
    (repo / "c.json").write_text(json.dumps(config), encoding="utf-8")
    result = run_cli("import", repo / "c.json", "-o", repo / "imported.yaml")
    _nothing_shown(result)
    written = (repo / "imported.yaml").read_text(encoding="utf-8")
    for secret in (*SECRETS, "plain-text-token-value"):
        assert secret not in written
    assert "trust_remote_code" in written


def test_legitimate_keys_still_render(run_cli: Run, repo: Path) -> None:
    """Keys that only mention a token or a key (a tokenizer's, a count, a key vault) are no secret."""
    recipe = repo / "r.yaml"
    recipe.write_text(
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n  load_kwargs:\n    trust_remote_code: false\n"
        "    token: true\n" + BASE,
        encoding="utf-8",
    )
    result = run_cli("render", recipe, "-o", repo / "out.json")
    assert result.code == 0, result.err
    assert json.loads((repo / "out.json").read_text())["input_model"]["load_kwargs"]["token"] is True
