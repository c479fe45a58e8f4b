"""A matrix on an Azure ML host renders one pipeline job: a node per variant, run in parallel on the cluster."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.render.azureml_job import node_name
from tests.conftest import EXAMPLES, CliResult

Run = Callable[..., CliResult]

MATRIX = """\
extends: phi3-azureml-compute.yaml
name: aml-ranks
matrix:
  rank:
    r16: {passes.lora.r: 16}
    r64: ~
  compute:
    a100: ~
    h100: {host.compute: gpu-h100}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    work = tmp_path / "project"
    shutil.copytree(EXAMPLES, work)
    (work / "ranks.yaml").write_text(MATRIX, encoding="utf-8")
    return work


def test_a_matrix_renders_one_pipeline_job_that_azure_ai_ml_loads(run_cli: Run, project: Path) -> None:
    pytest.importorskip("azure.ai.ml", reason="azure-ai-ml is not installed (pip install '.[azureml]')")
    from azure.ai.ml import load_job

    result = run_cli("render", project / "ranks.yaml", "-o", f"{project}/build/")
    assert result.code == 0, result.err
    pipeline = project / "build" / "ranks.pipeline.yml"
    assert f"az ml job create --file {pipeline} --subscription" in result.err
    job = load_job(pipeline)
    assert job.type == "pipeline"
    assert job.settings.continue_on_step_failure is True
    assert sorted(job.jobs) == ["r16_a100", "r16_h100", "r64_a100", "r64_h100"]
    for name, node in job.jobs.items():
        wid = "aml-ranks-" + name.replace("_", "-")
        assert node.type == "command" and node.display_name == wid
        assert node.compute == ("gpu-h100" if name.endswith("h100") else "gpu-a100")
        variant = name.replace("_", "-")  # -o DIR/ names each file after its variant
        assert node.command.endswith(f"olive run --config build/{variant}.json")
        assert json.loads((project / "build" / f"{variant}.json").read_text())["workflow_id"] == wid
        assert "get_secret(\"hf-token\")" in node.command and "HF_TOKEN=" in node.command
        component = node.component
        assert (pipeline.parent / str(component.code)).resolve() == project.resolve()  # the recipe's folder is the code
        assert component.environment.image.startswith("mcr.microsoft.com/azureml/")
        assert component.environment.conda_file["name"] == "olive-ai"


def test_the_pipeline_is_checked_for_drift(run_cli: Run, project: Path) -> None:
    out = f"{project}/build/"
    assert run_cli("render", project / "ranks.yaml", "-o", out).code == 0
    assert run_cli("render", project / "ranks.yaml", "-o", out, "--check").code == 0
    pipeline = project / "build" / "ranks.pipeline.yml"
    pipeline.write_text(pipeline.read_text(encoding="utf-8").replace("gpu-h100", "gpu-v100"), encoding="utf-8")
    stale = run_cli("render", project / "ranks.yaml", "-o", out, "--check")
    assert stale.code == 1 and f"{pipeline}: out of date" in stale.err


def test_only_the_chosen_variants_become_nodes(run_cli: Run, project: Path) -> None:
    result = run_cli("render", project / "ranks.yaml", "-o", f"{project}/build/", "--variant", "r16-h100")
    assert result.code == 0, result.err
    text = (project / "build" / "ranks.pipeline.yml").read_text(encoding="utf-8")
    assert '"r16_h100":' in text and "r64" not in text


def test_variants_on_two_workspaces_cannot_share_a_pipeline(run_cli: Run, project: Path) -> None:
    (project / "ranks.yaml").write_text(
        MATRIX.replace("host.compute: gpu-h100", "host.compute: gpu-h100, azureml.workspace: other-ws"),
        encoding="utf-8",
    )
    result = run_cli("render", project / "ranks.yaml", "-o", f"{project}/build/")
    assert result.code == 2
    assert "one pipeline job runs in one workspace" in result.err
    assert not (project / "build" / "ranks.pipeline.yml").exists()


def test_no_pipeline_without_a_matrix(run_cli: Run, project: Path) -> None:
    assert run_cli("render", project / "phi3-azureml-compute.yaml", "-o", f"{project}/build/").code == 0
    assert not list((project / "build").glob("*.pipeline.yml"))
    assert list((project / "build").glob("*.job.yml"))


@pytest.mark.parametrize(
    ("variant", "name"),
    [("cpu-int4", "cpu_int4"), ("4bit.X", "v_4bit_x"), ("--", "variant"), ("a-b", "a_b_2")],
)
def test_node_names_are_identifiers_and_unique(variant: str, name: str) -> None:
    taken = {"a_b"}
    assert node_name(variant, taken) == name
    assert name in taken
