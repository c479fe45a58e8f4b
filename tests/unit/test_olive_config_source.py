"""Reading an Olive config (JSON or Olive's YAML form): a key written twice is an error at the second one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.errors import RecipeError
from olivegen.source.olive_config import load_config_json, load_config_with_positions
from tests.conftest import CliResult

Run = Callable[..., CliResult]

TWICE = """{
  "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},
  "passes": {
    "conv": {"type": "OnnxConversion", "target_opset": 14, "target_opset": 17}
  }
}
"""


@pytest.mark.parametrize("load", [load_config_with_positions, load_config_json])
def test_a_json_key_written_twice_is_an_error_at_the_second(tmp_path: Path, load: Callable[[Path], object]) -> None:
    config = tmp_path / "olive-config.json"
    config.write_text(TWICE)
    with pytest.raises(RecipeError) as caught:
        load(config)
    (finding,) = caught.value.diagnostics
    assert finding.rule == "duplicate-key"
    assert finding.message == 'key "target_opset" is written twice in one object: Olive reads only the last one'
    assert finding.at is not None and (finding.at.line, finding.at.col) == (4, 60)


def test_validate_reports_the_duplicate_on_stdout(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "olive-config.json"
    config.write_text(TWICE)
    result = run_cli("validate", config)
    assert result.code == 1
    assert result.first_out_line.endswith(
        'olive-config.json:4:60: error[duplicate-key]: key "target_opset" is written twice in one object:'
        " Olive reads only the last one"
    )


def test_the_same_key_in_two_objects_is_fine(tmp_path: Path) -> None:
    config = tmp_path / "olive-config.json"
    config.write_text(TWICE.replace('"target_opset": 14, ', ""))
    data, where = load_config_with_positions(config)
    assert data["passes"]["conv"]["target_opset"] == 17 and where is not None


def test_an_olive_yaml_config_with_a_key_twice_gets_the_yaml_finding(tmp_path: Path) -> None:
    config = tmp_path / "olive-config.yaml"
    config.write_text("input_model:\n  type: HfModel\n  model_path: a\n  model_path: b\npasses: {}\n")
    with pytest.raises(RecipeError) as caught:
        load_config_with_positions(config)
    (finding,) = caught.value.diagnostics
    assert 'duplicate key "model_path"' in finding.message
    assert finding.at is not None and (finding.at.line, finding.at.col) == (4, 3)


NESTED = """{
  "input_model": {"type": "ONNXModel", "model_path": "model.onnx"},
  "data_configs": [
    {
      "name": "calib",
      "type": "HuggingfaceContainer",
      "pre_process_data_config": "text_classification"
    }
  ],
  "evaluators": {
    "common": {
      "metrics": [
        {
          "name": "latency",
          "type": "latency",
          "data_config": "calib",
          "sub_types": [{"name": "avg", "priority": 1}, {"name": "p90", "prority": 2}]
        }
      ]
    }
  },
  "engine": {"evaluator": "common"},
  "passes": {"q": {"type": "OnnxStaticQuantization", "data_config": "calib"}}
}
"""


@pytest.mark.parametrize(
    ("fix", "expected"),
    [
        ('"prority"', "7:7: error[invalid-value]: `pre_process_data_config` is a mapping with `type` and `params`"),
        (
            '"pre_process_data_config": "text_classification"',
            "17:73: error[invalid-value]: 'prority' is not a key of a metric sub type in Olive",
        ),
    ],
)
def test_a_finding_deep_in_olive_words_is_reported_at_its_own_line(
    run_cli: Run, tmp_path: Path, fix: str, expected: str
) -> None:
    """Data configs and metrics kept in Olive's own words: the key that is wrong, not the block, is pointed at."""
    repaired = {
        '"prority"': NESTED.replace('"prority"', '"priority"'),
        '"pre_process_data_config": "text_classification"': NESTED.replace(
            '"pre_process_data_config": "text_classification"', '"load_dataset_config": {"params": {"data_name": "x"}}'
        ),
    }[fix]
    config = tmp_path / "olive-config.json"
    config.write_text(repaired)
    result = run_cli("validate", config)
    assert result.first_out_line == f"{config}:{expected}", result.out


LATENCY = """{
  "input_model": {"type": "ONNXModel", "model_path": "model.onnx"},
  "data_configs": [{"name": "d", "type": "DummyDataContainer",
                    "load_dataset_config": {"params": {"input_names": ["x"], "input_shapes": [[1, 4]]}}}],
  "evaluators": {"e": {"metrics": [{"name": "lat", "type": "latency", "data_config": "d",
                                    "sub_types": [{"name": "avg"}], METRIC_KEYS}]}},
  "engine": {"evaluator": "e"},
  "passes": {"q": {"type": "OnnxDynamicQuantization"}}
}
"""


