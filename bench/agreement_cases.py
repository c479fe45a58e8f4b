"""The agreement benchmark's catalogue: base recipes, and mistakes and valid variants made from them.

Data only (read by bench/agreement.py and tests/unit/test_agreement_verdicts.py). A case is a base
recipe plus `ops` on the recipe's data:

    ("set", path, value)      write a value (a missing mapping on the way is created)
    ("del", path)             remove a key or list item
    ("insert", path, value)   insert into a list before index path[-1]
    ("rename", path, new)     rename the key at path (keeps its value)

`path` is a tuple of keys and list indexes. When olivegen refuses the recipe before any Olive
config exists (the schema), `olive_ops` say the same mistake on the Olive config the base renders
(same ops, on the rendered JSON); without them that case has no Olive form and Olive's verdict is
`n/a`. `hardware`: Olive can only judge the case on hardware not here; the text names the source
line that decides it (and `olive_says`: what that line makes Olive do). `run: True` marks a cheap
CPU case worth a real `olive run` on the tiny model (`bench/agreement.py --run`).
"""

from __future__ import annotations

from typing import Any

PHI = "microsoft/Phi-3.5-mini-instruct"
LLAMA = "meta-llama/Llama-3.2-1B-Instruct"
TEMPLATE = "<|user|>\n{prompt}<|end|>\n<|assistant|>\n{response}<|end|>"
CHAT = {"name": "chat", "files": "data/chat.jsonl", "text_template": TEMPLATE, "max_seq_len": 512}

BASES: dict[str, dict[str, Any]] = {
    # the seed guide: LoRA -> merge -> ModelBuilder int4 for the CPU
    "seed": {
        "model": {"path": PHI, "trust_remote_code": True},
        "data": [CHAT],
        "host": "cuda",
        "target": "cpu",
        "passes": [
            {"type": "lora", "r": 64, "alpha": 64, "lora_dropout": 0.1, "training": {"max_steps": 100}},
            {"type": "merge"},
            {"type": "builder", "precision": "int4"},
        ],
    },
    # the lab: AWQ -> LoRA -> ModelBuilder int4 -> ExtractAdapters (separate adapter)
    "lab": {
        "model": {"path": PHI, "trust_remote_code": True},
        "data": [CHAT],
        "host": "cuda",
        "target": "cpu",
        "passes": [
            {"type": "awq"},
            {"type": "lora", "training": {"max_steps": 100}},
            {"type": "builder", "precision": "int4"},
            {"type": "ExtractAdapters"},
        ],
    },
    # QLoRA -> merge -> ModelBuilder int4 (the 4-bit base is not saved)
    "qlora": {
        "model": {"path": PHI, "trust_remote_code": True},
        "data": [CHAT],
        "host": "cuda",
        "target": "cuda",
        "passes": [
            {"type": "qlora", "save_quant_config": False, "training": {"max_steps": 100}},
            {"type": "merge"},
            {"type": "builder", "precision": "int4"},
        ],
    },
    # ONNX export + fusions + int4 for the CPU, on a CPU host
    "onnx-cpu": {
        "model": {"path": PHI, "trust_remote_code": True},
        "host": "cpu",
        "target": "cpu",
        "passes": [
            {"type": "onnx", "target_opset": 20},
            {"type": "optimize", "opt_level": 1},
            {"type": "OnnxBlockWiseRtnQuantization", "block_size": 128},
        ],
    },
    # PyTorch quantizers on a CPU host, then ModelBuilder
    "rtn-cpu": {
        "model": {"path": LLAMA},
        "host": "cpu",
        "target": "cpu",
        "passes": [{"type": "rtn", "bits": 4}, {"type": "builder", "precision": "int4"}],
    },
    "gptq-cpu": {
        "model": {"path": LLAMA},
        "data": [CHAT],
        "host": "cpu",
        "target": "cpu",
        "passes": [{"type": "gptq", "bits": 4, "data": "chat"}, {"type": "builder", "precision": "int4"}],
    },
    # ModelBuilder for GPU targets
    "mb-dml": {
        "model": {"path": PHI},
        "host": "cpu",
        "target": "dml",
        "passes": [{"type": "builder", "precision": "int4"}],
    },
    "mb-webgpu": {
        "model": {"path": PHI},
        "host": "cpu",
        "target": "webgpu",
        "passes": [{"type": "builder", "precision": "int4"}],
    },
    "mb-cuda": {
        "model": {"path": PHI},
        "host": "cuda",
        "target": "cuda",
        "passes": [{"type": "builder", "precision": "fp16"}],
    },
    "mb-trtrtx": {
        "model": {"path": PHI},
        "host": "cuda",
        "target": "trtrtx",
        "passes": [{"type": "builder", "precision": "fp16"}],
    },
    # OpenVINO: Optimum conversion with int4 weight compression
    "openvino": {
        "model": {"path": PHI},
        "host": "cpu",
        "target": "openvino",
        "passes": [
            {
                "type": "OpenVINOOptimumConversion",
                "config": {"extra_args": {"device": "npu"}, "ov_quant_config": {"weight_format": "int4"}},
            },
            {"type": "OpenVINOIoUpdate", "config": {"static": False}},
            {"type": "OpenVINOEncapsulation", "config": {"target_device": "npu"}},
        ],
    },
    # QNN: ONNX export, static QDQ quantization for the NPU
    "qnn": {
        "model": {"path": PHI},
        "data": [CHAT],
        "host": "cpu",
        "target": "qnn",
        "passes": [
            {"type": "onnx", "target_opset": 20},
            {"type": "OnnxStaticQuantization", "config": {"data_config": "chat", "quant_format": "QDQ"}},
        ],
    },
    # VitisAI: ONNX export, static quantization for the Ryzen AI NPU
    "vitisai": {
        "model": {"path": PHI},
        "data": [CHAT],
        "host": "cpu",
        "target": "vitisai",
        "passes": [
            {"type": "onnx", "target_opset": 17},
            {"type": "OnnxStaticQuantization", "config": {"data_config": "chat", "quant_format": "QDQ"}},
        ],
    },
}


