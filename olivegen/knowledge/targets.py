"""What Olive needs to ship a language model to each execution provider ("target").

One entry per target olivegen knows: the provider the model runs with and the device that implies,
the pass chains that build an onnxruntime-genai model for it (by precision, and by Olive generation
where the passes differ), the host those passes need, and what the user installs. Every entry states
its source: a config of microsoft/olive-recipes (path @ commit) or a line of Olive's sources
(olive-ai 0.13.0 unless said otherwise). `olivegen init --targets` builds its matrix recipe from these
chains; the `builder-provider` rule reads which providers ModelBuilder builds for, and what builds
for the others, from here; `docs/targets.md` is written from this table (tools/docs_targets.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from olivegen.knowledge.passes import MODEL_BUILDER

# The microsoft/olive-recipes snapshot the chains were read from (`fetch github:microsoft/olive-recipes`).
RECIPES = "olive-recipes @ 851b284ad801"
# Olive's own files the facts were read from (olive-ai 0.13.0, site-packages/olive/).
EP_MAP_SOURCE = "olive/passes/onnx/model_builder.py:54-61 (EP_MAP), :237 (`EP_MAP.get(provider, 'cpu')`)"
BUILDER_PRECISION_SOURCE = "olive/passes/onnx/model_builder.py:189-202 (validate_config: fp16 needs a GPU, bf16 CUDA)"
EXTRAS_SOURCE = "olive/olive_config.json:712-745 (extra_dependencies: olive-ai's pip extras)"
ORT_PACKAGE_SOURCE = "olive/hardware/constants.py:31-38 (PROVIDER_PACKAGE_MAPPING)"

# Olive generations (knowledge/catalog.py GENERATIONS) a chain is written for. Checked by
# tests/unit/test_targets.py: every chain validates against each generation it names.
SINCE_010 = ("0.10", "0.11", "0.12", "0.13", "main")

# ModelBuilder builds for these providers, by Olive generation: the keys of ModelBuilder.EP_MAP
# (olive-ai 0.13.0 :54-61; 0.9.2 :48-54, without WebGPU) and the name onnxruntime-genai's builder
# gets (`execution_provider=`). Any other target provider is built for "cpu" without a word.
MODEL_BUILDER_EP_MAP: dict[str, dict[str, str]] = {
    "0.13": {
        "CPUExecutionProvider": "cpu",
        "CUDAExecutionProvider": "cuda",
        "DmlExecutionProvider": "dml",
        "WebGpuExecutionProvider": "webgpu",
        "JsExecutionProvider": "web",
        "NvTensorRTRTXExecutionProvider": "NvTensorRtRtx",
    },
    "0.9": {
        "CPUExecutionProvider": "cpu",
        "CUDAExecutionProvider": "cuda",
        "DmlExecutionProvider": "dml",
        "JsExecutionProvider": "web",
        "NvTensorRTRTXExecutionProvider": "NvTensorRtRtx",
    },
}


@dataclass(frozen=True)
class Step:
    """One pass of a chain: Olive's pass type and its parameters, by Olive's names."""

    type: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chain:
    """The passes that build a model of one precision for a target, in the Olive generations named."""

    precision: str
    steps: tuple[Step, ...]
    source: str
    generations: tuple[str, ...] = SINCE_010
    # data sets the steps name (`data_config`), written as a recipe's `data:` entries
    data: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Target:
    """Everything olivegen knows about shipping an LLM to one execution provider."""

    name: str  # olivegen's short provider name (catalog.PROVIDER_ALIASES), what `--targets` takes
    provider: str  # the onnxruntime execution provider the model runs with
    device: str  # the device that implies
    chains: tuple[Chain, ...]  # the first one of a generation is the default; empty: none known
    extra: str | None  # the olive-ai pip extra (`pip install olive-ai[EXTRA]`), None: olive-ai has none for it
    install: str  # what the user installs besides olive-ai, in words
    sources: tuple[str, ...]
    host: str = "cpu"  # the provider of the host the passes need (`host:`)
    # the Olive target system the config names, when not (provider, device): Olive's pass registry
    # lists the chain's last pass for another provider
    system: tuple[str, str] | None = None
    note: str = ""

    def chain(self, generation: str, precision: str | None = None) -> Chain | None:
        """Return the chain for an Olive generation (of a precision, else the default), or None."""
        for chain in self.chains:
            if generation in chain.generations and precision in (None, chain.precision):
                return chain
        return None

    def precisions(self, generation: str) -> tuple[str, ...]:
        """Return the precisions a generation's chains build, the default first."""
        return tuple(c.precision for c in self.chains if generation in c.generations)

    @property
    def system_provider(self) -> str:
        """The provider the Olive config's target system names."""
        return self.system[0] if self.system else self.provider

    @property
    def system_device(self) -> str:
        """The device the Olive config's target system names."""
        return self.system[1] if self.system else self.device


