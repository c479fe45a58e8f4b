"""Olive's pass names olivegen reasons about, and the kinds of pass they belong to.

The names are Olive's canonical pass types (the keys of the vendored
``schemas/olive-0.13/passes.json``). Every other module asks here instead of
spelling a pass name, so a kind of pass ("trains an adapter") is one list.
"""

from __future__ import annotations

# Canonical pass types (olive/olive_config.json of olive-ai 0.13, vendored as schemas/olive-0.13/passes.json).
LORA = "LoRA"
QLORA = "QLoRA"
DORA = "DoRA"
LOHA = "LoHa"
LOKR = "LoKr"
MERGE_ADAPTER_WEIGHTS = "MergeAdapterWeights"
MODEL_BUILDER = "ModelBuilder"
AUTO_AWQ = "AutoAWQQuantizer"
GPTQ = "Gptq"
GPTQ_MODEL = "GptqModel"
GPTQ_QUANTIZER = "GptqQuantizer"
RTN = "Rtn"
ONNX_CONVERSION = "OnnxConversion"
ORT_TRANSFORMERS_OPTIMIZATION = "OrtTransformersOptimization"
ONNX_BLOCKWISE_RTN = "OnnxBlockWiseRtnQuantization"
EXTRACT_ADAPTERS = "ExtractAdapters"

# Trains an adapter (the LoRA family: olive/passes/pytorch/lora.py). After one, an unmerged adapter
# reaches the later passes.
TRAINS_ADAPTER = (LORA, QLORA, LOHA, LOKR, DORA)
# The adapter trainers a recipe types (recipe/passes.py): olivegen knows which modules they adapt
# (`target_modules`, or every linear layer for QLoRA). The other trainers are generic passes whose
# targets olivegen does not read, so the LoRA MatMul names are derived for these two only.
TYPED_ADAPTER_TRAINERS = (LORA, QLORA)
# Merges the adapter into the base weights: no adapter reaches the passes after it.
MERGES_ADAPTERS = (MERGE_ADAPTER_WEIGHTS,)
# Moves the LoRA weights out of an ONNX model into an adapter file.
EXTRACTS_ADAPTERS = (EXTRACT_ADAPTERS,)
# PyTorch quantizers whose output model carries a `quantization_config` (QLoRA refuses such a model).
PYTORCH_QUANTIZERS = (AUTO_AWQ, GPTQ, RTN)
# Olive's own PyTorch quantizers: they write QuantLinear layers, which peft's LoRA cannot train.
OLIVE_PYTORCH_QUANTIZERS = (GPTQ, RTN)
# Runs only on an NVIDIA CUDA host (autoawq: "Please use GPU to run AWQ quantization").
NEEDS_CUDA_HOST = (AUTO_AWQ,)
# Exports ONNX: takes a Hugging Face (PyTorch) model, hands on an ONNX one.
EXPORTS_ONNX = (MODEL_BUILDER, ONNX_CONVERSION)
# Typed passes by the kind of model they take: Hugging Face (PyTorch) or ONNX.
TAKES_HF = (*TYPED_ADAPTER_TRAINERS, MERGE_ADAPTER_WEIGHTS, *PYTORCH_QUANTIZERS, *EXPORTS_ONNX)
TAKES_ONNX = (ORT_TRANSFORMERS_OPTIMIZATION, ONNX_BLOCKWISE_RTN, EXTRACT_ADAPTERS)
# Passes known to hand on a PyTorch model. After any other pass (OptimumConversion, a vendor's
# converter ...) olivegen cannot tell the kind of model.
KEEPS_PYTORCH = (*TRAINS_ADAPTER, MERGE_ADAPTER_WEIGHTS, *PYTORCH_QUANTIZERS)

# ModelBuilder's limits, where Olive's pass registry says "*" (any provider) or lists precisions
# loosely. Precisions: what ModelBuilder.validate_config accepts in olive/passes/onnx/model_builder.py
# of olive-ai 0.13 (:181-205, the recipe's `precision` choices).
MODEL_BUILDER_PRECISIONS = ("int4", "int8", "fp16", "bf16", "fp32")
# What onnxruntime-genai's model builder itself builds, by its release: Olive hands `precision` to
# `create_model`, whose `set_onnx_dtype` (onnxruntime_genai/models/builder.py:162-171 of 0.14.1) maps
# int4, fp32, fp16 and bf16 only: int8 stops the run with `KeyError: <Precision.INT8: 'int8'>`
# after the passes before it ran (Olive's validate_config lets int8 through). Its command line
# (`--precision` choices) offers the same four.
GENAI_BUILDER_PRECISIONS: dict[str, tuple[str, ...]] = {"0.14.1": ("int4", "fp32", "fp16", "bf16")}
# The onnxruntime-genai release the `olive` extra installs (pyproject.toml), whose facts the rules apply.
GENAI_RELEASE = "0.14.1"
MODEL_BUILDER_CLI_PRECISIONS = GENAI_BUILDER_PRECISIONS[GENAI_RELEASE]
# Same validate_config: fp16 needs a GPU device with a provider other than CPU; bf16 needs CUDA.
MODEL_BUILDER_BF16_PROVIDERS = ("CUDAExecutionProvider",)
# Which providers ModelBuilder builds for, and what builds an LLM for the others: knowledge/targets.py.
# Execution providers of NVIDIA GPUs (CUDA, TensorRT, TensorRT-RTX): what a CUDA host or target means.
NVIDIA_PROVIDERS = ("CUDAExecutionProvider", "TensorrtExecutionProvider", "NvTensorRTRTXExecutionProvider")
