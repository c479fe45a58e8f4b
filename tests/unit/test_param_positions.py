"""Every unknown parameter of a pass is reported, each at its own key: in recipes and in Olive configs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult

Run = Callable[..., CliResult]

MODEL = "model:\n  path: microsoft/Phi-3-mini-4k-instruct\npasses:\n"


def _found(result: CliResult, path: Path) -> list[str]:
    """Return `line:col: message` of each error validate reported for `path`, in order."""
    head = f"{path}:"
    return [
        line.removeprefix(head).replace(" error[invalid-value]:", "")
        for line in result.out.splitlines()
        if line.startswith(head) and "error[invalid-value]" in line
    ]


def test_a_generic_pass_reports_each_unknown_parameter_at_its_key(run_cli: Run, tmp_path: Path) -> None:
    recipe = tmp_path / "pos.yaml"
    recipe.write_text(
        MODEL + "  - type: OnnxStaticQuantization\n    config:\n      quant_format: QDQ\n      per_channel: true\n"
        "      quant_formt: QDQ\n      MatMulConstBOnly: true\n"
    )
    result = run_cli("validate", recipe)
    assert result.code == 1 and "Traceback" not in result.err
    assert _found(result, recipe) == [
        "8:7: OnnxStaticQuantization has no parameter 'quant_formt': in no Olive release (misspelled?)",
        "9:7: OnnxStaticQuantization has no parameter 'MatMulConstBOnly': removed after Olive 0.8.0",
    ]
    assert "  hint: did you mean 'quant_format'?\n   8 |       quant_formt: QDQ\n" in result.out
    assert "1 file, 2 errors, 0 warnings" in result.out


def test_a_typed_pass_reports_each_wrong_option_at_its_key(run_cli: Run, tmp_path: Path) -> None:
    recipe = tmp_path / "typed.yaml"
    recipe.write_text(
        MODEL + "  - type: OnnxConversion\n    options:\n      optimize: true\n      bogus_one: 1\n"
        "      target_opset: 17\n      bogus_two: 2\n"
    )
    assert _found(run_cli("validate", recipe), recipe) == [
        "7:7: OnnxConversion has no parameter 'bogus_one': in no Olive release (misspelled?)",
        "8:7: 'target_opset' is a field of OnnxConversion",
        "9:7: OnnxConversion has no parameter 'bogus_two': in no Olive release (misspelled?)",
    ]


def test_a_flow_mapping_of_parameters_points_at_each_key(run_cli: Run, tmp_path: Path) -> None:
    recipe = tmp_path / "flow.yaml"
    recipe.write_text(MODEL + "  - type: OnnxStaticQuantization\n    config: {per_channel: true, quant_formt: QDQ}\n")
    assert _found(run_cli("validate", recipe), recipe) == [
        "5:33: OnnxStaticQuantization has no parameter 'quant_formt': in no Olive release (misspelled?)"
    ]


def test_an_olive_config_reports_each_unknown_parameter_at_its_own_line(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "olive.json"
    path.write_text(
        '{\n  "input_model": {"type": "ONNXModel", "model_path": "m.onnx"},\n  "passes": {\n'
        '    "tune": {\n      "type": "OrtSessionParamsTuning",\n      "config": {\n'
        '        "user_script": "user_script.py",\n        "dataloader_func": "make",\n        "batch_size": 1\n'
        '      }\n    },\n    "nvmo": {\n      "type": "NVModelOptQuantization",\n      "algorithm": "AWQ",\n'
        '      "calibration": "awq_lite"\n    }\n  }\n}\n'
    )
    result = run_cli("validate", path)
    assert result.code == 1 and "Traceback" not in result.err
    assert _found(result, path) == [  # not at `user_script` (7) nor at `algorithm` (14)
        "8:9: OrtSessionParamsTuning has no parameter 'dataloader_func': removed after Olive 0.6.2",
        "9:9: OrtSessionParamsTuning has no parameter 'batch_size': removed after Olive 0.6.2",
        "15:7: NVModelOptQuantization has no parameter 'calibration': removed after Olive 0.9.1",
    ]


def test_an_olive_yaml_config_reports_the_parameter_at_its_line(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "oy.yaml"
    path.write_text(
        "input_model:\n  type: HfModel\n  model_path: microsoft/phi-2\npasses:\n  conv:\n    type: OnnxConversion\n"
        "    target_opset: 17\n  q:\n    type: OnnxDynamicQuantization\n    per_channel: true\n"
        "    quant_formt: QDQ\n    per_chanel: true\n"
    )
    assert _found(run_cli("validate", path), path) == [
        "11:5: OnnxDynamicQuantization has no parameter 'quant_formt': in no Olive release (misspelled?)",
        "12:5: OnnxDynamicQuantization has no parameter 'per_chanel': in no Olive release (misspelled?)",
    ]


def test_an_enum_parameter_reports_a_value_olive_does_not_take_at_the_value(run_cli: Run, tmp_path: Path) -> None:
    # agreement cases openvino.encapsulation-device, qnn.activation-type-typo: Olive's RunConfig rejects both
    recipe = tmp_path / "enum.yaml"
    recipe.write_text(
        MODEL + "  - type: OnnxStaticQuantization\n    config:\n      activation_type: QUInt4x\n"
        "      precision: INT8\n      quant_format: QDQ\n  - type: OpenVINOEncapsulation\n"
        "    config:\n      target_device: tpu\n"
    )
    result = run_cli("validate", recipe)
    assert _found(result, recipe) == [
        "6:24: OnnxStaticQuantization does not take 'QUInt4x' for 'activation_type'",
        "7:18: OnnxStaticQuantization does not take 'INT8' for 'precision'",
        "11:22: OpenVINOEncapsulation does not take 'tpu' for 'target_device'",
    ]
    assert "  hint: did you mean 'uint4'? activation_type takes one of 'int4', 'int8'," in result.out
    assert "'intel_myriad', 'any' (spelled exactly so)" in result.out


def test_an_enum_parameter_takes_what_olive_takes(run_cli: Run, tmp_path: Path) -> None:
    # measured on Olive 0.13's pass config classes: exact spelling of a str Enum, any case for a
    # CaseInsensitiveEnum, an int Enum's number as int, float or string; lists and None not judged
    recipe = tmp_path / "enum-ok.yaml"
    recipe.write_text(
        MODEL + "  - type: OnnxStaticQuantization\n    config: {activation_type: uint16, precision: null}\n"
        "  - type: NVModelOptQuantization\n    config: {algorithm: AWQ}\n"
        "  - type: KQuant\n    config: {bits: '8'}\n"
        "  - type: OnnxHqqQuantization\n    config: {accuracy_level: 4.0}\n"
        "  - type: OpenVINOWeightCompression\n    config: {ignored_scope_type: [names, types]}\n"
    )
    result = run_cli("validate", recipe)
    assert _found(result, recipe) == []


def test_an_int_enum_refuses_a_number_it_lacks_and_a_word(run_cli: Run, tmp_path: Path) -> None:
    recipe = tmp_path / "bits.yaml"
    recipe.write_text(MODEL + "  - type: AutoClip\n    config: {bits: 3}\n  - type: KQuant\n    config: {bits: four}\n")
    found = _found(run_cli("validate", recipe), recipe)
    assert [f.split(": ", 1)[1] for f in found] == [
        "AutoClip does not take 3 for 'bits'",
        "KQuant does not take 'four' for 'bits'",
    ]