def _builder(precision: str, source: str, **params: Any) -> Chain:
    return Chain(precision, (Step(MODEL_BUILDER, {"precision": precision, **params}),), source)


# ModelBuilder's precisions per provider: int4 and fp32 everywhere; fp16 only on a GPU provider other
# than CPU; bf16 only on CUDA (BUILDER_PRECISION_SOURCE); int8 is not built by onnxruntime-genai 0.14.1
# (knowledge/passes.py GENAI_BUILDER_PRECISIONS).
_QWEN3_CPU = f"{RECIPES} Qwen-Qwen3-0.6B/cpu/Qwen-Qwen3-0.6B_cpu_int4.json (ModelBuilder int4 after GPTQ/RTN)"
_SMOL_CPU = f"{RECIPES} HuggingFaceTB-SmolLM3-3B/cpu/HuggingFaceTB-SmolLM3-3B_cpu_fp32.json"
_QWEN3_CUDA = f"{RECIPES} Qwen-Qwen3-0.6B/cuda/Qwen-Qwen3-0.6B_cuda_int4.json"
_SMOL_CUDA = f"{RECIPES} HuggingFaceTB-SmolLM3-3B/cuda/HuggingFaceTB-SmolLM3-3B_cuda_fp16.json"
_QWEN_DML = f"{RECIPES} Qwen-Qwen2.5-1.5B-Instruct/aitk/qwen2_5_dml_config.json (host CPU, target DML gpu)"
_QWEN3_WEBGPU = f"{RECIPES} Qwen-Qwen3-0.6B/webgpu/Qwen-Qwen3-0.6B_webgpu_int4.json"
_SMOL_WEBGPU = f"{RECIPES} HuggingFaceTB-SmolLM3-3B/webgpu/HuggingFaceTB-SmolLM3-3B_webgpu_fp16.json"
_QWEN_TRTRTX = f"{RECIPES} Qwen-Qwen2.5-1.5B-Instruct/NvTensorRtRtx/Qwen2.5-1.5B-Instruct_model_builder_fp16.json"
_QWEN14_TRTRTX = f"{RECIPES} Qwen-Qwen2.5-14B-Instruct/NvTensorRtRtx/Qwen2.5-14B-Instruct_model_builder_int4.json"
_QWEN_OV = f"{RECIPES} Qwen-Qwen2.5-1.5B-Instruct/aitk/qwen2_5_ov_config.json (npu; qwen2_5_ov_gpu_config.json: gpu)"
_LLAMA_QNN = f"{RECIPES} meta-llama-Llama-3.2-1B-Instruct/aitk/llama3_2_qnn_config.json (npu)"
_QWEN_QNN = f"{RECIPES} Qwen-Qwen2.5-1.5B-Instruct/QNN/config.json (npu; GptqModel with a hadamard rotation instead)"
_QWEN_RYZEN = f"{RECIPES} Qwen-Qwen2.5-1.5B-Instruct/RyzenAI/Qwen2.5-1.5B-Instruct_quark_ryzenai_llm.json"
_QWEN_VITIS = f"{RECIPES} Qwen-Qwen2.5-1.5B-Instruct/VitisAI/Qwen2.5-1.5B-Instruct_quark_vitisai_llm.json"
_MIGRAPHX = f"{RECIPES} google-bert-bert-base-multilingual-cased/aitk/bert-base-multilingual-cased_migraphx.json"

