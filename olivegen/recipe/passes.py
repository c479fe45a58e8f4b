"""Passes: typed models for the passes the seed workflows use, a generic form for the rest.

Each typed model's fields carry Olive's own parameter names, except the data
references (`train_data`, `eval_data`, `data`) and `training`, which name a
data set of the recipe and the training arguments. A recipe may spell the
type in any case and with friendly names (`awq`, `merge`, `builder`); the
rendered config always uses Olive's canonical name.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from olivegen.knowledge import passes as P
from olivegen.knowledge.catalog import (
    OLIVE_GENERATION,
    PASS_ALIASES,
    PREVIOUS_GENERATION,
    VENDORED_GENERATIONS,
    all_pass_names,
    canonical_pass,
    canonical_pass_in,
    generation_label,
    missing_pass,
    only_on_main,
    pass_params,
    pass_params_in,
    suggest,
)
from olivegen.knowledge.history import successor, why_unknown_pass
from olivegen.recipe.base import Flag, Identifier, NonEmptyStr, Strict, Text, ci_pattern
from olivegen.recipe.param_hints import check_params
from olivegen.recipe.raw import RawKeyError, check_pass_entry
from olivegen.recipe.training import TrainingArgs

TorchDtype = Literal["bfloat16", "float16", "float32"]


def _type_field(canonical: str) -> Any:
    aliases = [a for a, target in PASS_ALIASES.items() if target == canonical]
    return Field(
        description=f"`{canonical}` (any case{', or ' + ', '.join(aliases) if aliases else ''}).",
        json_schema_extra={"pattern": ci_pattern(canonical, *aliases)},
    )


class PassBase(Strict):
    """Fields every pass has."""

    CANONICAL: ClassVar[str] = ""
    RENAMES: ClassVar[dict[str, str]] = {}
    name: Text | None = Field(
        None,
        description="Key of this pass in the rendered config; defaults (also when empty) to the type in snake case.",
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="Other parameters of this Olive pass, by Olive's names (checked against the pass registry).",
    )
    olive: dict[str, Any] = Field(
        default_factory=dict,
        description="Escape hatch: keys of the pass entry beside its type and parameters (`host`, `evaluator`).",
    )

    @field_validator("olive", mode="after")
    @classmethod
    def _entry(cls, value: dict[str, Any]) -> dict[str, Any]:
        return check_pass_entry(value)

    @field_validator("type", mode="after", check_fields=False)
    @classmethod
    def _canonical(cls, value: str) -> str:
        return cls.CANONICAL or value

    @field_validator("options", mode="after")
    @classmethod
    def _known_options(cls, value: dict[str, Any], info: Any) -> dict[str, Any]:
        if value and not cls.CANONICAL:
            raise ValueError("write this pass's parameters under `config:`")
        params = pass_params(cls.CANONICAL) if cls.CANONICAL else {}
        generation = _generation(info)
        if cls.CANONICAL and generation not in VENDORED_GENERATIONS:  # its own (the `olive-version` rule checks them)
            params = {**params, **pass_params_in(cls.CANONICAL, generation)}
        typed = {f.alias or n for n, f in cls.model_fields.items()} | set(cls.RENAMES.values())
        check_params(cls.CANONICAL, value, params, typed, generation=generation)
        return value


def _generation(info: Any) -> str:
    """Return the Olive release a recipe is validated for (api.validate_recipe passes it as context)."""
    context = getattr(info, "context", None) or {}
    return str(context.get("generation") or OLIVE_GENERATION)


class _LoRAFields(PassBase):
    RENAMES: ClassVar[dict[str, str]] = {
        "train_data": "train_data_config",
        "eval_data": "eval_data_config",
        "training": "training_args",
    }
    r: int = Field(64, ge=1, description="LoRA rank (peft: a positive integer).")
    alpha: int | float = Field(16, description="LoRA scaling alpha (the update is scaled by alpha / r).")
    lora_dropout: float = Field(0.05, ge=0, le=1, description="Dropout probability of the LoRA layers (torch: 0 to 1).")
    target_modules: list[NonEmptyStr] | None = Field(
        None,
        description="Module names to adapt (Phi-3: `qkv_proj`, `o_proj`; Llama: `q_proj`, `v_proj` ...).",
    )
    modules_to_save: list[NonEmptyStr] | None = Field(None, description="Extra modules trained and saved in full.")
    torch_dtype: TorchDtype = Field(
        "bfloat16",
        description="Training data type; `float16` means fp16 mixed precision, CPU needs `float32`.",
    )
    train_data: Identifier | None = Field(
        None, description="Name of the data set to train on; defaults to the recipe's first data set."
    )
    eval_data: Identifier | None = Field(
        None,
        description="Name of the data set to evaluate on; defaults to `<train_data>_eval` with `eval_split`.",
    )
    training: TrainingArgs = Field(default_factory=TrainingArgs, description="Training arguments.")


class LoRA(_LoRAFields):
    """LoRA fine-tuning of a Hugging Face model; the adapter is kept beside the model."""

    CANONICAL: ClassVar[str] = P.LORA
    type: str = _type_field(P.LORA)


class QLoRA(_LoRAFields):
    """LoRA on a 4-bit (bitsandbytes) quantized base model."""

    CANONICAL: ClassVar[str] = P.QLORA
    type: str = _type_field(P.QLORA)
    quant_type: Literal["nf4", "fp4"] = Field("nf4", description="4-bit data type of the frozen base weights.")
    double_quant: Flag = Field(False, description="Quantize the quantization constants again (saves memory).")
    compute_dtype: TorchDtype | None = Field(None, description="Compute data type; defaults to `torch_dtype`.")
    save_quant_config: Flag = Field(
        True,
        description=(
            "Keep the bitsandbytes config on the output model. Set false before ModelBuilder int4, so the"
            " merged model is exported from full-precision weights."
        ),
    )


class MergeAdapterWeights(PassBase):
    """Merge the LoRA adapter into the base weights."""

    CANONICAL: ClassVar[str] = P.MERGE_ADAPTER_WEIGHTS
    type: str = _type_field(P.MERGE_ADAPTER_WEIGHTS)


class ModelBuilder(PassBase):
    """onnxruntime-genai's model builder: Hugging Face model -> optimized ONNX for onnxruntime-genai."""

    CANONICAL: ClassVar[str] = P.MODEL_BUILDER
    type: str = _type_field(P.MODEL_BUILDER)
    precision: Literal["int4", "int8", "fp16", "bf16", "fp32"] = Field(description="Precision of the ONNX weights.")
    int4_block_size: Literal[16, 32, 64, 128, 256] | None = Field(None, description="int4: quantization block size.")
    int4_accuracy_level: Literal[1, 2, 3, 4] | None = Field(
        None, description="int4: MatMulNBits accuracy level (1 fp32, 2 fp16, 3 bf16, 4 int8 activations)."
    )
    int4_is_symmetric: Flag | None = Field(None, description="int4: symmetric quantization.")
    int4_nodes_to_exclude: list[NonEmptyStr] | None = Field(None, description="int4: node names left unquantized.")
    int4_op_types_to_quantize: list[NonEmptyStr] | None = Field(None, description="int4: op types to quantize.")
    exclude_embeds: Flag | None = Field(None, description="Leave the embedding layer out of the model.")
    exclude_lm_head: Flag | None = Field(None, description="Leave the LM head out of the model.")
    enable_cuda_graph: Flag | None = Field(None, description="CUDA: enable CUDA graph capture.")
    extra_options: dict[str, Any] | None = Field(None, description="Other model-builder `extra_options`.")


