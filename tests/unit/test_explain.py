"""`olivegen explain`: the plan in order, defaults marked, GPU needs, outputs; the mermaid diagram."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olivegen.api import compile_recipe
from olivegen.commands.explain import gpu_needs, mermaid, plan_text
from olivegen.commands.explain_inputs import data_origin, model_label, model_line
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


# `olive:` blocks (Olive's own words) render as written: explain reads whatever they hold.
OLIVE_MODELS = {
    "hf-model-without-task": (
        "model:\n  olive: {type: HfModel, model_path: microsoft/phi-2}\n",
        "microsoft/phi-2 (Hugging Face)",
        "microsoft/phi-2",
    ),
    "onnx-model-file": (
        "model:\n  olive: {type: ONNXModel, model_path: model.onnx}\n",
        "an ONNX model at model.onnx",
        "model.onnx",
    ),
    "pytorch-model-loader": (
        "model:\n  olive: {type: PyTorchModel, model_loader: load_model, model_script: user_script.py}\n",
        "a PyTorch model loaded by load_model from user_script.py",
        "a PyTorch model loaded by load_model",
    ),
    "azureml-model-flat": (
        "model:\n  olive:\n    type: HfModel\n    task: text-classification\n"
        "    model_path: {type: azureml_model, name: bert-hf, version: '3'}\n",
        "Azure ML model bert-hf v3, task text-classification",
        "bert-hf",
    ),
    "azureml-registry-pytorch-hf-config": (
        "model:\n  olive:\n    type: PyTorchModel\n    hf_config: {model_name: org/bert, task: text-classification}\n"
        "    model_path:\n      type: azureml_registry_model\n"
        "      config: {registry_name: azureml, name: bert, version: 9}\n",
        "a PyTorch model from Azure ML registry azureml/bert v9 (Hugging Face org/bert), task text-classification",
        "bert",
    ),
}
OLIVE_DATA = {
    "dummy-data-container": (
        "    olive:\n      type: DummyDataContainer\n"
        "      load_dataset_config: {input_names: [x], input_shapes: [[1, 4]]}\n",
        "Olive data config of type DummyDataContainer",
    ),
    "hub-data-under-params": (
        "    olive:\n      type: HuggingfaceContainer\n"
        "      load_dataset_config:\n        params: {data_name: glue, subset: mrpc, split: validation}\n",
        "glue (Hub), subset mrpc, split validation",
    ),
    "user-script-loader": (
        "    olive:\n      user_script: user_script.py\n      load_dataset_config: {type: simple_dataset}\n",
        "Olive data config of type DataContainer, loaded by simple_dataset, user_script user_script.py",
    ),
}


def _olive_recipe(tmp_path: Path, model: str, data: str) -> Path:
    """Write a recipe with this model and data set `d`; an ONNX model is quantized as it is, else converted first."""
    (tmp_path / "model.onnx").write_bytes(b"")
    (tmp_path / "user_script.py").write_text("def load_model(path):\n    return None\n")
    recipe = tmp_path / "raw.yaml"
    recipe.write_text(
        f"name: raw\n{model}data:\n  - name: d\n{data}passes:\n"
        + ("" if "ONNXModel" in model else "  - type: OnnxConversion\n")
        + "  - type: OnnxStaticQuantization\n    config:\n      data_config: d\n"
    )
    return recipe


@pytest.mark.parametrize("case", OLIVE_MODELS)
def test_a_model_in_olive_words_is_described(run_cli: Run, tmp_path: Path, case: str) -> None:
    model, line, label = OLIVE_MODELS[case]
    recipe = _olive_recipe(tmp_path, model, OLIVE_DATA["hub-data-under-params"][0])
    assert run_cli("validate", recipe, cwd=tmp_path).code == 0
    text = run_cli("explain", recipe, cwd=tmp_path)
    assert text.code == 0 and "Traceback" not in text.err, text.err
    assert f"model     {line}" in text.out.splitlines()
    diagram = run_cli("explain", recipe, "--format", "mermaid", cwd=tmp_path)
    assert diagram.code == 0 and "Traceback" not in diagram.err, diagram.err
    assert f'  model["input model<br/>{label}"]' in diagram.out.splitlines()


@pytest.mark.parametrize("case", OLIVE_DATA)
def test_data_in_olive_words_is_described(run_cli: Run, tmp_path: Path, case: str) -> None:
    data, origin = OLIVE_DATA[case]
    recipe = _olive_recipe(tmp_path, "model:\n  path: microsoft/phi-2\n", data)
    assert run_cli("validate", recipe, cwd=tmp_path).code == 0
    text = run_cli("explain", recipe, cwd=tmp_path)
    assert text.code == 0 and "Traceback" not in text.err, text.err
    assert f"data      d: {origin}" in text.out.splitlines()
    diagram = run_cli("explain", recipe, "--format", "mermaid", cwd=tmp_path)
    assert diagram.code == 0 and "Traceback" not in diagram.err, diagram.err
    assert '  data0[("data<br/>d")]' in diagram.out.splitlines() and "  data0 -.-> p2" in diagram.out.splitlines()


def test_data_on_an_azureml_datastore_is_named_for_olive_09() -> None:
    text = plan_text(compile_recipe(EXAMPLES / "phi3-azureml-registry.yaml", overrides=["olive=0.9"]))
    assert (
        "data      dataset_default_train: json Azure ML datastore workspaceblobstore path data/phi3/qa-train.jsonl,"
        " split train[:70%]"
    ) in text.splitlines()


RECIPES = sorted(
    [
        *EXAMPLES.glob("**/*.yaml"),
        *(ROOT / "olivegen" / "recipe" / "presets").glob("*.yaml"),
        *(ROOT / "tests" / "recipes").glob("compose/**/*.yaml"),
    ]
)


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_recipe_explains_in_both_formats_as_validate_judges_it(run_cli: Run, recipe: Path) -> None:
    expected = run_cli("validate", recipe).code  # 0 accepted, 1 refused: explain then reports the errors
    assert expected in (0, 1)
    for extra in ((), ("--format", "mermaid")):
        result = run_cli("explain", recipe, *extra)
        assert result.code == expected and "Traceback" not in result.err, result.err


@pytest.mark.parametrize("config", sorted((ROOT / "tests" / "data" / "olive-configs").iterdir()), ids=lambda p: p.name)
def test_every_imported_olive_config_explains(run_cli: Run, tmp_path: Path, config: Path) -> None:
    recipe = tmp_path / "imported.yaml"
    imported = run_cli("import", config, "-o", recipe)
    assert imported.code in (0, 1) and "Traceback" not in imported.err, imported.err
    if not recipe.exists():  # refused before a recipe was written (a config import cannot read)
        assert imported.code == 1
        return
    expected = run_cli("validate", recipe).code  # an imported recipe may still need fixes: explain then says so
    for extra in ((), ("--format", "mermaid")):
        result = run_cli("explain", recipe, *extra)
        assert result.code == expected and "Traceback" not in result.err, result.err


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
KEYS = st.sampled_from(
    "type model_path task hf_config load_kwargs model_loader model_script config params load_dataset_config"
    " data_name data_files subset split user_script name registry_name".split()
)
BLOCK = st.recursive(
    st.dictionaries(KEYS, JSON, max_size=5),
    lambda inner: st.dictionaries(KEYS, inner | JSON, max_size=5),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(BLOCK)
def test_any_model_or_data_block_is_described_without_an_error(block: dict[str, Any]) -> None:
    for line in (model_line(block), model_label(block), data_origin(block)):
        assert isinstance(line, str) and line
