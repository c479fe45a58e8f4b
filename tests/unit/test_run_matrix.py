"""`olivegen run` of a matrix and the unchanged rerun, with a stand-in for `olive run` (no Olive needed).

The stand-in reads the config like Olive would, prints Olive's log lines, writes an output model
(and metrics.json), fails on purpose for int4_block_size 128, and counts its own starts in a file.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.runner import batch, execute
from tests.conftest import CliResult

FAKE_OLIVE = """\
import json, os, signal, sys
MARK = "@@olivegen-batch"
L = "[2026-12-01 00:00:00,000] [INFO] [engine.py:665:_run_pass] "

def one(path):
    config = json.load(open(path, encoding="utf-8"))
    out = config["engine"]["output_dir"]
    with open(os.environ["FAKE_OLIVE_STARTS"], "a", encoding="utf-8") as f:
        f.write(config["workflow_id"] + ":" + os.path.basename(os.path.dirname(out)) + "\\n")
    for key, spec in config["passes"].items():
        print(L + f"Running pass {key}:{spec['type'].lower()}", flush=True)
        if os.path.basename(os.path.dirname(out)) == os.environ.get("FAKE_OLIVE_DIES_IN"):
            os.kill(os.getpid(), signal.SIGKILL)
        if spec.get("int4_block_size") == 128:
            print("[2026-12-01 00:00:00,000] [ERROR] [engine.py:728:_run_pass] Pass run failed.")
            print("Traceback (most recent call last):")
            print("RuntimeError: block size 128 is not supported here")
            print("[2026-12-01 00:00:00,000] [WARNING] [engine.py:237:run] No output model produced.")
            return 0
        print(L + f"Pass {key}:{spec['type'].lower()} finished in 0.1 seconds")
    os.makedirs(out, exist_ok=True)
    size = 1000 + config["passes"]["model_builder"]["int4_block_size"]
    open(os.path.join(out, "model.onnx"), "wb").write(b"x" * size)
    json.dump({"config": {"model_path": out}}, open(os.path.join(out, "model_config.json"), "w"))
    json.dump({"latency-avg": {"value": 1.5, "priority": 1}}, open(os.path.join(out, "metrics.json"), "w"))
    print(L + f"Saved output model to {out}")
    return 0

if sys.argv[1] == "--config":  # one config, like `olive run --config`
    sys.exit(one(sys.argv[2]))
