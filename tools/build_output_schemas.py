"""Write schemas/olive-<gen>/olive-config.schema.json: the strict shape of what olivegen renders.

Run after tools/vendor_olive.py (it reads each generation's passes.json)::

    python tools/build_output_schemas.py

Stricter than Olive's own RunConfig schema (which leaves most objects free-form): only keys
Olive reads, no extras. Pass parameters are checked separately against passes.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GENERATIONS = ("0.13", "0.9")
STRING = {"type": "string", "minLength": 1}


def _system(generation: str) -> dict[str, Any]:
    types = ["LocalSystem", "Docker", "PythonEnvironment"] + (["AzureML"] if generation == "0.9" else [])
    props: dict[str, Any] = {
        "type": {"enum": types},
        "accelerators": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {"$ref": "#/$defs/accelerator"},
        },
        "dockerfile": {"type": "string"},
        "build_context_path": {"$ref": "#/$defs/path"},
        "image_name": {"type": "string"},
        "work_dir": {"type": "string"},
        "build_args": {"type": "object"},
        "run_params": {"type": "object"},
        "clean_image": {"type": "boolean"},
        "python_environment_path": {"$ref": "#/$defs/path"},
        "environment_variables": {"type": "object", "additionalProperties": {"type": "string"}},
        "prepend_to_path": {"type": "array", "items": {"$ref": "#/$defs/path"}},
    }
    rules: list[dict[str, Any]] = [
        {
            "if": {"properties": {"type": {"const": "Docker"}}},
            "then": {"required": ["dockerfile", "build_context_path"]},
        },
    ]
    if generation == "0.9":
        props["aml_compute"] = STRING
        props["aml_docker_config"] = {
            "type": "object",
            "additionalProperties": False,
            "required": ["base_image"],
            "properties": {"base_image": STRING, "conda_file_path": {"$ref": "#/$defs/path"}},
        }
        props["hf_token"] = {"type": "boolean"}
        rules.append({"if": {"properties": {"type": {"const": "AzureML"}}}, "then": {"required": ["aml_compute"]}})
        rules.append(
            {
                "if": {"properties": {"type": {"not": {"const": "AzureML"}}}},
                "then": {"properties": {"aml_compute": False, "aml_docker_config": False, "hf_token": False}},
            }
        )
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "accelerators"],
        "properties": props,
        "allOf": rules,
    }


def _data_files(generation: str) -> dict[str, Any]:
    options: list[dict[str, Any]] = [STRING, {"type": "array", "minItems": 1, "items": {"type": "string"}}]
    if generation == "0.9":
        options.append(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "config"],
                "properties": {
                    "type": {"const": "azureml_datastore"},
                    "config": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["azureml_client", "datastore_name", "relative_path"],
                        "properties": {
                            "azureml_client": {"$ref": "#/$defs/azureml_client"},
                            "datastore_name": STRING,
                            "relative_path": STRING,
                        },
                    },
                },
            }
        )
    return {"oneOf": options}


def schema(generation: str, pass_names: list[str], providers: list[str]) -> dict[str, Any]:
    """Return the output schema of one generation."""
    top: dict[str, Any] = {
        "workflow_id": STRING,
        "input_model": {"anyOf": [{"$ref": "#/$defs/hf_model"}, {"$ref": "#/$defs/raw_model"}]},
        "systems": {"type": "object", "minProperties": 1, "additionalProperties": {"$ref": "#/$defs/system"}},
        "data_configs": {
            "type": "array",
            "items": {"anyOf": [{"$ref": "#/$defs/data_config"}, {"$ref": "#/$defs/raw_data_config"}]},
        },
        "evaluators": {
            "type": "object",
            "additionalProperties": {"anyOf": [{"$ref": "#/$defs/evaluator"}, {"$ref": "#/$defs/raw_evaluator"}]},
        },
        "passes": {"type": "object", "additionalProperties": {"$ref": "#/$defs/pass"}},
        "engine": {"$ref": "#/$defs/engine"},
    }
    run_config = json.loads((ROOT / "schemas" / f"olive-{generation}" / "run-config.schema.json").read_text())
    olive_defs = run_config.get("$defs") or run_config["definitions"]  # pydantic v2 (0.13) or v1 (0.9)

    def keys_of(definition: str, *also: str) -> dict[str, Any]:
        names = sorted({*olive_defs[definition]["properties"], *also})
        return {"type": "object", "propertyNames": {"enum": names}}

    defs: dict[str, Any] = {
        "path": STRING,
        # the `olive:` escape hatch of a recipe: Olive's own keys, checked by name (olivegen/recipe/raw.py)
        "raw_model": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string", "minLength": 1}},
        },
        "raw_data_config": {**keys_of("DataConfig"), "required": ["name"]},
        "raw_evaluator": {  # an evaluator `type` (LMEvaluator ...) takes its own arguments beside it
            "anyOf": [keys_of("OliveEvaluatorConfig"), {"type": "object", "required": ["type"]}]
        },
        "raw_search": {
            **keys_of("SearchStrategyConfig", "max_samples", "seed", "multivariate", "group"),
            "anyOf": [
                {"required": [k]}
                for k in ("sampler_config", "output_model_num", "stop_when_goals_met", "include_pass_params")
                + ("max_samples", "seed", "multivariate", "group")  # moved into sampler_config by Olive
            ],
        },
        "hf_model": {
            "type": "object",
            "additionalProperties": False,
            "required": ["type", "model_path", "task"],
            "properties": {
                "type": {"const": "HfModel"},
                "model_path": {
                    "oneOf": [
                        {"$ref": "#/$defs/path"},
                        {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["type", "config"],
                            "properties": {
                                "type": {"const": "azureml_registry_model"},
                                "config": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "required": ["registry_name", "name", "version"],
                                    "properties": {
                                        "registry_name": STRING,
                                        "name": STRING,
                                        "version": STRING,
                                    },
                                },
                            },
                        },
                    ]
                },
                "task": STRING,
                "load_kwargs": {
                    "type": "object",
                    "properties": {
                        "trust_remote_code": {"type": "boolean"},
                        "torch_dtype": {"enum": ["auto", "float32", "float16", "bfloat16"]},
                    },
                },
                "adapter_path": {"$ref": "#/$defs/path"},
            },
        },
        "accelerator": {
            "type": "object",
            "additionalProperties": False,
            "required": ["device", "execution_providers"],
            "properties": {
                "device": {"enum": ["cpu", "gpu", "npu"]},
                "execution_providers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"enum": providers},
                },
            },
        },
        "system": _system(generation),
        "data_config": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "type", "load_dataset_config", "pre_process_data_config"],
            "properties": {
                "name": STRING,
                "type": {"const": "HuggingfaceContainer"},
                "load_dataset_config": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["data_name", "split"],
                    "properties": {
                        "data_name": STRING,
                        "subset": {"type": "string"},
                        "split": STRING,
                        "data_files": _data_files(generation),
                        "delimiter": {"type": "string", "minLength": 1},
                    },
                },
                "pre_process_data_config": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "strategy": {
                            "enum": [
                                "join",
                                "join-random",
                                "join-sliding-window",
                                "line-by-line",
                                "line-by-line-random",
                            ]
                        },
                        "max_seq_len": {"type": "integer", "minimum": 1},
                        "text_template": {"type": "string"},
                        "text_cols": {"type": "array", "items": {"type": "string"}},
                        "chat_template": {"type": "boolean"},
                        "message_col": {"type": "string"},
                        "stride": {"type": "integer", "minimum": 1},
                        "pad_to_max_len": {"type": "boolean"},
                        "use_attention_mask": {"type": "boolean"},
                        "add_special_tokens": {"type": "boolean"},
                        "max_samples": {"type": "integer", "minimum": 1},
                    },
                },
            },
        },
        "evaluator": {
            "type": "object",
            "additionalProperties": False,
            "required": ["metrics"],
            "properties": {
                "metrics": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["name", "type", "sub_types", "data_config"],
                        "properties": {
                            "name": {"type": "string"},
                            "type": {"enum": ["accuracy", "latency", "throughput"]},
                            "sub_types": {
                                "type": "array",
                                "minItems": 1,
                                "items": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "required": ["name"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "priority": {"type": "integer", "minimum": 1},
                                        "goal": {
                                            "type": "object",
                                            "additionalProperties": False,
                                            "required": ["type", "value"],
                                            "properties": {"type": {"type": "string"}, "value": {"type": "number"}},
                                        },
                                        "higher_is_better": {"type": "boolean"},
                                        "metric_config": {"type": "object"},
                                    },
                                },
                            },
                            "data_config": {"type": "string"},
                            "backend": {"enum": ["torch_metrics", "huggingface_metrics"]},
                            "user_config": {"type": "object"},
                        },
                    },
                }
            },
        },
        "pass": {"type": "object", "required": ["type"], "properties": {"type": {"enum": pass_names}}},
        "engine": {
            "type": "object",
            "propertyNames": {"enum": sorted(olive_defs["RunEngineConfig"]["properties"])},
            "required": ["host", "target", "output_dir", "cache_dir"],
            "properties": {
                "host": {"type": "string"},
                "target": {"type": "string"},
                "output_dir": {"$ref": "#/$defs/path"},
                "cache_dir": {"$ref": "#/$defs/path"},
                "log_severity_level": {"enum": [0, 1, 2, 3, 4]},
                "evaluate_input_model": {"type": "boolean"},
                "clean_cache": {"type": "boolean"},
                "evaluator": {"type": "string"},
                "search_strategy": {
                    "oneOf": [
                        {"const": False},
                        {"$ref": "#/$defs/raw_search"},
                        {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["execution_order", "sampler"],
                            "not": {"$ref": "#/$defs/raw_search"},
                            "properties": {
                                "execution_order": {"enum": ["joint", "pass-by-pass"]},
                                "sampler": {"enum": ["random", "sequential", "tpe"]},
                                "max_iter": {"type": "integer"},
                                "max_time": {"type": "integer"},
                            },
                        },
                    ]
                },
            },
        },
    }
    required = ["workflow_id", "input_model", "systems", "data_configs", "passes", "engine"]
    if generation == "0.9":
        top["azureml_client"] = {"$ref": "#/$defs/azureml_client"}
        defs["azureml_client"] = {
            "type": "object",
            "additionalProperties": False,
            "required": ["subscription_id", "resource_group", "workspace_name"],
            "properties": {
                "subscription_id": STRING,
                "resource_group": STRING,
                "workspace_name": STRING,
                "keyvault_name": STRING,
            },
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://olivegen.dev/schemas/olive-{generation}/olive-config.schema.json",
        "title": f"Olive {generation} run config, as olivegen renders it",
        "description": "Stricter than RunConfig's own schema: only keys Olive reads, no free-form extras. "
        "Pass parameters are checked separately against passes.json. Generated by tools/build_output_schemas.py.",
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": top,
        "$defs": defs,
    }


def main() -> int:
    """Write every generation's output schema."""
    for generation in GENERATIONS:
        folder = ROOT / "schemas" / f"olive-{generation}"
        facts = json.loads((folder / "passes.json").read_text())
        out = schema(generation, sorted(facts["passes"]), facts["execution_providers"])
        (folder / "olive-config.schema.json").write_text(json.dumps(out, indent=1) + "\n")
        print(f"wrote {folder / 'olive-config.schema.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
