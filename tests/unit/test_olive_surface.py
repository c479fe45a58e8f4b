"""The whole Olive 0.13 config surface: import keeps the meaning, `olive:` carries what a recipe does not type,
`validate` checks Olive configs directly, the 0.9 registry serves the 0.9 generation (issue 9)."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.api import compile_olive_config, compile_recipe, is_olive_config
from olivegen.errors import RecipeError, Severity
from olivegen.importer import convert_config
from olivegen.importer.convert import detect_generation
from olivegen.knowledge.history import successor, why_unknown_param, why_unknown_pass
from tests.conftest import ROOT, CliResult

CONFIGS = ROOT / "tests" / "data" / "olive-configs"
Run = Callable[..., CliResult]
sys.path.insert(0, str(ROOT / "bench"))
from olive_semantics import differences, meaning  # noqa: E402


def _import(run_cli: Run, tmp_path: Path, name: str) -> tuple[CliResult, Path]:
    config = tmp_path / name
    shutil.copy(CONFIGS / name, config)
    out = tmp_path / "recipe.yaml"
    return run_cli("import", config, "-o", out), out


def _same_meaning(config: Path, recipe: Path) -> list[str]:
    original = json.loads(config.read_text()) if config.suffix == ".json" else None
    if original is None:
        from olivegen.source.olive_config import load_config_with_positions

        original, _ = load_config_with_positions(config)
    base = str(config.parent.resolve())
    return differences(meaning(original, base), meaning(compile_recipe(recipe).config, base))


def test_metrics_listed_by_name_are_refused_without_traceback(run_cli: Run, tmp_path: Path) -> None:
    result, _ = _import(run_cli, tmp_path, "onnx-eval-by-name.json")
    assert result.code == 1 and "Traceback" not in result.err
    assert "metric 'wer_metric' is named, not written out: no Olive release reads a metric by name" in result.err


def test_non_hf_model_data_evaluator_and_search_keep_their_meaning(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "user_script.py").write_text("def load_model(path):\n    return None\n")  # Olive imports it
    result, out = _import(run_cli, tmp_path, "cpu-user-script.json")
    assert result.code == 0, result.err
    text = out.read_text()
    assert "  olive:\n    type: PyTorchModel\n    model_loader: load_model" in text
    assert "type: OrtSessionParamsTuning" in text and "use_dynamo_exporter: false" in text
    assert "host: cpu" in text and "evaluate_input_model: true" in text
    assert "stop_when_goals_met: true" in text and "goal:" in text and "priority: 1" in text
    assert _same_meaning(tmp_path / "cpu-user-script.json", out) == []
    config = compile_recipe(out).config
    assert config["input_model"]["model_script"] == str(tmp_path / "user_script.py")  # resolved like any recipe path
    assert config["data_configs"][0]["load_dataset_config"]["params"]["data_dir"] == str(tmp_path / "data")


def test_a_dropped_key_is_a_warning_at_its_json_path(run_cli: Run, tmp_path: Path) -> None:
    result, _ = _import(run_cli, tmp_path, "cpu-user-script.json")
    assert "cpu-user-script.json:33:84: warning[import-dropped]: $.passes.quantization.disable_search" in result.err


def test_evaluation_only_yaml_config_with_lm_evaluator_and_two_providers(run_cli: Run, tmp_path: Path) -> None:
    result, out = _import(run_cli, tmp_path, "lm-eval-only.yaml")
    assert result.code == 1  # Olive 0.13: "Only one execution provider is supported per accelerator"
    text = out.read_text()
    assert "type: LMEvaluator" in text and "passes: []" in text
    assert "extra_providers: [OpenVINOExecutionProvider]" in text
    assert "Olive 0.13 runs one execution provider per accelerator (Olive 0.9 ran several)" in result.err
    out.write_text('olive: "0.9"\n' + text)
    assert _same_meaning(tmp_path / "lm-eval-only.yaml", out) == []
    target = compile_recipe(out).config["systems"]
    assert any(
        s["accelerators"][0]["execution_providers"][1:] == ["OpenVINOExecutionProvider"] for s in target.values()
    )


def test_defaults_that_differ_from_olive_are_written_from_the_source() -> None:
    config = {
        "input_model": {"type": "HfModel", "model_path": "org/m"},
        "passes": {"c": {"type": "OnnxConversion"}},
    }
    recipe = convert_config(config, None, "c.json").recipe
    assert recipe["model"]["task"] == "text-generation-with-past"  # Olive's default, not the recipe's
    assert recipe["host"] == "cpu"  # Olive runs on the local CPU when no host is given
    assert recipe["passes"][0]["use_dynamo_exporter"] is False


def test_a_09_pass_renders_for_09_with_its_registry(run_cli: Run, tmp_path: Path) -> None:
    result, out = _import(run_cli, tmp_path, "legacy-09-passes.json")
    assert result.code == 0, result.err
    assert "olive: '0.9'" in out.read_text()
    config = compile_recipe(out).config
    assert config["passes"]["qat"]["type"] == "QuantizationAwareTraining"
    assert config["engine"]["search_strategy"]["sampler"] == "random"  # search_algorithm, Olive 0.9's name
    result = run_cli("render", out, "--olive-version", "0.13")
    assert result.code == 1
    assert "unknown pass type 'QuantizationAwareTraining': removed after Olive 0.9.2" in result.err
    assert 'render for Olive 0.9 with `olive: "0.9"`' in result.err


def test_why_a_pass_or_parameter_is_unknown() -> None:
    assert why_unknown_pass("RyzenGenerateModelLLM") == "newer than Olive 0.13 (only on Olive's main branch)"
    assert why_unknown_pass("AitkPython") == "in no Olive release"
    assert why_unknown_pass("OrtPerfTuning").endswith("its successor is OrtSessionParamsTuning")
    assert successor("onnx_matmul4_quantizer") == "OnnxBlockWiseRtnQuantization"
    assert why_unknown_param("QuarkQuantization", "quant_config") == "removed after Olive 0.11.0"


@pytest.mark.parametrize(
    ("config", "label"),
    [
        ({"input_model": {"type": "PyTorchModel", "hf_config": {"model_name": "m"}}}, "<=0.6"),
        ({"passes": {"p": {"type": "OrtPerfTuning"}}}, "<=0.6"),
        ({"passes": {"p": {"type": "SNPEConversion"}}}, "0.7-0.9"),
        ({"passes": {"p": {"type": "OnnxConversion"}}, "engine": {}}, "0.7+"),
        ({"passes": {"p": {"type": "OnnxConversion", "use_dynamo_exporter": True}}}, "0.7+"),
        ({"passes": {"p": {"type": "MobiusBuilder"}}}, "0.10+"),
        ({"passes": {"p": {"type": "VitisGenerateModelLLM", "packed_const": True}}}, "0.7+"),  # 0.9.2 and main
        ({"passes": {"p": {"type": "QuarkQuantization", "quant_config": {}}}}, "0.7-0.9"),
    ],
)
def test_generation_label(config: dict[str, object], label: str) -> None:
    assert detect_generation(config) == label


def test_validate_takes_olive_configs_at_their_own_lines(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{\n  "input_model": {"type": "HfModel", "model_path": "org/m"},\n  "passes": {\n'
        '    "c": {"type": "OnnxConversion", "bogus_param": 1},\n    "t": {"type": "OrtPerfTuning"}\n  }\n}\n'
    )
    good = tmp_path / "good.yaml"
    good.write_text("input_model:\n  type: HfModel\n  model_path: org/m\npasses:\n  c:\n    type: OnnxConversion\n")
    assert is_olive_config(bad) and is_olive_config(good)
    assert not is_olive_config(ROOT / "examples" / "phi35-travel-lab.yaml")
    result = run_cli("validate", bad, good)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{bad}:4:37: error[invalid-value]: OnnxConversion has no parameter 'bogus_param'" in result.out
    assert f"{bad}:5:11: error[olive-renamed]: $.passes.t.type: Olive 0.13 has no 'OrtPerfTuning'" in result.out
    assert str(good) not in result.out
    assert compile_olive_config(good).config["passes"]["c"]["type"] == "OnnxConversion"


def test_raw_blocks_are_checked_against_olive_keys(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "model:\n  olive:\n    type: OnnxModle\n    model_path: m.onnx\n"
        "data:\n  - name: d\n    olive:\n      user_scrpt: u.py\n"
        "evaluate:\n  olive:\n    metrics:\n"
        "      - {name: a, type: accuracy, sub_types: [{name: accuracy, goall: 1}]}\n"
        "engine:\n  olive:\n    search_strategy: {execution_order: joint, sampler: tpe, max_sample: 3}\n"
    )
    with pytest.raises(RecipeError) as caught:
        compile_recipe(recipe)
    messages = [d.message for d in caught.value.diagnostics if d.severity is Severity.ERROR]
    assert any("unknown Olive model type 'OnnxModle'" in m for m in messages)
    assert any("'user_scrpt' is not a key of a data config in Olive" in m for m in messages)
    assert any("'goall' is not a key of a metric sub type in Olive" in m for m in messages)
    assert any("'max_sample' is not a key of a search strategy in Olive" in m for m in messages)


def test_values_olive_accepts(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "model:\n  path: org/m\nhost:\n  provider: cpu\n  device: CPU\n"
        "passes:\n  - type: OnnxConversion\n  - type: OrtTransformersOptimization\n    model_type: ''\n"
    )
    config = compile_recipe(recipe).config
    assert config["passes"]["ort_transformers_optimization"]["model_type"] == ""
    assert next(iter(config["systems"].values()))["accelerators"][0]["device"] == "cpu"


def test_meaning_sees_a_changed_host_and_ignores_spelling() -> None:
    a = {"input_model": {"type": "hfmodel", "model_path": "org/m"}, "passes": {"x": {"type": "onnxconversion"}}}
    b = {
        "input_model": {"type": "HfModel", "config": {"model_path": "org/m", "task": "text-generation-with-past"}},
        "passes": {"y": {"type": "OnnxConversion", "config": {"use_dynamo_exporter": False}}},
        "engine": {"cache_dir": ".olive-cache"},
    }
    assert differences(meaning(a, "/w"), meaning(b, "/w")) == []
    gpu = {**b, "systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "gpu"}]}}, "engine": {"host": "s"}}
    assert any(d.startswith("host.device") for d in differences(meaning(a, "/w"), meaning(gpu, "/w")))


def test_metrics_with_backend_goal_priority_are_typed(tmp_path: Path) -> None:
    config = {
        "input_model": {"type": "HfModel", "model_path": "org/m", "task": "text-classification"},
        "data_configs": [
            {
                "name": "glue",
                "type": "HuggingfaceContainer",
                "load_dataset_config": {"data_name": "glue", "subset": "mrpc", "split": "validation"},
                "pre_process_data_config": {"input_cols": ["sentence1", "sentence2"], "label_col": "label"},
            }
        ],
        "evaluators": {
            "e": {
                "metrics": [
                    {
                        "name": "acc",
                        "type": "accuracy",
                        "backend": "huggingface_metrics",
                        "data_config": "glue",
                        "sub_types": [
                            {"name": "f1", "priority": 1, "goal": {"type": "max-degradation", "value": 0.01}}
                        ],
                    },
                    {
                        "name": "lat",
                        "type": "latency",
                        "data_config": "glue",
                        "sub_types": [{"name": "avg", "priority": 2}],
                    },
                ]
            }
        },
        "passes": {"c": {"type": "OnnxConversion"}},
        "engine": {"evaluator": "e"},
    }
    recipe = convert_config(config, None, "c.json").recipe
    metrics = recipe["evaluate"]["metrics"]  # typed, not `olive:`
    assert metrics[0]["backend"] == "huggingface_metrics" and metrics[0]["data"] == "glue"
    assert recipe["data"][0]["olive"]["pre_process_data_config"]["label_col"] == "label"  # classification data: raw
    out = tmp_path / "c.json"
    out.write_text(json.dumps(config))
    from olivegen.importer import recipe_yaml

    conv = convert_config(config, None, str(out))
    (tmp_path / "r.yaml").write_text(recipe_yaml(conv.recipe, conv.comments, source="c.json", generation="0.10+"))
    assert _same_meaning(out, tmp_path / "r.yaml") == []


def test_several_sub_types_get_ranks_in_order_and_bad_names_are_refused(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    head = "model:\n  path: org/m\ndata:\n  - name: d\n    hub: {name: org/d}\n    text_cols: [text]\n"
    head += "passes:\n  - type: onnx\n"
    recipe.write_text(head + "evaluate:\n  metrics:\n    - {name: l, type: latency, sub_types: [avg, p90], data: d}\n")
    subs = compile_recipe(recipe).config["evaluators"]["evaluator"]["metrics"][0]["sub_types"]
    assert subs == [{"name": "avg", "priority": 1}, {"name": "p90", "priority": 2}]  # Olive refuses them unranked
    recipe.write_text(head + "evaluate:\n  metrics:\n    - {name: a, type: accuracy, sub_types: [bleu], data: d}\n")
    with pytest.raises(RecipeError) as caught:
        compile_recipe(recipe)
    assert "'bleu' is not one of Olive's accuracy sub types" in caught.value.diagnostics[0].message


WEIRD = [None, 1, "x", [], {}, [1], ["a"], {"a": 1}, {"type": 1}, {"type": "X", "config": 3}, [{"name": 1}], True]
BASE = {"input_model": {"type": "HfModel", "model_path": "org/m"}, "passes": {"c": {"type": "OnnxConversion"}}}


def _shapes(value: object) -> list[dict[str, object]]:
    return [
        {**BASE, "search_strategy": value, "evaluators": {"e": value}, "evaluator": "e"},
        {**BASE, "passes": {"c": value}, "systems": {"s": value}, "host": "s"},
        {**BASE, "passes": {"c": {"type": "OnnxConversion", "evaluator": value, "host": value}}},
        {**BASE, "data_configs": [value], "engine": {"cache_dir": value, "output_dir": value}},
        {**BASE, "evaluators": {"e": {"metrics": [value]}}, "evaluator": "e", "metrics": value},
        {**BASE, "evaluators": {"e": {"metrics": value}}, "evaluator": "e"},
        {**BASE, "input_model": {"type": "ONNXModel", "model_path": value, "config": value}},
        {**BASE, "systems": {"s": {"type": "LocalSystem", "accelerators": [value]}}, "target": "s"},
    ]


@pytest.mark.parametrize("value", WEIRD, ids=[json.dumps(v) for v in WEIRD])
def test_malformed_olive_configs_never_give_a_traceback(value: object, tmp_path: Path) -> None:
    for i, config in enumerate(_shapes(value)):
        path = tmp_path / f"c{i}.json"
        path.write_text(json.dumps(config))
        try:
            compile_olive_config(path)
        except RecipeError:
            pass


@pytest.mark.parametrize("value", [*WEIRD, {"metrics": 1}, {"metrics": [{"sub_types": 3}]}, {"search_strategy": 5}])
def test_malformed_olive_blocks_in_a_recipe_never_give_a_traceback(value: object, tmp_path: Path) -> None:
    import yaml

    for where in ("model", "data", "evaluate", "engine", "pass"):
        recipe: dict[str, object] = {"model": {"path": "org/m"}, "passes": [{"type": "onnx"}]}
        block = {"olive": value}
        if where == "model":
            recipe["model"] = block
        elif where == "data":
            recipe["data"] = [{"name": "d", **block}]
        elif where == "pass":
            recipe["passes"] = [{"type": "onnx", **block}, {"type": "OnnxStaticQuantization", **block}]
        else:
            recipe[where] = block
        path = tmp_path / f"{where}.yaml"
        path.write_text(yaml.safe_dump(recipe))
        try:
            compile_recipe(path)
        except RecipeError:
            pass


def test_a_system_key_olivegen_does_not_render_is_a_warning_once() -> None:
    config = {
        **BASE,
        "systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "cpu"}], "olive_managed_env": True}},
        "host": "s",
        "target": "s",
    }
    found = [d.message for d in convert_config(config, None, "c.json").diagnostics]
    assert (
        found.count(
            "$.systems.s.olive_managed_env has no meaning in Olive 0.13: a LocalSystem setting olivegen does not render"
        )
        == 1
    )


def test_several_providers_of_an_older_config_render_for_09() -> None:
    config = {
        "input_model": {"type": "PyTorchModel", "model_path": "m.pt"},
        "systems": {"s": {"type": "LocalSystem", "config": {"accelerators": ["gpu"]}}},
        "passes": {"c": {"type": "OnnxConversion"}},
        "engine": {"target": "s", "execution_providers": ["CUDAExecutionProvider", "TensorrtExecutionProvider"]},
    }
    converted = convert_config(config, None, "c.json")
    assert converted.generation == "<=0.6"
    assert converted.recipe["olive"] == "0.9"
    assert converted.recipe["target"]["extra_providers"] == ["TensorrtExecutionProvider"]


@pytest.mark.parametrize("name", [{"a": 1}, [1], 3, ""])
def test_a_data_config_name_that_is_not_text_is_a_warning(name: object, tmp_path: Path) -> None:
    config = {**BASE, "data_configs": [{"name": name, "type": "HuggingfaceContainer"}]}
    found = convert_config(config, None, "c.json")
    assert found.recipe["data"][0]["name"] == "data_0"
    assert any("$.data_configs[0].name has no meaning" in d.message for d in found.diagnostics)
    legacy = {**BASE, "data_configs": {"calib": {"name": name, "user_script": "u.py"}}}
    assert convert_config(legacy, None, "c.json").recipe["data"][0]["name"] == "calib"


def test_an_accelerator_without_device_takes_its_providers_device() -> None:
    config = {
        **BASE,
        "systems": {"s": {"type": "LocalSystem", "accelerators": [{"execution_providers": ["CUDAExecutionProvider"]}]}},
        "host": "s",
        "target": "s",
    }
    assert convert_config(config, None, "c.json").recipe["host"] == "cuda"  # Olive infers gpu, not cpu


def test_raw_block_paths_in_a_base_mean_the_base_folder_and_relocate(tmp_path: Path) -> None:
    """`olive:` paths a base writes are the base's, as its typed paths are; --relative-to reaches them."""
    (tmp_path / "b").mkdir()
    for name in ("s.py", "d.jsonl"):
        (tmp_path / "b" / name).write_text("\n", encoding="utf-8")
    (tmp_path / "b" / "base.yaml").write_text(
        "model: {path: org/m}\n"
        "data:\n  - name: calib\n    olive:\n      type: HuggingfaceContainer\n      user_script: s.py\n"
        "      load_dataset_config: {data_name: json, data_files: d.jsonl}\n"
        "passes:\n  - type: OnnxConversion\n",
        encoding="utf-8",
    )
    (tmp_path / "child.yaml").write_text("extends: b/base.yaml\n", encoding="utf-8")
    config = compile_recipe(tmp_path / "child.yaml").config
    data = config["data_configs"][0]
    assert data["user_script"] == str(tmp_path / "b" / "s.py")
    assert data["load_dataset_config"]["data_files"] == str(tmp_path / "b" / "d.jsonl")
    moved = compile_recipe(tmp_path / "child.yaml", relative_to=tmp_path).config["data_configs"][0]
    assert moved["user_script"] == "b/s.py" and moved["load_dataset_config"]["data_files"] == "b/d.jsonl"


@pytest.mark.parametrize("command", ["explain", "render"])
def test_an_olive_config_where_a_recipe_is_expected_is_one_error(run_cli: Run, command: str) -> None:
    config = ROOT / "tests" / "data" / "olive-configs" / "seed-guide-legacy.json"
    result = run_cli(command, config)
    assert result.code == 1
    assert "error[recipe]: this is an Olive config (it has `input_model:`), not an olivegen recipe" in result.err
    assert result.err.count("error[") == 1 and "olivegen import" in result.err
