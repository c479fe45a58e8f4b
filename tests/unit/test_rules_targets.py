"""Execution provider vs device vs precision, and what the host must be able to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from olivegen.errors import Severity
from olivegen.knowledge.catalog import pass_info, providers_for_device
from tests.unit.test_rules_registry import assert_style, diagnose, one, only

MODEL = "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
DATA = 'data:\n  - name: train\n    files: data/train.jsonl\n    text_template: "{prompt} {response}"\n'


def test_cuda_provider_on_a_cpu_device(tmp_path: Path) -> None:
    text = MODEL + "target:\n  provider: cuda\n  device: cpu\npasses:\n  - {type: builder, precision: int4}\n"
    diag = one(diagnose(tmp_path, text), "provider-device")
    assert diag.message == "CUDAExecutionProvider does not run on device 'cpu'"
    assert diag.at is not None and (diag.at.line, diag.at.col) == (5, 11)
    assert diag.hint and "CPU, OpenVINO" in diag.hint
    assert_style(diag)


def test_device_without_provider_names_the_default(tmp_path: Path) -> None:
    text = MODEL + "host:\n  device: cpu\npasses:\n  - {type: builder, precision: int4}\n"
    diag = one(diagnose(tmp_path, text), "provider-device")
    assert diag.message == "the default provider CUDAExecutionProvider does not run on device 'cpu'"


@pytest.mark.parametrize("device", ["cpu", "gpu", "npu"])
def test_every_provider_olive_allows_on_a_device_passes(tmp_path: Path, device: str) -> None:
    for i, provider in enumerate(providers_for_device(device)):
        text = MODEL + f"target:\n  provider: {provider}\n  device: {device}\npasses:\n  - type: merge\n"
        assert only(diagnose(tmp_path / str(i), text), "provider-device") == []


def test_pass_not_made_for_the_target_provider_is_a_warning(tmp_path: Path) -> None:
    assert "OpenVINOExecutionProvider" not in pass_info("OnnxBlockWiseRtnQuantization")["supported_providers"]
    text = MODEL + "target: openvino\npasses:\n  - {type: builder, precision: fp32}\n  - type: int4rtn\n"
    diag = one(diagnose(tmp_path, text), "pass-provider")
    assert diag.message == "OnnxBlockWiseRtnQuantization is not made for the target provider OpenVINOExecutionProvider"
    assert diag.severity is Severity.WARNING
    assert diag.at is not None and (diag.at.line, diag.at.col) == (6, 11)
    assert diag.hint and diag.hint.startswith("Olive's pass registry lists CPU, CUDA, Dml for it")
    assert_style(diag)


def test_generic_pass_registry_is_checked_too(tmp_path: Path) -> None:
    info = pass_info("OnnxDynamicQuantization")
    assert info["supported_providers"] == ["CPUExecutionProvider"]
    text = MODEL + "target: cuda\npasses:\n  - {type: onnx}\n  - {type: OnnxDynamicQuantization}\n"
    assert one(diagnose(tmp_path, text), "pass-provider").at.line == 6  # type: ignore[union-attr]


def test_pass_not_made_for_the_target_device(tmp_path: Path) -> None:
    info = pass_info("SDLoRA")
    assert info["supported_providers"] == ["*"] and info["supported_accelerators"] == ["gpu"]
    diag = one(diagnose(tmp_path, MODEL + "target: cpu\npasses:\n  - {type: SDLoRA}\n"), "pass-provider")
    assert diag.message == "SDLoRA is not made for the target device 'cpu'"


def test_pass_with_a_supported_provider_passes(tmp_path: Path) -> None:
    text = MODEL + "target: dml\npasses:\n  - {type: builder, precision: fp16}\n  - type: int4rtn\n"
    assert diagnose(tmp_path, text) == []


@pytest.mark.parametrize(
    ("target", "precision", "fragment"),
    [
        ("cpu", "fp16", "needs a GPU target, not CPUExecutionProvider on 'cpu'"),
        ("{provider: cpu, device: gpu}", "fp16", "needs a GPU target, not CPUExecutionProvider on 'gpu'"),
        ("cpu", "bf16", "needs the CUDA target provider, not CPUExecutionProvider"),
        ("dml", "bf16", "needs the CUDA target provider, not DmlExecutionProvider"),
    ],
)
def test_builder_precision_the_target_cannot_take(tmp_path: Path, target: str, precision: str, fragment: str) -> None:
    text = MODEL + f"target: {target}\npasses:\n  - type: builder\n    precision: {precision}\n"
    diag = one(diagnose(tmp_path, text), "builder-precision")
    assert fragment in diag.message
    assert diag.at is not None and (diag.at.line, diag.at.col) == (6, 16)
    assert_style(diag)


@pytest.mark.parametrize(
    ("target", "precision"), [("cuda", "fp16"), ("cuda", "bf16"), ("dml", "fp16"), ("cpu", "int4")]
)
def test_builder_precision_the_target_takes(tmp_path: Path, target: str, precision: str) -> None:
    text = MODEL + f"target: {target}\npasses:\n  - type: builder\n    precision: {precision}\n"
    assert diagnose(tmp_path, text) == []


def test_awq_on_a_cpu_host_points_at_the_host(tmp_path: Path) -> None:
    text = MODEL + "host: cpu\npasses:\n  - type: awq\n  - {type: builder, precision: int4}\n"
    diag = one(diagnose(tmp_path, text), "awq-needs-cuda")
    assert diag.at is not None and (diag.at.line, diag.at.col) == (3, 7)
    assert "CPUExecutionProvider on 'cpu'" in diag.message
    assert diag.hint and "host: cuda" in diag.hint
    assert_style(diag)


def test_awq_on_the_default_cuda_host_passes(tmp_path: Path) -> None:
    text = MODEL + "target: cpu\npasses:\n  - type: awq\n  - {type: builder, precision: int4}\n"
    assert diagnose(tmp_path, text) == []


def test_awq_on_a_directml_gpu_host(tmp_path: Path) -> None:
    text = MODEL + "host: dml\npasses:\n  - type: awq\n"
    assert one(diagnose(tmp_path, text), "awq-needs-cuda").at.line == 3  # type: ignore[union-attr]


def test_training_a_large_model_on_cpu_is_a_warning(tmp_path: Path) -> None:
    text = MODEL + DATA + "host: cpu\npasses:\n  - type: lora\n    torch_dtype: float32\n"
    diags = diagnose(tmp_path, text)
    diag = one(diags, "cpu-training")
    assert diag.severity is Severity.WARNING
    assert "~3.8B-parameter model" in diag.message and "~15 GB" in diag.message
    assert_style(diag)
    assert [d for d in diags if d.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    "model",
    ["Qwen/Qwen2.5-0.5B-Instruct", "HuggingFaceTB/SmolLM2-135M", "./tiny"],
)
def test_training_a_small_model_on_cpu_passes(tmp_path: Path, model: str) -> None:
    tiny = '{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "vocab_size": 512}'
    text = f"model:\n  path: {model}\n" + DATA + "host: cpu\npasses:\n  - {type: lora, torch_dtype: float32}\n"
    assert only(diagnose(tmp_path, text, {"tiny/config.json": tiny}), "cpu-training") == []


def test_size_of_a_local_model_comes_from_its_config(tmp_path: Path) -> None:
    big = (
        '{"model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008,'
        ' "num_hidden_layers": 32, "vocab_size": 32000, "tie_word_embeddings": false}'
    )
    text = "model:\n  path: ./big\n" + DATA + "host: cpu\npasses:\n  - {type: lora, torch_dtype: float32}\n"
    diag = one(diagnose(tmp_path, text, {"big/config.json": big}), "cpu-training")
    assert "~6.7" in diag.message


def test_training_on_a_gpu_host_never_warns(tmp_path: Path) -> None:
    text = "model:\n  path: meta-llama/Llama-2-70b-hf\n" + DATA + "passes:\n  - type: lora\n"
    assert diagnose(tmp_path, text) == []


def test_cpu_provider_on_a_gpu_is_kept_when_nothing_runs_on_the_target(tmp_path: Path) -> None:
    # Olive keeps (gpu, CPUExecutionProvider) when the target is not used: torch passes on the GPU,
    # the ONNX model made for the CPU provider (olive.systems.accelerator_creator)
    text = MODEL + "target:\n  provider: cpu\n  device: gpu\npasses:\n  - {type: builder, precision: int4}\n"
    assert only(diagnose(tmp_path, text), "provider-device") == []


@pytest.mark.parametrize(
    ("extra", "user"),
    [
        (
            "data:\n  - name: d\n    hub: {name: org/d}\n    text_cols: [text]\n"
            "evaluate:\n  metrics:\n    - {name: l, type: latency, sub_types: [avg], data: d}\n",
            "the evaluation",
        ),
        ("", "pass 2 (OrtSessionParamsTuning)"),
    ],
)
def test_cpu_provider_on_a_gpu_is_refused_when_the_target_is_used(tmp_path: Path, extra: str, user: str) -> None:
    passes = "passes:\n  - {type: builder, precision: int4}\n" + ("" if extra else "  - type: OrtSessionParamsTuning\n")
    text = MODEL + "target:\n  provider: cpu\n  device: gpu\n" + extra + passes
    diag = one(diagnose(tmp_path, text), "provider-device")
    assert diag.message == f"CPUExecutionProvider does not run on device 'gpu', and {user} runs on the target"
    assert diag.hint and "write `device: cpu`" in diag.hint
    assert_style(diag)


def test_modelbuilder_that_olive_passes_turn_into_a_qnn_model_is_not_refused(tmp_path: Path) -> None:
    """olive-recipes' QNN chains run ModelBuilder, then passes olivegen does not type; a final CPU build is refused."""
    chain = (
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\ntarget: qnn\nhost: cpu\n"
        "passes:\n  - {type: builder, precision: int4}\n"
    )
    assert "builder-provider" in [d.rule for d in diagnose(tmp_path, chain)]
    followed = chain + "  - type: GraphSurgeries\n    config: {surgeries: [{surgeon: RemoveRopeMultiCache}]}\n"
    assert "builder-provider" not in [d.rule for d in diagnose(tmp_path, followed)]