@pytest.mark.parametrize(
    ("keys", "first"),
    [
        (
            '"user_config": {"dataloader_func": "make", "batch_size": 1}',
            "user_config 'dataloader_func' is how Olive <= 0.6 gave a metric its data, which Olive 0.13 ignores",
        ),
        ('"batch_size": 1', "user_config 'batch_size' is how Olive <= 0.6 gave a metric its data"),
        ('"user_config": {"io_bnd": true}', "'io_bnd' is not a key of a latency metric's user_config in Olive 0.13"),
        ('"inference_setting": {}', "'inference_setting' is not a key of a metric in Olive 0.13, which ignores it"),
    ],
)
def test_metric_user_config_keys_are_olive_013s(run_cli: Run, tmp_path: Path, keys: str, first: str) -> None:
    """Olive 0.13 only logs user_config keys it ignores; Olive <= 0.6 ones are named as such."""
    config = tmp_path / "olive-config.json"
    config.write_text(LATENCY.replace("METRIC_KEYS", keys))
    result = run_cli("validate", config)
    assert result.code == 1, result.out
    assert first in result.first_out_line, result.out


@pytest.mark.parametrize(
    "keys", ['"inference_settings": {"onnx": {"execution_provider": "CPUExecutionProvider"}}', '"io_bind": true']
)
def test_user_config_keys_beside_a_metrics_own_are_olives_too(run_cli: Run, tmp_path: Path, keys: str) -> None:
    """Olive nests a metric's keys that are not Metric fields into its user_config (a NestedConfig)."""
    config = tmp_path / "olive-config.json"
    config.write_text(LATENCY.replace("METRIC_KEYS", keys))
    (tmp_path / "model.onnx").write_bytes(b"onnx")
    result = run_cli("validate", config)
    assert "error" not in result.out.splitlines()[-1].replace("0 errors", ""), result.out


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            '"engine": {"evalute_input_model": false}',
            "$.engine.evalute_input_model: neither Olive 0.13 nor Olive's main branch (at ee6f40f) has an engine",
        ),
        (
            '"evalute_input_model": false',
            "$.evalute_input_model: neither Olive 0.13 nor Olive's main branch (at ee6f40f) has a section or engine",
        ),
    ],
)
def test_an_engine_key_no_olive_has_is_an_error_with_a_suggestion(
    run_cli: Run, tmp_path: Path, where: str, expected: str
) -> None:
    """Olive refuses an engine key it does not have (and one at the top level, which it moves into the engine)."""
    config = tmp_path / "olive-config.json"
    config.write_text(
        '{\n  "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},\n'
        f'  "passes": {{"conv": {{"type": "OnnxConversion"}}}},\n  {where}\n}}\n'
    )
    result = run_cli("validate", config)
    assert result.code == 1, result.out
    assert "error[unknown-key]: " + expected in result.first_out_line
    assert "hint: did you mean 'evaluate_input_model'?" in result.out
    imported = run_cli("import", config, "-o", tmp_path / "r.yaml")
    assert imported.code == 0 and "warning[unknown-key]" in imported.err


@pytest.mark.parametrize("where", ["engine", "pass"])
def test_an_evaluator_name_nothing_defines_is_an_error_not_a_silent_drop(
    run_cli: Run, tmp_path: Path, where: str
) -> None:
    """Olive stops at it ("... not found"); import used to drop it, which changed what the config meant."""
    conv = '{"type": "OnnxConversion"' + (', "evaluator": "comon"' if where == "pass" else "") + "}"
    engine = ', "engine": {"evaluator": "comon"}' if where == "engine" else ""
    config = tmp_path / "olive-config.json"
    config.write_text(
        '{"input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},'
        ' "evaluators": {"common": {"metrics": [{"name": "l", "type": "latency", "sub_types": [{"name": "avg"}]}]}},'
        f' "passes": {{"conv": {conv}}}{engine}}}'
    )
    result = run_cli("validate", config)
    assert result.code == 1, result.out
    assert "error[unknown-evaluator]: " in result.out and "no evaluator named 'comon'" in result.out
    assert "hint: did you mean 'common'?" in result.out
    imported = run_cli("import", config, "-o", tmp_path / "r.yaml")
    assert imported.code == 1 and "error[unknown-evaluator]" in imported.err
    assert not (tmp_path / "r.yaml").exists()


