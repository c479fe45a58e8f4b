"""`olivegen explain`: the plan in order, defaults marked, GPU needs, outputs; the mermaid diagram."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from olivegen.commands.explain import gpu_needs, mermaid, plan_text
from olivegen.recipe import presets
from tests.conftest import EXAMPLES, ROOT, CliResult

Run = Callable[..., CliResult]
LAB = EXAMPLES / "phi35-travel-lab.yaml"
TEAM = EXAMPLES / "team"


@pytest.fixture(autouse=True)
def _in_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("TRAVEL_STEPS", raising=False)


def test_plan_lists_model_systems_passes_in_order_and_outputs(run_cli: Run) -> None:
    result = run_cli("explain", "examples/phi35-travel-lab.yaml")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[:7] == [
        "recipe    examples/phi35-travel-lab.yaml",
        "workflow  phi35-travel-lab",
        "model     microsoft/Phi-3.5-mini-instruct (Hugging Face), task text-generation,"
        " trust_remote_code=true",
        "data      travel: json examples/data/data_sample_travel.jsonl, split train",
        "host      CUDAExecutionProvider on gpu  (passes run here)",
        "target    CPUExecutionProvider on cpu  (the model is built and evaluated for this)",
        "passes",
    ]
    steps = [
        line.strip()
        for line in lines
        if line.startswith("  ") and line.strip()[:2] in ("1.", "2.", "3.", "4.")
    ]
    assert steps == [
        "1. awq (AutoAWQQuantizer)",
        "2. lora (LoRA)",
        "3. model_builder (ModelBuilder)",
        "4. extract_adapters (ExtractAdapters)",
    ]
    assert "output    outputs/phi35-travel-lab" in lines  # the defaults: under the folder `olive run` starts in
    assert "cache     .olive-cache" in lines


def test_defaults_are_filled_in_and_marked() -> None:
    text = plan_text(compile_recipe(LAB))
    assert "       r=64*" in text.splitlines()  # LoRA's default rank, not written in the recipe
    assert '       training_args={"max_steps": 100}' in text.splitlines()  # written
    assert "       save_format=onnx_adapter" in text.splitlines()
    assert "       make_inputs=true*" in text.splitlines()


def test_gpu_needs() -> None:
    assert gpu_needs(compile_recipe(LAB)) == [
        ("host", "CUDAExecutionProvider; every pass runs there"),
        ("awq", "autoawq refuses to run without a CUDA GPU"),
    ]
    text = plan_text(compile_recipe(LAB))
    assert "gpu       needed" in text and "  awq: autoawq refuses to run without a CUDA GPU" in text


def test_a_cpu_recipe_needs_no_gpu(tmp_path: Path) -> None:
    recipe = tmp_path / "int4.yaml"
    recipe.write_text(presets.text("int4"))
    compiled = compile_recipe(recipe)
    assert gpu_needs(compiled) == []
    assert "gpu       not needed: runs on a CPU-only machine" in plan_text(compiled)


def test_evaluation_on_a_gpu_target_needs_a_gpu(tmp_path: Path) -> None:
    recipe = tmp_path / "e.yaml"
    recipe.write_text(
        presets.text("int4").replace("target: cpu ", "target: cuda ") + "evaluate:\n  metrics:\n"
        "    - {name: l, type: latency, sub_types: [avg], data: d}\ndata:\n  - name: d\n"
        "    hub: {name: org/set}\n    text_cols: [text]\n"
    )
    assert ("evaluation", "runs on the target, CUDAExecutionProvider") in gpu_needs(compile_recipe(recipe))


def test_mermaid_draws_the_chain_the_data_and_gpu_passes() -> None:
    diagram = mermaid([compile_recipe(LAB)])
    lines = diagram.splitlines()
    assert lines[0] == "flowchart LR"
    assert "  model --> p1 --> p2 --> p3 --> p4 --> out" in lines
    assert '  p2["2. lora<br/>LoRA"]' in lines
    assert "  data0 -.-> p2" in lines
    assert "  class p1,p2,p3,p4 gpu" in lines  # the host is a GPU: every pass runs on it


def test_a_matrix_is_one_mermaid_diagram_with_a_subgraph_per_variant(run_cli: Run) -> None:
    result = run_cli("explain", TEAM / "travel-targets.yaml", "--format", "mermaid", "--variant", "cpu-*")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines.count("flowchart LR") == 1 and lines[0] == "flowchart LR"
    assert '  subgraph v1["variant cpu-int4-phi35"]' in lines and '  subgraph v2["variant cpu-int4-phi3"]' in lines
    assert lines.count("  end") == 2
    assert "    v2_model --> v2_p1 --> v2_p2 --> v2_p3 --> v2_out" in lines
    ids = [line.split("[")[0].strip() for line in lines if "[" in line and "subgraph" not in line]
    assert len(ids) == len(set(ids)), "node ids repeat across variants"


def test_matrix_recipe_explains_each_variant(run_cli: Run) -> None:
    result = run_cli("explain", TEAM / "travel-targets.yaml")
    assert result.code == 0, result.err
    recipes = [line for line in result.out.splitlines() if line.startswith("recipe ")]
    assert [line.split("(variant ")[1].rstrip(")") for line in recipes] == [
        "cpu-int4-phi35",
        "cpu-int4-phi3",
        "cuda-fp16-phi35",
        "cuda-fp16-phi3",
        "dml-int4-phi35",
    ]
    one = run_cli(
        "explain", TEAM / "travel-targets.yaml", "--variant", "cuda-fp16-phi3", "--format", "mermaid"
    )
    assert one.out.count("flowchart LR") == 1 and "for CUDAExecutionProvider" in one.out


def test_explain_takes_overrides(run_cli: Run) -> None:
    result = run_cli("explain", LAB, "--set", "passes.lora.r=8")
    assert "       r=8" in result.out.splitlines()


def test_explain_reports_errors_like_validate(run_cli: Run) -> None:
    result = run_cli("explain", LAB, "--set", "passes.lora.r=abc")
    assert result.code == 1 and result.out == ""
    assert result.first_err_line.startswith("--set passes.lora.r=abc:1:21: error[invalid-value]")


def test_uris_and_hub_ids_are_shown_as_written() -> None:
    text = plan_text(compile_recipe(EXAMPLES / "phi3-azureml-registry.yaml"))
    assert "json azureml://subscriptions/00000000-0000-0000-0000-000000000000/" in text
    assert "model     Azure ML registry azureml-msr/microsoft-Phi-3-mini-4k-instruct v11" in text