@pytest.mark.parametrize("precision", ["fp32", "fp16", "bf16"])
def test_builder_float_precision_from_a_quantized_model(tmp_path: Path, precision: str) -> None:
    # agreement case rtn.builder-fp32: a real olive run stops with "'QuantizedTensorModule' object has
    # no attribute 'weight'" (onnxruntime-genai 0.14.1 loads the quantized layers without float weights)
    text = (
        MODEL + "target: cuda\npasses:\n  - {type: rtn, bits: 4}\n" + f"  - {{type: builder, precision: {precision}}}\n"
    )
    diag = one(diagnose(tmp_path, text), "builder-precision")
    assert diag.message == f"ModelBuilder cannot build precision {precision!r} from the model Rtn (pass 1) quantized"
    assert diag.at is not None and (diag.at.line, diag.at.col) == (6, 32)
    assert diag.hint and "`precision: int4`" in diag.hint
    assert_style(diag)


def test_builder_int4_from_a_quantized_model_and_float_after_a_merge_pass(tmp_path: Path) -> None:
    int4 = MODEL + "target: cpu\nhost: cpu\npasses:\n  - {type: rtn, bits: 4}\n  - {type: builder, precision: int4}\n"
    assert only(diagnose(tmp_path / "a", int4), "builder-precision") == []
    # an adapter trained on the quantized base keeps it: ModelBuilder still builds from the quantized model
    lora = MODEL + DATA + "target: cuda\npasses:\n  - type: awq\n  - type: lora\n  - {type: builder, precision: fp16}\n"
    assert one(diagnose(tmp_path / "b", lora), "builder-precision").message.endswith(
        "AutoAWQQuantizer (pass 1) quantized"
    )
    # after a merge the weights are not known to olivegen: not judged
    merged = lora.replace("  - {type: builder", "  - type: merge\n  - {type: builder")
    assert only(diagnose(tmp_path / "c", merged), "builder-precision") == []
    plain = MODEL + "target: cpu\npasses:\n  - {type: builder, precision: fp32}\n"
    assert only(diagnose(tmp_path / "d", plain), "builder-precision") == []


