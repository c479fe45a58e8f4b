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
    """Issue 19's first "done when": the guide's LoRA imports as the LoRA Olive ran, exit 0."""
    config = tmp_path / "olive-config.json"
    shutil.copy(CONFIGS / "seed-guide-legacy.json", config)
    (tmp_path / "dataset").mkdir()
    shutil.copy(EXAMPLES / "data" / "dataset-classification.json", tmp_path / "dataset")
    shutil.copy(EXAMPLES / "azureml" / "conda.yaml", tmp_path / "conda.yaml")
    out = tmp_path / "recipe.yaml"
    result = run_cli("import", config, "-o", out)
    # no Olive release has double_quant on LoRA: Olive ignored it and trained plain LoRA (issue 19)
    assert result.code == 0, result.err
    assert "error[" not in result.err
    text = out.read_text()
    for expected in (
        "type: LoRA",
        "type: azureml",
        "compute: gpu-a100",
        "hf_token: true",
        "r: 64",
        "alpha: 64",
        "lora_dropout: 0.1",
        "eval_split: 0.3",
        "eval_strategy: steps",
        "max_seq_len: 2048",
        "trust_remote_code: true",
        "text_template:",
        "REVIEW",
    ):
        assert expected in text, expected
    keys = _all_keys(parse(text, "r.yaml").data)
    for legacy in (
        "lora_r", "lora_alpha", "evaluation_strategy", "eval_dataset_size", "hf_config", "source_max_len",
        "double_quant", "save_quant_config",
    ):
        assert legacy not in keys, legacy
    assert "type: QLoRA" not in text
    quant = [line for line in result.err.splitlines() if "$.passes.lora.config.double_quant" in line]
    assert len(quant) == 1 and "Olive ignored it" in quant[0], result.err
    line = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if "double_quant" in text)
    assert quant[0].startswith(f"{config}:{line}:")
    assert "write `type: QLoRA`" in result.err
    dropped = [line for line in result.err.splitlines() if "$.passes.lora.config.training_args.group_by_length" in line]
    assert len(dropped) == 1 and "import-dropped" in dropped[0]
    line = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if "group_by_length" in text)
    assert dropped[0].startswith(f"{config}:{line}:")
    rendered = compile_recipe(out).config
    lora, merge, builder = (rendered["passes"][k] for k in ("lora", "merge_adapter_weights", "builder"))
    assert [lora["type"], merge["type"], builder["type"]] == ["LoRA", "MergeAdapterWeights", "ModelBuilder"]
    assert list(rendered["passes"]) == ["lora", "merge_adapter_weights", "builder"]
    assert (lora["r"], lora["alpha"], lora["lora_dropout"]) == (64, 64, 0.1)
    assert "double_quant" not in lora and builder["precision"] == "int4"
    assert lora["eval_data_config"] == "dataset_default_train_eval"
    data = {d["name"]: d for d in rendered["data_configs"]}
    pre = data["dataset_default_train"]["pre_process_data_config"]
    assert pre["text_template"] == "### Text: {phrase}\n### The tone is:\n{tone}"
    assert data["dataset_default_train"]["load_dataset_config"]["split"] == "train[:70%]"
    assert data["dataset_default_train_eval"]["load_dataset_config"]["split"] == "train[70%:]"


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


def _import(run_cli: Run, tmp_path: Path, config: dict[str, object]) -> tuple[CliResult, str]:
    source = tmp_path / "c.json"
    source.write_text(json.dumps(config, indent=2))
    out = tmp_path / "c.yaml"
    result = run_cli("import", source, "-o", out)
    return result, out.read_text() if out.exists() else ""


HF = {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"}
MB = {"b": {"type": "ModelBuilder", "precision": "int4"}}


def test_lora_with_quant_type_stays_lora_as_olive_ran_it(run_cli: Run, tmp_path: Path) -> None:
    lora = {"type": "LoRA", "quant_type": "nf4", "r": 8, "train_data_config": "d"}
    data = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "org/set"}}
    result, text = _import(run_cli, tmp_path, {"input_model": HF, "data_configs": [data], "passes": {"l": lora}})
    assert "type: LoRA" in text and "quant_type" not in _all_keys(parse(text, "r.yaml").data)
    assert "$.passes.l.quant_type: no Olive release has 'quant_type' on LoRA" in result.err
    assert "write `type: QLoRA`" in result.err


def test_a_system_type_a_recipe_cannot_express_is_refused(run_cli: Run, tmp_path: Path) -> None:
    systems = {"ndv2": {"type": "AzureNDV2System", "accelerators": [{"device": "gpu"}]}}
    config = {"input_model": HF, "systems": systems, "passes": MB, "engine": {"host": "ndv2", "target": "ndv2"}}
    result, text = _import(run_cli, tmp_path, config)
    assert result.code == 1 and text == ""
    assert "error[import]: $.systems.ndv2.type: a recipe's host cannot be an AzureNDV2System system" in result.err
    assert result.err.startswith(f"{tmp_path / 'c.json'}:")  # at its line, not 1:1
    assert ":1:1:" not in result.first_err_line


def test_no_host_or_target_keeps_olives_default_and_says_so(run_cli: Run, tmp_path: Path) -> None:
    result, text = _import(run_cli, tmp_path, {"input_model": HF, "passes": MB})
    assert result.code == 0, result.err
    assert "host: cpu  # REVIEW: the config names no host or target: Olive's default" in text