# Where Olive decides a case only when it runs (or on hardware not here): the line that decides it.
SRC = {
    "data-file": "olive/data/component/load_dataset.py:40 `load_dataset(..., data_files=data_files)` raises"
    " FileNotFoundError for a missing file",
    "template": "olive/data/component/text_generation.py:400 `template.format(**example)` raises KeyError"
    " (unknown column) or ValueError (broken format string)",
    "merge": "olive/passes/pytorch/merge_adapter_weights.py:30 `if not model.adapter_path: raise RuntimeError("
    "'No adapter path found in the model ...')`",
    "extract": "olive/passes/onnx/extract_adapters.py:97 `if not model_has_adapters(...)`: logs 'Model does not have"
    " lora modules. Returning the original model.' and the run succeeds (no adapter file)",
    "awq-cpu": "olive/passes/pytorch/autoawq.py:118 `raise ValueError('Please use GPU to run AWQ quantization.')`",
    "awq-bits": "needs a CUDA host to run; Olive hands `bits` to autoawq (olive/passes/pytorch/autoawq.py:153), whose"
    " quantized linear modules take 4 bits only: AutoAWQ v0.2.9 awq/modules/linear/gemm.py:122-123 `if w_bit not in"
    " [4]: raise NotImplementedError('Only 4-bit are supported for now.')`",
    "awq-version": "needs a CUDA host to run; Olive hands `version` to autoawq (olive/passes/pytorch/autoawq.py:154),"
    " which lower-cases it (awq/models/_config.py:24) and raises ValueError('Unknown version ...') for anything but"
    " gemm, gemv, marlin, gemv_fast (AutoAWQ v0.2.9 awq/quantize/quantizer.py:236-252)",
    "awq-group": "needs a CUDA host to run; Olive hands `q_group_size` to autoawq"
    " (olive/passes/pytorch/autoawq.py:152);"
    " WQLinear_GEMM takes -1 as per channel and asserts `in_features % group_size == 0` (AutoAWQ v0.2.9"
    " awq/modules/linear/gemm.py:128-131), then allocates `in_features // group_size` rows (:143-149): a negative"
    " size other than -1 fails",
    "lora-rank": "needs a CUDA host for the AWQ pass before it; peft refuses the rank when LoRA wraps the model:"
    " peft 0.22.0 peft/tuners/lora/layer.py:243-244 `if r <= 0: raise ValueError('`r` should be a positive integer"
    " value ...')` (the same mistake without AWQ fails a real run: seed.lora-r-0)",
    "int8": "onnxruntime_genai/models/builder.py:166-171 (0.14.1) `set_onnx_dtype` maps only int4/fp32/fp16/bf16:"
    " KeyError <Precision.INT8: 'int8'> (issue 19, run on the tiny model)",
    "ep-map": "olive/passes/onnx/model_builder.py:237 `self.EP_MAP.get(execution_provider, 'cpu')`: EP_MAP (line 54)"
    " has CPU, CUDA, DML, WebGPU, JS, NvTensorRTRTX only, so the model is silently built for the CPU",
    "onnx-on-hf": "the ONNX passes take an ONNXModelHandler (`_run_for_config(self, model: ONNXModelHandler, ...)`,"
    " e.g. olive/passes/onnx/rtn_quantization.py:75-79 `model.load_ir_model()`): a Hugging Face model fails",
    "hf-on-onnx": "the PyTorch passes load a Hugging Face model (`model.load_model()` of an HfModelHandler):"
    " an ONNX model from an earlier pass fails",
    "qlora-extract": "issue 19: QLoRA (save_quant_config false) -> ModelBuilder int4 -> ExtractAdapters rendered by"
    " hand and run with Olive 0.13 on the tiny Phi-3: exit 0 in 44-84 s",
    "cuda": "needs a CUDA GPU to run (not here); verdict from the config check",
    "dml": "needs DirectML on Windows to run (not here); verdict from the config check",
    "webgpu": "needs WebGPU onnxruntime-genai to run (not here); verdict from the config check",
    "npu": "needs the NPU and its SDK (QNN / Ryzen AI / OpenVINO NPU) to run (not here); verdict from the config check",
    "trtrtx": "needs an RTX GPU with TensorRT-RTX to run (not here); verdict from the config check",
}

CASES: list[dict[str, Any]] = []


def mistake(case_id: str, base: str, why: str, ops: list[Any], olive_ops: list[Any] | None = None, **more: Any) -> None:
    """A mistake: what a user could write by accident."""
    case = {"id": case_id, "base": base, "kind": "mistake", "why": why, "ops": ops, **more}
    if olive_ops is not None:
        case["olive_ops"] = olive_ops
    CASES.append(case)


def valid(case_id: str, base: str, why: str, ops: list[Any], **more: Any) -> None:
    """A valid variant: a recipe Olive runs, which olivegen must accept."""
    CASES.append({"id": case_id, "base": base, "kind": "valid", "why": why, "ops": ops, **more})


def runtime(key: str, says: str = "fail") -> dict[str, Any]:
    """A case decided when Olive runs: its source line and what it makes Olive do."""
    return {"olive_says": says, "evidence": SRC[key]}


def hardware(key: str) -> dict[str, Any]:
    """A case whose run needs hardware not here: the config check's verdict, with what a run needs."""
    return {"hardware": SRC[key]}


LORA = ("passes", 0)
OP = ("passes",)  # the Olive config's passes, by key

# --- seed: LoRA -> merge -> ModelBuilder int4
for v, olive_v, why in [
    (0, 0, "LoRA rank 0"),
    ("big", "big", "LoRA rank as a word"),
]:
    mistake(f"seed.lora-r-{v}", "seed", why, [("set", (*LORA, "r"), v)], [("set", (*OP, "lora", "r"), olive_v)])
