"""Why each bound of the recipe refuses what it refuses: the source line that fails, or a real run (issue 19).

A bound of the recipe format (a range, a list of words, a pattern, a validator) refuses a value as
`invalid-value`; Olive is the judge, so each one names the Olive 0.13 / transformers / peft / torch /
datasets / onnxruntime-genai source line that makes a value outside it fail, or the real run that did.
`EVIDENCE` is keyed `Model.field` (the recipe model's class and field, or a model validator's name);
`olivegen.recipe.bounds` lists every bound of every recipe model, tests/unit/test_value_evidence.py
fails on a bound without an entry here (or an entry without a bound), and the "Evidence by field"
table of docs/rules.md is generated from both (`python -m tools.docs_evidence`).

Versions: olive-ai 0.13.0, transformers 5.25.0, peft 0.22.0, torch 2.13.0, datasets 5.2.0,
accelerate (installed with them), onnxruntime-genai 0.14.1; paths are inside site-packages.
"""

from __future__ import annotations

# The NUL rule of every text field (olivegen/recipe/base.py `_no_nul`).
NUL_EVIDENCE = "a NUL character: no file name or id holds one (Python's os calls raise ValueError 'embedded null byte')"
_NUL = NUL_EVIDENCE
_PASSES = (
    "Olive's pass registry (olive/package_config.py:58-67): the type picks the typed pass; any other"
    " spelling is a pass-type finding"
)
_RAW = (
    "Olive's own config classes, vendored in schemas/olive-0.13/ (`validate --olive` reports the same): a key"
    " they lack is dropped with a log line (olive/common/config_utils.py:376-383 'Keys ... are not part of ..."
    " Ignoring them'), a value they cannot take is refused"
)
_DATA_REF = (
    "names a data set of the recipe: empty names none (unknown-data); the pattern is a superset of Olive's"
    " data config names, ^[A-Za-z0-9_]+$ (olive/data/config.py:70-73), whose rest the data-name rule refuses"
)
_BITS = (
    "Olive's PrecisionBits (2, 4, 8, 16, 32: olive/passes/pytorch/quant_utils.py:40-44) are what its config check"
    " takes; the packing asserts 'Only 2-bit, 4-bit and 8-bit quantization supported'"
    " (olive/common/quant/utils.py:212); 2 bits run through ModelBuilder int4 (real run: rtn.bits-2)"
)
_LOG_LEVELS = "olive/logging.py:65-71 `set_default_logger_severity`: 0 DEBUG ... 4 CRITICAL"
# An empty Azure or Docker id: reasoned (no resource has an empty name), not run here (neither service is
# reachable from this machine); the docs table shows the words "not run here".
_LOOKUP = "empty: names no Azure or Docker resource (not run here: the service is not reachable); " + _NUL
# An empty text among a pass's parameters: Path('') is the current folder, so Olive takes it for a folder
# resource and writes its absolute path in its place (olive/resource_path.py:134-137, 158-185), which the
# pass's parameter then refuses (real run: seed.modules-to-save-empty-name, exit 1, '3 validation errors for
# LoRAConfig').
_EMPTY_PARAM = (
    "empty: Olive turns '' into the current folder's absolute path (olive/resource_path.py:134-137, 158-185)"
    " and the pass's config refuses it (real run: seed.modules-to-save-empty-name, exit 1); " + _NUL
)

