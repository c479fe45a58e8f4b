"""Pass-order rules: adapters, merges, ONNX export order, QLoRA with quantizers and ModelBuilder int4."""

from __future__ import annotations

from pathlib import Path

import pytest

from olivegen.errors import Severity
from tests.unit.test_rules_registry import assert_style, diagnose, one, only

HEAD = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
data:
  - name: train
    files: data/train.jsonl
    text_template: "{prompt} {response}"
"""


def test_merge_without_adapter_points_at_the_merge(tmp_path: Path) -> None:
    diags = diagnose(tmp_path, HEAD + "passes:\n  - type: merge\n  - {type: builder, precision: int4}\n")
    diag = one(diags, "merge-without-adapter")
    assert (diag.at.line, diag.at.col) == (8, 11) if diag.at else False
    assert_style(diag)


def test_merge_after_lora_or_with_adapter_path_passes(tmp_path: Path) -> None:
    assert diagnose(tmp_path, HEAD + "passes:\n  - type: lora\n  - type: merge\n") == []
    adapter = HEAD.replace("  path: microsoft", "  adapter_path: adapter\n  path: microsoft")
    (tmp_path / "adapter").mkdir()
    assert diagnose(tmp_path, adapter + "passes:\n  - type: merge\n") == []


def test_second_merge_has_nothing_left(tmp_path: Path) -> None:
    diags = diagnose(tmp_path, HEAD + "passes:\n  - type: lora\n  - type: merge\n  - type: merge\n")
    assert one(diags, "merge-without-adapter").at.line == 10  # type: ignore[union-attr]


def test_extract_adapters_needs_an_unmerged_adapter(tmp_path: Path) -> None:
    bad = (
        HEAD
        + "passes:\n  - type: lora\n  - type: merge\n  - {type: builder, precision: int4}\n  - type: ExtractAdapters\n"
    )
    found = one(diagnose(tmp_path / "a", bad), "extract-without-adapter")
    assert_style(found)
    assert found.severity is Severity.WARNING  # Olive runs it (exit 0) and writes no adapter file
    good = HEAD + "passes:\n  - type: lora\n  - {type: builder, precision: int4}\n  - type: ExtractAdapters\n"
    assert diagnose(tmp_path / "b", good) == []


def test_onnx_pass_before_export_and_pytorch_pass_after_it(tmp_path: Path) -> None:
    text = (
        HEAD
        + "passes:\n  - type: OrtTransformersOptimization\n  - {type: builder, precision: fp32}\n"
        + "  - type: lora\n  - {type: builder, name: again, precision: int4}\n"
    )
    diags = only(diagnose(tmp_path, text), "model-kind")
    assert [d.at.line for d in diags if d.at] == [8, 10, 11]
    assert "needs an ONNX model" in diags[0].message
    assert "LoRA needs a Hugging Face model, but ModelBuilder (pass 2)" in diags[1].message
    assert diags[2].hint == "a workflow exports to ONNX once: keep one of them"
    for diag in diags:
        assert_style(diag)


def test_onnx_passes_after_the_export_pass(tmp_path: Path) -> None:
    text = HEAD + "passes:\n  - {type: onnx}\n  - type: OrtTransformersOptimization\n  - type: int4rtn\n"
    assert only(diagnose(tmp_path, text), "model-kind") == []


def test_qlora_after_awq_is_refused(tmp_path: Path) -> None:
    text = HEAD + "passes:\n  - type: awq\n  - type: qlora\n"
    diag = one(diagnose(tmp_path, text), "qlora-on-quantized")
    assert diag.at is not None and diag.at.line == 9
    assert "AutoAWQQuantizer (pass 1)" in diag.message
    assert diag.hint and "type: lora" in diag.hint
    assert_style(diag)


def test_qlora_after_gptq_and_rtn_too_but_lora_after_awq_is_fine(tmp_path: Path) -> None:
    for i, quantizer in enumerate(("gptq", "rtn")):
        assert one(
            diagnose(tmp_path / str(i), HEAD + f"passes:\n  - type: {quantizer}\n  - type: qlora\n"),
            "qlora-on-quantized",
        )
    assert diagnose(tmp_path / "lora", HEAD + "passes:\n  - type: awq\n  - type: lora\n") == []


def test_qlora_adapter_into_int4_unmerged_is_a_warning(tmp_path: Path) -> None:
    """Olive 0.13 runs QLoRA -> ModelBuilder int4 (-> ExtractAdapters), either save_quant_config (tests/e2e)."""
    for i, flag in enumerate(("", "    save_quant_config: false\n", "    save_quant_config: true\n")):
        text = HEAD + "passes:\n  - type: qlora\n" + flag + "  - type: builder\n    precision: int4\n"
        text += "  - type: ExtractAdapters\n"
        diags = diagnose(tmp_path / str(i), text)
        diag = one(diags, "qlora-int4")
        assert diag.severity is Severity.WARNING
        assert diag.at is not None and diag.at.line == 10 + bool(flag)  # the int4 precision
        assert "NF4" in diag.message and "type: lora" in (diag.hint or "")
        assert_style(diag)
        assert [d for d in diags if d.severity is Severity.ERROR] == []


def test_qlora_merged_or_not_int4_is_quiet(tmp_path: Path) -> None:
    """A merge before ModelBuilder drops the bitsandbytes config (olive/passes/pytorch/merge_adapter_weights.py)."""
    for i, flag in enumerate(("false", "true")):
        good = (
            HEAD
            + f"passes:\n  - type: qlora\n    save_quant_config: {flag}\n  - type: merge\n"
            + "  - {type: builder, precision: int4}\n"
        )
        assert diagnose(tmp_path / f"a{i}", good) == []
    fp32 = HEAD + "passes:\n  - type: qlora\n  - type: merge\n  - {type: builder, precision: fp32}\n"
    assert only(diagnose(tmp_path / "b", fp32), "qlora-int4") == []


def test_qlora_target_modules_is_a_warning_not_a_module_check(tmp_path: Path) -> None:
    """Olive's QLoRA adapts every 4-bit linear layer (olive/passes/pytorch/lora.py:842): target_modules is ignored."""
    text = HEAD + "passes:\n  - type: qlora\n    target_modules: [q_proj, nonsense]\n"
    diags = diagnose(tmp_path, text)
    diag = one(diags, "qlora-target-modules")
    assert diag.severity is Severity.WARNING and diag.at is not None and diag.at.line == 9
    assert only(diags, "target-modules") == []
    assert_style(diag)


