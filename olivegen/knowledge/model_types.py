"""Olive's input model types: the `type:` of an Olive config's `input_model`."""

from __future__ import annotations

# The model handler types Olive registers (olive/model/handler/, olive-ai 0.13), in Olive's spelling.
MODEL_TYPES = (
    "HfModel",
    "PyTorchModel",
    "ONNXModel",
    "CompositeModel",
    "CompositePyTorchModel",
    "DistributedHfModel",
    "DistributedOnnxModel",
    "OpenVINOModel",
    "QNNModel",
    "SNPEModel",
    "TensorFlowModel",
    "DiffusersModel",
)
# What a recipe's `model:` renders as.
HF_MODEL = "HfModel"
# Types lowercased, as Olive compares them (`type: hfmodel` is HfModel).
HF_KIND, PYTORCH_KIND, ONNX_KIND = HF_MODEL.lower(), "pytorchmodel", "onnxmodel"
# The types whose model already is ONNX, and the Hugging Face / PyTorch ones.
ONNX_MODEL_TYPES = (ONNX_KIND, "compositemodel", "distributedonnxmodel")
HF_MODEL_TYPES = (HF_KIND, PYTORCH_KIND)
# Olive's default task of an HfModel (olive.model.handler.hf.HfModelHandler); a recipe's is text-generation.
OLIVE_HF_TASK = "text-generation-with-past"
# The model handler class of an ONNX model: a pass whose `_run_for_config(self, model: ONNXModelHandler, ...)`
# takes nothing else (`input_models` of the vendored schemas/olive-<gen>/passes.json, read by
# tools/vendor_olive.py from olive-ai's annotations) loads `model.model_path` as an ONNX file
# (e.g. olive/passes/onnx/quantization.py:377-380 `model_has_adapters(model.model_path)`, olive-ai 0.13.0):
# a Hugging Face or PyTorch model fails there.
ONNX_HANDLER = "ONNXModelHandler"