# Calibration data of olive-recipes' QNN chains (their `data_configs`): wikitext-2, joined into 4096-token
# sequences for GPTQ, line by line for the static activation quantization.
WIKITEXT_JOINED: Mapping[str, Any] = {
    "name": "wikitext2_train_joined",
    "hub": {"name": "wikitext", "subset": "wikitext-2-raw-v1"},
    "text_cols": ["text"],
    "strategy": "join",
    "add_special_tokens": False,
    "max_seq_len": 4096,
    "max_samples": 128,
}
WIKITEXT_ACT: Mapping[str, Any] = {
    "name": "wikitext2_train_act",
    "hub": {"name": "wikitext", "subset": "wikitext-2-raw-v1"},
    "text_cols": ["text"],
    "strategy": "line-by-line",
    "add_special_tokens": True,
    "max_seq_len": 1024,
    "max_samples": 256,
}

# QNN on a Snapdragon NPU: rotation, GPTQ, ModelBuilder int4, int4 weights as QDQ, graph surgeries,
# uint16-activation static quantization, split, static shapes, QNN context binaries, composed again.
QNN_NPU_STEPS = (
    Step("QuaRot"),
    Step("GptqQuantizer", {"sym": True, "group_size": -1, "desc_act": True, "data_config": WIKITEXT_JOINED["name"]}),
    Step("CaptureSplitInfo", {"num_splits": 4, "unique_embeds_lm_head_splits": True}),
    Step(
        MODEL_BUILDER,
        {
            "precision": "int4",
            "int4_block_size": 32,
            "int4_accuracy_level": 4,
            "int4_op_types_to_quantize": ["MatMul", "Gather"],
        },
    ),
    Step(
        "MatMulNBitsToQDQ",
        {
            "use_int4": True,
            "add_zero_point": True,
            "nodes_to_exclude": ["/lm_head/MatMul_Q4"],
            "save_as_external_data": True,
        },
    ),
    Step(
        "GraphSurgeries",
        {
            "surgeries": [
                {"surgeon": "RemoveRopeMultiCache"},
                {"surgeon": "AttentionMaskToSequenceLengths"},
                {"surgeon": "SimplifiedLayerNormToL2Norm"},
            ],
            "save_as_external_data": True,
        },
    ),
    Step(
        "OnnxStaticQuantization",
        {
            "data_config": WIKITEXT_ACT["name"],
            "activation_type": "uint16",
            "precision": "uint8",
            "calibration_providers": ["CUDAExecutionProvider"],
            "quant_preprocess": True,
            "op_types_to_exclude": ["GatherBlockQuantized", "GroupQueryAttention", "MatMulNBits"],
            "save_as_external_data": True,
        },
    ),
    Step("SplitModel"),
    Step("StaticLLM", {"batch_size": 1, "context_length": 64}),
    Step(
        "EPContextBinaryGenerator",
        {
            "provider_options": {
                "htp_performance_mode": "burst",
                "htp_graph_finalization_optimization_mode": "3",
                "soc_model": "60",
            },
            "weight_sharing": True,
        },
    ),
    Step("ComposeOnnxModels"),
)

# AMD Quark weight-only uint4 AWQ of the Hugging Face model, then AMD's model generator for the NPU.
QUARK_STEP = Step(
    "QuarkQuantization",
    {
        "quant_scheme": "uint4_wo_128",
        "quant_algo": "awq",
        "dataset": "pileval_for_awq_benchmark",
        "data_type": "bfloat16",
        "num_calib_data": 128,
        "model_export": ["hf_format"],
    },
)

