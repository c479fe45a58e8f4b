"""`olivegen import`: the seed guide's legacy config, other generations, and render -> import -> render."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from olivegen.source.yaml_rt import parse
from tests.conftest import EXAMPLES, ROOT, CliResult

CONFIGS = ROOT / "tests" / "data" / "olive-configs"
Run = Callable[..., CliResult]


def test_seed_guide_imports_with_every_block_mapped(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "olive-config.json"
    shutil.copy(CONFIGS / "seed-guide-legacy.json", config)
    (tmp_path / "dataset").mkdir()
    shutil.copy(EXAMPLES / "data" / "dataset-classification.json", tmp_path / "dataset")
    shutil.copy(EXAMPLES / "azureml" / "conda.yaml", tmp_path / "conda.yaml")
    out = tmp_path / "recipe.yaml"
    result = run_cli("import", config, "-o", out)
    # the recipe means what the config means: QLoRA keeps its 4-bit config, which ModelBuilder int4
    # cannot take; validation says so at the QLoRA pass, with the fix as its hint (issue 9)
    assert result.code == 1, result.err
    assert "error[qlora-int4]: QLoRA hands its bitsandbytes 4-bit config on towards ModelBuilder int4" in result.err
    assert "set `save_quant_config: false`" in result.err
    text = out.read_text()
    assert "save_quant_config" not in text
    text = text.replace("  - type: QLoRA", "  - type: QLoRA\n    save_quant_config: false", 1)
    out.write_text(text)
    for expected in (
        "type: QLoRA",
        "type: azureml",
        "compute: gpu-a100",
        "hf_token: true",
        "r: 64",
        "alpha: 64",
        "eval_split: 0.3",
        "eval_strategy: steps",
        "max_seq_len: 2048",
        "trust_remote_code: true",
        "save_quant_config: false",
        "REVIEW",
    ):
        assert expected in text, expected
    keys = _all_keys(parse(text, "r.yaml").data)
    for legacy in ("lora_r", "lora_alpha", "evaluation_strategy", "eval_dataset_size", "hf_config", "source_max_len"):
        assert legacy not in keys, legacy
    dropped = [line for line in result.err.splitlines() if "import-dropped" in line]
    assert len(dropped) == 1 and "$.passes.lora.config.training_args.group_by_length" in dropped[0]
    line = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if "group_by_length" in text)
    assert dropped[0].startswith(f"{config}:{line}:")
    rendered = compile_recipe(out).config
    assert rendered["passes"]["lora"]["type"] == "QLoRA"
    assert rendered["passes"]["lora"]["eval_data_config"] == "dataset_default_train_eval"


def test_import_refuses_to_overwrite(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "r.yaml"
    out.write_text("keep\n")
    result = run_cli("import", CONFIGS / "seed-guide-legacy.json", "-o", out)
    assert result.code == 2 and "--force" in result.err
    assert out.read_text() == "keep\n"


# An Azure ML host on Olive 0.13 renders a job-relative config for a plain local system: importing
# it gives that local recipe, not the Azure ML one, so those examples are not fixed points by design.
FIXED_POINT_EXAMPLES = [p for p in sorted(EXAMPLES.glob("*.yaml")) if "type: azureml" not in p.read_text()]


@pytest.mark.parametrize("example", FIXED_POINT_EXAMPLES, ids=lambda p: p.stem)
def test_render_import_render_is_a_fixed_point(example: Path, run_cli: Run, tmp_path: Path) -> None:
    first = compile_recipe(example)
    config = tmp_path / "olive-config.json"
    config.write_text(first.text)
    recipe = tmp_path / "imported.yaml"
    result = run_cli("import", config, "-o", recipe)
    assert result.code == 0, result.err
    assert "import-dropped" not in result.err
    second = compile_recipe(recipe)
    assert json.loads(second.text) == json.loads(first.text)


def test_current_flat_format_imports(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "flat.json"
    config.write_text(
        json.dumps(
            {
                "input_model": {
                    "type": "HfModel",
                    "model_path": "microsoft/Phi-3.5-mini-instruct",
                    "load_kwargs": {"trust_remote_code": True, "attn_implementation": "eager"},
                },
                "systems": {
                    "local_system": {
                        "type": "LocalSystem",
                        "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}],
                    }
                },
                "passes": {"mb": {"type": "modelbuilder", "precision": "int4", "int4_block_size": 32, "use_qdq": True}},
                "host": "local_system",
                "target": "local_system",
                "output_dir": "out",
                "no_artifacts": True,
                "unknown_thing": 1,
            }
        )
    )
    out = tmp_path / "r.yaml"
    result = run_cli("import", config, "-o", out)
    assert result.code == 0, result.err
    text = out.read_text()
    assert "host: cpu" in text and "options:\n      use_qdq: true" in text and "attn_implementation: eager" in text
    assert "$.unknown_thing" in result.err and "$.no_artifacts" not in result.err
    assert "olive:\n    no_artifacts: true" in text  # an Olive 0.13 engine key the recipe does not type: carried over
    assert compile_recipe(out).config["passes"]["mb"] == {
        "type": "ModelBuilder",
        "precision": "int4",
        "int4_block_size": 32,
        "use_qdq": True,
    }


def test_not_json_is_a_positioned_error(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "bad.json"
    config.write_text('{"passes": [1, 2,]\n\t}')
    result = run_cli("import", config)
    assert result.code == 1
    assert result.first_err_line.startswith(f"{config}:")


def _all_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _all_keys(v)}
    return set()


def test_import_never_copies_a_secret(run_cli: Run, tmp_path: Path) -> None:
    token = "hf_" + "abcdefghijklmnopqrstuvwxyzABCDEFGH"
    config = tmp_path / "sec.json"
    config.write_text(
        json.dumps(
            {
                "input_model": {"type": "HfModel", "model_path": "a/b", "load_kwargs": {"token": token}},
                "passes": {"r": {"type": "Rtn", "note": token}},
            }
        )
    )
    out = tmp_path / "r.yaml"
    result = run_cli("import", config, "-o", out)
    text = out.read_text()
    assert token not in text and token not in result.err
    assert "token: true" in text
    assert result.err.count("warning[import-secret]") == 2
    assert result.code == 0
    assert compile_recipe(out).config["input_model"]["load_kwargs"] == {"token": True}


def test_imported_recipe_names_the_repository_schema_never_the_install(run_cli: Run, tmp_path: Path) -> None:
    from olivegen.knowledge.resources import recipe_schema_file, schema_url

    (tmp_path / ".git").mkdir()
    config = tmp_path / "olive-config.json"
    config.write_text(compile_recipe(EXAMPLES / "phi3-tone-classification.yaml").text)
    recipe = tmp_path / "sub" / "imported.yaml"
    assert run_cli("import", config, "-o", recipe).code == 0
    text = recipe.read_text()
    assert text.split("\n", 1)[0] == f"# yaml-language-server: $schema={schema_url()}"
    assert str(recipe_schema_file()) not in text
    assert run_cli("schema", "-o", tmp_path / "schemas" / "recipe.schema.json").code == 0
    assert run_cli("import", config, "-o", recipe, "--force").code == 0
    assert recipe.read_text().split("\n", 1)[0] == "# yaml-language-server: $schema=../schemas/recipe.schema.json"


def test_a_legacy_spelling_beside_the_modern_one_is_dropped_not_applied(run_cli: Run, tmp_path: Path) -> None:
    """`r: 64` and `lora_r: 8` in one LoRA pass: Olive reads `r`, so the recipe keeps 64 and says so."""
    config = tmp_path / "both.json"
    lora = {"type": "LoRA", "r": 64, "lora_r": 8, "train_data_config": "d"}
    data = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "org/set"}}
    config.write_text(
        json.dumps(
            {"input_model": {"type": "HfModel", "model_path": "org/m"}, "data_configs": [data], "passes": {"l": lora}}
        )
    )
    out = tmp_path / "r.yaml"
    result = run_cli("import", config, "-o", out)
    assert "$.passes.l.lora_r" in result.err and "which Olive reads instead" in result.err
    assert "r: 64" in out.read_text() and "r: 8" not in out.read_text()


def test_a_dollar_brace_olive_read_as_written_stays_written(run_cli: Run, tmp_path: Path) -> None:
    """Olive takes `${HOME}` literally; the imported recipe writes `$${` so composition does not fill it in."""
    config = {
        "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},
        "passes": {"builder": {"type": "ModelBuilder", "precision": "int4"}},
        "engine": {"output_dir": "out/${HOME}"},
    }
    (tmp_path / "c.json").write_text(json.dumps(config), encoding="utf-8")
    assert run_cli("import", tmp_path / "c.json", "-o", tmp_path / "c.yaml").code == 0
    assert "out/$${HOME}" in (tmp_path / "c.yaml").read_text(encoding="utf-8")
    rendered = compile_recipe(tmp_path / "c.yaml", env={"HOME": "/elsewhere"}).config
    assert rendered["engine"]["output_dir"] == str(tmp_path / "out" / "${HOME}")