class AutoAWQQuantizer(PassBase):
    """Activation-aware weight quantization (autoawq); needs a CUDA host."""

    CANONICAL: ClassVar[str] = P.AUTO_AWQ
    RENAMES: ClassVar[dict[str, str]] = {"data": "data_config"}
    type: str = _type_field(P.AUTO_AWQ)
    bits: Literal[4] = Field(4, description="Weight bits (autoawq supports 4).")
    q_group_size: int = Field(
        128,
        ge=P.AWQ_PER_CHANNEL_GROUP,
        description="Quantization group size (-1: per channel; 0 is not a size).",
        json_schema_extra={"not": {"const": 0}},
    )
    zero_point: Flag = Field(True, description="Use a zero point (asymmetric quantization).")
    version: str = Field(
        "gemm",
        description=f"Kernel version, any case: {', '.join(P.AWQ_VERSIONS)}.",
        json_schema_extra={"pattern": ci_pattern(*P.AWQ_VERSIONS)},
    )
    duo_scaling: Flag = Field(True, description="Scale with both activations and weights.")
    export_compatible: Flag = Field(False, description="Keep weights unpacked so later passes can read them.")
    modules_to_not_convert: list[NonEmptyStr] = Field(default_factory=list, description="Modules left unquantized.")
    data: Identifier | None = Field(None, description="Calibration data set name; Olive's default (pile) if unset.")

    @field_validator("q_group_size", mode="after")
    @classmethod
    def _group(cls, value: int) -> int:
        if value == 0:
            raise ValueError("q_group_size 0 is not a group size; write -1 (per channel) or a positive size")
        return value

    @field_validator("version", mode="after")
    @classmethod
    def _version(cls, value: str) -> str:
        if value.lower() not in P.AWQ_VERSIONS:
            raise ValueError(f"AutoAWQ has no version {value!r}; use one of {', '.join(P.AWQ_VERSIONS)}")
        return value