def test_docker_and_python_environment_settings_olive_013_has_are_carried_over(run_cli: Run, tmp_path: Path) -> None:
    """run_params, work_dir, build_args, clean_image and prepend_to_path were dropped with a warning (a changed run)."""
    import json
    import sys

    from olivegen.api import compile_recipe
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from olive_semantics import differences, meaning

    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text("FROM python:3.11\n")
    (tmp_path / "bin").mkdir()
    original = {
        "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},
        "systems": {
            "box": {
                "type": "Docker",
                "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}],
                "dockerfile": "Dockerfile",
                "build_context_path": "docker",
                "run_params": {"shm_size": "128g"},
                "work_dir": "/ws",
                "build_args": {"PY": "3.11"},
                "clean_image": False,
            },
            "env": {
                "type": "PythonEnvironment",
                "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}],
                "python_environment_path": "bin",
                "prepend_to_path": ["bin"],
            },
        },
        "passes": {"conv": {"type": "OnnxConversion", "target_opset": 17}},
        "engine": {"host": "box", "target": "env"},
    }
    config = tmp_path / "olive-config.json"
    config.write_text(json.dumps(original, indent=1))
    out = tmp_path / "recipe.yaml"
    result = run_cli("import", config, "-o", out)
    assert result.code == 0 and "does not render" not in result.err, result.err
    rendered = compile_recipe(out).config
    systems = list(rendered["systems"].values())
    assert systems[0]["run_params"] == {"shm_size": "128g"} and systems[0]["clean_image"] is False
    assert systems[1]["prepend_to_path"] == [str(tmp_path / "bin")]
    assert differences(meaning(original, str(tmp_path)), meaning(rendered, str(tmp_path))) == []


def test_a_gone_pass_name_is_an_error_in_a_config_for_olive_09_too(tmp_path: Path) -> None:
    """OrtPerfTuning left Olive in 0.7.0: neither 0.9 nor 0.13 runs a config that still names it."""
    from olivegen.api import compile_olive_config

    config = tmp_path / "olive-config.json"
    config.write_text(
        '{"input_model": {"type": "ONNXModel", "model_path": "model.onnx"},'
        ' "systems": {"local": {"type": "LocalSystem", "accelerators": [{"device": "cpu",'
        ' "execution_providers": ["CPUExecutionProvider", "DmlExecutionProvider"]}]}},'
        ' "engine": {"host": "local", "target": "local"},'
        ' "passes": {"tune": {"type": "OrtPerfTuning"}, "qat": {"type": "QuantizationAwareTraining"}}}'
    )
    (tmp_path / "model.onnx").write_bytes(b"onnx")
    try:
        found = list(compile_olive_config(config).warnings)
    except RecipeError as exc:
        found = list(exc.diagnostics)
    renamed = [d for d in found if d.rule == "olive-renamed"]
    assert renamed and renamed[0].severity.value == "error", found
    assert "(renamed in Olive 0.7.0)" in renamed[0].message


def test_an_older_olives_engine_setting_is_an_error_where_olive_rejects_it(run_cli: Run, tmp_path: Path) -> None:
    """`engine.output_name` (Olive <= 0.6): Olive 0.13 refuses the config with it; import leaves it out."""
    config = tmp_path / "olive-config.json"
    config.write_text(
        '{"input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},'
        ' "passes": {"conv": {"type": "OnnxConversion"}}, "engine": {"output_name": "x"}, "pass_flows": []}'
    )
    result = run_cli("validate", config)
    assert result.code == 1, result.out
    assert "error[olive-removed]: $.engine.output_name: Olive 0.13 has no engine setting 'output_name'" in result.out
    assert "error[import-migrated]: $.pass_flows: Olive 0.8 removed `pass_flows`" in result.out
    imported = run_cli("import", config, "-o", tmp_path / "r.yaml")
    assert imported.code == 0 and "warning[olive-removed]" in imported.err


@pytest.mark.parametrize(
    ("config_name", "output_name", "name"),
    [("team@v1.json", "team@v1.yaml", "team-v1"), ("v0.9.2@bert.json", "v0.9.2@bert.yaml", "v0.9.2-bert")],
)
def test_import_names_the_recipe_after_the_config_where_its_file_name_would_not(
    run_cli: Run, tmp_path: Path, config_name: str, output_name: str, name: str
) -> None:
    """A recipe is named by its file name up to the first dot: `team@v1` is no workflow id, `v0.9.2@...` gives `v0`."""
    config = tmp_path / config_name
    config.write_text(
        '{"input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},'
        ' "passes": {"conv": {"type": "OnnxConversion"}}}'
    )
    out = tmp_path / output_name
    assert run_cli("import", config, "-o", out).code == 0
    assert f"\nname: {name}\n" in out.read_text()
    assert run_cli("validate", out).code == 0


def test_every_metric_key_olive_ignores_is_reported_each_at_its_line(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "olive-config.json"
    config.write_text(
        LATENCY.replace("METRIC_KEYS", '"user_config": {"io_bnd": true, "batch_size": 1}, "shared_kv_bufer": true')
    )
    result = run_cli("validate", config)
    found = [line for line in result.out.splitlines() if "error[invalid-value]" in line]
    assert len(found) == 3, result.out
    assert "'io_bnd' is not a key of a latency metric's user_config" in found[0]
    assert "user_config 'batch_size' is how Olive <= 0.6 gave a metric its data" in result.out
    assert "'shared_kv_bufer' is not a key of a metric in Olive 0.13" in result.out