print("importing Olive ...", flush=True)  # the batch driver protocol (olivegen/runner/batch.py)
with open(os.environ["FAKE_OLIVE_PROCESSES"], "a", encoding="utf-8") as f:
    f.write(str(len(sys.argv[1:]) // 2) + "\\n")
pairs = sys.argv[1:]
for index in range(len(pairs) // 2):
    print(MARK, "start", index, flush=True)
    code = one(pairs[2 * index + 1])
    print(MARK, "end", index, code, 1000, flush=True)
"""

RECIPE = """\
name: tiny
model:
  path: ./model
host: cpu
target: cpu
passes:
  - type: builder
    precision: int4
    int4_block_size: 32
matrix:
  block:
    b32: ~
    b64: {passes.builder.int4_block_size: 64}
    b128: {passes.builder.int4_block_size: 128}
"""


@pytest.fixture
def fake_olive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make `olivegen run` start the stand-in; return the file where it records each start."""
    script = tmp_path / "fake_olive.py"
    script.write_text(FAKE_OLIVE, encoding="utf-8")
    starts = tmp_path / "starts.txt"
    starts.touch()
    monkeypatch.setenv("FAKE_OLIVE_STARTS", str(starts))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setattr(
        execute, "olive_command", lambda path, python=None: [sys.executable, str(script), "--config", str(path)]
    )
    monkeypatch.setattr(
        batch,
        "batch_command",
        lambda prepared, python=None: [
            sys.executable,
            str(script),
            *[str(a) for p in prepared for a in (p.plan.layout.outdir, p.plan.layout.config_path)],
        ],
    )
    monkeypatch.setenv("FAKE_OLIVE_PROCESSES", str(tmp_path / "processes.txt"))
    return starts


@pytest.fixture
def recipe(tmp_path: Path) -> Path:
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"model_type": "phi3", "num_hidden_layers": 2}', encoding="utf-8")
    (model / "weights.bin").write_bytes(b"w" * 100)
    path = tmp_path / "recipe.yaml"
    path.write_text(RECIPE, encoding="utf-8")
    return path


def _starts(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split()


def test_every_variant_runs_a_failure_does_not_stop_the_others_and_the_table_compares_them(
    tmp_path: Path, fake_olive: Path, recipe: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    out = tmp_path / "out"
    result = run_cli("run", recipe, "-o", out, "--no-preflight")
    assert result.code == 3, result.err
    assert _starts(fake_olive) == ["tiny:b32", "tiny:b64", "tiny:b128"]  # one workflow id: one Olive cache
    data = json.loads((out / "matrix-summary.json").read_text(encoding="utf-8"))
    assert data["ok"] is False
    rows = {r["variant"]: r for r in data["variants"]}
    assert [r["variant"] for r in data["variants"]] == ["b32", "b64", "b128"]
    assert rows["b32"]["status"] == "ok" and rows["b64"]["status"] == "ok"
    assert rows["b128"]["status"] == "failed"
    assert "RuntimeError: block size 128" in rows["b128"]["failure"]
    assert rows["b64"]["output_bytes"] == 1064 and rows["b32"]["output_bytes"] == 1032
    assert rows["b32"]["metrics"] == {"latency-avg": 1.5}
    assert rows["b32"]["peak_rss_bytes"] and rows["b32"]["seconds"] > 0
    for name in ("b32", "b64", "b128"):
        config = json.loads((out / name / "olive-config.json").read_text(encoding="utf-8"))
        assert config["engine"]["cache_dir"] == str((out / "cache" / "olive").resolve())  # one shared cache
        assert config["engine"]["output_dir"] == str((out / name / "model").resolve())
    table = result.out[result.out.index("variants:") :].splitlines()
    assert table[1].split() == ["variant", "status", "wall", "time", "peak", "memory", "output", "size", "latency-avg"]
    assert table[2].split()[:2] == ["b32", "ok"] and table[4].split()[:2] == ["b128", "failed"]
    markdown = (out / "matrix-summary.md").read_text(encoding="utf-8")
    assert "2 of 3 variants succeeded" in markdown
    assert "| b128 | failed |" in markdown
    assert step_summary.read_text(encoding="utf-8") == markdown + "\n"


def test_the_variants_run_in_one_process_with_a_log_each(
    tmp_path: Path, fake_olive: Path, recipe: Path, run_cli: Callable[..., CliResult]
) -> None:
    out = tmp_path / "out"
    assert run_cli("run", recipe, "-o", out, "--no-preflight").code == 3
    assert (tmp_path / "processes.txt").read_text(encoding="utf-8").split() == ["3"]  # one process, 3 variants
    for name, other in (("b32", "b64"), ("b64", "b128"), ("b128", "b32")):
        log = (out / name / "olive-run.log").read_text(encoding="utf-8")
        assert "importing Olive ..." in log  # what the process printed before the first variant
        assert f"{out / name / 'model'}" in log or name == "b128"
        assert f"{out / other / 'model'}" not in log and "@@olivegen-batch" not in log


def test_a_variant_that_kills_the_process_fails_and_the_rest_run_in_a_new_one(
    tmp_path: Path, fake_olive: Path, recipe: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_OLIVE_DIES_IN", "b64")
    out = tmp_path / "out"
    result = run_cli("run", recipe, "-o", out, "--no-preflight")
    assert result.code == 3, result.err
    assert (tmp_path / "processes.txt").read_text(encoding="utf-8").split() == ["3", "1"]
    rows = {r["variant"]: r for r in json.loads((out / "matrix-summary.json").read_text())["variants"]}
    assert [rows[n]["status"] for n in ("b32", "b64", "b128")] == ["ok", "failed", "failed"]
    assert "SIGKILL" in rows["b64"]["failure"]
    assert "block size 128" in rows["b128"]["failure"]  # it ran, in the second process


def test_an_unchanged_rerun_starts_no_olive_and_a_changed_input_does(
    tmp_path: Path, fake_olive: Path, recipe: Path, run_cli: Callable[..., CliResult]
) -> None:
    out = tmp_path / "out"
    assert run_cli("run", recipe, "-o", out, "--no-preflight", "--variant", "b*").code == 3
    assert len(_starts(fake_olive)) == 3

    again = run_cli("run", recipe, "-o", out, "--no-preflight", "--variant", "b*")
    assert again.code == 3, again.err
    # the two good variants are reused; the failed one runs again
    assert _starts(fake_olive)[3:] == ["tiny:b128"]
    rows = {r["variant"]: r["status"] for r in json.loads((out / "matrix-summary.json").read_text())["variants"]}
    assert rows == {"b32": "reused", "b64": "reused", "b128": "failed"}
    assert "nothing changed since the last successful run" in again.err
    assert "tiny-b32: reused" in again.out

    # a touched (same bytes) input is hashed and still counts as unchanged
    weights = tmp_path / "model" / "weights.bin"
    weights.write_bytes(b"w" * 100)
    one = run_cli("run", recipe, "-o", out, "--no-preflight", "--variant", "b3?")  # a glob: the matrix layout
    assert one.code == 0, one.err
    assert len(_starts(fake_olive)) == 4 and "reusing its output" in one.err

    # changed input bytes: runs again
    weights.write_bytes(b"v" * 100)
    changed = run_cli("run", recipe, "-o", out, "--no-preflight", "--variant", "b3?")
    assert changed.code == 0, changed.err
    assert _starts(fake_olive)[4:] == ["tiny:b32"]
    assert "running again:" in changed.err and "weights.bin changed" in changed.err

    # --force runs even when nothing changed
    forced = run_cli("run", recipe, "-o", out, "--no-preflight", "--variant", "b3?", "--force")
    assert forced.code == 0
    assert _starts(fake_olive)[5:] == ["tiny:b32"]


def test_a_changed_config_runs_again(
    tmp_path: Path, fake_olive: Path, recipe: Path, run_cli: Callable[..., CliResult]
) -> None:
    out = tmp_path / "out"
    assert run_cli("run", recipe, "-o", out, "--no-preflight", "--variant", "b32").code == 0
    assert run_cli("run", recipe, "-o", out, "--no-preflight", "--variant", "b32").code == 0
    assert len(_starts(fake_olive)) == 1
    result = run_cli(
        "run", recipe, "-o", out, "--no-preflight", "--variant", "b32", "--set", "passes.builder.int4_block_size=16"
    )
    assert result.code == 0 and len(_starts(fake_olive)) == 2
    assert "running again: the config changed" in result.err
    # a vanished output model is not reused
    for path in (out / "model").iterdir():
        path.unlink()
    again = run_cli(
        "run", recipe, "-o", out, "--no-preflight", "--variant", "b32", "--set", "passes.builder.int4_block_size=16"
    )
    assert again.code == 0 and len(_starts(fake_olive)) == 3


def test_a_matrix_needs_an_output_folder_and_a_glob_must_match(
    fake_olive: Path, recipe: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("run", recipe, "--no-preflight")
    assert result.code == 1 and "give -o OUTDIR" in result.err
    nothing = run_cli("run", recipe, "-o", recipe.parent / "o", "--variant", "gpu-*")
    assert nothing.code == 1
    assert "no variant of the matrix matches 'gpu-*'" in nothing.err and "b32, b64, b128" in nothing.err
    assert _starts(fake_olive) == []


def test_an_invalid_variant_is_reported_and_the_others_still_run(
    tmp_path: Path, fake_olive: Path, recipe: Path, run_cli: Callable[..., CliResult]
) -> None:
    text = recipe.read_text(encoding="utf-8").replace(
        "b128: {passes.builder.int4_block_size: 128}", "bad: {passes.builder.precision: int3}"
    )
    recipe.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("run", recipe, "-o", out, "--no-preflight")
    assert result.code == 1, result.err
    assert _starts(fake_olive) == ["tiny:b32", "tiny:b64"]
    rows = {r["variant"]: r["status"] for r in json.loads((out / "matrix-summary.json").read_text())["variants"]}
    assert rows == {"b32": "ok", "b64": "ok", "bad": "invalid"}
    assert "int3" in result.err


def test_the_help_documents_the_exit_codes(
    run_cli: Callable[..., CliResult], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run_cli("run", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "--force" in text and "--variant GLOB" in text
    assert "0 every run produced an output model (or was reused unchanged)" in text
    assert "3 Olive ran and produced no output model" in text


def test_fingerprint_walk_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from olivegen.runner import fingerprint

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(5):
        (folder / f"f{i}").write_text(str(i), encoding="utf-8")
    config = {"input_model": {"model_path": str(folder)}, "engine": {"output_dir": str(tmp_path)}}
    assert fingerprint.input_paths(config) == [folder]  # the engine's own folders are not inputs
    states = fingerprint.take(config)
    assert states is not None and len(states) == 5
    assert fingerprint.changed(config, states) is None
    monkeypatch.setattr(fingerprint, "MAX_FILES", 3)
    assert fingerprint.take(config) is None
    assert fingerprint.changed(config, states) == "the inputs hold more than 3 files"


def test_fingerprint_hashes_every_file_whatever_its_mtime(tmp_path: Path) -> None:
    from olivegen.runner import fingerprint

    data = tmp_path / "data.jsonl"
    data.write_text('{"a": 1}\n', encoding="utf-8")
    config = {"data_configs": [{"load_dataset_config": {"data_files": str(data)}}]}
    states = fingerprint.take(config)
    assert states is not None and fingerprint.changed(config, states) is None
    # a same-size edit with the modification time put back (`touch -r`, or a checkout) is seen
    before = data.stat()
    data.write_text('{"a": 2}\n', encoding="utf-8")
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert data.stat().st_size == before.st_size and data.stat().st_mtime_ns == before.st_mtime_ns
    assert fingerprint.changed(config, states) == f"{data} changed"


def test_fingerprint_follows_links_to_files_and_bounds_the_bytes_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from olivegen.runner import fingerprint

    blobs, snapshot = tmp_path / "blobs", tmp_path / "snapshot"
    blobs.mkdir()
    snapshot.mkdir()
    (blobs / "abc").write_bytes(b"weights")
    (snapshot / "model.safetensors").symlink_to(blobs / "abc")
    (snapshot / "loop").symlink_to(snapshot)  # a link back to a folder already walked: visited once
    config = {"input_model": {"model_path": str(snapshot)}}
    states = fingerprint.take(config)
    assert states is not None and list(states) == [str(snapshot / "model.safetensors")]
    assert states[str(snapshot / "model.safetensors")].sha256 is not None
    (blobs / "abc").write_bytes(b"changed")
    assert fingerprint.changed(config, states) is not None
    monkeypatch.setattr(fingerprint, "HASH_BUDGET", 3)
    capped = fingerprint.take(config)
    assert capped is not None and capped[str(snapshot / "model.safetensors")].sha256 is None


def test_each_variant_is_named_and_what_variants_share_is_printed_once(
    tmp_path: Path, fake_olive: Path, recipe: Path, run_cli: Callable[..., CliResult]
) -> None:
    text = recipe.read_text(encoding="utf-8").replace("int4_block_size: 32", "int4_block_size: 48")
    text = text.replace("b32: ~", "a: ~\n    b: ~").replace("b128: {passes.builder.int4_block_size: 128}", "")
    recipe.write_text(text, encoding="utf-8")
    result = run_cli("run", recipe, "-o", tmp_path / "out", "--no-preflight")
    assert result.code == 1, result.err
    lines = result.err.splitlines()
    assert [line for line in lines if line.startswith("olivegen run: variant ")] == [
        "olivegen run: variant a",
        "olivegen run: variant b",
        "olivegen run: variant b64",
    ]
    errors = [line for line in lines if "error[" in line]
    assert len(errors) == 2 and errors[1] == f"  {errors[0]} (as above)", errors
    assert lines.index(errors[0]) < lines.index("olivegen run: variant b") < lines.index(errors[1])
    shared = [line for line in lines if "shared by the variants" in line]
    assert len(shared) == 1, lines
    assert _starts(fake_olive) == ["tiny:b64"]