TARGETS: tuple[Target, ...] = (
    Target(
        "cpu",
        "CPUExecutionProvider",
        "cpu",
        (_builder("int4", _QWEN3_CPU), _builder("fp32", _SMOL_CPU)),
        "cpu",
        "olive-ai[cpu] (onnxruntime) and onnxruntime-genai (ModelBuilder imports onnxruntime_genai.models.builder)",
        (EP_MAP_SOURCE, BUILDER_PRECISION_SOURCE, EXTRAS_SOURCE, _QWEN3_CPU, _SMOL_CPU, ORT_PACKAGE_SOURCE),
    ),
    Target(
        "cuda",
        "CUDAExecutionProvider",
        "gpu",
        (
            _builder("int4", _QWEN3_CUDA),
            _builder("fp16", _SMOL_CUDA),
            _builder("bf16", BUILDER_PRECISION_SOURCE),
            _builder("fp32", EP_MAP_SOURCE),
        ),
        "gpu",
        "olive-ai[gpu] (onnxruntime-gpu) and onnxruntime-genai-cuda",
        (EP_MAP_SOURCE, BUILDER_PRECISION_SOURCE, EXTRAS_SOURCE, _QWEN3_CUDA, _SMOL_CUDA, ORT_PACKAGE_SOURCE),
    ),
    Target(
        "dml",
        "DmlExecutionProvider",
        "gpu",
        (_builder("int4", _QWEN_DML), _builder("fp16", BUILDER_PRECISION_SOURCE), _builder("fp32", EP_MAP_SOURCE)),
        "directml",
        "olive-ai[directml] (onnxruntime-directml, Windows) and onnxruntime-genai",
        (EP_MAP_SOURCE, BUILDER_PRECISION_SOURCE, EXTRAS_SOURCE, _QWEN_DML, ORT_PACKAGE_SOURCE),
    ),
    Target(
        "webgpu",
        "WebGpuExecutionProvider",
        "gpu",
        (_builder("int4", _QWEN3_WEBGPU), _builder("fp16", _SMOL_WEBGPU), _builder("fp32", EP_MAP_SOURCE)),
        None,
        "onnxruntime-genai (olive-ai has no WebGPU extra; olive-recipes' webgpu folders add onnxruntime-webgpu)",
        (EP_MAP_SOURCE, BUILDER_PRECISION_SOURCE, _QWEN3_WEBGPU, _SMOL_WEBGPU),
        note="0.13.0's EP_MAP maps WebGPU; 0.9.2's does not",
    ),
    Target(
        "openvino",
        "OpenVINOExecutionProvider",
        "npu",
        (
            Chain(
                "int4",
                (
                    Step(
                        "OpenVINOOptimumConversion",
                        {
                            "extra_args": {"device": "npu"},
                            "ov_quant_config": {
                                "weight_format": "int4",
                                "group_size": 128,
                                "dataset": "wikitext2",
                                "ratio": 1,
                                "sym": True,
                                "trust_remote_code": True,
                                "backup_precision": "int8_asym",
                            },
                        },
                    ),
                    Step("OpenVINOIoUpdate", {"static": False, "reuse_cache": True}),
                    Step(
                        "OpenVINOEncapsulation",
                        {
                            "target_device": "npu",
                            "keep_ov_dynamic_dims": True,
                            "ov_version": "2025.1",
                            "reuse_cache": True,
                        },
                    ),
                ),
                _QWEN_OV,
            ),
        ),
        "openvino",
        "olive-ai[openvino] (openvino, nncf, optimum[openvino], onnxruntime-openvino)",
        (
            _QWEN_OV,
            EXTRAS_SOURCE,
            ORT_PACKAGE_SOURCE,
            "olive/olive_config.json:405-413 (OpenVINOEncapsulation: OpenVINOExecutionProvider)",
        ),
        note="Optimum Intel converts and quantizes (NNCF int4 weights); ModelBuilder does not build for OpenVINO",
    ),
    Target(
        "qnn",
        "QNNExecutionProvider",
        "npu",
        (Chain("int4", QNN_NPU_STEPS, _LLAMA_QNN, data=(WIKITEXT_JOINED, WIKITEXT_ACT)),),
        "qnn",
        "olive-ai[qnn] (onnxruntime-qnn, for the context binaries), auto-gptq and optimum (GptqQuantizer),"
        " onnxruntime-gpu (CUDA calibration); olive-recipes runs the QNN passes in a separate Python environment",
        (
            _LLAMA_QNN,
            _QWEN_QNN,
            EXTRAS_SOURCE,
            "olive/olive_config.json:81-89 (EPContextBinaryGenerator: QNNExecutionProvider, npu)",
            "olive/olive_config.json:107-116 (GptqQuantizer: auto-gptq, optimum)",
        ),
        host="cuda",
        note="int4 weights, uint16 activations; ModelBuilder builds a CPU model that the later passes turn into QNN's",
    ),
    Target(
        "nvtensorrtrtx",
        "NvTensorRTRTXExecutionProvider",
        "gpu",
        (
            _builder("fp16", _QWEN_TRTRTX, enable_cuda_graph=True),
            Chain(
                "int4",
                (
                    Step(
                        MODEL_BUILDER,
                        {
                            "precision": "int4",
                            "int4_block_size": 32,
                            "int4_is_symmetric": True,
                            "enable_cuda_graph": True,
                        },
                    ),
                    Step(
                        "MatMulNBitsToQDQ", {"use_int4": True, "add_zero_point": False, "save_as_external_data": True}
                    ),
                ),
                _QWEN14_TRTRTX,
            ),
        ),
        None,
        "onnxruntime-genai built with NvTensorRTRTXExecutionProvider (olive-recipes' NvTensorRtRtx README)",
        (EP_MAP_SOURCE, _QWEN_TRTRTX, _QWEN14_TRTRTX),
        note="int4 is handed on as QDQ (MatMulNBitsToQDQ), as every olive-recipes int4 TensorRT-RTX config does",
    ),
    Target(
        "vitisai",
        "VitisAIExecutionProvider",
        "npu",
        (
            Chain(
                "int4",
                (QUARK_STEP, Step("VitisGenerateModelLLM", {"mode": "npu", "recipe": "token_fusion"})),
                f"{_QWEN_RYZEN} (Olive main's RyzenGenerateModelLLM is 0.12-0.13's VitisGenerateModelLLM:"
                " olive/passes/onnx/vitis_ai/vitis_generate_model_llm.py:38-77, mode and recipe)",
                ("0.12", "0.13"),
            ),
            Chain(
                "int4",
                (QUARK_STEP, Step("RyzenGenerateModelLLM", {"recipe": "token_fusion"})),
                _QWEN_RYZEN,
                ("main",),
            ),
        ),
        None,
        "amd-quark (QuarkQuantization, olive/olive_config.json:601-610) and model-generate from AMD's index"
        " (https://pypi.amd.com/simple; VitisGenerateModelLLM imports model_generate)",
        (_QWEN_RYZEN, _QWEN_VITIS, "olive/olive_config.json:693-701 (VitisGenerateModelLLM: CPUExecutionProvider)"),
        system=("CPUExecutionProvider", "cpu"),
        note="the Olive config's target is the CPU: Olive's pass registry lists VitisGenerateModelLLM for"
        " CPUExecutionProvider (olive-recipes' aitk VitisAI configs do the same); the model runs on the NPU."
        " olive-recipes' VitisAI folder runs QuarkQuantizationVitisAI -> VitisGenerateModelLLM with `cpu_only`"
        " instead: QuarkQuantizationVitisAI is on Olive's main branch only, and 0.12-0.13's VitisGenerateModelLLM"
        " has no `cpu_only` (render such a config with `--olive-version main`)",
    ),
    Target(
        "migraphx",
        "MIGraphXExecutionProvider",
        "gpu",
        (),
        None,
        "nothing olivegen knows builds an LLM for it",
        (EP_MAP_SOURCE, _MIGRAPHX),
        note="ModelBuilder has no MIGraphX mapping and builds a CPU model; olive-recipes' MIGraphX configs"
        " export encoders (BERT, ViT, CLIP, ResNet) with OnnxConversion only",
    ),
)