valid("seed.lora-r-5000", "seed", "LoRA rank 5000 (peft takes any positive rank)", [("set", (*LORA, "r"), 5000)])
mistake(
    "seed.lora-dropout-1.5",
    "seed",
    "dropout above 1",
    [("set", (*LORA, "lora_dropout"), 1.5)],
    [("set", (*OP, "lora", "lora_dropout"), 1.5)],
)
valid("seed.lora-alpha-negative", "seed", "negative alpha (peft scales by alpha / r)", [("set", (*LORA, "alpha"), -8)])
mistake(
    "seed.lora-type-typo",
    "seed",
    "pass type misspelled",
    [("set", (*LORA, "type"), "lroa")],
    [("set", (*OP, "lora", "type"), "Lroa")],
)
mistake(
    "seed.lora-dropout-key-typo",
    "seed",
    "pass parameter misspelled",
    [("rename", (*LORA, "lora_dropout"), "lora_droput")],
    [("rename", (*OP, "lora", "lora_dropout"), "lora_droput")],
)
mistake(
    "seed.lora-dtype-float64",
    "seed",
    "training dtype torch has no LoRA path for",
    [("set", (*LORA, "torch_dtype"), "float64")],
    [("set", (*OP, "lora", "torch_dtype"), "float64")],
)
mistake(
    "seed.max-steps-word",
    "seed",
    "max_steps as a word",
    [("set", (*LORA, "training", "max_steps"), "many")],
    [("set", (*OP, "lora", "training_args", "max_steps"), "many")],
)
mistake(
    "seed.training-key-typo",
    "seed",
    "training argument misspelled",
    [("set", (*LORA, "training", "learning_rat"), 0.001)],
    [("set", (*OP, "lora", "training_args", "learning_rat"), 0.001)],
)
mistake(
    "seed.training-lr-word",
    "seed",
    "learning rate as a word",
    [("set", (*LORA, "training", "learning_rate"), "fast")],
    [("set", (*OP, "lora", "training_args", "learning_rate"), "fast")],
)
mistake(
    "seed.training-batch-zero",
    "seed",
    "batch size 0",
    [("set", (*LORA, "training", "per_device_train_batch_size"), 0)],
    [("set", (*OP, "lora", "training_args", "per_device_train_batch_size"), 0)],
)
mistake("seed.train-data-unknown", "seed", "train_data names no data set", [("set", (*LORA, "train_data"), "chats")])
mistake(
    "seed.target-modules-unknown",
    "seed",
    "target_modules names no Phi-3 layer",
    [("set", (*LORA, "target_modules"), ["q_proj", "v_proj"])],
)
mistake(
    "seed.merge-first",
    "seed",
    "merge before LoRA: nothing to merge",
    [("del", ("passes", 1)), ("insert", ("passes", 0), {"type": "merge"})],
    **runtime("merge"),
)
mistake("seed.merge-without-lora", "seed", "LoRA removed, merge kept", [("del", ("passes", 0))], **runtime("merge"))
mistake(
    "seed.extract-after-merge",
    "seed",
    "ExtractAdapters after the merge: no adapter left",
    [("insert", ("passes", 3), {"type": "ExtractAdapters"})],
    **runtime("extract", "accept"),
)
mistake(
    "seed.builder-int3",
    "seed",
    "precision Olive does not have",
    [("set", ("passes", 2, "precision"), "int3")],
    [("set", (*OP, "model_builder", "precision"), "int3")],
)
mistake(
    "seed.builder-int8",
    "seed",
    "ModelBuilder int8 (onnxruntime-genai 0.14.1 cannot build it)",
    [("set", ("passes", 2, "precision"), "int8")],
    **runtime("int8"),
)
mistake(
    "seed.builder-no-precision",
    "seed",
    "precision left out",
    [("del", ("passes", 2, "precision"))],
    [("del", (*OP, "model_builder", "precision"))],
)
mistake(
    "seed.builder-block-48",
    "seed",
    "int4 block size not a power of two",
    [("set", ("passes", 2, "int4_block_size"), 48)],
    [("set", (*OP, "model_builder", "int4_block_size"), 48)],
)
mistake(
    "seed.builder-accuracy-5",
    "seed",
    "int4 accuracy level 5",
    [("set", ("passes", 2, "int4_accuracy_level"), 5)],
    [("set", (*OP, "model_builder", "int4_accuracy_level"), 5)],
)
mistake(
    "seed.builder-precision-key-typo",
    "seed",
    "precision misspelled",
    [("rename", ("passes", 2, "precision"), "precison")],
    [("rename", (*OP, "model_builder", "precision"), "precison")],
)
mistake("seed.builder-fp16-cpu", "seed", "ModelBuilder fp16 for the CPU", [("set", ("passes", 2, "precision"), "fp16")])
mistake("seed.builder-bf16-cpu", "seed", "ModelBuilder bf16 for the CPU", [("set", ("passes", 2, "precision"), "bf16")])
mistake(
    "seed.data-file-missing",
    "seed",
    "data file misspelled",
    [("set", ("data", 0, "files"), "data/chat2.jsonl")],
    **runtime("data-file"),
)
mistake(
    "seed.data-name-dash",
    "seed",
    "data set name with a dash",
    [("set", ("data", 0, "name"), "support-chat"), ("set", (*LORA, "train_data"), "support-chat")],
)
mistake(
    "seed.data-name-dot",
    "seed",
    "data set name with a dot",
    [("set", ("data", 0, "name"), "chat.v2"), ("set", (*LORA, "train_data"), "chat.v2")],
)
mistake(
    "seed.template-column",
    "seed",
    "template names a column the data lacks",
    [("set", ("data", 0, "text_template"), "{promt} {response}")],
    **runtime("template"),
)
mistake(
    "seed.template-syntax",
    "seed",
    "template with an unclosed brace",
    [("set", ("data", 0, "text_template"), "{prompt {response}")],
    **runtime("template"),
)
mistake(
    "seed.template-key-typo",
    "seed",
    "text_template misspelled",
    [("rename", ("data", 0, "text_template"), "text_tmplate")],
    [("rename", ("data_configs", 0, "pre_process_data_config", "text_template"), "text_tmplate")],
)
mistake(
    "seed.max-seq-len-zero",
    "seed",
    "max_seq_len 0",
    [("set", ("data", 0, "max_seq_len"), 0)],
    [("set", ("data_configs", 0, "pre_process_data_config", "max_seq_len"), 0)],
)
mistake(
    "seed.max-seq-len-word",
    "seed",
    "max_seq_len as a word",
    [("set", ("data", 0, "max_seq_len"), "long")],
    [("set", ("data_configs", 0, "pre_process_data_config", "max_seq_len"), "long")],
)
mistake("seed.eval-split-1.5", "seed", "eval_split above 1", [("set", ("data", 0, "eval_split"), 1.5)])
mistake("seed.duplicate-data", "seed", "the same data set twice", [("insert", ("data", 1), dict(CHAT))])
mistake(
    "seed.data-no-text",
    "seed",
    "data set without template or columns",
    [("del", ("data", 0, "text_template"))],
    [("del", ("data_configs", 0, "pre_process_data_config", "text_template"))],
)
mistake(
    "seed.target-typo",
    "seed",
    "target provider misspelled",
    [("set", ("target",), "cpuu")],
    [("set", ("systems", "target_system", "accelerators", 0, "execution_providers", 0), "CPUUExecutionProvider")],
)
mistake(
    "seed.host-tpu",
    "seed",
    "host provider that does not exist (no Olive form: `host:` names an execution provider and `tpu` names"
    " none, so no Olive config says the same; a made-up `TPUExecutionProvider` on a LocalSystem host would be"
    " ignored, as Olive reads only the host's device, olive/engine/engine.py:297-301)",
    [("set", ("host",), "tpu")],
)
mistake(
    "seed.log-level-9",
    "seed",
    "log level out of range",
    [("set", ("engine", "log_level"), 9)],
    [("set", ("engine", "log_severity_level"), 9)],
)
mistake(
    "seed.engine-key-typo",
    "seed",
    "engine key misspelled",
    [("set", ("engine", "clean_cach"), True)],
    [("set", ("engine", "clean_cach"), True)],
)
mistake(
    "seed.top-key-typo",
    "seed",
    "`passes` misspelled",
    [("rename", ("passes",), "pases")],
    [("rename", ("passes",), "pases")],
)
mistake(
    "seed.model-path-key-typo",
    "seed",
    "model path key misspelled",
    [("rename", ("model", "path"), "pth")],
    [("rename", ("input_model", "model_path"), "model_pth")],
)
valid(
    "seed.model-dtype-float64",
    "seed",
    "model loaded in float64 (Olive resolves the name with getattr(torch, ...); LoRA trains in its own dtype)",
    [("set", ("model", "torch_dtype"), "float64")],
)
mistake(
    "seed.trust-remote-word",
    "seed",
    "trust_remote_code as a word",
    [("set", ("model", "trust_remote_code"), "yes")],
    [("set", ("input_model", "load_kwargs", "trust_remote_code"), "yes")],
)
mistake(
    "seed.local-model-missing",
    "seed",
    "local model folder that does not exist",
    [("set", ("model", "path"), "./models/phi")],
    run_keeps_model=True,
)
mistake(
    "seed.adapter-missing",
    "seed",
    "adapter folder that does not exist",
    [("set", ("model", "adapter_path"), "./adapters/x")],
)
mistake("seed.olive-0.5", "seed", "an Olive release olivegen does not render", [("set", ("olive",), "0.5")])
mistake("seed.no-passes", "seed", "passes left empty", [("set", ("passes",), [])], [("set", ("passes",), {})])
mistake(
    "seed.evaluate-unknown-data",
    "seed",
    "a metric on a data set that does not exist",
    [("set", ("evaluate",), {"metrics": [{"name": "ppl", "type": "accuracy", "data": "nope"}]})],
)
mistake(
    "seed.search-strategy-typo",
    "seed",
    "search sampler misspelled",
    [("set", ("engine", "search"), {"execution_order": "joint", "sampler": "tpee"})],
)
valid("seed.ok", "seed", "the seed guide as written", [], **hardware("cuda"))
valid(
    "seed.r16",
    "seed",
    "rank 16, alpha 32",
    [("set", (*LORA, "r"), 16), ("set", (*LORA, "alpha"), 32)],
    **hardware("cuda"),
)
valid("seed.target-cuda", "seed", "int4 for CUDA", [("set", ("target",), "cuda")], **hardware("cuda"))
valid("seed.eval-split", "seed", "a 10% eval split", [("set", ("data", 0, "eval_split"), 0.1)], **hardware("cuda"))
valid(
    "seed.builder-fp32",
    "seed",
    "ModelBuilder fp32 for the CPU",
    [("set", ("passes", 2, "precision"), "fp32")],
    **hardware("cuda"),
)
valid(
    "seed.block-32",
    "seed",
    "int4 block size 32, accuracy 4",
    [("set", ("passes", 2, "int4_block_size"), 32), ("set", ("passes", 2, "int4_accuracy_level"), 4)],
    **hardware("cuda"),
)
valid(
    "seed.text-cols",
    "seed",
    "text_cols instead of a template",
    [("del", ("data", 0, "text_template")), ("set", ("data", 0, "text_cols"), ["prompt", "response"])],
    **hardware("cuda"),
)
valid(
    "seed.cpu-float32",
    "seed",
    "LoRA on a CPU host in float32",
    [("set", ("host",), "cpu"), ("set", (*LORA, "torch_dtype"), "float32")],
)
valid(
    "seed.epochs",
    "seed",
    "train by epochs",
    [("del", (*LORA, "training", "max_steps")), ("set", (*LORA, "training", "num_train_epochs"), 1)],
    **hardware("cuda"),
)

