"""`${VAR}` interpolation at load time; secrets: only references, never literals or in a rendered file."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from olivegen.api import compile_recipe, load_source
from olivegen.compose.environment import expand
from olivegen.errors import RecipeError
from tests.conftest import CliResult

TOKEN = "hf_" + "aB3" * 12  # the shape of a Hugging Face token, not a real one


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "d.jsonl").write_text('{"prompt": "a", "response": "b"}\n')
    path = tmp_path / "r.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


PLAIN = """\
model: {path: org/model}
host: cpu
passes:
  - type: builder
    precision: int4
"""


def data(tmp_path: Path, body: str, env: dict[str, str]) -> dict[str, Any]:
    return load_source(write(tmp_path, body), env=env).data


@pytest.mark.parametrize(
    ("text", "env", "out"),
    [
        ("${A}", {"A": "x"}, "x"),
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A:-d}", {"A": "set"}, "set"),
        ("${A:-}", {}, ""),
        ("pre-${A}-${B:-b}.json", {"A": "a"}, "pre-a-b.json"),
        ("$${A} stays", {"A": "x"}, "${A} stays"),
        ("cost $5 {x}", {}, "cost $5 {x}"),
        ("${A:-a:b}", {}, "a:b"),
    ],
)
def test_expand(text: str, env: dict[str, str], out: str) -> None:
    assert expand(text, env) == out


def test_unset_variable_raises_keyerror() -> None:
    with pytest.raises(KeyError):
        expand("${NOPE}", {})


def test_values_are_filled_in_and_whole_references_typed(tmp_path: Path) -> None:
    found = data(
        tmp_path,
        """\
        model: {path: "${ORG:-microsoft}/${MODEL}"}
        passes:
          - type: builder
            precision: ${PRECISION:-int4}
            int4_block_size: ${BLOCK}
        engine: {output_dir: "out/${BLOCK}"}
        """,
        {"MODEL": "phi", "BLOCK": "64"},
    )
    assert found["model"]["path"] == "microsoft/phi"
    assert found["passes"][0] == {"type": "builder", "precision": "int4", "int4_block_size": 64}
    assert found["engine"]["output_dir"] == "out/64"


def test_keys_are_not_interpolated(tmp_path: Path) -> None:
    found = data(tmp_path, PLAIN + "description: {'${X}': 1}\n", {"X": "y"})
    assert found["description"] == {"${X}": 1}


def test_unset_variable_is_an_error_at_its_value(tmp_path: Path) -> None:
    recipe = write(tmp_path, PLAIN + "engine:\n  output_dir: out/${WHERE}\n  cache_dir: ${CACHE}\n")
    with pytest.raises(RecipeError) as exc:
        compile_recipe(recipe, env={})
    assert [d.headline() for d in exc.value.diagnostics] == [
        f"{recipe}:7:15: error[environment]: environment variable 'WHERE' is not set",
        f"{recipe}:8:14: error[environment]: environment variable 'CACHE' is not set",
    ]
    assert exc.value.diagnostics[0].hint == "export WHERE=..., or give a default: ${WHERE:-value}"


@pytest.mark.parametrize(
    ("value", "message"), [("${A", "unclosed `${`"), ("${1A}", "malformed reference `${1A}`")]
)
def test_malformed_reference(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(RecipeError, match=message.replace("$", r"\$").replace("{", r"\{")):
        load_source(write(tmp_path, PLAIN + f"description: '{value}'\n"), env={})


def test_os_environ_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLIVEGEN_TEST_NAME", "from-env")
    assert load_source(write(tmp_path, PLAIN + "name: ${OLIVEGEN_TEST_NAME}\n")).data["name"] == "from-env"


def test_a_base_is_interpolated_with_its_own_positions(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(PLAIN + "name: ${NAME}\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: ${BASE:-base.yaml}\n")
    with pytest.raises(RecipeError) as exc:
        load_source(child, env={})
    assert str(exc.value.diagnostics[0].at) == f"{tmp_path / 'base.yaml'}:6:7"
    assert load_source(child, env={"NAME": "n"}).data["name"] == "n"


# --- secrets -------------------------------------------------------------------------------------


def secret_errors(tmp_path: Path, body: str, env: dict[str, str] | None = None, **kw: Any) -> list[str]:
    with pytest.raises(RecipeError) as exc:
        compile_recipe(write(tmp_path, body), env=env or {}, **kw)
    return [d.headline() for d in exc.value.diagnostics if d.rule == "secret"]


def test_a_literal_token_is_refused_at_its_position(tmp_path: Path) -> None:
    body = PLAIN.replace(
        "model: {path: org/model}", "model:\n  path: org/model\n  load_kwargs: {token: abc123}"
    )
    assert secret_errors(tmp_path, body) == [
        f"{tmp_path / 'r.yaml'}:3:24: error[secret]:"
        " 'token' holds a secret; olivegen never writes one into a config"
    ]


def test_token_true_is_the_reference(tmp_path: Path) -> None:
    body = PLAIN.replace(
        "model: {path: org/model}", "model:\n  path: org/model\n  load_kwargs: {token: true}"
    )
    config = compile_recipe(write(tmp_path, body), env={"HF_TOKEN": TOKEN})
    assert config.config["input_model"]["load_kwargs"] == {"token": True}
    assert TOKEN not in config.text


def test_a_reference_under_a_secret_key_would_leak_and_is_refused(tmp_path: Path) -> None:
    body = PLAIN.replace(
        "model: {path: org/model}", "model:\n  path: org/model\n  load_kwargs: {token: '${HF_TOKEN}'}"
    )
    lines = secret_errors(tmp_path, body, {"HF_TOKEN": TOKEN})
    assert lines == [
        f"{tmp_path / 'r.yaml'}:3:24: error[secret]:"
        " 'token' holds a secret: `${...}` would write its value into the config in clear text"
    ]


def test_secret_environment_variables_are_refused(tmp_path: Path) -> None:
    body = PLAIN.replace(
        "host: cpu",
        "host:\n  type: python_environment\n  provider: cpu\n  python: /usr/bin\n"
        "  environment: {HF_HUB_OFFLINE: '1', WANDB_API_KEY: k, AZURE_CLIENT_SECRET: '${S}'}",
    )
    with pytest.raises(RecipeError) as exc:
        compile_recipe(write(tmp_path, body), env={"S": "s3cret"})
    assert [(d.rule, d.message.split(" ")[0]) for d in exc.value.diagnostics] == [
        ("secret", "'AZURE_CLIENT_SECRET'")
    ]
    assert (
        exc.value.diagnostics[0].hint is not None
        and "copies the environment" in exc.value.diagnostics[0].hint
    )
    body = body.replace("'${S}'", "literal")
    assert [line.split("error[secret]: ")[1] for line in secret_errors(tmp_path, body)] == [
        "'WANDB_API_KEY' holds a secret; olivegen never writes one into a config",
        "'AZURE_CLIENT_SECRET' holds a secret; olivegen never writes one into a config",
    ]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (TOKEN, "a Hugging Face token"),
        (
            "https://acct.blob.core.windows.net/c/d.json?sv=2022&sig=abcdefghijklmnop1234",
            "an Azure SAS signature",
        ),
        ("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc123==", "an Azure storage account key"),
    ],
)
def test_credential_shapes_are_refused_anywhere(tmp_path: Path, value: str, kind: str) -> None:
    lines = secret_errors(tmp_path, PLAIN + f"description: '{value}'\n")
    assert lines == [
        f"{tmp_path / 'r.yaml'}:6:14: error[secret]: this value looks like {kind};"
        " olivegen never writes secrets into a config"
    ]


def test_an_override_cannot_bring_a_secret_in(tmp_path: Path) -> None:
    lines = secret_errors(tmp_path, PLAIN, overrides=["model.load_kwargs.token=abc"])
    assert lines == [
        "--set model.load_kwargs.token=abc:1:31: error[secret]:"
        " 'token' holds a secret; olivegen never writes one into"
        " a config"
    ]


def test_ordinary_token_words_are_not_secrets(tmp_path: Path) -> None:
    body = PLAIN.replace(
        "model: {path: org/model}", "model:\n  path: org/model\n  load_kwargs: {pad_token: x}"
    )
    assert compile_recipe(write(tmp_path, body), env={}).config["input_model"]["load_kwargs"] == {
        "pad_token": "x"
    }


def test_cli_reports_unset_variables(
    run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OLIVEGEN_UNSET", raising=False)
    recipe = write(tmp_path, PLAIN + "name: ${OLIVEGEN_UNSET}\n")
    result = run_cli("validate", recipe)
    assert result.code == 1
    assert (
        result.first_out_line
        == f"{recipe}:6:7: error[environment]: environment variable 'OLIVEGEN_UNSET' is not set"
    )
