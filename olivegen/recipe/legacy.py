"""Keys from older Olive configs and tutorials, and what a recipe says instead.

`OUTDATED_KEYS` are names that older Olive releases, transformers releases or
the Phi-3 Cookbook tutorials used and that are gone today: a recipe that
has one was copied from an old example (rule `legacy-key`). `OLIVE_CONFIG_KEYS`
are today's names in Olive's own config that a recipe spells differently
(rule `unknown-key`, with the recipe's spelling as the hint).
`LEGACY_KEYS` holds both.
"""

from __future__ import annotations

from olivegen.knowledge.catalog import OLIVE_GENERATION

OUTDATED_KEYS: dict[str, str] = {
    "lora_r": "Olive renamed `lora_r` to `r`: write `r: 64`",
    "lora_alpha": "Olive renamed `lora_alpha` to `alpha`: write `alpha: 64`",
    "evaluation_strategy": "transformers renamed it to `eval_strategy`: write `eval_strategy: steps`",
    "eval_dataset_size": (
        "Olive dropped `eval_dataset_size` (a random hold-out of the pre-processed samples): write `eval_split: 0.3`"
        " on the data set (its last 30% of rows) or name a held-out data set as `eval_data`"
    ),
    "hf_config": "Olive's `hf_config` is gone: write `model: {path: <id or folder>, task: ...}`",
    "model_loading_args": "write `trust_remote_code`/`torch_dtype` on `model`, other arguments in `model.load_kwargs`",
    "from_pretrained_args": (
        "write `trust_remote_code`/`torch_dtype` on `model`, other arguments in `model.load_kwargs`"
    ),
    "model_name": "write the Hugging Face id or folder as `model.path`",
    "model_file_format": "registry models are read as Olive finds them: write `model.registry` or an azureml:// path",
    "execution_providers": "write one provider on the system: `target: {provider: cuda}`",
    "aml_compute": "the AzureML system was removed from Olive 0.9.3; run `olive run` in an Azure ML job instead",
    "aml_docker_config": "the AzureML system was removed from Olive 0.9.3; use `type: docker` or an Azure ML job",
    "source_max_len": "write `max_seq_len` on the data set",
    "corpus_strategy": "write `strategy` on the data set",
    "dataset_type": "recipes build text-generation data; drop `dataset_type`",
    "params": "Olive's `params` level is gone: write the values directly on the data set",
    "group_by_length": "transformers 5 removed `group_by_length` from TrainingArguments; drop it",
    "warmup_ratio": "transformers 5 removed `warmup_ratio`; write `warmup_steps`",
    "hf_token": "never write tokens in a recipe: set HF_TOKEN in the environment of the run",
    "pass_flows": (
        f"Olive 0.8 removed pass_flows: Olive {OLIVE_GENERATION} runs `passes` in order; keep the passes of one flow"
        " (one recipe per flow, or a `matrix:` whose values `$delete` the passes a flow does not run)"
    ),
}

OLIVE_CONFIG_KEYS: dict[str, str] = {
    "accelerators": "write `device:` and `provider:` on the system",
    "data_files": "write local files as `files:` on the data set",
    "data_name": "write `files:` for local data or `hub: {name: ...}` for a Hub data set",
    "train_data_config": "write the data set's name as `train_data:`",
    "eval_data_config": "write the data set's name as `eval_data:`",
    "training_args": "write training arguments under `training:`",
    "output_dir": "write `output_dir` under `engine:`",
    "cache_dir": "write `cache_dir` under `engine:`",
    "log_severity_level": "write `log_level` under `engine:`",
    "search_strategy": "write `search` under `engine:` (false, or a mapping)",
    "config": "recipes have no `config:` level: write the values directly next to `type`",
    "metrics": (
        "Olive has no top-level `metrics` (no release reads metrics named by an evaluator):"
        " write the metrics under `evaluate:`"
    ),
}

LEGACY_KEYS: dict[str, str] = {**OLIVE_CONFIG_KEYS, **OUTDATED_KEYS}