EVIDENCE: dict[str, str] = {
    # --- top level
    "Recipe.name": (
        "becomes Olive's workflow_id, a folder of the cache (olive/cache.py:133 `Path(...) / workflow_id`);"
        " the pattern keeps it one folder name (a space or a slash is olivegen's own narrowing: Olive takes any"
        " text)"
    ),
    "Recipe.olive": (
        "olivegen's own key, the Olive release rendered for: olivegen has a template and vendored facts for"
        " these only (olivegen/knowledge/catalog.py)"
    ),
    "Recipe._search_needs_evaluation": (
        "olive/workflows/run/config.py:287-291 (olive-ai 0.13.0; 0.9.2: config.py:287) 'Can't search without a"
        " valid evaluator config' (seed.search-without-evaluate)"
    ),
    "Recipe.passes": "real run seed.no-passes: with no pass and no evaluation Olive 0.13 exits 0 having written no"
    " model (KeyError: None in its log)",
    "AzureMLWorkspace.subscription_id": _LOOKUP,
    "AzureMLWorkspace.resource_group": _LOOKUP,
    "AzureMLWorkspace.workspace": _LOOKUP,
    "AzureMLWorkspace.keyvault": _LOOKUP,
    # --- model
    "InputModel.path": (
        "empty: transformers' from_pretrained('') raises OSError 'Repo id must use alphanumeric chars ...'"
        " (checked offline, transformers 5.25.0); " + _NUL
    ),
    "InputModel.task": (
        "empty: olive/common/hf/utils.py:137 `check_task(task)` -> transformers 5.25.0 pipelines/base.py:1391"
        " KeyError('Unknown task , available tasks are ...'); " + _NUL
    ),
    "InputModel.torch_dtype": "olive/common/utils.py:315-320 resolve_torch_dtype: a name torch lacks raises 'Invalid"
    " dtype'; the floating dtypes a causal LM loads in are offered (float64 ran: seed.model-dtype-float64); torch's"
    " integer and float8 dtypes are not (narrower than Olive, no run)",
    "InputModel.adapter_path": "empty: olive/resource_path.py:134-137 makes '' the current folder, which holds no"
    " adapter; " + _NUL,
    "InputModel.olive": _RAW,
    "InputModel._one_source": (
        "the recipe format: one model, Olive's input_model has one `model_path` (olive/workflows/run/config.py:122)"
    ),
    "RegistryModel.registry": _LOOKUP,
    "RegistryModel.name": _LOOKUP,
    "RegistryModel.version": _LOOKUP,
    # --- data
    "DataSpec.name": _DATA_REF,
    "DataSpec.files": (
        "empty: datasets 5.2.0 load.py:1648 \"Empty 'data_files': ''. It should be either non-empty or None\""
        " (checked with load_dataset('json', data_files='')); " + _NUL
    ),
    "DataSpec.format": (
        "Olive hands it to datasets.load_dataset as `data_name` (olive/data/component/load_dataset.py:40);"
        " datasets 5.2.0 has these builders (datasets/packaged_modules/__init__.py:52-80) and takes any other"
        " name for a Hub data set id, not a file format (checked offline: load_dataset('jsonl', data_files=...)"
        " raises ConnectionError 'Couldn't reach 'jsonl' on the Hub')"
    ),
    "Datastore.format": (
        "read through azureml-fsspec by the same datasets builders (datasets/packaged_modules/__init__.py:52-80)"
    ),
    "DataSpec.split": (
        "empty: datasets 5.2.0 naming.py:58 \"Split name should match '^\\w+(\\.\\w+)*$' but got ''\" (checked"
        " with load_dataset('json', split='')); " + _NUL
    ),
    "DataSpec.eval_split": (
        "olivegen's own key, rendered as `split[:N%]` and `split[N%:]` (olivegen/render/context.py:186-187):"
        " datasets slices take whole percents (datasets/arrow_reader.py:47-55, `-?[\\d_]+%`), so a fraction in"
        " (0, 1) of whole percents; 0 holds out nothing and 1 trains on nothing (max_samples 0 shows an empty"
        " training set fails: seed.max-samples-0); a count is Olive <= 0.6's eval_dataset_size, which 0.13 lacks"
    ),
    "DataSpec.text_cols": (
        "empty: olive/data/component/text_generation.py:402 `example[col] for col in cols` reads a column named ''"
        " (KeyError); " + _NUL
    ),
    "DataSpec.message_col": (
        "empty: olive/data/component/text_generation.py:392 `example[message_col]` reads a column named ''"
        " (KeyError); " + _NUL
    ),
    "DataSpec.max_seq_len": "olive/data/component/text_generation.py:257: the window steps by max_seq_len (no stride"
    " given), and 0 raises 'range() arg 3 must not be zero' (real run seed.max-seq-len-zero); a word fails Olive's"
    " TextGenParams (real run seed.max-seq-len-word)",
    "DataSpec.strategy": "Olive's TextGenStrategy (olive/data/component/text_generation.py:20-29): no other word",
    "DataSpec.stride": (
        "olive/data/component/text_generation.py:257 `range(0, ..., step)` with step = stride: 0 raises"
        " ValueError('range() arg 3 must not be zero'); a negative stride makes no sample (an empty range)"
    ),
    "DataSpec.max_samples": (
        "0 or less makes no sample with the join strategies (olive/data/component/text_generation.py:235-237),"
        " and an empty training set fails in datasets ('Please pass `features` or at least one example'; real"
        " run: seed.max-samples-0); with line-by-line 0 reads as unset (text_generation.py:307): leave it out"
    ),
    "DataSpec.olive": _RAW,
    "DataSpec._one_source": (
        "Olive's load_dataset_config has one `data_name`/`data_files` (the recipe format: one source);"
        " join-sliding-window without stride: olive/data/component/text_generation.py:130-136 raises 'stride must"
        " be specified'; a random strategy without max_samples: text_generation.py:140-145 raises 'max_samples must"
        " be specified when strategy is random'; no text: text_generation.py:107-126 'One of text_cols, ... must be"
        " specified'"
    ),
    "HubDataset.name": "empty: datasets.load_dataset('') raises IndexError (checked offline, datasets 5.2.0); " + _NUL,
    "HubDataset.subset": (
        "Olive hands it to load_dataset as `name` (olive/data/component/load_dataset.py:40); empty is the"
        " default configuration (load_dataset('json', name='') runs), so only " + _NUL
    ),
    "Datastore.subscription_id": _LOOKUP,
    "Datastore.resource_group": _LOOKUP,
    "Datastore.workspace": _LOOKUP,
    "Datastore.datastore": _LOOKUP,
    "Datastore.path": _LOOKUP,
    # --- host / target
    "SystemSpec.type": (
        "Olive 0.13's SystemType: Docker, LocalSystem, PythonEnvironment (olive/systems/common.py:13-16);"
        " azureml is Olive 0.9's AzureMLSystem (the olive-version rule refuses it for 0.13)"
    ),
    "SystemSpec.provider": (
        "an execution provider this Olive knows (vendored facts): on a local system an unknown one is not among"
        " the available providers and Olive raises 'None of the execution providers ... cannot be found'"
        " (olive/systems/accelerator_creator.py:158-162); empty names none; " + _NUL
    ),
    "SystemSpec.device": (
        "the devices Olive keeps providers for: cpu, gpu, npu (olive/hardware/constants.py:53-72), which the"
        " provider-device rule checks a provider against; Olive's Device enum also has cpu_spr, vpu,"
        " intel_myriad and any (olive/hardware/accelerator.py:15-22), for which it keeps no provider table and"
        " takes any available provider (accelerator.py:85-92): olivegen's narrowing, no failure shown"
    ),
    "SystemSpec.extra_providers": (
        "Olive 0.13: 'Only one execution provider is supported per accelerator' (olive/systems/common.py:38-39);"
        " Olive 0.9 ran several; " + _NUL
    ),
    "SystemSpec.dockerfile": _LOOKUP + "; Olive builds `build_context_path / dockerfile`"
    " (olive/systems/docker/docker_system.py:80)",
    "SystemSpec.build_context": _NUL + " (empty: the recipe's folder, olivegen/render/context.py:124)",
    "SystemSpec.image_name": _LOOKUP + " (docker: an empty tag is an invalid reference)",
    "SystemSpec.work_dir": ("olive/systems/system_config.py:47-52: 'work_dir must be an absolute path'; " + _NUL),
    "SystemSpec.python": (
        "empty: Olive reads it as unset (olive/systems/system_config.py:61-65) and PythonEnvironmentSystem raises"
        " 'python_environment_path is required' (olive/systems/python_environment/python_environment_system.py:40-41);"
        " " + _NUL
    ),
    "SystemSpec.prepend_to_path": _NUL + " (empty: the recipe's folder, olivegen/render/context.py:135)",
    "SystemSpec.compute": _LOOKUP,
    "SystemSpec.image": _LOOKUP,
    "SystemSpec.conda_file": _LOOKUP,
    "SystemSpec._kind_fields": (
        "Olive's DockerTargetUserConfig requires dockerfile and build_context_path"
        " (olive/systems/system_config.py:33-36); an azureml system (Olive 0.9) requires its compute and image;"
        " a key of another kind of system is unknown to that system's config class"
    ),
    # --- passes
    "PassBase.name": _NUL + " (empty: the default key, olivegen/knowledge/catalog.py:331 `if name:`)",
    "PassBase.olive": _RAW,
    "PassBase.options": _RAW + " (the pass's own parameters: Olive's pass config class forbids other keys)",
    "GenericPass.type": _PASSES + "; " + _NUL,
    "GenericPass.config": _RAW + " (the pass's own parameters: Olive's pass config class forbids other keys)",
    "LoRA.type": _PASSES,
    "QLoRA.type": _PASSES,
    "MergeAdapterWeights.type": _PASSES,
    "ModelBuilder.type": _PASSES,
    "AutoAWQQuantizer.type": _PASSES,
    "Gptq.type": _PASSES,
    "Rtn.type": _PASSES,
    "OnnxConversion.type": _PASSES,
    "OrtTransformersOptimization.type": _PASSES,
    "OnnxBlockWiseRtnQuantization.type": _PASSES,
    "ExtractAdapters.type": _PASSES,
    "_LoRAFields.r": "peft 0.22.0 peft/tuners/lora/layer.py:243-244 `if r <= 0: raise ValueError` (real run:"
    " seed.lora-r-0 fails, seed.lora-r-5000 runs)",
    "_LoRAFields.lora_dropout": "torch 2.13 torch/nn/modules/dropout.py:24-26 'dropout probability has to be between"
    " 0 and 1' (real run: seed.lora-dropout-1.5)",
    "_LoRAFields.torch_dtype": "olive/passes/pytorch/lora.py:486-487 `assert torch_dtype in ('bfloat16', 'float16',"
    " 'float32')` (real run seed.lora-dtype-float64)",
    "_LoRAFields.target_modules": "an empty name (or one the model lacks: real run seed.target-modules-unknown)"
    " matches no module: peft raises 'Target modules ... not found in the base model'"
    " (peft/tuners/tuners_utils.py:1115); " + _NUL,
    "_LoRAFields.modules_to_save": _EMPTY_PARAM,
    "_LoRAFields.train_data": _DATA_REF,
    "_LoRAFields.eval_data": _DATA_REF,
    "QLoRA.quant_type": "bitsandbytes' 4-bit types nf4 and fp4: another fails when transformers converts the weights"
    " (real run qlora.quant-type-nf8: RuntimeError, no model written)",
    "QLoRA.compute_dtype": "olive/passes/pytorch/lora.py:486-487 (the same dtype check; real run"
    " qlora.compute-float64)",
    "ModelBuilder.precision": (
        "olive/passes/onnx/model_builder.py:205: validate_config keeps fp32, fp16, bf16, int8, int4 only"
        " (another Precision skips the pass); int8 then fails in onnxruntime-genai 0.14.1 (builder-precision)"
    ),
    "ModelBuilder.int4_block_size": "ModelBuilder.BlockSize (olive/passes/onnx/model_builder.py:41-46): Olive's"
    " config check refuses another size (seed.builder-block-48)",
    "ModelBuilder.int4_accuracy_level": "ModelBuilder.AccuracyLevel 1-4 (olive/passes/onnx/model_builder.py:48-52):"
    " Olive's config check refuses another level (seed.builder-accuracy-5)",
    "ModelBuilder.int4_nodes_to_exclude": _EMPTY_PARAM,
    "ModelBuilder.int4_op_types_to_quantize": _EMPTY_PARAM,
    "AutoAWQQuantizer.bits": "AutoAWQ v0.2.9 awq/modules/linear/gemm.py:122-123 'Only 4-bit are supported for now.'",
    "AutoAWQQuantizer.q_group_size": "AutoAWQ v0.2.9 awq/modules/linear/gemm.py:128-149: -1 (per channel) or a size"
    " dividing the input features; 0 divides by zero",
    "AutoAWQQuantizer.version": "AutoAWQ v0.2.9 awq/models/_config.py:24 (lower-cased) and"
    " awq/quantize/quantizer.py:236-252 'Unknown version'",
    "AutoAWQQuantizer.modules_to_not_convert": _EMPTY_PARAM,
    "AutoAWQQuantizer.data": _DATA_REF,
    "Gptq.bits": _BITS,
    "Gptq.group_size": "olive/passes/pytorch/gptq.py:74-76 validate_config: 'group_size must be -1 or greater than 0'"
    " (the pass is skipped); olive/common/quant/nn.py:56-57: a group is -1 or a power of two >= 16 (real runs"
    " rtn.group-negative and rtn.group-24 of Rtn, which writes the same QuantLinear)",
    "Gptq._act_order": "olive/passes/pytorch/gptq.py:78-80 validate_config: 'desc_act can only be True when"
    " group_size is -1' (the pass is skipped)",
    "Gptq.damp_percent": "olive/passes/pytorch/gptq.py:179-182 adds damp x the mean diagonal before a Cholesky:"
    " a negative one fails (real run gptq.damp-negative: 'not positive-definite'); 2 runs (gptq.damp-2)",
    "Gptq.data": _DATA_REF,
    "Rtn.bits": _BITS,
    "Rtn.group_size": "olive/common/quant/nn.py:56-57 'group_size must be >= 16 and power of 2' unless -1 (real runs"
    " rtn.group-negative, rtn.group-24)",
    "OnnxConversion.target_opset": "onnxruntime 1.32 refuses to load an opset above 28 (model_load_utils.h:46,"
    " checked with a one-Add model); real run onnx.opset-40 fails (INVALID_GRAPH), onnx.opset-5 runs",
    "OnnxConversion.torch_dtype": "olive/common/utils.py:315-320: a name torch lacks raises 'Invalid dtype'; the"
    " floating dtypes are offered (real run onnx.dtype-float64 exports in float64); other torch dtypes are not"
    " (narrower than Olive, no run)",
    "OrtTransformersOptimization.opt_level": "onnxruntime 1.32 onnxruntime/transformers/optimizer.py:328"
    " `assert opt_level is None or opt_level in [0, 1, 2, 99]` (real run: onnx.opt-level-3)",
    "OrtTransformersOptimization.num_heads": "real run onnx.num-heads-negative: onnxruntime's fusion asserts"
    " (AssertionError, exit 1)",
    "OnnxBlockWiseRtnQuantization.block_size": "olive/passes/onnx/rtn_quantization.py:263-264 'Block size must be a"
    " power of 2' (real run onnx.block-100); MatMulNBits' sizes 16-256 are offered, larger powers of two are not"
    " (narrower than Olive, no run)",
    "OnnxBlockWiseRtnQuantization.accuracy_level": "Olive's AccuracyLevel 0-4 (olive/constants.py:119-124): Olive's"
    " config check refuses another (onnx.accuracy-7)",
    "OnnxBlockWiseRtnQuantization.nodes_to_exclude": _EMPTY_PARAM,
    "OnnxBlockWiseRtnQuantization.nodes_to_include": _EMPTY_PARAM,
    "ExtractAdapters.save_format": "Olive's WeightsFileFormat (olive/common/utils.py:586-590): Olive's config check"
    " refuses another",
    "ExtractAdapters.adapter_type": "Olive's AdapterType (olive/passes/onnx/common.py:34-37): Olive's config check"
    " refuses another",
    # --- training arguments (transformers.TrainingArguments, built by olive/passes/pytorch/train_utils.py:77-93)
    "TrainingArgs.learning_rate": "torch 2.13 torch/optim/adam.py:58-59 'Invalid learning rate' below 0 (real runs,"
    " issue 19: seed.training-lr-word)",
    "TrainingArgs.per_device_train_batch_size": "torch 2.13 torch/utils/data/sampler.py:316-323 'batch_size should be"
    " a positive integer value' (real run, issue 19: seed.training-batch-zero)",
    "TrainingArgs.per_device_eval_batch_size": (
        "torch 2.13 torch/utils/data/sampler.py:316-323 'batch_size should be a positive integer value' when the"
        " pass evaluates (a transformers run on the tiny model, bench/trainer_bounds.py: fails while evaluating;"
        " without eval data the value is unused)"
    ),
    "TrainingArgs.gradient_accumulation_steps": (
        "0: transformers 5.25.0 trainer.py:2559-2561 `len_dataloader // args.gradient_accumulation_steps`"
        " ZeroDivisionError (seed.grad-accum-0); a negative count runs and trains no step (the no-training-steps"
        " warning)"
    ),
    "TrainingArgs.seed": (
        "transformers 5.25.0 trainer.py:419 set_seed -> trainer_utils.py:191 `np.random.seed(seed)`: numpy raises"
        " 'Seed must be between 0 and 2**32 - 1' (seed.training-seed-2-32)"
    ),
    "TrainingArgs.data_seed": (
        "accelerate data_loader.py:81-87 seeds a torch.Generator with it: torch takes -2**63 .. 2**64 - 1 (torch"
        " 2.13 torch/random.py:54-57), a larger one raises 'Overflow when unpacking long long'"
        " (seed.training-data-seed-2-64); -1 runs (seed.training-loose-values)"
    ),
    "TrainingArgs.logging_strategy": "transformers 5.25.0 trainer_utils.py:389-392 IntervalStrategy (no, steps, epoch)",
    "TrainingArgs.eval_strategy": "transformers 5.25.0 trainer_utils.py:389-392 IntervalStrategy (no, steps, epoch)",
    "TrainingArgs.save_strategy": "transformers 5.25.0 trainer_utils.py:395-399 SaveStrategy (no, steps, epoch, best)",
    "TrainingArgs._step_counts": (
        "transformers 5.25.0 training_args.py:1732-1733 'logging strategy steps requires non-zero"
        " --logging_steps'; :1735-1745 'must be an integer if bigger than 1' for logging_steps, eval_steps and"
        " save_steps under the steps strategy (seed.logging-steps-2.5); 0 or negative eval/save steps and"
        " negative logging steps run (seed.training-loose-values)"
    ),
    "TrainingArgs.warmup_steps": (
        "transformers 5.25.0 training_args.py:1800-1801 'Expected value warmup_steps >= 0'; a float below 1 is a"
        " ratio of all steps (training_args.py:798-802; seed.training-loose-values runs 0.5)"
    ),
    "TrainingArgs.adam_beta1": "torch 2.13 torch/optim/adam.py:62-63 'Invalid beta parameter at index 0' outside"
    " [0, 1) (transformers' default optimizer is AdamW)",
    "TrainingArgs.adam_beta2": "torch 2.13 torch/optim/adam.py:64-65 'Invalid beta parameter at index 1' outside"
    " [0, 1)",
    "TrainingArgs.extra": (
        "olive/passes/pytorch/train_utils.py:66-75: a key that is no transformers.TrainingArguments field is"
        " dropped with a warning (ignored: seed.training-key-typo); a typed field written in `extra` is the"
        " recipe format's (one place per key, rendered the same)"
    ),
    # --- engine
    "Engine.output_dir": _NUL,
    "Engine.cache_dir": _NUL,
    "Engine.log_level": "olive/logging.py:59-60 'Invalid level 9, should be one of [0, 1, 2, 3, 4]' (real run"
    " seed.log-level-9); " + _LOG_LEVELS,
    "Engine.olive": _RAW,
    "Search.execution_order": "olive/search/search_strategy.py:29-31, 45-48 SearchStrategyExecutionOrder",
    "Search.sampler": "olive/search/search_strategy.py:50-55 'Unknown sampler' (the registry: random, sequential,"
    " tpe; olive/search/samplers/__init__.py)",
    # --- evaluation
    "Evaluation.olive": _RAW,
    "Evaluation._one_form": (
        "olive/evaluator/olive_evaluator.py:2221-2227 'Priorities must be unique and in the range 1 to ...';"
        " metrics or an Olive evaluator, not both, is the recipe format's (one evaluator)"
    ),
    "Metric.name": "empty: Olive keys results by `<name>-<sub type>` (olive_evaluator.py:2207); " + _NUL,
    "Metric.type": "Olive's MetricType (olive/evaluator/metric.py:25-31); custom needs an evaluation script:"
    " write it with `evaluate.olive`",
    "Metric.sub_types": (
        "Olive's sub types of each type (olive/evaluator/metric.py:34-76) are checked by the metric's own check;"
        " none: the metric measures nothing (olivegen's narrowing: Olive's default is an empty list); " + _NUL
    ),
    "Metric.data": _DATA_REF,
    "Metric.backend": "Olive's MetricBackend registry: torch_metrics, huggingface_metrics"
    " (olive/evaluator/metric_backend.py:42, 56; metric.py:165-166 asserts the name is registered)",
    "Metric._percent_goals": (
        "olive/evaluator/metric.py:99-120 'Invalid goal value ... Valid range is ...': a percent goal is in"
        " (0, 100) where the change is bounded by 100% (an improvement where lower is better, a degradation"
        " where higher is better), else above 0; the direction is the written one or Olive's default"
        " (metric.py:212-235) (seed.goal-percent-150)"
    ),
    "Metric._sub_type_names": "olive/evaluator/metric.py:203-210 'sub_type ... is not in ...' for each type's enum"
    " (metric.py:34-76)",
    "Metric._user_config_keys": _RAW + " (the keys Olive's user_config class reads for the metric type)",
    "SubType.name": "empty: no sub type of any metric type (olive/evaluator/metric.py:34-76); " + _NUL,
    "SubType.priority": (
        "olive/evaluator/olive_evaluator.py:2209-2227: ranks must be 1 ... n; 0 fails; Olive's -1 means"
        " unranked, which a recipe writes by leaving `priority` out"
    ),
    "Goal.type": "olive/evaluator/metric_config.py:70-81 'Metric goal type must be one of ...'",
}