class Gptq(PassBase):
    """GPTQ weight quantization of a PyTorch model (runs on CPU with a small calibration set)."""

    CANONICAL: ClassVar[str] = P.GPTQ
    RENAMES: ClassVar[dict[str, str]] = {"data": "data_config"}
    type: str = _type_field(P.GPTQ)
    bits: Literal[2, 4, 8] = Field(4, description="Weight bits (Olive packs 2, 4 or 8).")
    group_size: int = Field(
        128,
        description="Quantization group size: -1 (per channel) or a power of two of at least"
        f" {P.OLIVE_QUANT_MIN_GROUP}.",
    )
    sym: Flag = Field(False, description="Symmetric quantization.")
    desc_act: Flag | None = Field(
        None, description="Quantize columns in order of decreasing activation size (only with `group_size: -1`)."
    )
    damp_percent: float = Field(
        0.01, ge=0, description="Hessian dampening, a fraction of the mean diagonal added to it (2: twice the mean)."
    )
    lm_head: Flag = Field(False, description="Quantize the LM head too.")
    data: Identifier | None = Field(None, description="Calibration data set name; Olive's default if unset.")

    @field_validator("group_size", mode="after")
    @classmethod
    def _group(cls, value: int) -> int:
        return olive_quant_group(value)

    @model_validator(mode="after")
    def _act_order(self) -> Gptq:
        if self.desc_act and self.group_size != -1:
            raise RawKeyError(
                f"desc_act true needs group_size -1 (per channel), not {self.group_size}: Olive skips the pass;"
                " set `group_size: -1` or leave desc_act out",
                ("desc_act",),
            )
        return self


class Rtn(PassBase):
    """Round-to-nearest weight quantization of a PyTorch model (no data needed)."""

    CANONICAL: ClassVar[str] = P.RTN
    type: str = _type_field(P.RTN)
    bits: Literal[2, 4, 8] = Field(4, description="Weight bits (Olive packs 2, 4 or 8).")
    group_size: int = Field(
        128,
        description=f"Group size: -1 (per channel) or a power of two of at least {P.OLIVE_QUANT_MIN_GROUP};"
        " must divide the hidden size.",
    )
    sym: Flag = Field(False, description="Symmetric quantization.")
    embeds: Flag = Field(False, description="Quantize the embeddings too.")
    lm_head: Flag = Field(False, description="Quantize the LM head too.")

    @field_validator("group_size", mode="after")
    @classmethod
    def _group(cls, value: int) -> int:
        return olive_quant_group(value)