# --- lab: AWQ -> LoRA -> ModelBuilder int4 -> ExtractAdapters
mistake("lab.awq-cpu-host", "lab", "AWQ on a CPU host", [("set", ("host",), "cpu")], **runtime("awq-cpu"))
mistake(
    "lab.awq-bits-8",
    "lab",
    "AWQ with 8 bits",
    [("set", ("passes", 0, "bits"), 8)],
    [("set", (*OP, "awq", "bits"), 8)],
    **runtime("awq-bits"),
)
mistake(
    "lab.awq-version-typo",
    "lab",
    "AWQ kernel version misspelled",
    [("set", ("passes", 0, "version"), "gemn")],
    [("set", (*OP, "awq", "version"), "gemn")],
    **runtime("awq-version"),
)
mistake(
    "lab.awq-group-negative",
    "lab",
    "AWQ group size -5",
    [("set", ("passes", 0, "q_group_size"), -5)],
    [("set", (*OP, "awq", "q_group_size"), -5)],
    **runtime("awq-group"),
)
mistake(
    "lab.awq-data-unknown", "lab", "AWQ calibration data that does not exist", [("set", ("passes", 0, "data"), "calib")]
)
mistake(
    "lab.extract-format-bin",
    "lab",
    "adapter format Olive does not have",
    [("set", ("passes", 3, "save_format"), "bin")],
    [("set", (*OP, "extract_adapters", "save_format"), "bin")],
)
mistake(
    "lab.extract-type-ia3",
    "lab",
    "adapter type Olive does not have",
    [("set", ("passes", 3, "adapter_type"), "ia3")],
    [("set", (*OP, "extract_adapters", "adapter_type"), "ia3")],
)
mistake(
    "lab.extract-before-builder",
    "lab",
    "ExtractAdapters before the ONNX export",
    [("del", ("passes", 3)), ("insert", ("passes", 2), {"type": "ExtractAdapters"})],
    **runtime("onnx-on-hf"),
)
mistake(
    "lab.no-builder",
    "lab",
    "ModelBuilder left out: ExtractAdapters gets a PyTorch model",
    [("del", ("passes", 2))],
    **runtime("onnx-on-hf"),
)
mistake(
    "lab.merge-then-extract",
    "lab",
    "a merge before ModelBuilder: no adapter to extract",
    [("insert", ("passes", 2), {"type": "merge"})],
    **runtime("extract", "accept"),
)
mistake(
    "lab.lora-before-awq",
    "lab",
    "LoRA before AWQ: AWQ gets the adapter model",
    [("del", ("passes", 0)), ("insert", ("passes", 1), {"type": "awq"})],
)
mistake(
    "lab.builder-int8",
    "lab",
    "ModelBuilder int8 with an adapter",
    [("set", ("passes", 2, "precision"), "int8")],
    **runtime("int8"),
)
mistake("lab.builder-fp16-cpu", "lab", "ModelBuilder fp16 for the CPU", [("set", ("passes", 2, "precision"), "fp16")])
mistake(
    "lab.lora-r-zero",
    "lab",
    "LoRA rank 0",
    [("set", ("passes", 1, "r"), 0)],
    [("set", (*OP, "lora", "r"), 0)],
    **runtime("lora-rank"),
)
mistake(
    "lab.awq-type-typo",
    "lab",
    "AWQ pass type misspelled",
    [("set", ("passes", 0, "type"), "AutoAWQQuantiser")],
    [("set", (*OP, "awq", "type"), "AutoAWQQuantiser")],
)
mistake(
    "lab.data-file-missing",
    "lab",
    "data file missing",
    [("set", ("data", 0, "files"), "chat.jsonl")],
    **runtime("data-file"),
)
mistake(
    "lab.builder-openvino",
    "lab",
    "ModelBuilder for an OpenVINO target",
    [("set", ("target",), "openvino")],
    **runtime("ep-map"),
)
valid("lab.ok", "lab", "the lab as written", [], **hardware("cuda"))
valid(
    "lab.numpy-adapter",
    "lab",
    "adapter saved as numpy",
    [("set", ("passes", 3, "save_format"), "numpy")],
    **hardware("cuda"),
)
valid("lab.awq-group-64", "lab", "AWQ group size 64", [("set", ("passes", 0, "q_group_size"), 64)], **hardware("cuda"))
valid("lab.target-cuda", "lab", "int4 + adapter for CUDA", [("set", ("target",), "cuda")], **hardware("cuda"))

# --- qlora: QLoRA -> merge -> ModelBuilder int4
mistake(
    "qlora.separate-adapter",
    "qlora",
    "QLoRA -> ModelBuilder int4 -> ExtractAdapters (no merge)",
    [("del", ("passes", 1)), ("insert", ("passes", 2), {"type": "ExtractAdapters"})],
    **runtime("qlora-extract", "accept"),
)
mistake(
    "qlora.quant-type-nf8",
    "qlora",
    "quant_type that does not exist",
    [("set", ("passes", 0, "quant_type"), "nf8")],
    [("set", (*OP, "qlora", "quant_type"), "nf8")],
)
mistake(
    "qlora.compute-float64",
    "qlora",
    "compute dtype float64",
    [("set", ("passes", 0, "compute_dtype"), "float64")],
    [("set", (*OP, "qlora", "compute_dtype"), "float64")],
)
mistake(
    "qlora.double-quant-word",
    "qlora",
    "double_quant as a word",
    [("set", ("passes", 0, "double_quant"), "yes")],
    [("set", (*OP, "qlora", "double_quant"), "yes")],
)
mistake(
    "qlora.lora-double-quant",
    "qlora",
    "LoRA with QLoRA's double_quant (the seed guide's legacy config)",
    [
        ("set", ("passes", 0, "type"), "lora"),
        ("del", ("passes", 0, "save_quant_config")),
        ("set", ("passes", 0, "double_quant"), True),
    ],
    [("set", (*OP, "qlora", "type"), "LoRA"), ("set", (*OP, "qlora", "double_quant"), True)],
)
mistake(
    "qlora.keep-quant-config",
    "qlora",
    "QLoRA keeps its 4-bit config, then merge",
    [("del", ("passes", 0, "save_quant_config"))],
)
mistake(
    "qlora.merge-twice", "qlora", "a second merge", [("insert", ("passes", 2), {"type": "merge"})], **runtime("merge")
)
mistake(
    "qlora.train-data-unknown", "qlora", "train_data names no data set", [("set", ("passes", 0, "train_data"), "train")]
)
mistake(
    "qlora.eval-data-unknown",
    "qlora",
    "eval_data names no data set",
    [("set", ("passes", 0, "eval_data"), "chat_eval")],
)
mistake(
    "qlora.r-negative", "qlora", "QLoRA rank -1", [("set", ("passes", 0, "r"), -1)], [("set", (*OP, "qlora", "r"), -1)]
)
mistake(
    "qlora.builder-int8", "qlora", "ModelBuilder int8", [("set", ("passes", 2, "precision"), "int8")], **runtime("int8")
)
mistake("qlora.no-data", "qlora", "QLoRA without any data set", [("del", ("data",))])
valid("qlora.ok", "qlora", "QLoRA -> merge -> int4 for CUDA", [], **hardware("cuda"))
valid(
    "qlora.fp4",
    "qlora",
    "fp4 base with double quantization",
    [("set", ("passes", 0, "quant_type"), "fp4"), ("set", ("passes", 0, "double_quant"), True)],
    **hardware("cuda"),
)
valid(
    "qlora.builder-fp16",
    "qlora",
    "merged model in fp16 for CUDA",
    [("set", ("passes", 2, "precision"), "fp16")],
    **hardware("cuda"),
)

