"""Olive <= 0.6.1 data configs (`components`, `params_config`) and `eval_dataset_size` on import (issue 9)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from olivegen.api import compile_olive_config
from olivegen.errors import RecipeError, Severity
from olivegen.importer import convert_config
from olivegen.knowledge.data_components import (
    current_default_type,
    legacy_default_types,
    legacy_takes,
    same_function,
)
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from olive_semantics import differences, meaning  # noqa: E402

HF_MODEL = {"type": "PyTorchModel", "config": {"hf_config": {"model_name": "org/tiny-llm", "task": "text-generation"}}}


def _config(data: dict[str, Any], **lora: Any) -> dict[str, Any]:
    return {
        "input_model": copy.deepcopy(HF_MODEL),
        "data_configs": {"train": {"name": "train", **data}},
        "passes": {"lora": {"type": "LoRA", "config": {"train_data_config": "train", **lora}}},
        "engine": {"output_dir": "out"},
    }


def _data(config: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    converted = convert_config(config, None, "olive.json")
    return converted.recipe["data"][0], [d.message for d in converted.diagnostics]


def test_params_config_goes_to_the_components_whose_function_takes_it() -> None:
    data, warnings = _data(
        _config(
            {
                "type": "HuggingfaceContainer",
                "params_config": {
                    "data_name": "org/corpus",
                    "split": "train",
                    "component_kwargs": {
                        "pre_process_data": {
                            "dataset_type": "corpus",
                            "text_cols": ["text"],
                            "corpus_strategy": "line-by-line",
                            "source_max_len": 512,
                            "pad_to_max_len": False,
                        }
                    },
                },
            }
        )
    )
    assert warnings == []
    # a Hugging Face text corpus every key of which a recipe types
    assert data == {
        "name": "train",
        "hub": {"name": "org/corpus"},
        "text_cols": ["text"],
        "max_seq_len": 512,
        "strategy": "line-by-line",
        "pad_to_max_len": False,
    }


def test_priorities_component_kwargs_over_params_config_over_params() -> None:
    data, _ = _data(
        _config(
            {
                "type": "RawDataContainer",
                "components": {"load_dataset": {"params": {"data_dir": "a", "input_suffix": ".bin"}}},
                "params_config": {
                    "data_dir": "b",
                    "input_names": ["x"],
                    "input_shapes": [[1, 3]],
                    "component_kwargs": {"load_dataset": {"input_names": ["y"]}},
                },
            }
        )
    )
    assert data["olive"] == {
        "type": "RawDataContainer",
        "load_dataset_config": {
            "params": {"data_dir": "b", "input_suffix": ".bin", "input_names": ["y"], "input_shapes": [[1, 3]]}
        },
    }


def test_a_default_component_olive_13_changed_is_written_out() -> None:
    # DummyDataContainer's dataloader was skip_dataloader up to 0.6.1, no_auto_batch_dataloader in 0.13
    data, _ = _data(_config({"type": "DummyDataContainer", "params_config": {"input_shapes": [[1, 8]]}}))
    assert data["olive"]["dataloader_config"] == {"type": "skip_dataloader"}
    assert data["olive"]["load_dataset_config"] == {"params": {"input_shapes": [[1, 8]]}}
    assert "pre_process_data_config" not in data["olive"]


def test_a_key_no_component_takes_is_a_warning_at_its_json_path() -> None:
    config = _config(
        {"type": "RawDataContainer", "params_config": {"input_names": ["x"], "input_shapes": [[1]], "batch_size": 4}}
    )
    converted = convert_config(config, None, "olive.json")
    warning = next(d for d in converted.diagnostics if d.severity is Severity.WARNING)
    assert warning.message.startswith("$.data_configs.train.params_config.batch_size has no meaning in Olive 0.13:")
    assert "batch_size" not in json.dumps(converted.recipe)


def test_a_user_function_keeps_params_config_and_validate_says_what_to_write(tmp_path: Path) -> None:
    config = _config(
        {
            "type": "HuggingfaceContainer",
            "user_script": "user_script.py",
            "components": {"load_dataset": {"type": "load_my_rows"}},
            "params_config": {"data_name": "org/corpus"},
        }
    )
    path = tmp_path / "olive.json"
    path.write_text(json.dumps(config, indent=1))
    (tmp_path / "user_script.py").write_text("")
    with pytest.raises(RecipeError) as caught:
        compile_olive_config(path)
    first = caught.value.diagnostics[0]
    assert first.message == (
        "`params_config` is gone since Olive 0.6.2 (Olive 0.2-0.6.1 gave each value to every component whose"
        " function has an argument of that name): write 'data_name' under the `params` of each component that takes it"
    )
    assert first.hint == "olivegen cannot tell whether 'load_my_rows' takes it"


def test_an_argument_that_differs_by_release_is_not_guessed(tmp_path: Path) -> None:
    # without component_kwargs the config may be Olive 0.2, whose huggingface_dataset had no data_files
    assert legacy_takes("load_dataset", "huggingface_dataset", "data_files", kwargs_form=False) is None
    assert legacy_takes("load_dataset", "huggingface_dataset", "data_files", kwargs_form=True) is True
    data, _ = _data(
        _config({"type": "HuggingfaceContainer", "params_config": {"data_name": "json", "data_files": "a.json"}})
    )
    assert data["olive"]["params_config"] == {"data_files": "a.json"}
    assert data["olive"]["load_dataset_config"] == {"params": {"data_name": "json"}}
    config = _config({})
    config["input_model"]["config"]["hf_config"] = {**HF_MODEL["config"]["hf_config"], "dataset": {"input_cols": ["t"]}}
    path = tmp_path / "olive.json"
    path.write_text(json.dumps(config, indent=1))
    with pytest.raises(RecipeError) as caught:
        compile_olive_config(path)
    first = caught.value.diagnostics[0]
    assert "write 'input_cols' under the `params`" in first.message
    assert first.hint == (
        "which components took it changed between Olive 0.2 and 0.6.1, and the config does not say which release it"
        " was written for"
    )
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if '"dataset"' in t)
    assert first.at is not None and first.at.line == line  # where hf_config.dataset was written


def test_the_component_table() -> None:
    assert same_function("post_process_data", "text_generatation_post_process") == "text_generation_post_process"
    assert legacy_default_types("HuggingfaceContainer", "pre_process_data", "text-generation", kwargs_form=True) == {
        "text_generation_huggingface_pre_process"
    }
    assert legacy_default_types("MyContainer", "load_dataset", None, kwargs_form=True) == set()
    assert current_default_type("HuggingfaceContainer", "post_process_data", "text-generation-with-past") == (
        "text_generation_post_process"
    )


@pytest.mark.skipif(
    not (Path(os.environ.get("OLIVE_GIT", "/work/.mirror/microsoft+Olive/repo")) / "HEAD").exists(),
    reason="needs a clone of Olive's git repository (OLIVE_GIT)",
)
def test_the_component_table_is_what_the_tool_reads_from_olive() -> None:
    repo = os.environ.get("OLIVE_GIT", "/work/.mirror/microsoft+Olive/repo")
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "legacy_data_components.py"), repo],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out == (ROOT / "schemas" / "olive-history" / "data-components.json").read_text()


def test_the_bench_reads_the_legacy_form_as_olive_did() -> None:
    legacy = _config(
        {
            "type": "HuggingfaceContainer",
            "params_config": {
                "data_name": "org/corpus",
                "split": "test",
                "component_kwargs": {"pre_process_data": {"source_max_len": 256, "text_cols": ["t"]}},
            },
        }
    )
    modern = {
        **legacy,
        "data_configs": [
            {
                "name": "train",
                "type": "HuggingfaceContainer",
                "load_dataset_config": {"params": {"data_name": "org/corpus", "split": "test"}},
                "pre_process_data_config": {"params": {"max_seq_len": 256, "text_cols": ["t"]}},
            }
        ],
    }
    assert differences(meaning(legacy, "/x"), meaning(modern, "/x")) == []
    modern["data_configs"][0]["load_dataset_config"]["params"]["split"] = "train"
    assert differences(meaning(legacy, "/x"), meaning(modern, "/x")) == [
        'data_configs.train.load_dataset_config.split: "test" -> "train"'
    ]


def _hub_data() -> dict[str, Any]:
    return {
        "type": "HuggingfaceContainer",
        "load_dataset_config": {"params": {"data_name": "org/corpus", "split": "train"}},
        "pre_process_data_config": {"params": {"text_cols": ["text"]}},
    }


def test_eval_dataset_size_as_a_count_is_refused_with_what_to_write(tmp_path: Path) -> None:
    path = tmp_path / "olive.json"
    path.write_text(json.dumps(_config(_hub_data(), eval_dataset_size=1024), indent=1))
    with pytest.raises(RecipeError) as caught:
        compile_olive_config(path)
    first = caught.value.diagnostics[0]
    assert first.message.startswith("eval_split is a fraction in (0, 1), not a count: Olive 0.13 has no way to hold")
    assert first.hint is not None and "`eval_data`" in first.hint


def test_eval_dataset_size_as_a_fraction_warns_that_the_held_out_rows_differ() -> None:
    converted = convert_config(_config(_hub_data(), eval_dataset_size=0.25), None, "olive.json")
    assert converted.recipe["data"][0]["eval_split"] == 0.25
    warning = next(d for d in converted.diagnostics if d.rule == "import-approximate")
    assert warning.message == (
        "$.passes.lora.config.eval_dataset_size: became `eval_split: 0.25` on data set 'train', which holds out the"
        " split's last 25% of rows before pre-processing; Olive <= 0.6 held out a random 25% of the pre-processed"
        " samples"
    )


def test_eval_dataset_size_beside_eval_data_config_is_dropped_as_olive_did() -> None:
    config = _config(_hub_data(), eval_dataset_size=0.25, eval_data_config="train")
    converted = convert_config(config, None, "olive.json")
    assert "eval_split" not in converted.recipe["data"][0]
    assert any("eval_dataset_size has no meaning" in d.message for d in converted.diagnostics)


def _metric_recipe(tmp_path: Path, user_config: str, raw: bool) -> Path:
    recipe = tmp_path / "r.yaml"
    head = "model:\n  path: org/m\ndata:\n  - name: d\n    hub: {name: org/d}\n    text_cols: [text]\n"
    head += "passes:\n  - type: onnx\n"
    metric = "{name: l, type: latency, sub_types: [avg], data: d, user_config: " + user_config + "}"
    if raw:
        metric = "{name: l, type: latency, sub_types: [{name: avg}], data_config: d, user_config: " + user_config + "}"
        recipe.write_text(head + "evaluate:\n  olive:\n    metrics:\n      - " + metric + "\n")
    else:
        recipe.write_text(head + "evaluate:\n  metrics:\n    - " + metric + "\n")
    return recipe


@pytest.mark.parametrize("raw", [False, True])
def test_metric_user_config_keys_olive_ignores_are_refused(tmp_path: Path, raw: bool) -> None:
    from olivegen.api import compile_recipe

    assert compile_recipe(_metric_recipe(tmp_path, "{io_bind: true}", raw)).config
    with pytest.raises(RecipeError) as caught:
        compile_recipe(_metric_recipe(tmp_path, "{dataloader_func: make_loader, batch_size: 4}", raw))
    first = caught.value.diagnostics[0]
    assert first.message == (
        "user_config 'dataloader_func' is how Olive <= 0.6 gave a metric its data, which Olive 0.13 ignores"
        " (the metric would get none)"
    )
    assert first.hint is not None and "name it in the metric's `data_config`" in first.hint
    with pytest.raises(RecipeError) as caught:
        compile_recipe(_metric_recipe(tmp_path, "{io_bnd: true}", raw))
    assert caught.value.diagnostics[0].message == (
        "'io_bnd' is not a key of a latency metric's user_config in Olive 0.13, which ignores it"
    )


def test_optimum_model_is_refused_with_how_olive_13_writes_it(tmp_path: Path) -> None:
    config = {
        "input_model": {
            "type": "OptimumModel",
            "config": {
                "model_path": "org/m",
                "model_components": ["decoder_model.onnx", "decoder_with_past_model.onnx"],
            },
        },
        "passes": {"convert": {"type": "OptimumConversion", "config": {"target_opset": 14}}},
    }
    path = tmp_path / "olive.json"
    path.write_text(json.dumps(config, indent=1))
    with pytest.raises(RecipeError) as caught:
        compile_olive_config(path)
    first = caught.value.diagnostics[0]
    assert first.message == "OptimumModel was removed after Olive 0.4"
    assert first.hint == (
        "write `type: HfModel` with its `model_path`, and give the OptimumConversion pass `components: [decoder_model,"
        " decoder_with_past_model]` and `extra_args: {legacy: true, no_post_process: true}`, which is how Olive 0.4"
        " exported it"
    )
    assert first.at is not None and (first.at.line, first.at.col) == (3, 3)  # the config's `type`


def test_hf_config_dataset_becomes_the_data_config_olive_made_of_it(tmp_path: Path) -> None:
    from olivegen.api import compile_recipe
    from olivegen.importer import recipe_yaml

    config = {
        "input_model": {
            "type": "PyTorchModel",
            "config": {
                "hf_config": {
                    "model_name": "org/bert",
                    "task": "text-classification",
                    "dataset": {"data_name": "glue", "subset": "mrpc", "split": "validation", "batch_size": 2},
                }
            },
        },
        "evaluators": {
            "common": {"metrics": [{"name": "acc", "type": "accuracy", "sub_types": [{"name": "accuracy_score"}]}]}
        },
        "passes": {
            "conversion": {"type": "OnnxConversion", "config": {"target_opset": 13}},
            "tuning": {"type": "OrtSessionParamsTuning", "config": {"data_config": "__input_model_data_config__"}},
        },
        "engine": {"evaluator": "common", "output_dir": "out"},
    }
    converted = convert_config(config, None, "olive.json")
    assert converted.recipe["model"] == {"path": "org/bert", "task": "text-classification"}
    assert converted.recipe["data"] == [
        {
            "name": "__input_model_data_config__",
            "olive": {
                "type": "HuggingfaceContainer",
                "load_dataset_config": {"params": {"data_name": "glue", "subset": "mrpc", "split": "validation"}},
                "pre_process_data_config": {"params": {"model_name": "org/bert"}},
                "dataloader_config": {"params": {"batch_size": 2}},
            },
        }
    ]
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        recipe_yaml(converted.recipe, converted.comments, source="o.json", generation=converted.generation)
    )
    rendered = compile_recipe(recipe).config
    assert rendered["evaluators"]["evaluator"]["metrics"][0]["data_config"] == "__input_model_data_config__"
    assert differences(meaning(config, str(tmp_path)), meaning(rendered, str(tmp_path))) == []


def test_a_hub_data_set_without_split_reads_olives_default_validation_split(tmp_path: Path) -> None:
    # huggingface_dataset(split="validation") in every Olive from 0.2 to 0.13
    data = {
        "type": "HuggingfaceContainer",
        "load_dataset_config": {"params": {"data_name": "org/corpus"}},
        "pre_process_data_config": {"params": {"text_cols": ["text"]}},
    }
    imported, _ = _data(_config(data))
    assert imported["split"] == "validation"
    rendered = {**_config(data), "data_configs": [{"name": "train", **data}]}
    with_train = copy.deepcopy(rendered)
    with_train["data_configs"][0]["load_dataset_config"]["params"]["split"] = "train"
    assert differences(meaning(rendered, "/x"), meaning(with_train, "/x")) == [
        'data_configs.train.load_dataset_config.split: "validation" -> "train"'
    ]