def olive_quant_group(value: int) -> int:
    """Check a group size of Olive's own quantizers: -1 or a power of two of at least 16."""
    if value != -1 and (value < P.OLIVE_QUANT_MIN_GROUP or value & (value - 1)):
        raise ValueError(
            f"group_size {value} is not one Olive's quantized layers take;"
            f" write -1 (per channel) or a power of two of at least {P.OLIVE_QUANT_MIN_GROUP} (16, 32, 64, 128 ...)"
        )
    return value


class OnnxConversion(PassBase):
    """Export a PyTorch model to ONNX."""

    CANONICAL: ClassVar[str] = P.ONNX_CONVERSION
    type: str = _type_field(P.ONNX_CONVERSION)
    target_opset: int = Field(
        20, ge=1, le=P.MAX_ONNX_OPSET, description=f"ONNX opset (onnxruntime loads up to {P.MAX_ONNX_OPSET})."
    )
    use_dynamo_exporter: Flag = Field(
        True, description="Use the dynamo exporter (the TorchScript one fails on transformers 5 caches)."
    )
    torch_dtype: Literal["bfloat16", "float16", "float32", "float64"] | None = Field(
        None, description="Cast the model to this type before export."
    )
    dynamic: Flag = Field(True, description="Dynamic input shapes.")
    merge_adapter_weights: Flag = Field(False, description="Merge LoRA weights before export.")
    save_as_external_data: Flag = Field(False, description="Store weights in a separate file.")


class OrtTransformersOptimization(PassBase):
    """ONNX Runtime transformer graph fusions."""

    CANONICAL: ClassVar[str] = P.ORT_TRANSFORMERS_OPTIMIZATION
    type: str = _type_field(P.ORT_TRANSFORMERS_OPTIMIZATION)
    model_type: str | None = Field(None, description="Model family, e.g. `phi`, `gpt2`; detected if unset (or empty).")
    opt_level: Literal[0, 1, 2, 99] | None = Field(None, description="Graph optimization level.")
    float16: Flag = Field(False, description="Convert to float16.")
    use_gpu: Flag = Field(False, description="Optimize for GPU.")
    only_onnxruntime: Flag = Field(False, description="Use only onnxruntime's optimizer, not the fusions.")
    keep_io_types: Flag = Field(True, description="Keep float32 inputs and outputs with `float16`.")
    num_heads: int = Field(0, ge=0, description="Attention heads (0: detect).")
    hidden_size: int = Field(0, description="Hidden size (0 or less: detect).")
    save_as_external_data: Flag = Field(False, description="Store weights in a separate file.")


class OnnxBlockWiseRtnQuantization(PassBase):
    """int4 MatMulNBits weight quantization of an ONNX model, block by block."""

    CANONICAL: ClassVar[str] = P.ONNX_BLOCKWISE_RTN
    type: str = _type_field(P.ONNX_BLOCKWISE_RTN)
    block_size: Literal[16, 32, 64, 128, 256] = Field(128, description="Quantization block size.")
    is_symmetric: Flag = Field(True, description="Symmetric quantization.")
    accuracy_level: Literal[0, 1, 2, 3, 4] = Field(0, description="MatMulNBits accuracy level (0: unset).")
    nodes_to_exclude: list[NonEmptyStr] | None = Field(None, description="Node names left unquantized.")
    nodes_to_include: list[NonEmptyStr] | None = Field(None, description="Only these nodes are quantized.")
    save_as_external_data: Flag = Field(False, description="Store weights in a separate file.")


class ExtractAdapters(PassBase):
    """Move LoRA weights out of an ONNX model into a separate adapter file for onnxruntime-genai."""

    CANONICAL: ClassVar[str] = P.EXTRACT_ADAPTERS
    type: str = _type_field(P.EXTRACT_ADAPTERS)
    save_format: Literal["onnx_adapter", "numpy", "safetensors", "pt"] = Field(
        "onnx_adapter", description="Adapter file format; `onnx_adapter` is what `og.Adapters` loads."
    )
    make_inputs: Flag = Field(True, description="Turn the adapter weights into model inputs.")
    dynamic_lora_r: Flag = Field(True, description="Let adapters of other ranks load into the same model.")
    optional_inputs: Flag = Field(True, description="Let the model run without an adapter loaded.")
    adapter_type: Literal["lora", "dora", "loha"] = Field("lora", description="Kind of adapter.")