# --- onnx-cpu: OnnxConversion -> fusions -> int4 RTN
valid("onnx.opset-5", "onnx-cpu", "opset 5 (the export runs)", [("set", ("passes", 0, "target_opset"), 5)])
mistake(
    "onnx.opset-40",
    "onnx-cpu",
    "opset 40",
    [("set", ("passes", 0, "target_opset"), 40)],
    [("set", (*OP, "onnx_conversion", "target_opset"), 40)],
)
mistake(
    "onnx.opset-key-typo",
    "onnx-cpu",
    "target_opset misspelled",
    [("rename", ("passes", 0, "target_opset"), "target_opst")],
    [("rename", (*OP, "onnx_conversion", "target_opset"), "target_opst")],
)
valid("onnx.dtype-float64", "onnx-cpu", "export in float64", [("set", ("passes", 0, "torch_dtype"), "float64")])
mistake(
    "onnx.opt-level-3",
    "onnx-cpu",
    "opt_level 3",
    [("set", ("passes", 1, "opt_level"), 3)],
    [("set", (*OP, "ort_transformers_optimization", "opt_level"), 3)],
)
mistake(
    "onnx.num-heads-negative",
    "onnx-cpu",
    "num_heads -1",
    [("set", ("passes", 1, "num_heads"), -1)],
    [("set", (*OP, "ort_transformers_optimization", "num_heads"), -1)],
)
mistake(
    "onnx.model-type-typo", "onnx-cpu", "fusion model_type misspelled", [("set", ("passes", 1, "model_type"), "phi5")]
)
mistake("onnx.float16-cpu", "onnx-cpu", "float16 fusions for the CPU", [("set", ("passes", 1, "float16"), True)])
mistake(
    "onnx.block-100",
    "onnx-cpu",
    "RTN block size 100",
    [("set", ("passes", 2, "block_size"), 100)],
    [("set", (*OP, "onnx_block_wise_rtn_quantization", "block_size"), 100)],
)
mistake(
    "onnx.accuracy-7",
    "onnx-cpu",
    "RTN accuracy level 7",
    [("set", ("passes", 2, "accuracy_level"), 7)],
    [("set", (*OP, "onnx_block_wise_rtn_quantization", "accuracy_level"), 7)],
)
mistake(
    "onnx.exclude-not-list",
    "onnx-cpu",
    "nodes_to_exclude as one string",
    [("set", ("passes", 2, "nodes_to_exclude"), "lm_head")],
    [("set", (*OP, "onnx_block_wise_rtn_quantization", "nodes_to_exclude"), "lm_head")],
)
mistake(
    "onnx.optimize-first",
    "onnx-cpu",
    "fusions before the export",
    [("del", ("passes", 1)), ("insert", ("passes", 0), {"type": "optimize", "opt_level": 1})],
    **runtime("onnx-on-hf"),
)
mistake(
    "onnx.rtn-only",
    "onnx-cpu",
    "ONNX RTN on the PyTorch model",
    [("del", ("passes", 0)), ("del", ("passes", 0))],
    **runtime("onnx-on-hf"),
)
mistake(
    "onnx.export-twice",
    "onnx-cpu",
    "a second export after the fusions",
    [("insert", ("passes", 2), {"type": "onnx"})],
    **runtime("hf-on-onnx"),
)
mistake(
    "onnx.lora-after-export",
    "onnx-cpu",
    "LoRA on the exported ONNX model",
    [
        ("insert", ("passes", 1), {"type": "lora", "torch_dtype": "float32", "training": {"max_steps": 1}}),
        ("set", ("data",), [CHAT]),
    ],
    **runtime("hf-on-onnx"),
)
mistake(
    "onnx.dynamo-word",
    "onnx-cpu",
    "use_dynamo_exporter as a word",
    [("set", ("passes", 0, "use_dynamo_exporter"), "on")],
    [("set", (*OP, "onnx_conversion", "use_dynamo_exporter"), "on")],
)
mistake(
    "onnx.optimize-key-typo",
    "onnx-cpu",
    "opt_level misspelled",
    [("rename", ("passes", 1, "opt_level"), "optlevel")],
    [("rename", (*OP, "ort_transformers_optimization", "opt_level"), "optlevel")],
)
mistake(
    "onnx.host-provider-device",
    "onnx-cpu",
    "CUDA provider on a CPU device",
    [("set", ("target",), {"provider": "cuda", "device": "cpu"})],
)
valid("onnx.ok", "onnx-cpu", "export, fuse, int4 for the CPU", [])
valid("onnx.opset-17", "onnx-cpu", "opset 17, TorchScript exporter", [("set", ("passes", 0, "target_opset"), 17)])
valid(
    "onnx.block-32",
    "onnx-cpu",
    "RTN block 32, asymmetric",
    [("set", ("passes", 2, "block_size"), 32), ("set", ("passes", 2, "is_symmetric"), False)],
)
valid("onnx.no-rtn", "onnx-cpu", "export and fuse only", [("del", ("passes", 2))])
valid(
    "onnx.external-data",
    "onnx-cpu",
    "weights as external data",
    [("set", ("passes", 0, "save_as_external_data"), True), ("set", ("passes", 1, "save_as_external_data"), True)],
)
valid(
    "onnx.cuda-float16",
    "onnx-cpu",
    "float16 fusions for CUDA",
    [("set", ("target",), "cuda"), ("set", ("passes", 1, "float16"), True), ("set", ("passes", 1, "use_gpu"), True)],
    **hardware("cuda"),
)

# --- rtn-cpu / gptq-cpu: PyTorch quantizers -> ModelBuilder
mistake(
    "rtn.bits-3", "rtn-cpu", "RTN with 3 bits", [("set", ("passes", 0, "bits"), 3)], [("set", (*OP, "rtn", "bits"), 3)]
)
mistake(
    "rtn.group-negative",
    "rtn-cpu",
    "RTN group size -2",
    [("set", ("passes", 0, "group_size"), -2)],
    [("set", (*OP, "rtn", "group_size"), -2)],
)
mistake(
    "rtn.bits-key-typo",
    "rtn-cpu",
    "bits misspelled",
    [("rename", ("passes", 0, "bits"), "bit")],
    [("rename", (*OP, "rtn", "bits"), "bit")],
)
mistake(
    "rtn.embeds-word",
    "rtn-cpu",
    "embeds as a word",
    [("set", ("passes", 0, "embeds"), "all")],
    [("set", (*OP, "rtn", "embeds"), "all")],
)
mistake(
    "rtn.after-builder",
    "rtn-cpu",
    "RTN after the ONNX export",
    [("del", ("passes", 0)), ("insert", ("passes", 1), {"type": "rtn"})],
    **runtime("hf-on-onnx"),
)
mistake(
    "rtn.builder-int8",
    "rtn-cpu",
    "ModelBuilder int8 after RTN",
    [("set", ("passes", 1, "precision"), "int8")],
    run=True,
    **runtime("int8"),
)
mistake(
    "rtn.builder-bf16-cpu", "rtn-cpu", "ModelBuilder bf16 for the CPU", [("set", ("passes", 1, "precision"), "bf16")]
)
mistake(
    "gptq.bits-3",
    "gptq-cpu",
    "GPTQ with 3 bits",
    [("set", ("passes", 0, "bits"), 3)],
    [("set", (*OP, "gptq", "bits"), 3)],
)
valid(
    "gptq.damp-2",
    "gptq-cpu",
    "GPTQ dampening 2 (twice the Hessian's mean diagonal)",
    [("set", ("passes", 0, "damp_percent"), 2)],
)
mistake(
    "gptq.damp-negative",
    "gptq-cpu",
    "GPTQ dampening -1",
    [("set", ("passes", 0, "damp_percent"), -1)],
    [("set", (*OP, "gptq", "damp_percent"), -1)],
)
mistake(
    "rtn.group-24",
    "rtn-cpu",
    "RTN group size 24 (not a power of two)",
    [("set", ("passes", 0, "group_size"), 24)],
    [("set", (*OP, "rtn", "group_size"), 24)],
)
mistake(
    "gptq.data-unknown", "gptq-cpu", "calibration data that does not exist", [("set", ("passes", 0, "data"), "calib")]
)
mistake(
    "gptq.group-negative",
    "gptq-cpu",
    "GPTQ group size -3",
    [("set", ("passes", 0, "group_size"), -3)],
    [("set", (*OP, "gptq", "group_size"), -3)],
)
mistake(
    "gptq.after-builder",
    "gptq-cpu",
    "GPTQ after the ONNX export",
    [("del", ("passes", 0)), ("insert", ("passes", 1), {"type": "gptq", "data": "chat"})],
    **runtime("hf-on-onnx"),
)
mistake(
    "gptq.type-typo",
    "gptq-cpu",
    "pass type GTPQ",
    [("set", ("passes", 0, "type"), "gtpq")],
    [("set", (*OP, "gptq", "type"), "Gtpq")],
)
mistake(
    "gptq.data-file-missing",
    "gptq-cpu",
    "calibration file missing",
    [("set", ("data", 0, "files"), "data/calib.jsonl")],
    **runtime("data-file"),
)
valid("rtn.ok", "rtn-cpu", "RTN int4 -> ModelBuilder int4 on the CPU", [], run=True)
valid(
    "rtn.bits-8",
    "rtn-cpu",
    "RTN 8 bits, symmetric",
    [("set", ("passes", 0, "bits"), 8), ("set", ("passes", 0, "sym"), True)],
)
mistake(
    "rtn.builder-fp32",
    "rtn-cpu",
    "RTN -> ModelBuilder fp32 (a quantized model builds only as int4)",
    [("set", ("passes", 1, "precision"), "fp32")],
    run=True,
)
valid("gptq.ok", "gptq-cpu", "GPTQ -> ModelBuilder int4 on the CPU", [])
valid(
    "gptq.bits-8",
    "gptq-cpu",
    "GPTQ 8 bits, group 64",
    [("set", ("passes", 0, "bits"), 8), ("set", ("passes", 0, "group_size"), 64)],
)

