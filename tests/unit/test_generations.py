"""Rendering for Olive 0.9 (0.7-0.9.2) beside 0.13, and the Azure ML job for 0.13."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from olivegen.api import compile_recipe
from olivegen.knowledge.catalog import GENERATIONS
from tests.conftest import EXAMPLES, ROOT, CliResult
from tests.unit.test_golden import GOLDEN, portable

Run = Callable[..., CliResult]
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
AML = EXAMPLES / "phi3-azureml-compute.yaml"
OLIVE09 = os.environ.get("OLIVEGEN_OLIVE09_PYTHON")


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_every_example_renders_for_09_and_matches_golden(example: Path, update_golden: bool) -> None:
    text = portable(compile_recipe(example, generation="0.9").text)
    golden = GOLDEN / "olive-0.9" / f"{example.stem}.json"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "run: pytest tests/unit/test_generations.py --update-golden"


def test_09_has_the_native_azureml_system() -> None:
    config = compile_recipe(AML, generation="0.9").config
    assert config["azureml_client"] == {
        "subscription_id": "00000000-0000-0000-0000-000000000000",
        "resource_group": "my-resource-group",
        "workspace_name": "my-workspace",
    }
    (system,) = config["systems"].values()
    assert system["type"] == "AzureML" and system["aml_compute"] == "gpu-a100" and system["hf_token"] is True
    assert Path(system["aml_docker_config"]["conda_file_path"]).is_file()
    store = config["data_configs"][0]["load_dataset_config"]["data_files"]
    assert store["type"] == "azureml_datastore" and store["config"]["relative_path"] == "data/phi3/qa-train.jsonl"


def test_013_runs_azureml_as_a_local_system_with_job_relative_paths() -> None:
    config = compile_recipe(AML).config
    assert config["systems"] == {"local_system": {"type": "LocalSystem", "accelerators": [
        {"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]}}
    assert config["engine"]["output_dir"] == "outputs/phi3-azureml-compute"
    assert "azureml_client" not in config
    assert str(ROOT) not in json.dumps(config)


def _context(example: Path, generation: str) -> dict[str, Any]:
    from olivegen.api import compile_recipe
    from olivegen.render.azureml_job import needs_job
    from olivegen.render.context import build_context

    recipe = compile_recipe(example, generation=generation).recipe
    job_folder = example.parent if needs_job(recipe) else None  # as api._render does
    return build_context(recipe, example, generation, relative_to=job_folder)


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_templates_give_the_neutral_context_its_olive_shape(example: Path, generation: str) -> None:
    """The context says what the recipe means; the templates of a generation make it an Olive config."""
    from olivegen.render.jinja import render_config

    context = _context(example, generation)
    config = render_config(context, generation)
    assert config != context
    assert not {"workflow_id", "input_model", "data_configs", "evaluators"} & set(context)  # no Olive section
    assert config == compile_recipe(example, generation=generation).config


def test_the_09_shape_comes_from_the_09_templates() -> None:
    """One context, two shapes: Olive 0.9's AzureML system and azureml_client, 0.13's local system."""
    from olivegen.render.jinja import render_config

    context = _context(AML, "0.9")
    assert context["systems"]["host"]["kind"] == "azureml" and '"AzureML"' not in json.dumps(context)
    assert "azureml_client" not in json.dumps(context)
    old = render_config(context, "0.9")
    assert old["azureml_client"]["workspace_name"] == "my-workspace"
    assert old["systems"]["aml"]["type"] == "AzureML"
    assert old["data_configs"][0]["load_dataset_config"]["data_files"]["type"] == "azureml_datastore"
    new = render_config(context, "0.13")
    assert "azureml_client" not in new and new["systems"]["local_system"]["type"] == "LocalSystem"
    assert new["data_configs"][0]["load_dataset_config"]["data_files"].startswith("azureml://")


def test_relative_to_writes_paths_from_that_folder() -> None:
    """`relative_to` resolves the paths once, relative to the folder `olive run` starts in."""
    example = EXAMPLES / "phi35-travel-lab.yaml"
    absolute = compile_recipe(example).text
    relative = compile_recipe(example, relative_to=ROOT).text
    assert str(ROOT) in absolute and str(ROOT) not in relative
    assert relative == absolute.replace(str(ROOT) + "/", "")


def test_09_drops_defaulted_parameters_0_9_lacks(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("model: {path: x/y}\npasses: [{type: gptq}]\n")
    assert "lm_head" in compile_recipe(recipe).config["passes"]["gptq"]
    assert "lm_head" not in compile_recipe(recipe, generation="0.9").config["passes"]["gptq"]


def test_09_refuses_a_parameter_it_lacks(run_cli: Run, tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("model: {path: x/y}\npasses:\n  - type: gptq\n    lm_head: true\n")
    result = run_cli("render", recipe, "--olive-version", "0.9")
    assert result.code == 1
    assert result.first_err_line == (
        f"{recipe}:4:14: error[olive-version]: the Gptq pass of Olive 0.9 has no parameter 'lm_head': added after"
        " Olive 0.9"
    )


@pytest.mark.skipif(not OLIVE09, reason="set OLIVEGEN_OLIVE09_PYTHON to a Python with olive-ai 0.9.2 (.ci/run does)")
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_real_olive_09_accepts_every_example(example: Path, tmp_path: Path) -> None:
    config = tmp_path / "olive-config.json"
    config.write_text(compile_recipe(example, generation="0.9").text)
    assert OLIVE09
    result = subprocess.run(
        [OLIVE09, "-m", "olivegen.render.olive_check", str(config)],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_job_is_written_beside_the_config(run_cli: Run, tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(EXAMPLES, work)
    out = work / "build" / "olive-config.json"
    result = run_cli("render", work / AML.name, "-o", out)
    assert result.code == 0, result.err
    job = out.with_name("olive-config.job.yml")
    assert job.is_file()
    assert "az ml job create --file" in result.err and "--workspace-name my-workspace" in result.err
    text = job.read_text()
    assert "olive run --config build/olive-config.json" in text and "hf-token" in text
    assert run_cli("render", work / AML.name, "-o", out, "--check").code == 0
    job.write_text(text.replace("gpu-a100", "cpu-cluster"))
    assert run_cli("render", work / AML.name, "-o", out, "--check").code == 1


def test_job_refuses_a_config_outside_the_recipe_folder(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("render", AML, "-o", tmp_path / "olive-config.json")
    assert result.code == 2
    assert "inside the recipe's folder" in result.err
    assert list(tmp_path.iterdir()) == []  # refused before anything is written


def test_no_job_for_a_local_host(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "olive-config.json"
    assert run_cli("render", EXAMPLES / "phi35-travel-lab.yaml", "-o", out).code == 0
    assert not list(tmp_path.glob("*.job.yml"))


def test_job_validates_with_azure_ai_ml(run_cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml", reason="azure-ai-ml is not installed (pip install '.[azureml]')")
    from azure.ai.ml import load_job

    work = tmp_path / "project"
    shutil.copytree(EXAMPLES, work)
    out = work / "build" / "olive-config.json"
    assert run_cli("render", work / AML.name, "-o", out).code == 0
    job_file = out.with_name("olive-config.job.yml")
    job = load_job(job_file)
    assert job.type == "command"
    assert job.compute == "gpu-a100"
    assert job.environment.image.startswith("mcr.microsoft.com/azureml/")
    assert (job_file.parent / str(job.code)).resolve() == work.resolve()
    assert job.command.endswith("olive run --config build/olive-config.json")
    assert "HF_TOKEN" in job.command and "hf_" not in job.command.replace("hf-token", "")


def _imported_seed(run_cli: Run, tmp_path: Path) -> Path:
    """The seed guide's legacy config (AzureML system and all), imported into a recipe beside its files."""
    config = tmp_path / "olive-config.json"
    shutil.copy(ROOT / "tests" / "data" / "olive-configs" / "seed-guide-legacy.json", config)
    (tmp_path / "dataset").mkdir()
    shutil.copy(EXAMPLES / "data" / "dataset-classification.json", tmp_path / "dataset")
    shutil.copy(EXAMPLES / "azureml" / "conda.yaml", tmp_path / "conda.yaml")
    recipe = tmp_path / "recipe.yaml"
    # import keeps what Olive ran: the guide's LoRA ignored its `double_quant` (issue 19)
    assert run_cli("import", config, "-o", recipe).code == 0
    return recipe


