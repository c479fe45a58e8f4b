"""Real runs: render a recipe, run it with `olivegen run` (Olive on the CPU), load the result with onnxruntime-genai."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.runner.tinymodel import TinyModel
from tests.conftest import EXAMPLES, CliResult
from tests.e2e.conftest import Ran, recipe_text, require, write_recipe

pytestmark = [pytest.mark.slow, pytest.mark.olive]

QUESTION = "What is the best time of year to visit Kyoto?"
LORA = (
    "- type: lora\n"
    "  r: 4\n"
    "  alpha: 8\n"
    "  torch_dtype: float32\n"
    "  training: {max_steps: 5, learning_rate: 0.01, per_device_train_batch_size: 2, seed: 0}\n"
)


def _generate(model: Path, adapter: Path | None = None, tokens: int = 8) -> list[int]:
    from olivegen.runner.genai import generate

    out = generate(model, QUESTION, adapter_file=adapter, adapter_name="travel", max_new_tokens=tokens)
    assert 1 <= len(out.tokens) <= tokens  # greedy; a fine-tuned model may say <|end|> early
    return out.tokens


def _lora_nodes(model: Path) -> dict[str, str]:
    """Return {node name: op type} of the LoRA MatMuls in an ONNX model."""
    import onnx

    graph = onnx.load(str(model / "model.onnx"), load_external_data=False).graph
    return {n.name: n.op_type for n in graph.node if "/lora_" in n.name and n.op_type.startswith("MatMul")}


def test_lora_merge_int4_runs_and_generates(
    tiny_phi3: TinyModel, tmp_path: Path, olivegen_run: Callable[..., Ran]
) -> None:
    passes = LORA + "- type: merge\n- type: builder\n  precision: int4\n"
    recipe = write_recipe(tmp_path, recipe_text(tiny_phi3, passes, name="tiny-merge-int4"))
    ran = olivegen_run(recipe, tmp_path / "out")
    assert ran.cli.code == 0, ran.cli.err
    assert ran.statuses() == ["ok", "ok", "ok"]
    assert ran.summary is not None and ran.summary["model"]["genai"] is True
    assert ran.summary["model"]["adapters"] == []
    names = {f["path"] for f in ran.summary["model"]["files"]}
    assert {"model.onnx", "genai_config.json", "tokenizer.json"} <= names
    assert "[3/3] model_builder (ModelBuilder) done in" in ran.cli.err
    assert "output model:" in ran.cli.out and "model.onnx" in ran.cli.out
    _generate(ran.model_dir)


def test_same_recipe_same_bytes_and_last_pass_change_reuses_cache(
    tiny_phi3: TinyModel, tmp_path: Path, olivegen_run: Callable[..., Ran], run_cli: Callable[..., CliResult]
) -> None:
    passes = LORA + "- type: merge\n- type: builder\n  precision: int4\n  int4_block_size: 32\n"
    recipe = write_recipe(tmp_path, recipe_text(tiny_phi3, passes, name="tiny-rerun"))
    out = tmp_path / "out"
    first = olivegen_run(recipe, out)
    assert first.cli.code == 0, first.cli.err
    config = (out / "olive-config.json").read_bytes()
    assert run_cli("run", recipe, "-o", out, "--dry-run").code == 0
    assert (out / "olive-config.json").read_bytes() == config

    second = olivegen_run(recipe, out, "--set", "passes.2.int4_block_size=16")
    assert second.cli.code == 0, second.cli.err
    assert second.statuses() == ["cached", "cached", "ok"]
    assert "reused from Olive's cache" in second.cli.err
    assert b'"int4_block_size": 16' in (out / "olive-config.json").read_bytes()
    _generate(second.model_dir)


@pytest.mark.parametrize("arch", ["phi3", "llama"])
def test_lora_int4_extract_adapters_base_runs_without_adapter(
    arch: str, request: pytest.FixtureRequest, tmp_path: Path, olivegen_run: Callable[..., Ran]
) -> None:
    tiny: TinyModel = request.getfixturevalue(f"tiny_{arch}")
    lora = LORA + f"  target_modules: [{', '.join(tiny.target_modules)}]\n"
    passes = lora + "- type: builder\n  precision: int4\n- type: ExtractAdapters\n"
    recipe = write_recipe(tmp_path, recipe_text(tiny, passes, name=f"tiny-extract-{arch}"))
    ran = olivegen_run(recipe, tmp_path / "out")
    assert ran.cli.code == 0, ran.cli.err
    assert ran.summary is not None
    adapters = [a["path"] for a in ran.summary["model"]["adapters"]]
    assert adapters == ["adapter_weights.onnx_adapter"]
    assert "adapters (og.Adapters.load): adapter_weights.onnx_adapter" in ran.cli.out

    # olivegen named exactly the LoRA MatMuls the model builder made, and they stayed float
    import json

    rendered = json.loads((tmp_path / "out" / "olive-config.json").read_text(encoding="utf-8"))
    excluded = rendered["passes"]["model_builder"]["int4_nodes_to_exclude"]
    nodes = _lora_nodes(ran.model_dir)
    assert set(nodes) == set(excluded)
    assert set(nodes.values()) == {"MatMul"}
    assert len(excluded) == 2 * tiny.num_layers * 4  # q, k, v, o: Phi-3's packed qkv_proj is unpacked

    base = _generate(ran.model_dir)
    tuned = _generate(ran.model_dir, ran.model_dir / adapters[0])
    assert tuned != base

    # the example app does the same from the command line
    app = [sys.executable, str(EXAMPLES / "app_generate.py"), str(ran.model_dir), "--max-length", "40"]
    alone = subprocess.run(app, capture_output=True, text=True, timeout=120)
    assert alone.returncode == 0 and alone.stdout.startswith("base model> "), alone.stderr
    adapted = subprocess.run([*app, "--adapter", str(ran.model_dir / adapters[0])], capture_output=True, text=True)
    assert adapted.returncode == 0 and adapted.stdout.startswith("adapter travel> "), adapted.stderr


def test_qlora_merge_int4_runs_and_generates(
    tiny_phi3: TinyModel, tmp_path: Path, olivegen_run: Callable[..., Ran]
) -> None:
    require("bitsandbytes")
    qlora = LORA.replace("type: lora", "type: qlora") + "  save_quant_config: false\n"
    passes = qlora + "- type: merge\n- type: builder\n  precision: int4\n"
    recipe = write_recipe(tmp_path, recipe_text(tiny_phi3, passes, name="tiny-qlora"))
    ran = olivegen_run(recipe, tmp_path / "out")
    assert ran.cli.code == 0, ran.cli.err
    assert ran.statuses() == ["ok", "ok", "ok"]
    _generate(ran.model_dir)


def _lab(tiny: TinyModel, quantizer: str) -> str:
    """The lab recipe, on the tiny model: 5 steps, 64-token rows, `quantizer` in AWQ's place."""
    text = (EXAMPLES / "phi35-travel-lab.yaml").read_text(encoding="utf-8")
    swaps = {
        "path: microsoft/Phi-3.5-mini-instruct": f"path: {tiny.model_dir}",
        "files: data/data_sample_travel.jsonl": f"files: {tiny.data_file}",
        "max_seq_len: 1024": "max_seq_len: 64",
        "max_steps: 100": "max_steps: 5",
        "  - type: awq\n": quantizer,
    }
    for old, new in swaps.items():
        assert old in text, f"examples/phi35-travel-lab.yaml no longer has {old!r}"
        text = text.replace(old, new)
    return text


