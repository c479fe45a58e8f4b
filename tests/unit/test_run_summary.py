"""The run summary: what counts as an output model, how it is shown, and its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olivegen.runner.logparse import PassRun
from olivegen.runner.summary import RunSummary, format_summary, human, inspect_output


def fake_output(folder: Path, *, adapter: bool, declared: bool = True) -> Path:
    folder.mkdir(parents=True)
    for name, size in {
        "model.onnx": 2048,
        "genai_config.json": 100,
        "tokenizer.json": 300,
        "footprint.json": 50,
        "run_history.txt": 10,
    }.items():
        (folder / name).write_bytes(b"x" * size)
    if adapter:
        (folder / "adapter_weights.onnx_adapter").write_bytes(b"a" * 700)
    config = {"type": "onnxmodel", "config": {"model_path": str(folder)}} if declared else {}
    (folder / "model_config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def summary(model_dir: Path, *, failure: str | None = None) -> RunSummary:
    passes = [
        PassRun("lora", "LoRA", "ok", seconds=2.04),
        PassRun("model_builder", "ModelBuilder", "cached", seconds=0.1),
    ]
    return RunSummary(
        recipe="r.yaml",
        workflow_id="tiny",
        outdir=str(model_dir.parent),
        config=str(model_dir.parent / "olive-config.json"),
        log=str(model_dir.parent / "olive-run.log"),
        passes=passes,
        model=inspect_output(model_dir),
        returncode=0,
        seconds=12.34,
        peak_rss_bytes=700 * 2**20,
        failure=failure,
    )


def test_the_output_model_lists_model_files_and_adapters_but_not_olives_bookkeeping(tmp_path: Path) -> None:
    model = inspect_output(fake_output(tmp_path / "model", adapter=True))
    assert model is not None
    assert [f.path for f in model.files] == [
        "adapter_weights.onnx_adapter",
        "genai_config.json",
        "model.onnx",
        "tokenizer.json",
    ]
    assert model.total_bytes == 700 + 100 + 2048 + 300
    assert [a.path for a in model.adapters] == ["adapter_weights.onnx_adapter"]
    assert model.genai


def test_no_model_config_means_no_output_model(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "run_history.txt").write_text("[]", encoding="utf-8")
    assert inspect_output(folder) is None
    assert inspect_output(tmp_path / "absent") is None


def test_a_run_is_ok_only_with_a_model_and_no_failure(tmp_path: Path) -> None:
    folder = fake_output(tmp_path / "model", adapter=False)
    assert summary(folder).ok
    assert not summary(folder, failure="pass 'x' (X) failed: boom").ok
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not summary(empty).ok


def test_format_shows_passes_files_adapters_and_paths(tmp_path: Path) -> None:
    lines = format_summary(summary(fake_output(tmp_path / "model", adapter=True)))
    assert lines[0] == "tiny: ok in 12.3 s, peak memory 700.0 MB"
    assert lines[2].split() == ["[1/2]", "lora", "LoRA", "ok", "2.0", "s"]
    assert lines[3].split() == ["[2/2]", "model_builder", "ModelBuilder", "cached", "0.1", "s"]
    assert f"output model: {tmp_path / 'model'} (4 files, 3.1 KB)" in lines
    assert "adapters (og.Adapters.load): adapter_weights.onnx_adapter (700 B)" in lines
    assert lines[-1] == f"log: {tmp_path / 'olive-run.log'}"


def test_format_of_a_merged_model_says_there_is_no_adapter(tmp_path: Path) -> None:
    lines = format_summary(summary(fake_output(tmp_path / "model", adapter=False)))
    assert "adapters: none (the adapter, if any, is merged into the weights)" in lines


def test_format_of_a_failure_ends_with_the_log_and_leaves_the_error_line_to_the_command(tmp_path: Path) -> None:
    empty = tmp_path / "model"
    empty.mkdir()
    lines = format_summary(summary(empty, failure="pass 'lora' (LoRA) failed: ValueError: no"))
    assert lines[0].startswith("tiny: FAILED in 12.3 s")
    assert not any("ValueError: no" in line for line in lines)  # `run` says it once, on stderr
    assert not any(line.startswith("output model") for line in lines)


def test_the_json_summary_round_trips(tmp_path: Path) -> None:
    data = json.loads(summary(fake_output(tmp_path / "model", adapter=True)).to_json())
    assert data["ok"] is True
    assert [p["status"] for p in data["passes"]] == ["ok", "cached"]
    assert "started" not in data["passes"][0]
    assert data["model"]["adapters"] == [{"path": "adapter_weights.onnx_adapter", "bytes": 700}]


@pytest.mark.parametrize(
    ("size", "text"), [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KB"), (5 * 2**20, "5.0 MB"), (3 * 2**30, "3.0 GB")]
)
def test_human_sizes(size: int, text: str) -> None:
    assert human(size) == text