TARGETS_BY_NAME: dict[str, Target] = {t.name: t for t in TARGETS}
TARGETS_BY_PROVIDER: dict[str, Target] = {t.provider: t for t in TARGETS}
# A provider with no chain of its own, and the target whose chain serves it.
INSTEAD: dict[str, str] = {"TensorrtExecutionProvider": "nvtensorrtrtx"}


def builder_providers(generation: str) -> tuple[str, ...]:
    """Return the providers ModelBuilder builds for in an Olive generation (empty: EP_MAP not read for it)."""
    return tuple(MODEL_BUILDER_EP_MAP.get(generation, ()))


def chain_summary(chain: Chain) -> str:
    """Return a chain as `A -> B -> C`."""
    return " -> ".join(step.type for step in chain.steps)


def how_to_build(provider: str, generation: str) -> str | None:
    """Say what builds an LLM for a provider ModelBuilder does not map (None: nothing olivegen knows)."""
    instead = INSTEAD.get(provider)
    if instead is not None:
        return f"ModelBuilder with `target: {instead}` ({TARGETS_BY_NAME[instead].provider})"
    target = TARGETS_BY_PROVIDER.get(provider)
    chain = target.chain(generation) or target.chain("0.13") if target is not None else None
    if target is None or chain is None:
        return None
    return f"{chain_summary(chain)} (`olivegen init --targets {target.name}`)"
