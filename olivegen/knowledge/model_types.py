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
# Types, lowercased as Olive compares them, whose model already is ONNX, or a Hugging Face / PyTorch one.
ONNX_MODEL_TYPES = ("onnxmodel", "compositemodel", "distributedonnxmodel")
HF_MODEL_TYPES = ("hfmodel", "pytorchmodel")