def test_lab_flow_with_cpu_quantizer(tiny_phi3: TinyModel, tmp_path: Path, olivegen_run: Callable[..., Ran]) -> None:
    gptq = "  - type: gptq\n    data: travel\n    group_size: 32\n"
    recipe = write_recipe(tmp_path, _lab(tiny_phi3, gptq), "lab-gptq.yaml")

    refused = olivegen_run(recipe, tmp_path / "refused", "--host", "cpu")
    assert refused.cli.code == 1
    assert "error[lora-on-olive-quant]" in refused.cli.err
    assert refused.summary is None  # refused before Olive started

    # the rule is Olive's own limit: the plain lab config with Gptq put back before LoRA fails in Olive
    plain = write_recipe(tmp_path, _lab(tiny_phi3, ""), "lab-plain.yaml")
    dry = olivegen_run(plain, tmp_path / "forced", "--host", "cpu", "--dry-run")
    assert dry.cli.code == 0, dry.cli.err
    config_path = tmp_path / "forced" / "olive-config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    gptq_pass = {"type": "Gptq", "data_config": "travel", "group_size": 32}
    config["passes"] = {"gptq": gptq_pass, **config["passes"]}
    config_path.write_text(json.dumps(config), encoding="utf-8")
    forced = subprocess.run(
        [sys.executable, "-m", "olive", "run", "--config", str(config_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "Target module QuantLinear" in forced.stdout + forced.stderr
    assert not any((tmp_path / "forced" / "model").glob("*.onnx"))

    # the lab as the fix says: no pre-quantizer, ModelBuilder int4 quantizes, the adapter stays separate
    # r 16 instead of the lab's 64: on this tiny model 64 is also the hidden size, and a base model
    # run without its adapter then fails in onnxruntime's buffer reuse (see docs/running.md)
    lab = write_recipe(tmp_path, _lab(tiny_phi3, ""), "lab.yaml")
    ran = olivegen_run(lab, tmp_path / "lab", "--host", "cpu", "--set", "passes.0.r=16")
    assert ran.cli.code == 0, ran.cli.err
    assert "host: CUDAExecutionProvider on gpu -> CPUExecutionProvider on cpu (--host cpu)" in ran.cli.err
    assert ran.statuses() == ["ok", "ok", "ok"]
    assert ran.summary is not None
    adapter = ran.model_dir / ran.summary["model"]["adapters"][0]["path"]
    from olivegen.runner.genai import prompt_logits

    base = prompt_logits(ran.model_dir, QUESTION)
    tuned = prompt_logits(ran.model_dir, QUESTION, adapter_file=adapter)
    assert base != tuned
    _generate(ran.model_dir)
    _generate(ran.model_dir, adapter)


def test_failing_pass_exits_nonzero_and_names_it(
    tiny_phi3: TinyModel, tmp_path: Path, olivegen_run: Callable[..., Ran]
) -> None:
    # The TorchScript exporter cannot trace transformers 5's DynamicCache; Olive logs the error and exits 0.
    passes = "- type: onnx\n  use_dynamo_exporter: false\n- type: int4rtn\n"
    recipe = write_recipe(tmp_path, recipe_text(tiny_phi3, passes, name="tiny-fails"))
    ran = olivegen_run(recipe, tmp_path / "out")
    assert ran.cli.code == 3
    assert ran.summary is not None and ran.summary["returncode"] == 0  # Olive itself said success
    assert ran.statuses() == ["failed", "not run"]
    assert ran.summary["model"] is None
    line = ran.cli.err.strip().splitlines()[-1]
    assert line.startswith("olivegen run: error: pass 'onnx_conversion' (OnnxConversion) failed: RuntimeError:")
    assert "DynamicCache" in line and str(tmp_path / "out" / "olive-run.log") in line


def test_demo_runs_end_to_end(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    require()
    result = run_cli("demo", "-o", tmp_path / "demo", "--tokens", "6")
    assert result.code == 0, result.err
    assert "olivegen-demo: ok" in result.out
    assert re.search(r"base model: +\[(\d+, ){5}\d+\]", result.out), result.out
    assert re.search(r"with adapter: +\[(\d+, ){5}\d+\]", result.out), result.out
    assert "the adapter changes the output" in result.out
    assert (tmp_path / "demo" / "run" / "model" / "adapter_weights.onnx_adapter").is_file()


@pytest.mark.parametrize("save_quant_config", [False, True])
def test_qlora_int4_extract_adapters_base_runs_without_adapter(
    save_quant_config: bool, tiny_phi3: TinyModel, tmp_path: Path, olivegen_run: Callable[..., Ran]
) -> None:
    """QLoRA -> ModelBuilder int4 -> ExtractAdapters runs (qlora-int4 is a warning, not a refusal).

    Olive 0.13's QLoRA adapts every 4-bit linear layer whatever `target_modules` says
    (olive/passes/pytorch/lora.py:842), so olivegen keeps all of their LoRA MatMuls float: with
    attention-only exclusions the MLP's LoRA MatMuls became MatMulNBits and the base model failed
    at generation. bitsandbytes >= 0.45 runs the NF4 base on the CPU.
    """
    require("bitsandbytes")
    qlora = LORA.replace("type: lora", "type: qlora") + f"  save_quant_config: {str(save_quant_config).lower()}\n"
    qlora += "  target_modules: [o_proj, qkv_proj]\n"  # ignored by Olive: a qlora-target-modules warning
    passes = qlora + "- type: builder\n  precision: int4\n- type: ExtractAdapters\n"
    recipe = write_recipe(tmp_path, recipe_text(tiny_phi3, passes, name="tiny-qlora-extract"))
    ran = olivegen_run(recipe, tmp_path / "out")
    assert ran.cli.code == 0, ran.cli.err
    assert "warning[qlora-int4]" in ran.cli.err and "warning[qlora-target-modules]" in ran.cli.err
    assert ran.statuses() == ["ok", "ok", "ok"]
    rendered = json.loads((tmp_path / "out" / "olive-config.json").read_text(encoding="utf-8"))
    excluded = rendered["passes"]["model_builder"]["int4_nodes_to_exclude"]
    nodes = _lora_nodes(ran.model_dir)
    assert set(nodes) == set(excluded)
    assert set(nodes.values()) == {"MatMul"}
    assert len(excluded) == 2 * tiny_phi3.num_layers * 7  # q, k, v, o, gate, up, down: every linear layer
    adapter = ran.model_dir / "adapter_weights.onnx_adapter"
    assert _generate(ran.model_dir) != _generate(ran.model_dir, adapter)
