"""Reading Olive's log: pass events, cache hits, and the reason a pass failed (excerpts of real Olive 0.13 logs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from olivegen.runner.logparse import OliveLog, shorten
from olivegen.runner.summary import failure_line

CONFIG = {
    "passes": {
        "lora": {"type": "LoRA"},
        "model_builder": {"type": "ModelBuilder"},
        "extract_adapters": {"type": "ExtractAdapters"},
    }
}
T = "[2026-11-22 00:35:0{}] [{}] [engine.py:665:_run_pass] {}"

SUCCESS = [
    "[2026-11-22 00:35:00,395] [INFO] [run.py:99:run_engine] Running workflow tiny-extract",
    T.format("1,000", "INFO", "Running pass lora:lora"),
    "  0%|          | 0/5 [00:00<?, ?it/s]",
    "/venv/lib/python3.11/site-packages/torch/utils/data/dataloader.py:759: UserWarning: 'pin_memory' is set",
    T.format("3,000", "INFO", "Pass lora:lora finished in 1.800144 seconds"),
    T.format("3,001", "INFO", "Running pass model_builder:modelbuilder"),
    "Reading layer 0",
    T.format("3,200", "INFO", "Pass model_builder:modelbuilder finished in 0.228957 seconds"),
    T.format("3,201", "INFO", "Running pass extract_adapters:extractadapters"),
    T.format("3,300", "INFO", "Pass extract_adapters:extractadapters finished in 0.049898 seconds"),
    "[2026-11-22 00:35:04,960] [INFO] [engine.py:235:run] Saved output model to /out/model",
]

# Olive catches the error, logs it and exits 0 (torch.onnx under transformers 5).
LOGGED_FAILURE = [
    T.format("1,337", "INFO", "Running pass onnx_conversion:onnxconversion"),
    "/venv/lib/python3.11/site-packages/transformers/masking_utils.py:244: TracerWarning: Converting a tensor",
    "  if (padding_length := kv_length + kv_offset - attention_mask.shape[-1]) > 0:",
    T.format("2,509", "ERROR", "Pass run failed."),
    "Traceback (most recent call last):",
    '  File "/venv/lib/python3.11/site-packages/olive/engine/engine.py", line 716, in _run_pass',
    "    output_model_config = host.run_pass(p, input_model_config, output_model_path)",
    "                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    '  File "/venv/lib/python3.11/site-packages/torch/jit/_trace.py", line 134, in wrapper',
    "    out_vars, _ = _flatten(outs)",
    "RuntimeError: Only tuples, lists and Variables are supported as JIT inputs/outputs. Here, received an"
    " input of unsupported type: DynamicCache",
    "[2026-11-22 00:37:12,512] [WARNING] [engine.py:288:run_accelerator] Failed to run Olive on cpu-cpu.",
    "Traceback (most recent call last):",
    '  File "/venv/lib/python3.11/site-packages/olive/engine/engine.py", line 272, in run_accelerator',
    "RuntimeError: Only tuples, lists and Variables are supported as JIT inputs/outputs. Here, received an"
    " input of unsupported type: DynamicCache",
    "[2026-11-22 00:37:12,515] [WARNING] [engine.py:237:run] No output model produced. Please check the log.",
]

# Olive re-raises ValueError: the process ends with the traceback and exit code 1.
RAISED_FAILURE = [
    T.format("0,000", "INFO", "Running pass rtn:rtn"),
    T.format("0,100", "INFO", "Loaded model from cache: 543834dc"),
    T.format("0,200", "INFO", "Running pass lora:lora"),
    "Traceback (most recent call last):",
    '  File "<frozen runpy>", line 198, in _run_module_as_main',
    '  File "/venv/lib/python3.11/site-packages/peft/tuners/lora/model.py", line 558, in _create_new_module',
    "    raise ValueError(",
    "ValueError: Target module QuantLinear(in_features=64, out_features=64, bits=4) is not supported.",
]


def feed(config: dict[str, object], lines: list[str], returncode: int) -> OliveLog:
    log = OliveLog.for_config(config)
    for i, line in enumerate(lines):
        log.feed(line + "\n", float(i))
    log.finish(returncode, float(len(lines)))
    return log


def test_a_successful_run_has_every_pass_ok_with_its_duration() -> None:
    log = feed(CONFIG, SUCCESS, 0)
    assert [(r.key, r.status) for r in log.passes] == [
        ("lora", "ok"),
        ("model_builder", "ok"),
        ("extract_adapters", "ok"),
    ]
    assert log.passes[0].seconds == 3.0  # fed at t=1 (start) and t=4 (finish)
    assert log.failed() is None and not log.no_output


def test_events_come_as_passes_start_and_end() -> None:
    log = OliveLog.for_config(CONFIG)
    kinds = [(e.kind, e.run.key) for i, line in enumerate(SUCCESS) for e in log.feed(line, float(i))]
    assert kinds == [
        ("start", "lora"),
        ("ok", "lora"),
        ("start", "model_builder"),
        ("ok", "model_builder"),
        ("start", "extract_adapters"),
        ("ok", "extract_adapters"),
    ]


def test_a_logged_failure_with_exit_0_names_the_pass_and_the_error() -> None:
    config = {
        "passes": {"onnx_conversion": {"type": "OnnxConversion"}, "rtn": {"type": "OnnxBlockWiseRtnQuantization"}}
    }
    log = feed(config, LOGGED_FAILURE, 0)
    assert [r.status for r in log.passes] == ["failed", "not run"]
    failed = log.failed()
    assert failed is not None and failed.key == "onnx_conversion"
    assert failed.reason is not None and failed.reason.startswith("RuntimeError: Only tuples")
    assert log.no_output
    line = failure_line(log, 0, None, Path("/out/olive-run.log"))
    assert line is not None
    assert line.startswith("pass 'onnx_conversion' (OnnxConversion) failed: RuntimeError: Only tuples")
    assert line.endswith("DynamicCache (log: /out/olive-run.log)")


def test_a_re_raised_error_fails_the_running_pass_at_exit() -> None:
    config = {"passes": {"rtn": {"type": "Rtn"}, "lora": {"type": "LoRA"}, "mb": {"type": "ModelBuilder"}}}
    log = feed(config, RAISED_FAILURE, 1)
    assert [r.status for r in log.passes] == ["cached", "failed", "not run"]
    line = failure_line(log, 1, None, Path("log.txt"))
    assert line == (
        "pass 'lora' (LoRA) failed: ValueError: Target module QuantLinear(in_features=64, out_features=64,"
        " bits=4) is not supported. (log: log.txt)"
    )


def test_a_killed_process_says_which_signal() -> None:
    log = feed(CONFIG, SUCCESS[:3], -9)
    failed = log.failed()
    assert failed is not None and failed.key == "lora"
    assert failed.reason == "the Olive process was killed by SIGKILL (often: out of memory)"


def test_a_pruned_pass_gives_olives_reason() -> None:
    config = {"passes": {"model_builder": {"type": "ModelBuilder"}}}
    lines = [
        T.format("0,000", "INFO", "Running pass model_builder:modelbuilder"),
        "[2026-11-22 00:35:00,001] [INFO] [model_builder.py:201:validate_config] BF16 is only supported on CUDA"
        " execution provider.",
        "[2026-11-22 00:35:00,002] [WARNING] [engine.py:672:_run_pass] Invalid config, pruned.",
        "[2026-11-22 00:35:00,003] [WARNING] [engine.py:237:run] No output model produced. Please check the log.",
    ]
    log = feed(config, lines, 0)
    failed = log.failed()
    assert failed is not None and failed.status == "pruned"
    line = failure_line(log, 0, None, Path("l"))
    assert line == (
        "pass 'model_builder' (ModelBuilder) was pruned: pruned by Olive: BF16 is only supported on CUDA"
        " execution provider. (log: l)"
    )


def test_an_error_before_any_pass_is_a_setup_error() -> None:
    lines = [
        "Traceback (most recent call last):",
        '  File "/venv/lib/python3.11/site-packages/olive/workflows/run/run.py", line 150, in run',
        "ValueError: Package configuration for pass of type 'modelbuildr' not found",
    ]
    log = feed(CONFIG, lines, 1)
    assert all(r.status == "not run" for r in log.passes)
    line = failure_line(log, 1, None, Path("l"))
    assert line == (
        "Olive failed before running a pass: ValueError: Package configuration for pass of type"
        " 'modelbuildr' not found (log: l)"
    )


def test_exit_0_without_a_model_and_without_a_failed_pass_is_still_a_failure() -> None:
    lines = ["[2026-11-22 00:37:12,515] [WARNING] [engine.py:237:run] No output model produced. Please check."]
    line = failure_line(feed(CONFIG, lines, 0), 0, None, Path("l"))
    assert line == "Olive exited 0 and says 'No output model produced', but left no output model (log: l)"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("a  b\n c", 300, "a b c"), ("x" * 20, 10, "xxxxxxx...")],
)
def test_shorten_makes_one_bounded_line(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected


HUB_DOWN = [
    "Traceback (most recent call last):",
    '  File "/venv/lib/python3.11/site-packages/httpx/_transports/default.py", line 101, in map_httpcore_exceptions',
    "httpcore.ConnectError: [Errno -2] Name or service not known",
    "",
    "The above exception was the direct cause of the following exception:",
    "",
    "Traceback (most recent call last):",
    '  File "/venv/lib/python3.11/site-packages/olive/cli/launcher.py", line 62, in main',
    "httpx.ConnectError: [Errno -2] Name or service not known",
]


@pytest.mark.parametrize(
    "last",
    [
        "httpx.ConnectError: [Errno -2] Name or service not known",
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='huggingface.co', port=443)",
        "huggingface_hub.errors.LocalEntryNotFoundError: An error happened while trying to locate the file",
        "OSError: We couldn't connect to 'https://huggingface.co' to load the files",
    ],
)
def test_an_unreachable_hub_is_said_once_in_recipe_terms(last: str) -> None:
    config = {**CONFIG, "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"}}
    log = feed(config, [*HUB_DOWN[:-1], last], 1)
    line = failure_line(log, 1, None, Path("l"))
    assert line is not None
    assert line.startswith(
        "could not reach the Hugging Face Hub for microsoft/Phi-3-mini-4k-instruct"
        " (offline? set HF_HUB_OFFLINE=1 and use a local path): "
    )
    assert line.count("Hugging Face Hub") == 1 and line.endswith("(log: l)")


def test_a_hub_failure_inside_a_pass_names_the_hub_too() -> None:
    config = {**CONFIG, "input_model": {"type": "HfModel", "model_path": "Qwen/Qwen2.5-0.5B"}}
    lines = [
        "[2026-01-01 00:00:00,000] [INFO] [engine.py:665:_run_pass] Running pass lora:lora",
        "[2026-01-01 00:00:01,000] [ERROR] [engine.py:728:_run_pass] Pass run failed.",
        *HUB_DOWN,
    ]
    log = feed(config, lines, 0)
    assert log.passes[0].status == "failed"
    line = failure_line(log, 0, None, Path("l"))
    assert line is not None and line.startswith("could not reach the Hugging Face Hub for Qwen/Qwen2.5-0.5B")