@pytest.mark.parametrize(
    ("target", "key", "fragment"),
    [
        ("cpu", "float16", "float16 for the target provider CPU"),
        ("tensorrt", "float16", "Tensorrt"),
        ("cpu", "use_gpu", "for a GPU when the target provider is CPU"),
    ],
)
def test_optimize_setting_the_target_cannot_take(tmp_path: Path, target: str, key: str, fragment: str) -> None:
    # agreement case onnx.float16-cpu: Olive's validate_config prunes the pass
    # (olive/passes/onnx/transformer_optimization.py:151-166, olive-ai 0.13.0)
    text = MODEL + f"target: {target}\npasses:\n  - type: onnx\n  - type: optimize\n    {key}: true\n"
    diag = one(diagnose(tmp_path, text), "optimize-target")
    assert fragment in diag.message
    assert diag.at is not None and (diag.at.line, diag.at.col) == (7, 7 + len(key))
    assert_style(diag)


@pytest.mark.parametrize(
    ("target", "key"), [("cuda", "float16"), ("cuda", "use_gpu"), ("dml", "float16"), ("cpu", "opt_level")]
)
def test_optimize_setting_the_target_takes(tmp_path: Path, target: str, key: str) -> None:
    value = 1 if key == "opt_level" else "true"
    text = MODEL + f"target: {target}\npasses:\n  - type: onnx\n  - type: optimize\n    {key}: {value}\n"
    assert only(diagnose(tmp_path, text), "optimize-target") == []
