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
