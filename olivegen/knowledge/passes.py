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
# of olive-ai 0.13 (the recipe's `precision` choices); onnxruntime-genai 0.14.1's own command line
# (`--precision` choices in onnxruntime_genai/models/builder.py) offers the same but int8.
MODEL_BUILDER_PRECISIONS = ("int4", "int8", "fp16", "bf16", "fp32")
MODEL_BUILDER_CLI_PRECISIONS = ("int4", "bf16", "fp16", "fp32")
# Same validate_config: fp16 needs a GPU device with a provider other than CPU; bf16 needs CUDA.
MODEL_BUILDER_BF16_PROVIDERS = ("CUDAExecutionProvider",)
# Providers: ModelBuilder.EP_MAP in olive/passes/onnx/model_builder.py of olive-ai 0.13 (any other
# provider is built for "cpu").
MODEL_BUILDER_PROVIDERS = (
    "CPUExecutionProvider",
    "CUDAExecutionProvider",
    "DmlExecutionProvider",
    "WebGpuExecutionProvider",
    "JsExecutionProvider",
    "NvTensorRTRTXExecutionProvider",
)
# Execution providers of NVIDIA GPUs (CUDA, TensorRT, TensorRT-RTX): what a CUDA host or target means.
NVIDIA_PROVIDERS = ("CUDAExecutionProvider", "TensorrtExecutionProvider", "NvTensorRTRTXExecutionProvider")
