"""Issue 20, items 3 and 4: a rerun reuses only a record this machine sealed, and the record sees every change.

The crafted inputs are written here: an `out/` folder as a pull request can commit it (a summary
with forged metrics, a fingerprint whose sha256 values it computed in advance, a model folder),
a record sealed with another key, a same-size edit with the mtime put back, an edit behind a
linked folder, other versions, environment and Hub revision. `olivegen run` starts the stand-in
Olive of tests/unit/test_run_matrix.py for each of them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.runner import batch, execute, fingerprint
from tests.conftest import CliResult
from tests.unit.test_run_matrix import FAKE_OLIVE, RECIPE

# taken before the autouse fixture points it at the test session's folder
REAL_KEY_FOLDER = getattr(fingerprint, "key_folder", None)
NOTHING_CHANGED = "nothing changed since the last successful run"
Run = Callable[..., CliResult]


@pytest.fixture
def starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make `olivegen run` start the stand-in Olive; return the file where it records each start."""
    script = tmp_path / "fake_olive.py"
    script.write_text(FAKE_OLIVE, encoding="utf-8")
    path = tmp_path / "starts.txt"
    path.touch()
    monkeypatch.setenv("FAKE_OLIVE_STARTS", str(path))
    monkeypatch.setenv("FAKE_OLIVE_PROCESSES", str(tmp_path / "processes.txt"))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setattr(
        execute, "olive_command", lambda config, python=None: [sys.executable, str(script), "--config", str(config)]
    )
    monkeypatch.setattr(batch, "batch_command", lambda prepared, python=None: pytest.fail("no batch expected"))
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout: the matrix recipe of test_run_matrix (one variant is run) and its local model folder."""
    root = tmp_path / "repo"
    model = root / "model"
    model.mkdir(parents=True)
    (model / "config.json").write_text('{"model_type": "phi3", "num_hidden_layers": 2}', encoding="utf-8")
    (model / "weights.bin").write_bytes(b"w" * 100)
    (root / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    return root


def _run(run_cli: Run, repo: Path, *extra: str) -> CliResult:
    return run_cli("run", repo / "recipe.yaml", "-o", repo / "out", "--no-preflight", "--variant", "b32", *extra)


def _count(starts: Path) -> int:
    return len(starts.read_text(encoding="utf-8").split())


def _forge_out(run_cli: Run, repo: Path) -> tuple[str, dict[str, object]]:
    """Write the `out/` a pull request can commit; return the config text and the forged summary.

    Everything in it the author can compute in advance: the rendered config (the same recipe and
    folder render the same bytes: a --dry-run shows them), the input files' sizes, mtimes and
    sha256 values, a model folder, a summary with the metrics they want to show.
    """
    dry = _run(run_cli, repo, "--dry-run")
    assert dry.code == 0, dry.err
    out = repo / "out"
    text = (out / "olive-config.json").read_text(encoding="utf-8")
    config = json.loads(text)
    model = out / "model"
    model.mkdir()
    (model / "model.onnx").write_bytes(b"forged")
    (model / "model_config.json").write_text(json.dumps({"config": {"model_path": str(model)}}), encoding="utf-8")
    files = {}
    for folder, _, names in os.walk(repo / "model"):
        for name in names:
            path = Path(folder, name)
            info = path.stat()
            files[str(path)] = [info.st_size, info.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()]
    forged_path = "model.onnx\n::warning file=recipe.yaml,line=1::forged annotation"
    summary: dict[str, object] = {
        "recipe": str(repo / "recipe.yaml"),
        "workflow_id": "tiny-b32",
        "outdir": str(out),
        "config": str(out / "olive-config.json"),
        "log": str(out / "olive-run.log"),
        "passes": [{"key": "model_builder", "type": "ModelBuilder", "status": "ok", "seconds": 1.0, "reason": None}],
        "model": {
            "path": str(model),
            "files": [{"path": forged_path, "bytes": 6}],
            "total_bytes": 6,
            "adapters": [],
            "genai": False,
        },
        "returncode": 0,
        "seconds": 1.0,
        "peak_rss_bytes": None,
        "failure": None,
        "metrics": {"accuracy-accuracy_score": 0.99},
        "ok": True,
    }
    (out / "run-summary.json").write_text(json.dumps(summary), encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    record = {"version": 1, "config_sha256": sha, "files": files}
    (out / "run-inputs.json").write_text(json.dumps(record), encoding="utf-8")
    assert config["engine"]["output_dir"] == str(model.resolve())
    return text, summary


def test_a_forged_out_folder_starts_olive_and_shows_none_of_its_metrics(run_cli: Run, repo: Path, starts: Path) -> None:
    _forge_out(run_cli, repo)
    result = _run(run_cli, repo)
    assert result.code == 0, result.err
    assert NOTHING_CHANGED not in result.err and "Olive not started" not in result.out
    assert _count(starts) == 1  # Olive ran
    assert "run-inputs.json was not written by olivegen on this machine" in result.err
    assert "accuracy" not in result.out and "0.99" not in result.out
    assert not any(line.startswith("::") for line in result.out.splitlines())
    summary = json.loads((repo / "out" / "run-summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"] == {"latency-avg": 1.5}  # what this run measured


def test_a_record_sealed_with_another_key_is_not_reused(
    run_cli: Run, repo: Path, starts: Path, run_key_folder: Path
) -> None:
    assert _run(run_cli, repo).code == 0 and _count(starts) == 1
    assert NOTHING_CHANGED in _run(run_cli, repo).err and _count(starts) == 1  # our own record is reused
    out = repo / "out"
    data = json.loads((out / "run-inputs.json").read_text(encoding="utf-8"))
    del data["hmac"]
    other_key = b"k" * 32  # another machine's (or a guessed) key
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    data["hmac"] = hmac.new(other_key, body, hashlib.sha256).hexdigest()
    (out / "run-inputs.json").write_text(json.dumps(data), encoding="utf-8")
    again = _run(run_cli, repo)
    assert again.code == 0 and _count(starts) == 2
    assert "was not written by olivegen on this machine" in again.err


def test_forged_metrics_in_a_summary_this_machine_wrote_are_seen(run_cli: Run, repo: Path, starts: Path) -> None:
    assert _run(run_cli, repo).code == 0
    path = repo / "out" / "run-summary.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"latency-avg": 1.5', '"latency-avg": 0.1'))
    again = _run(run_cli, repo)
    assert again.code == 0 and _count(starts) == 2
    assert "run-summary.json is not the one the last run wrote" in again.err
    assert "0.1" not in again.out.replace("0.1 s", "")


def test_a_replaced_output_model_is_seen(run_cli: Run, repo: Path, starts: Path) -> None:
    assert _run(run_cli, repo).code == 0
    model = repo / "out" / "model" / "model.onnx"
    info = model.stat()
    model.write_bytes(b"y" * info.st_size)
    os.utime(model, ns=(info.st_atime_ns, info.st_mtime_ns))
    again = _run(run_cli, repo)
    assert again.code == 0 and _count(starts) == 2
    assert "the output model changed" in again.err


def test_a_same_size_edit_with_the_mtime_put_back_is_seen(run_cli: Run, repo: Path, starts: Path) -> None:
    assert _run(run_cli, repo).code == 0
    weights = repo / "model" / "weights.bin"
    info = weights.stat()
    weights.write_bytes(b"v" * 100)
    os.utime(weights, ns=(info.st_atime_ns, info.st_mtime_ns))
    again = _run(run_cli, repo)
    assert again.code == 0 and _count(starts) == 2
    assert f"{weights} changed" in again.err


def test_an_edit_inside_a_folder_the_model_folder_links_to_is_seen(
    run_cli: Run, repo: Path, starts: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "shared-weights"
    elsewhere.mkdir()
    (elsewhere / "shard-1.bin").write_bytes(b"a" * 50)
    (repo / "model" / "shards").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "back").symlink_to(repo / "model", target_is_directory=True)  # a cycle: each folder walked once
    assert _run(run_cli, repo).code == 0
    assert NOTHING_CHANGED in _run(run_cli, repo).err and _count(starts) == 1
    (elsewhere / "shard-1.bin").write_bytes(b"b" * 50)
    again = _run(run_cli, repo)
    assert again.code == 0 and _count(starts) == 2
    assert "shard-1.bin changed" in again.err


def test_other_versions_rerun(run_cli: Run, repo: Path, starts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(run_cli, repo).code == 0
    real = fingerprint.versions
    monkeypatch.setattr(fingerprint, "versions", lambda: {**real(), "olive-ai": "0.14.0"})
    again = _run(run_cli, repo)
    assert again.code == 0 and _count(starts) == 2
    assert "the installed version of olive-ai changed" in again.err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HF_ENDPOINT", "https://mirror.example"),
        ("CUDA_VISIBLE_DEVICES", "GPU-5fe1c3d2"),
        ("OLIVE_LOG_SETTING", "verbose-x"),
    ],
)
def test_an_environment_variable_that_changes_olive_reruns(
    run_cli: Run, repo: Path, starts: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.delenv(name, raising=False)
    assert _run(run_cli, repo).code == 0
    monkeypatch.setenv(name, value)
    again = _run(run_cli, repo)
    assert again.code == 0 and _count(starts) == 2
    assert f"the environment variable {name} changed" in again.err
    assert value not in (repo / "out" / "run-inputs.json").read_text(encoding="utf-8")  # a digest, not the value


def test_the_versions_are_read_without_importing() -> None:
    found = fingerprint.versions()
    assert {"olive-ai", "onnxruntime-genai", "onnxruntime", "torch", "transformers", "olivegen"} <= set(found)
    assert "torch" not in sys.modules or found["torch"] is not None


def test_a_hub_models_resolved_revision_is_recorded(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    refs = hub / "models--microsoft--Phi-3-mini-4k-instruct" / "refs"
    refs.mkdir(parents=True)
    (refs / "main").write_text("a" * 40, encoding="utf-8")
    config = {"input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"}}
    assert fingerprint.hub_revisions(config, hub) == {"microsoft/Phi-3-mini-4k-instruct@main": "a" * 40}
    (refs / "main").write_text("b" * 40, encoding="utf-8")  # the Hub moved and the cache followed
    assert fingerprint.hub_revisions(config, hub) == {"microsoft/Phi-3-mini-4k-instruct@main": "b" * 40}
    pinned = {"input_model": {**config["input_model"], "load_kwargs": {"revision": "c" * 40}}}
    assert fingerprint.hub_revisions(pinned, hub) == {f"microsoft/Phi-3-mini-4k-instruct@{'c' * 40}": "c" * 40}
    local = {"input_model": {"model_path": str(tmp_path)}}
    assert fingerprint.hub_revisions(local, hub) == {}


def test_the_key_is_private_and_made_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fingerprint, "key_folder", REAL_KEY_FOLDER)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    key = fingerprint.signing_key()
    folder = tmp_path / "cache" / "olivegen"
    assert fingerprint.key_folder() == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "run-key").stat().st_mode) == 0o600
    assert len(key) == 32 and fingerprint.signing_key() == key
    assert [p.name for p in folder.iterdir()] == ["run-key"]


def test_a_relative_xdg_cache_home_never_puts_the_key_in_the_working_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "out/.cache")  # a workflow may set it from the checkout
    assert REAL_KEY_FOLDER() == Path(os.path.expanduser("~")) / ".cache" / "olivegen"


def test_the_key_is_never_read_or_made_through_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fingerprint, "key_folder", REAL_KEY_FOLDER)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    checkout = tmp_path / "checkout"
    checkout.mkdir(mode=0o700)
    (cache / "olivegen").symlink_to(checkout)  # the folder is a link into a place the attacker writes
    with pytest.raises(fingerprint.NoKey, match="it is a link"):
        fingerprint.signing_key()
    assert list(checkout.iterdir()) == []
    (cache / "olivegen").unlink()
    (cache / "olivegen").mkdir(mode=0o700)
    (checkout / "known-key").write_text("ab" * 32, encoding="utf-8")
    (cache / "olivegen" / "run-key").symlink_to(checkout / "known-key")  # the key file is a link to a known key
    with pytest.raises(fingerprint.NoKey, match="it is a link"):
        fingerprint.signing_key()
    (cache / "olivegen" / "run-key").unlink()
    (cache / "olivegen" / "run-key").write_text("ab" * 32, encoding="utf-8")
    os.chmod(cache / "olivegen" / "run-key", 0o644)
    with pytest.raises(fingerprint.NoKey, match="others may read it"):
        fingerprint.signing_key()


def test_without_a_key_nothing_is_reused(
    run_cli: Run, repo: Path, starts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(run_cli, repo).code == 0

    def no_key(env: object = None) -> bytes:
        raise fingerprint.NoKey("cannot use the folder: it is a link")

    monkeypatch.setattr(fingerprint, "signing_key", no_key)
    again = _run(run_cli, repo)
    assert again.code == 0 and _count(starts) == 2
    assert "no signing key" in again.err


def test_fifos_and_devices_under_the_inputs_are_never_opened(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"a")
    os.mkfifo(folder / "pipe")
    (folder / "zero").symlink_to("/dev/zero")
    config = {"input_model": {"model_path": str(folder)}}
    states = fingerprint.take(config)
    assert states is not None and list(states) == [str(folder / "a.bin")]
    assert fingerprint.changed(config, states) is None


def test_without_a_home_folder_there_is_no_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fingerprint, "key_folder", REAL_KEY_FOLDER)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # HOME unset and no password entry
    monkeypatch.chdir(tmp_path)
    with pytest.raises(fingerprint.NoKey, match="no home folder"):
        fingerprint.signing_key()
    assert list(tmp_path.iterdir()) == []