# --- ModelBuilder for GPU targets
for base, short, key in [
    ("mb-dml", "dml", "dml"),
    ("mb-webgpu", "webgpu", "webgpu"),
    ("mb-trtrtx", "trtrtx", "trtrtx"),
]:
    mistake(
        f"{short}.builder-bf16", base, f"ModelBuilder bf16 for {short}", [("set", ("passes", 0, "precision"), "bf16")]
    )
    mistake(
        f"{short}.builder-int8",
        base,
        f"ModelBuilder int8 for {short}",
        [("set", ("passes", 0, "precision"), "int8")],
        **runtime("int8"),
    )
    mistake(
        f"{short}.device-npu",
        base,
        f"{short} on an NPU device",
        [("set", ("target",), {"provider": short, "device": "npu"})],
    )
    mistake(
        f"{short}.precision-upper",
        base,
        "precision in capitals",
        [("set", ("passes", 0, "precision"), "FP16")],
        [("set", (*OP, "model_builder", "precision"), "FP16")],
    )
    mistake(
        f"{short}.block-0",
        base,
        "int4 block size 0",
        [("set", ("passes", 0, "int4_block_size"), 0)],
        [("set", (*OP, "model_builder", "int4_block_size"), 0)],
    )
    mistake(
        f"{short}.exclude-word",
        base,
        "exclude_embeds as a word",
        [("set", ("passes", 0, "exclude_embeds"), "yes")],
        [("set", (*OP, "model_builder", "exclude_embeds"), "yes")],
    )
    valid(
        f"{short}.fp16",
        base,
        f"ModelBuilder fp16 for {short}",
        [("set", ("passes", 0, "precision"), "fp16")],
        **hardware(key),
    )
    valid(
        f"{short}.int4-block-64",
        base,
        f"int4 block 64 for {short}",
        [("set", ("passes", 0, "precision"), "int4"), ("set", ("passes", 0, "int4_block_size"), 64)],
        **hardware(key),
    )
mistake("dml.cuda-graph", "mb-dml", "CUDA graphs for DirectML", [("set", ("passes", 0, "enable_cuda_graph"), True)])
mistake(
    "dml.host-cpu-device-gpu",
    "mb-dml",
    "DirectML on a CPU device",
    [("set", ("target",), {"provider": "dml", "device": "cpu"})],
)
mistake(
    "webgpu.target-js-typo",
    "mb-webgpu",
    "WebGPU misspelled",
    [("set", ("target",), "webgpuu")],
    [("set", ("systems", "target_system", "accelerators", 0, "execution_providers", 0), "WebGPUUExecutionProvider")],
)
mistake(
    "cuda.builder-int8",
    "mb-cuda",
    "ModelBuilder int8 for CUDA",
    [("set", ("passes", 0, "precision"), "int8")],
    **runtime("int8"),
)
mistake(
    "cuda.precision-upper",
    "mb-cuda",
    "precision in capitals",
    [("set", ("passes", 0, "precision"), "FP16")],
    [("set", (*OP, "model_builder", "precision"), "FP16")],
)
mistake(
    "cuda.device-cpu", "mb-cuda", "CUDA on a CPU device", [("set", ("target",), {"provider": "cuda", "device": "cpu"})]
)
mistake(
    "cuda.opset-key",
    "mb-cuda",
    "a parameter ModelBuilder does not have",
    [("set", ("passes", 0, "target_opset"), 17)],
    [("set", (*OP, "model_builder", "target_opset"), 17)],
)
mistake(
    "cuda.extra-options-word",
    "mb-cuda",
    "extra_options as a list",
    [("set", ("passes", 0, "extra_options"), ["a"])],
    [("set", (*OP, "model_builder", "extra_options"), ["a"])],
)
for provider in ("openvino", "qnn", "vitisai", "tensorrt"):
    mistake(
        f"mb.target-{provider}",
        "mb-dml",
        f"ModelBuilder for a {provider} target (built for the CPU)",
        [("set", ("target",), provider)],
        **runtime("ep-map"),
    )
valid("cuda.ok", "mb-cuda", "ModelBuilder fp16 for CUDA", [], **hardware("cuda"))
valid(
    "cuda.bf16",
    "mb-cuda",
    "ModelBuilder bf16 for CUDA",
    [("set", ("passes", 0, "precision"), "bf16")],
    **hardware("cuda"),
)
valid(
    "cuda.cuda-graph",
    "mb-cuda",
    "fp16 with CUDA graphs",
    [("set", ("passes", 0, "enable_cuda_graph"), True)],
    **hardware("cuda"),
)
valid(
    "cuda.int4",
    "mb-cuda",
    "int4 for CUDA, accuracy 4",
    [("set", ("passes", 0, "precision"), "int4"), ("set", ("passes", 0, "int4_accuracy_level"), 4)],
    **hardware("cuda"),
)
valid("dml.ok", "mb-dml", "ModelBuilder int4 for DirectML", [], **hardware("dml"))
valid("webgpu.ok", "mb-webgpu", "ModelBuilder int4 for WebGPU", [], **hardware("webgpu"))
valid("trtrtx.ok", "mb-trtrtx", "ModelBuilder fp16 for TensorRT-RTX", [], **hardware("trtrtx"))
valid("cpu.builder-int4", "mb-dml", "ModelBuilder int4 for the CPU", [("set", ("target",), "cpu")], run=True)
valid(
    "cpu.builder-fp32",
    "mb-dml",
    "ModelBuilder fp32 for the CPU",
    [("set", ("target",), "cpu"), ("set", ("passes", 0, "precision"), "fp32")],
    run=True,
)
mistake(
    "cpu.builder-int8",
    "mb-dml",
    "ModelBuilder int8 for the CPU",
    [("set", ("target",), "cpu"), ("set", ("passes", 0, "precision"), "int8")],
    run=True,
    **runtime("int8"),
)

