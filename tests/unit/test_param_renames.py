"""Pass parameters Olive renamed, moved or removed: import renames them, recipes and configs say what is missing."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.api import compile_olive_config, compile_recipe
from olivegen.errors import RecipeError, Severity
from olivegen.knowledge.catalog import pass_params_in
from olivegen.knowledge.history import (
    PARAM_RENAMES,
    data_param_instead,
    moved_param,
    param_releases,
    renamed_param,
    why_unknown_param,
)
from tests.conftest import ROOT, CliResult

Run = Callable[..., CliResult]
sys.path.insert(0, str(ROOT / "bench"))
from olive_semantics import PARAM_RENAMES as BENCH_RENAMES  # noqa: E402
from olive_semantics import differences, meaning  # noqa: E402

OV_CONFIG = {
    "input_model": {"type": "ONNXModel", "model_path": "m.onnx"},
    "passes": {
        "ov": {"type": "OpenVINOConversion", "output_model": "ov", "input": [[1, 3, 224, 224]]},
        "q": {
            "type": "OnnxDynamicQuantization",
            "MatMulConstBOnly": True,
            "extra_options": {"MatMulConstBOnly": False, "EnableSubgraph": True},
            "ActivationSymmetric": True,
        },
    },
}


@pytest.mark.parametrize(
    ("pass_name", "param", "why"),
    [
        ("OpenVINOConversion", "output_model", "renamed to 'model_name' in Olive 0.9.0"),
        ("LoRA", "lora_r", "renamed to 'r' in Olive 0.8.0"),
        ("OnnxConversion", "use_device", "renamed to 'device' in Olive 0.5.1"),
        ("OrtSessionParamsTuning", "dataloader_func", "removed after Olive 0.6.2"),  # OrtPerfTuning's, before 0.7
        ("OpenVINOConversion", "input_shape", "removed after Olive 0.4.0"),
        ("QairtEncapsulation", "engine_config_overrides", "newer than Olive 0.13 (only on Olive's main branch)"),
        ("OnnxConversion", "bogus_param", "in no Olive release (misspelled?)"),
        (
            "MobiusBuilder",
            "runtime",
            "in no Olive release: on Olive's main branch for a while (last in 6da982b10), then removed",
        ),
        ("OnnxConversion", "target_opset", None),  # a 0.13 parameter: nothing to explain
        ("NoSuchPass", "x", None),
    ],
)
def test_why_a_parameter_is_unknown(pass_name: str, param: str, why: str | None) -> None:
    assert why_unknown_param(pass_name, param) == why


def test_every_rename_is_a_parameter_gone_when_its_new_name_came() -> None:
    for pass_name, renames in PARAM_RENAMES.items():
        for old, new in renames.items():
            assert new in pass_params_in(pass_name, "0.13"), (pass_name, new)
            old_tags, new_tags = param_releases(pass_name, old), param_releases(pass_name, new)
            assert old_tags and new_tags and "v0.13.0" not in old_tags, (pass_name, old)
            assert renamed_param(pass_name, old) is not None
            assert BENCH_RENAMES[pass_name.lower()][old] == new  # the bench's own table agrees


def test_data_loading_and_moved_parameters_name_their_replacement() -> None:
    assert data_param_instead("OrtSessionParamsTuning", "dataloader_func") == "data_config"
    assert data_param_instead("OnnxStaticQuantization", "user_script") == "data_config"
    assert data_param_instead("NVModelOptQuantization", "user_script") is None  # no data config in Olive 0.13
    assert data_param_instead("OpenVINOConversion", "user_script") is None  # still a 0.13 parameter
    assert moved_param("OnnxDynamicQuantization", "MatMulConstBOnly") == "extra_options"
    assert moved_param("OnnxConversion", "MatMulConstBOnly") is None


def _errors(tmp_path: Path, passes: str) -> list[tuple[str, str | None]]:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("model:\n  path: microsoft/Phi-3-mini-4k-instruct\npasses:\n" + passes)
    with pytest.raises(RecipeError) as caught:
        compile_recipe(recipe)
    return [(d.message, d.hint) for d in caught.value.diagnostics]


def test_recipe_errors_say_what_to_write_instead(tmp_path: Path) -> None:
    found = _errors(
        tmp_path,
        "  - type: OpenVINOConversion\n    config:\n      output_model: ov\n"
        "  - type: OrtSessionParamsTuning\n    config:\n      dataloader_func: make\n"
        "  - type: OnnxDynamicQuantization\n    config:\n      MatMulConstBOnly: true\n"
        "  - type: awq\n    w_bit: 4\n"
        "  - type: OnnxStaticQuantization\n    config:\n      weight_type: QUInt8\n",
    )
    (renamed, data, moved, typed, respelled) = found
    assert respelled == (
        "OnnxStaticQuantization has no parameter 'weight_type': removed after Olive 0.8.0",
        "Olive 0.9 took `precision` instead, with Olive's spellings: 'QInt8' is 'int8', 'QUInt8' is 'uint8',"
        " 'QInt16' is 'int16', 'QUInt16' is 'uint16'",
    )
    assert renamed[1] == "did you mean 'model_name'? it takes the same value"
    assert data[0].endswith("'dataloader_func': removed after Olive 0.6.2")
    assert data[1] and "`data_config`: name a data set of `data:` there" in data[1]
    assert moved[1] == (
        "Olive 0.9 passes it on through `extra_options`: write `extra_options: {'MatMulConstBOnly': ...}`,"
        " with the same value"
    )
    assert typed == (
        "unknown key 'w_bit' in the AutoAWQQuantizer pass: renamed to 'bits' in Olive 0.9.0",
        "did you mean 'bits'? it takes the same value",
    )


def test_import_renames_and_moves_with_a_warning_at_the_json_path(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "ov.json"
    config.write_text(json.dumps(OV_CONFIG, indent=1))
    out = tmp_path / "ov.yaml"
    result = run_cli("import", config, "-o", out)
    assert result.code == 0, result.err
    assert "warning[olive-renamed]: $.passes.ov.output_model: Olive 0.13 has no 'output_model'; it is called" in (
        result.err
    )
    assert "'model_name' now (renamed in Olive 0.9.0)" in result.err
    passes = compile_recipe(out).config["passes"]
    assert passes["ov"]["model_name"] == "ov" and passes["ov"]["input_shapes"] == [[1, 3, 224, 224]]
    assert "output_model" not in passes["ov"]
    # Olive 0.8 copied the parameter into extra_options over the key written there
    assert passes["q"]["extra_options"] == {"MatMulConstBOnly": True, "EnableSubgraph": True}
    assert passes["q"]["activation_symmetric"] is True
    base = str(tmp_path)
    assert differences(meaning(OV_CONFIG, base), meaning(compile_recipe(out).config, base)) == []


def test_both_spellings_keep_todays(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "lora.json"
    config.write_text(
        json.dumps({"passes": {"l": {"type": "OpenVINOConversion", "output_model": "a", "model_name": "b"}}})
    )
    out = tmp_path / "l.yaml"
    result = run_cli("import", config, "-o", out)
    assert "$.passes.l.output_model has no meaning in Olive 0.13: the config also sets `model_name`" in result.err
    assert "model_name: b" in out.read_text() and "output_model" not in out.read_text()


def test_validate_of_an_olive_config_names_the_new_parameter(tmp_path: Path) -> None:
    config = tmp_path / "ov.json"
    config.write_text(json.dumps(OV_CONFIG, indent=1))
    compiled = compile_olive_config(config)  # the recipe it imports to is fine; the config itself is not
    renamed = [d for d in compiled.warnings if d.rule == "olive-renamed"]
    assert [d.severity for d in renamed] == [Severity.ERROR] * 4
    first = renamed[0]
    assert first.message.startswith("$.passes.ov.output_model: Olive 0.13 has no 'output_model'")
    assert first.hint == "write 'model_name'"
    line = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if '"output_model"' in text)
    assert first.at is not None and (first.at.line, first.at.col) == (line, 4)


def test_a_gone_pass_entry_key_says_when_it_went(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "entry.json"
    config.write_text(json.dumps({"passes": {"c": {"type": "OnnxConversion", "disable_search": True}}}))
    result = run_cli("import", config, "-o", tmp_path / "entry.yaml")
    assert "$.passes.c.disable_search has no meaning in Olive 0.13: removed after Olive 0.7.0; Olive 0.13" in result.err


def test_quant_type_spellings_become_olives_precisions_on_import(run_cli: Run, tmp_path: Path) -> None:
    """29be1e2aa (Olive 0.9.0): weight_type QUInt8 is precision uint8; activation_type takes the same spelling."""
    original = {
        "input_model": {"type": "ONNXModel", "model_path": "model.onnx"},
        "passes": {
            "q": {"type": "OnnxStaticQuantization", "weight_type": "QUInt8", "activation_type": "QUInt16"},
            "d": {"type": "OnnxDynamicQuantization", "weight_type": "QInt8"},
            "both": {"type": "OnnxQuantization", "weight_type": "QInt8", "precision": "uint8"},
        },
    }
    config = tmp_path / "q.json"
    config.write_text(json.dumps(original, indent=1))
    (tmp_path / "model.onnx").write_bytes(b"onnx")
    out = tmp_path / "q.yaml"
    result = run_cli("import", config, "-o", out)
    assert result.code == 0, result.err
    assert "$.passes.q.weight_type: Olive 0.13 has no 'weight_type: QUInt8'; it is called 'precision: uint8'" in (
        result.err
    )
    passes = compile_recipe(out).config["passes"]
    assert (passes["q"]["precision"], passes["q"]["activation_type"]) == ("uint8", "uint16")
    assert passes["d"]["precision"] == "int8" and "weight_type" not in passes["d"]
    assert passes["both"]["precision"] == "uint8"  # both written: Olive 0.9+ reads precision
    assert differences(meaning(original, str(tmp_path)), meaning(compile_recipe(out).config, str(tmp_path))) == []