class GenericPass(PassBase):
    """Any other Olive pass: its parameters are checked against Olive's pass registry."""

    type: NonEmptyStr = Field(description="Olive pass type, e.g. `OnnxStaticQuantization` (any case).")
    config: dict[str, Any] = Field(default_factory=dict, description="The pass's parameters, by Olive's names.")

    @field_validator("type", mode="after")
    @classmethod
    def _registered(cls, value: str, info: Any) -> str:
        generation = _generation(info)
        canonical = canonical_pass_in(value, generation)
        if canonical is not None:
            return canonical
        renamed = successor(value)
        if renamed and canonical_pass_in(renamed, generation):
            raise ValueError(f"{value!r} is called {renamed} in Olive {generation}; write `type: {renamed}`")
        elsewhere = missing_pass(value, generation)
        if elsewhere and (generation != OLIVE_GENERATION or only_on_main(value)):
            raise ValueError(f"unknown pass type {value!r} in {generation_label(generation)}: {'; '.join(elsewhere)}")
        why = why_unknown_pass(value)
        if generation != PREVIOUS_GENERATION and canonical_pass_in(value, PREVIOUS_GENERATION):
            then = PREVIOUS_GENERATION
            raise ValueError(f'unknown pass type {value!r}: {why}; render for Olive {then} with `olive: "{then}"`')
        hint = suggest(value, all_pass_names() + list(PASS_ALIASES)) if why == "in no Olive release" else None
        if hint:  # most likely a typo: the hint says it all
            raise ValueError(f"unknown pass type {value!r}; {hint}")
        raise ValueError(f"unknown pass type {value!r}: {why}")

    @field_validator("config", mode="after")
    @classmethod
    def _known_params(cls, value: dict[str, Any], info: Any) -> dict[str, Any]:
        canonical = info.data.get("type")
        generation = _generation(info)
        params = pass_params_in(canonical, generation) if canonical else {}
        check_params(canonical, value, params, generation=generation)
        return value


TYPED_PASSES: dict[str, type[PassBase]] = {
    cls.CANONICAL: cls
    for cls in (
        LoRA,
        QLoRA,
        MergeAdapterWeights,
        ModelBuilder,
        AutoAWQQuantizer,
        Gptq,
        Rtn,
        OnnxConversion,
        OrtTransformersOptimization,
        OnnxBlockWiseRtnQuantization,
        ExtractAdapters,
    )
}


def _pass_tag(value: Any) -> str | None:
    if isinstance(value, PassBase):
        return value.CANONICAL or "generic"
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return None
    canonical = canonical_pass(value["type"])
    return canonical if canonical in TYPED_PASSES else "generic"


PassSpec = Annotated[
    Annotated[LoRA, Tag(P.LORA)]
    | Annotated[QLoRA, Tag(P.QLORA)]
    | Annotated[MergeAdapterWeights, Tag(P.MERGE_ADAPTER_WEIGHTS)]
    | Annotated[ModelBuilder, Tag(P.MODEL_BUILDER)]
    | Annotated[AutoAWQQuantizer, Tag(P.AUTO_AWQ)]
    | Annotated[Gptq, Tag(P.GPTQ)]
    | Annotated[Rtn, Tag(P.RTN)]
    | Annotated[OnnxConversion, Tag(P.ONNX_CONVERSION)]
    | Annotated[OrtTransformersOptimization, Tag(P.ORT_TRANSFORMERS_OPTIMIZATION)]
    | Annotated[OnnxBlockWiseRtnQuantization, Tag(P.ONNX_BLOCKWISE_RTN)]
    | Annotated[ExtractAdapters, Tag(P.EXTRACT_ADAPTERS)]
    | Annotated[GenericPass, Tag("generic")],
    Discriminator(
        _pass_tag,
        custom_error_type="pass_type",
        custom_error_message="every pass needs a `type` (e.g. `type: lora`)",
    ),
]