# --- OpenVINO, QNN, VitisAI (Olive passes by name)
OV = ("passes", 0, "config")
mistake(
    "openvino.param-typo",
    "openvino",
    "ov_quant_config misspelled",
    [("rename", (*OV, "ov_quant_config"), "ov_quant_cfg")],
    [("rename", (*OP, "open_vinooptimum_conversion", "ov_quant_config"), "ov_quant_cfg")],
)
mistake(
    "openvino.type-typo",
    "openvino",
    "pass type misspelled",
    [("set", ("passes", 0, "type"), "OpenVinoOptimumConverson")],
    [("set", (*OP, "open_vinooptimum_conversion", "type"), "OpenVinoOptimumConverson")],
)
mistake(
    "openvino.encapsulation-device",
    "openvino",
    "target_device that does not exist",
    [("set", ("passes", 2, "config", "target_device"), "tpu")],
    [("set", (*OP, "open_vinoencapsulation", "target_device"), "tpu")],
)
mistake("openvino.static-word", "openvino", "static as a word", [("set", ("passes", 1, "config", "static"), "no")])
mistake(
    "openvino.iou-before-conversion",
    "openvino",
    "OpenVINOIoUpdate before the conversion",
    [("del", ("passes", 1)), ("insert", ("passes", 0), {"type": "OpenVINOIoUpdate", "config": {"static": False}})],
)
mistake("openvino.target-cuda", "openvino", "OpenVINO passes for a CUDA target", [("set", ("target",), "cuda")])
mistake(
    "openvino.builder-int4",
    "openvino",
    "ModelBuilder for an OpenVINO target",
    [("set", ("passes",), [{"type": "builder", "precision": "int4"}])],
    **runtime("ep-map"),
)
mistake(
    "openvino.device-typo",
    "openvino",
    "OpenVINO on device 'npuu'",
    [("set", ("target",), {"provider": "openvino", "device": "npuu"})],
    [("set", ("systems", "target_system", "accelerators", 0, "device"), "npuu")],
)
valid("openvino.ok", "openvino", "Optimum conversion int4 -> IO update -> encapsulation", [], **hardware("npu"))
valid(
    "openvino.int8",
    "openvino",
    "int8 weight compression",
    [("set", (*OV, "ov_quant_config", "weight_format"), "int8")],
    **hardware("npu"),
)
valid(
    "openvino.no-encapsulation",
    "openvino",
    "conversion and IO update only",
    [("del", ("passes", 2))],
    **hardware("npu"),
)
mistake(
    "qnn.data-config-unknown",
    "qnn",
    "calibration data_config that does not exist",
    [("set", ("passes", 1, "config", "data_config"), "calib")],
)
mistake(
    "qnn.quant-format-typo",
    "qnn",
    "quant_format misspelled",
    [("set", ("passes", 1, "config", "quant_format"), "QDQQ")],
)
mistake(
    "qnn.activation-type-typo",
    "qnn",
    "activation_type that does not exist",
    [("set", ("passes", 1, "config", "activation_type"), "QUInt4x")],
    [("set", (*OP, "onnx_static_quantization", "activation_type"), "QUInt4x")],
)
mistake(
    "qnn.param-typo",
    "qnn",
    "a parameter the pass does not have",
    [("set", ("passes", 1, "config", "per_chanel"), True)],
    [("set", (*OP, "onnx_static_quantization", "per_chanel"), True)],
)
mistake(
    "qnn.quant-before-export",
    "qnn",
    "static quantization before the export",
    [("del", ("passes", 0)), ("insert", ("passes", 1), {"type": "onnx"})],
    run=True,
    **runtime("onnx-on-hf"),
)
mistake("qnn.device-gpu", "qnn", "QNN on a GPU device", [("set", ("target",), {"provider": "qnn", "device": "gpu"})])
mistake(
    "qnn.data-file-missing",
    "qnn",
    "calibration file missing",
    [("set", ("data", 0, "files"), "data/calib.jsonl")],
    **runtime("data-file"),
)
mistake(
    "qnn.typed-key-on-generic",
    "qnn",
    "a pass parameter beside `config:` (no Olive form: Olive's pass is flat)",
    [("set", ("passes", 1, "quant_format"), "QDQ")],
)
valid("qnn.ok", "qnn", "export -> static QDQ for QNN", [], **hardware("npu"))
valid(
    "qnn.u16",
    "qnn",
    "uint16 activations",
    [("set", ("passes", 1, "config", "activation_type"), "uint16")],
    **hardware("npu"),
)
mistake(
    "vitisai.data-config-unknown",
    "vitisai",
    "calibration data_config that does not exist",
    [("set", ("passes", 1, "config", "data_config"), "calib")],
)
mistake(
    "vitisai.weight-type-typo",
    "vitisai",
    "weight_type that does not exist",
    [("set", ("passes", 1, "config", "weight_type"), "QInt3")],
    [("set", (*OP, "onnx_static_quantization", "weight_type"), "QInt3")],
)
mistake(
    "vitisai.device-cpu",
    "vitisai",
    "VitisAI on a CPU device",
    [("set", ("target",), {"provider": "vitisai", "device": "cpu"})],
)
mistake(
    "vitisai.type-typo",
    "vitisai",
    "pass type misspelled",
    [("set", ("passes", 1, "type"), "OnnxStaticQuantisation")],
    [("set", (*OP, "onnx_static_quantization", "type"), "OnnxStaticQuantisation")],
)
valid("vitisai.opset-5", "vitisai", "opset 5 (the export runs)", [("set", ("passes", 0, "target_opset"), 5)])
mistake(
    "vitisai.builder",
    "vitisai",
    "ModelBuilder for a VitisAI target",
    [("set", ("passes",), [{"type": "builder", "precision": "int4"}])],
    **runtime("ep-map"),
)
valid("vitisai.ok", "vitisai", "export -> static QDQ for VitisAI", [], **hardware("npu"))
valid(
    "vitisai.qoperator",
    "vitisai",
    "QOperator format",
    [("set", ("passes", 1, "config", "quant_format"), "QOperator")],
    **hardware("npu"),
)

