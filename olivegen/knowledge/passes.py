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
# AutoAWQ's limits (Olive's AutoAWQQuantizer hands `bits`, `q_group_size` and `version` to autoawq
# unchecked, olive/passes/pytorch/autoawq.py:149-156 of olive-ai 0.13). From casper-hansen/AutoAWQ
# v0.2.9 (88e4c76, its last release):
# - bits: every quantized linear module takes 4 only (awq/modules/linear/gemm.py:122-123, gemv.py:31-32,
#   gemv_fast.py:45-46 `if w_bit not in [4]: raise NotImplementedError("Only 4-bit are supported for now.")`),
#   the recipe's `bits: Literal[4]`;
# - version: lower-cased (awq/models/_config.py:24), then one of these or `ValueError("Unknown version")`
#   (awq/quantize/quantizer.py:236-252); `exllama` is a kernel chosen when a model is loaded, not a version;
AWQ_VERSIONS = ("gemm", "gemv", "gemv_fast", "marlin")
# - q_group_size: -1 (per channel) or a positive size: WQLinear_GEMM takes -1 as the input size and
#   asserts `in_features % group_size == 0` (gemm.py:128-131); 0 divides by zero, and any other
#   negative size fails that assert or allocates a negative shape (gemm.py:143-149).
AWQ_PER_CHANNEL_GROUP = -1
# Olive's own PyTorch quantizers (Rtn, Gptq) write QuantLinear layers, which take a group size of -1
# (per channel) or a power of two of at least 16 (olive/common/quant/nn.py:56-57 of olive-ai 0.13:
# "For blockwise quantization, group_size must be >= 16 and power of 2"; a real run of Rtn with -2
# on the tiny Llama fails there).
OLIVE_QUANT_MIN_GROUP = 16
# The highest ai.onnx opset an export may target: onnxruntime 1.32 refuses to load a model of opset
# 29 or above (core/graph/model_load_utils.h:46, checked with a one-Add model of each opset), and a
# real run exporting the tiny Phi-3 at opset 40 fails when the next pass loads it (INVALID_GRAPH).
# Below it, Olive runs any opset: exporting at opset 5 ran (exit 0); torch's exporter then keeps
# what it can.
MAX_ONNX_OPSET = 28
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
# What the model builder builds from a model a PyTorch quantizer already quantized (its config.json carries a
# `quantization_config`), by onnxruntime-genai release. 0.14.1: `quant_type` is read from that config
# (onnxruntime_genai/models/builders/base.py:99) and the weights are loaded as QuantModel (:4080-4098), whose
# linear layers are QuantizedTensorModule objects holding `qweight`/`scales` and no `weight`
# (models/quantized_model.py:42-48); only int4 (INT4/UINT4) takes them as they are (:1155-1159, :1344-1345);
# fp32, fp16 and bf16 read `matmul.weight` (make_matmul_float :1163-1167, packed q/k/v :1363) and stop with
# `AttributeError: 'QuantizedTensorModule' object has no attribute 'weight'` (a real olive run of Rtn ->
# ModelBuilder fp32 on the tiny Llama, issue 19: agreement case rtn.builder-fp32).
GENAI_BUILDER_QUANTIZED_PRECISIONS: dict[str, tuple[str, ...]] = {"0.14.1": ("int4",)}
# Same validate_config: fp16 needs a GPU device with a provider other than CPU; bf16 needs CUDA.
MODEL_BUILDER_BF16_PROVIDERS = ("CUDAExecutionProvider",)
# Which providers ModelBuilder builds for, and what builds an LLM for the others: knowledge/targets.py.
# Execution providers of NVIDIA GPUs (CUDA, TensorRT, TensorRT-RTX): what a CUDA host or target means.
NVIDIA_PROVIDERS = ("CUDAExecutionProvider", "TensorrtExecutionProvider", "NvTensorRTRTXExecutionProvider")
# Target providers OrtTransformersOptimization's validate_config refuses a setting for (the engine prunes the
# pass: "Invalid config, pruned", no output model), olive/passes/onnx/transformer_optimization.py of olive-ai
# 0.13.0: `float16` on TensorRT (:152-157, "TensorRT has its own float16 implementation") and on the CPU
# (:158-160, "CPUExecutionProvider does not support float16 very well"); `use_gpu` on the CPU (:164-166).
# By provider: Olive's reason, and what to do instead of `float16`.
ORT_TRANSFORMERS_NO_FLOAT16 = {
    "CPUExecutionProvider": (
        "CPUExecutionProvider does not support float16 very well",
        "leave `float16` out for the CPU, or target a GPU (`target: cuda`)",
    ),
    "TensorrtExecutionProvider": (
        "TensorRT has its own float16 implementation",
        "leave `float16` out and enable TensorRT's own fp16",
    ),
}
ORT_TRANSFORMERS_NO_USE_GPU = ("CPUExecutionProvider",)