def test_eval_split_on_a_sliced_split(tmp_path: Path) -> None:
    text = HEAD.replace("    text_template", '    split: "train[:50%]"\n    eval_split: 0.2\n    text_template')
    diag = one(diagnose(tmp_path, text + "passes:\n  - type: lora\n"), "eval-split-on-slice")
    assert diag.at is not None and diag.at.line == 7


@pytest.mark.parametrize("before", ["OptimumConversion", "QNNConversion", "OpenVINOConversion"])
def test_after_a_pass_olivegen_does_not_know_the_kind_of_model_is_not_guessed(tmp_path: Path, before: str) -> None:
    """OptimumConversion exports ONNX too; a pass olivegen does not type may: no claim that nothing exported it."""
    text = HEAD + f"passes:\n  - type: {before}\n  - type: OrtTransformersOptimization\n"
    assert only(diagnose(tmp_path, text), "model-kind") == []


def test_an_olive_input_model_of_another_kind_is_not_guessed(tmp_path: Path) -> None:
    text = "model:\n  olive:\n    type: OpenVINOModel\n    model_path: ov\n"
    text += "passes:\n  - type: OrtTransformersOptimization\n"
    assert only(diagnose(tmp_path, text), "model-kind") == []


def test_an_olive_onnx_pass_before_the_export_needs_an_onnx_model(tmp_path: Path) -> None:
    # agreement case qnn.quant-before-export: OnnxStaticQuantization takes an ONNXModelHandler only
    # (`input_models` of the vendored pass table)
    bad = HEAD + "passes:\n  - type: OnnxStaticQuantization\n    config: {quant_format: QDQ}\n  - type: onnx\n"
    diag = one(diagnose(tmp_path / "a", bad), "model-kind")
    assert (diag.at.line, diag.at.col) == (8, 11) if diag.at else False
    assert diag.message == "OnnxStaticQuantization needs an ONNX model, but no pass before it exports one"
    assert_style(diag)
    good = HEAD + "passes:\n  - type: onnx\n  - type: OnnxStaticQuantization\n    config: {quant_format: QDQ}\n"
    assert only(diagnose(tmp_path / "b", good), "model-kind") == []
    # a pass that takes a Hugging Face model too (OpenVINOWeightCompression) is not judged
    either = HEAD + "passes:\n  - type: OpenVINOWeightCompression\n"
    assert only(diagnose(tmp_path / "c", either), "model-kind") == []