# --- issue 19: the recipe's value bounds, each held against the source line Olive hands the value to
# (olivegen/knowledge/value_evidence.py keeps the evidence of every bound).
SRC.update(
    {
        "np-seed": "transformers 5.25.0 trainer.py:419 `set_seed(self.args.seed)` -> trainer_utils.py:191"
        " `np.random.seed(seed)`: ValueError('Seed must be between 0 and 2**32 - 1')",
        "data-seed": "accelerate data_loader.py:87 `self.generator.manual_seed(seed)` with TrainingArguments.data_seed:"
        " torch takes -2**63 .. 2**64-1 (torch 2.13 random.py:54-57), a larger seed fails with 'Overflow when"
        " unpacking long long'",
        "steps-fraction": "transformers 5.25.0 training_args.py:1736-1745: logging_steps/eval_steps/save_steps above 1"
        " must be whole numbers: ValueError('--logging_steps must be an integer if bigger than 1: 2.5')",
        "grad-accum": "transformers 5.25.0 trainer.py:2559-2561 `len_dataloader // args.gradient_accumulation_steps`:"
        " ZeroDivisionError",
        "olive-bits": "olive/common/quant/utils.py:212 (olive-ai 0.13.0) `pack_to_uint8` asserts 'Only 2-bit, 4-bit and"
        " 8-bit quantization supported' (Rtn and Gptq pack their weights with it)",
        "random-samples": "olive/data/component/text_generation.py:140-145 (olive-ai 0.13.0): 'max_samples must be"
        " specified when strategy is random'",
        "empty-train": "olive/data/component/text_generation.py:235-237 (olive-ai 0.13.0): the `join` strategy stops at"
        " `num_samples >= max_samples`, so max_samples 0 makes no training sample",
    }
)
valid(
    "seed.training-loose-values",
    "seed",
    "values transformers runs: data_seed -1, logging_steps -1, eval_steps 0, save_steps 0, max_grad_norm -1 (no"
    " clipping), weight_decay -0.1, warmup_steps 0.5 (a fraction), num_train_epochs 0 (max_steps wins)",
    [
        ("set", (*LORA, "training", "data_seed"), -1),
        ("set", (*LORA, "training", "logging_steps"), -1),
        ("set", (*LORA, "training", "eval_steps"), 0),
        ("set", (*LORA, "training", "save_steps"), 0),
        ("set", (*LORA, "training", "max_grad_norm"), -1),
        ("set", (*LORA, "training", "weight_decay"), -0.1),
        ("set", (*LORA, "training", "warmup_steps"), 0.5),
        ("set", (*LORA, "training", "num_train_epochs"), 0),
    ],
    olive_ops=[
        ("set", (*OP, "lora", "training_args", key), value)
        for key, value in [
            ("data_seed", -1),
            ("logging_steps", -1),
            ("eval_steps", 0),
            ("save_steps", 0),
            ("max_grad_norm", -1),
            ("weight_decay", -0.1),
            ("warmup_steps", 0.5),
            ("num_train_epochs", 0),
        ]
    ],
    run=True,
)
mistake(
    "seed.training-seed-2-32",
    "seed",
    "training seed beyond numpy's range",
    [("set", (*LORA, "training", "seed"), 2**32)],
    [("set", (*OP, "lora", "training_args", "seed"), 2**32)],
    **runtime("np-seed"),
)
mistake(
    "seed.training-data-seed-2-64",
    "seed",
    "data seed beyond torch's range",
    [("set", (*LORA, "training", "data_seed"), 2**64)],
    [("set", (*OP, "lora", "training_args", "data_seed"), 2**64)],
    **runtime("data-seed"),
)
mistake(
    "seed.logging-steps-2.5",
    "seed",
    "logging every 2.5 steps",
    [("set", (*LORA, "training", "logging_steps"), 2.5)],
    [("set", (*OP, "lora", "training_args", "logging_steps"), 2.5)],
    **runtime("steps-fraction"),
)
mistake(
    "seed.grad-accum-0",
    "seed",
    "gradient accumulation over 0 batches",
    [("set", (*LORA, "training", "gradient_accumulation_steps"), 0)],
    [("set", (*OP, "lora", "training_args", "gradient_accumulation_steps"), 0)],
    **runtime("grad-accum"),
)
mistake(
    "seed.max-samples-0",
    "seed",
    "at most 0 training samples",
    [("set", ("data", 0, "max_samples"), 0)],
    [("set", ("data_configs", 0, "pre_process_data_config", "max_samples"), 0)],
    run=True,
    **runtime("empty-train"),
)
mistake(
    "seed.random-without-max-samples",
    "seed",
    "random samples without saying how many",
    [("set", ("data", 0, "strategy"), "join-random")],
    [("set", ("data_configs", 0, "pre_process_data_config", "strategy"), "join-random")],
    **runtime("random-samples"),
)
mistake(
    "gptq.group-zero",
    "gptq-cpu",
    "GPTQ group size 0",
    [("set", ("passes", 0, "group_size"), 0)],
    [("set", (*OP, "gptq", "group_size"), 0)],
)
mistake(
    "gptq.desc-act-grouped",
    "gptq-cpu",
    "GPTQ act-order with groups of 128",
    [("set", ("passes", 0, "desc_act"), True)],
    [("set", (*OP, "gptq", "desc_act"), True)],
)
valid(
    "rtn.bits-2",
    "rtn-cpu",
    "RTN with 2 bits (ModelBuilder reads 2-bit weights)",
    [("set", ("passes", 0, "bits"), 2)],
    olive_ops=[("set", (*OP, "rtn", "bits"), 2)],
    run=True,
)
valid("gptq.bits-2", "gptq-cpu", "GPTQ with 2 bits (Rtn's quantizer)", [("set", ("passes", 0, "bits"), 2)])
mistake(
    "rtn.bits-16",
    "rtn-cpu",
    "RTN with 16 bits",
    [("set", ("passes", 0, "bits"), 16)],
    [("set", (*OP, "rtn", "bits"), 16)],
    **runtime("olive-bits"),
)
valid(
    "onnx.hidden-size-negative",
    "onnx-cpu",
    "fusion hidden size -64 (onnxruntime detects it, as for 0)",
    [("set", ("passes", 1, "hidden_size"), -64)],
    olive_ops=[("set", (*OP, "ort_transformers_optimization", "hidden_size"), -64)],
    run=True,
)
valid(
    "seed.search-max-iter-0",
    "seed",
    "a search stopped after its first candidate (max_iter 0)",
    [
        ("set", ("engine", "search"), {"execution_order": "joint", "sampler": "random", "max_iter": 0}),
        ("set", ("evaluate",), {"metrics": [{"name": "lat", "type": "latency", "sub_types": ["avg"], "data": "chat"}]}),
    ],
    **hardware("cuda"),
)
mistake(
    "seed.search-without-evaluate",
    "seed",
    "a search with nothing to rank its candidates by",
    [("set", ("engine", "search"), {"execution_order": "joint", "sampler": "random", "max_iter": 3})],
    [("set", ("engine", "search_strategy"), {"execution_order": "joint", "sampler": "random", "max_iter": 3})],
)
mistake(
    "seed.modules-to-save-empty-name",
    "seed",
    "an empty module name in modules_to_save",
    [("set", (*LORA, "modules_to_save"), [""])],
    [("set", (*OP, "lora", "modules_to_save"), [""])],
    run=True,
)
valid(
    "onnx.model-type-empty",
    "onnx-cpu",
    "fusion model_type left empty (detected)",
    [("set", ("passes", 1, "model_type"), "")],
    run=True,
)
mistake(
    "seed.goal-percent-150",
    "seed",
    "latency 150% better than the input model",
    [
        (
            "set",
            ("evaluate",),
            {
                "metrics": [
                    {
                        "name": "lat",
                        "type": "latency",
                        "sub_types": [{"name": "avg", "goal": {"type": "percent-min-improvement", "value": 150}}],
                        "data": "chat",
                    }
                ]
            },
        )
    ],
    [
        (
            "set",
            ("evaluators",),
            {
                "evaluator": {
                    "metrics": [
                        {
                            "name": "lat",
                            "type": "latency",
                            "sub_types": [{"name": "avg", "goal": {"type": "percent-min-improvement", "value": 150}}],
                            "data_config": "chat",
                        }
                    ]
                }
            },
        ),
        ("set", ("engine", "evaluator"), "evaluator"),
    ],
)
valid(
    "seed.metric-wer",
    "seed",
    "an accuracy metric Olive 0.13 added (wer)",
    [("set", ("evaluate",), {"metrics": [{"name": "wer", "type": "accuracy", "sub_types": ["wer"], "data": "chat"}]})],
    **hardware("cuda"),
)
valid(
    "seed.metric-size-on-disk",
    "seed",
    "the model's size on disk",
    [
        (
            "set",
            ("evaluate",),
            {"metrics": [{"name": "size", "type": "size_on_disk", "sub_types": ["bytes"], "data": "chat"}]},
        )
    ],
    **hardware("cuda"),
)
valid(
    "seed.data-format-arrow",
    "seed",
    "a data set in datasets' arrow format",
    [("set", ("data", 0, "format"), "arrow")],
    **hardware("cuda"),
)

# Cases Olive's config check lets through but a real run on the tiny model settles (on the CPU: the
# harness puts the host and the target on the CPU, so each must keep its mistake in a pass or a data set).
RUN_ON_CPU = {
    "seed.lora-r-0",
    "seed.lora-r-5000",
    "seed.lora-dropout-1.5",
    "seed.lora-alpha-negative",
    "seed.lora-dtype-float64",
    "seed.max-steps-word",
    "seed.training-lr-word",
    "seed.training-batch-zero",
    "seed.target-modules-unknown",
    "seed.template-key-typo",
    "seed.max-seq-len-zero",
    "seed.max-seq-len-word",
    "seed.data-no-text",
    "seed.log-level-9",
    "seed.model-dtype-float64",
    "seed.adapter-missing",
    "seed.no-passes",
    "qlora.quant-type-nf8",
    "qlora.compute-float64",
    "qlora.r-negative",
    "onnx.opset-5",
    "onnx.opset-40",
    "onnx.dtype-float64",
    "onnx.opt-level-3",
    "onnx.num-heads-negative",
    "onnx.block-100",
    "rtn.group-negative",
    "gptq.damp-2",
    "vitisai.opset-5",
    "gptq.damp-negative",
    "rtn.group-24",
    "seed.local-model-missing",
}
for _case in CASES:
    if _case["id"] in RUN_ON_CPU:
        _case["run"] = True