@pytest.mark.skipif(not OLIVE09, reason="set OLIVEGEN_OLIVE09_PYTHON to a Python with olive-ai 0.9.2 (.ci/run does)")
def test_seed_azureml_example_validates_with_real_olive_09(run_cli: Run, tmp_path: Path) -> None:
    recipe = _imported_seed(run_cli, tmp_path)
    compiled = compile_recipe(recipe, generation="0.9")
    assert compiled.config["systems"]["aml"]["type"] == "AzureML"
    config = tmp_path / "rendered-0.9.json"
    config.write_text(compiled.text)
    assert OLIVE09
    result = subprocess.run(
        [OLIVE09, "-m", "olivegen.render.olive_check", str(config)],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"},
    )
    assert result.returncode == 0 and json.loads(result.stdout) == [], result.stdout + result.stderr


@pytest.mark.parametrize("written", ["0.9", '"0.9"'])
def test_olive_field_takes_the_number_yaml_reads(written: str, tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"olive: {written}\nmodel: {{path: x/y}}\npasses: [{{type: gptq}}]\n")
    compiled = compile_recipe(recipe)
    assert compiled.recipe.olive == "0.9"
    assert "lm_head" not in compiled.config["passes"]["gptq"]


def test_validate_checks_for_the_chosen_olive(run_cli: Run, tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("model: {path: x/y}\npasses: [{type: rtn}]\n")
    assert run_cli("validate", recipe).code == 0
    result = run_cli("validate", recipe, "--olive-version", "0.9")
    assert result.code == 1
    assert "error[olive-version]: the Rtn pass does not exist in Olive 0.9" in result.first_out_line