def test_a_gpu_without_a_provider_is_not_made_cuda_silently(run_cli: Run, tmp_path: Path) -> None:
    systems = {
        "gpu": {"type": "LocalSystem", "accelerators": [{"device": "gpu"}]},
        "dml": {
            "type": "LocalSystem",
            "accelerators": [{"device": "gpu", "execution_providers": ["DmlExecutionProvider"]}],
        },
    }
    config = {"input_model": HF, "systems": systems, "passes": MB, "engine": {"host": "gpu", "target": "dml"}}
    result, text = _import(run_cli, tmp_path, config)
    assert "provider: DmlExecutionProvider" in text
    assert "REVIEW: the config names device gpu but no execution provider" in text and "DirectML" in text


def test_keys_of_newer_olive_are_refused_or_warned_saying_where_they_are(run_cli: Run, tmp_path: Path) -> None:
    config = {
        "input_model": HF,
        "passes": MB,
        "max_concurrent_builds": 2,
        "vendor": "acme",
        "recipe_metadata": {"a": 1},
        "engine": {"use_cloud_cache": True, "enable_fast_mode": True},
    }
    result, _ = _import(run_cli, tmp_path, config)
    assert "$.max_concurrent_builds: only Olive's main branch (after 0.13, at ee6f40f)" in result.err
    for key in ("$.vendor", "$.recipe_metadata", "$.engine.use_cloud_cache", "$.engine.enable_fast_mode"):
        assert f"{key}: neither Olive 0.13 nor Olive's main branch (at ee6f40f) has" in result.err, key
    (tmp_path / "c.yaml").unlink()
    refused, text = _import(run_cli, tmp_path, {**config, "builds": {"a": {}, "b": {}}})
    # a multi-build config imports as a matrix (test_import_many.py); Olive refuses a build without a pipeline
    assert refused.code == 1 and text == "" and "error[import]: $.builds.a: build 'a' needs `pipeline`" in refused.err


def test_a_pre_processing_olive_picks_by_task_keeps_its_own_words(run_cli: Run, tmp_path: Path) -> None:
    """A text-classification model's data set: Olive 0.13 pre-processes it with huggingface_pre_process."""
    data = {
        "name": "d",
        "type": "HuggingfaceContainer",
        "load_dataset_config": {"data_name": "glue", "subset": "mrpc", "split": "validation"},
        "pre_process_data_config": {"add_special_tokens": True, "max_samples": 10},
    }
    model = {"type": "HfModel", "model_path": "org/bert", "task": "text-classification"}
    config = {"input_model": model, "data_configs": [data], "passes": {"c": {"type": "OnnxConversion"}}}
    result, text = _import(run_cli, tmp_path, config)
    assert result.code == 0, result.err
    assert "add_special_tokens: true" in text
    assert "text_cols" not in text and "pad_to_max_len" not in text
    assert compile_recipe(tmp_path / "c.yaml").config["data_configs"][0]["pre_process_data_config"] == {
        "add_special_tokens": True,
        "max_samples": 10,
    }


def test_an_empty_python_environment_path_is_not_dropped(run_cli: Run, tmp_path: Path) -> None:
    systems = {"py": {"type": "PythonEnvironment", "python_environment_path": "", "accelerators": [{"device": "cpu"}]}}
    config = {"input_model": HF, "systems": systems, "passes": MB, "engine": {"host": "py", "target": "py"}}
    result, text = _import(run_cli, tmp_path, config)
    assert "python: ''" in text
    assert result.code == 1 and "'python' should have at least 1 character" in result.err


def test_a_system_nothing_runs_on_is_reported(run_cli: Run, tmp_path: Path) -> None:
    systems = {"spare": {"type": "LocalSystem", "accelerators": [{"device": "cpu"}]}}
    result, _ = _import(run_cli, tmp_path, {"input_model": HF, "systems": systems, "passes": MB})
    expected = "$.systems.spare has no meaning in Olive 0.13: neither the engine's host nor its target names it"
    assert expected in result.err


def test_a_data_name_olive_rejects_is_renamed_with_its_references(run_cli: Run, tmp_path: Path) -> None:
    """Olive v0.4 configs name data `tiny-codes-train`; Olive 0.9 and 0.13 accept `[A-Za-z0-9_]+` only."""
    (tmp_path / "train.jsonl").write_text('{"prompt": "a", "response": "b"}\n', encoding="utf-8")
    config = tmp_path / "olive-config.json"
    config.write_text(
        json.dumps(
            {
                "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},
                "data_configs": [
                    {
                        "name": "tiny-codes-train",
                        "type": "HuggingfaceContainer",
                        "load_dataset_config": {"data_name": "json", "data_files": "train.jsonl", "split": "train"},
                        "pre_process_data_config": {"text_template": "{prompt} {response}"},
                    },
                    {"name": "tiny_codes_train", "type": "HuggingfaceContainer",
                     "load_dataset_config": {"data_name": "json", "data_files": "train.jsonl", "split": "train"},
                     "pre_process_data_config": {"text_template": "{prompt}"}},
                ],
                "passes": {
                    "lora": {"type": "LoRA", "train_data_config": "tiny-codes-train", "r": 4},
                    "merge": {"type": "MergeAdapterWeights"},
                    "mb": {"type": "ModelBuilder", "precision": "int4"},
                },
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "recipe.yaml"
    result = run_cli("import", config, "-o", out)
    assert result.code == 0, result.err
    text = out.read_text()
    assert "- name: tiny_codes_train_2  # REVIEW: renamed from 'tiny-codes-train'" in text
    assert "train_data: tiny_codes_train_2" in text
    assert compile_recipe(out).config["passes"]["lora"]["train_data_config"] == "tiny_codes_train_2"
