"""End-to-end fixtures: a tiny offline model (built once per session), an offline environment, a runner.

Every test here runs the real Olive on the CPU; they skip, with the reason, where Olive,
torch, transformers, tokenizers or onnxruntime-genai cannot be imported. Set
OLIVEGEN_E2E_TIMINGS=FILE to append each run's wall time and peak memory to FILE (JSON lines).
"""

from __future__ import annotations

import importlib.util
import json
import os
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from olivegen.runner.tinymodel import TinyModel
from tests.conftest import CliResult

NEEDED = ("olive", "torch", "transformers", "tokenizers", "onnxruntime_genai", "peft")


def missing_modules(names: tuple[str, ...] = NEEDED) -> list[str]:
    """Return the modules of `names` that cannot be imported."""
    return [name for name in names if importlib.util.find_spec(name) is None]


def require(*names: str) -> None:
    """Skip the test (with the reason) when a module it needs is not installed."""
    absent = missing_modules(NEEDED + names)
    if absent:
        pytest.skip(f"needs {', '.join(absent)} (pip install 'olivegen[olive]')")


@pytest.fixture(scope="session", autouse=True)
def offline_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Run everything offline, with Hugging Face caches in a session temp folder and no telemetry wait."""
    root = tmp_path_factory.mktemp("e2e-env")
    with pytest.MonkeyPatch.context() as patch:
        for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "CI"):
            patch.setenv(key, "1")
        patch.setenv("HF_HOME", str(root / "hf"))
        patch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
        yield root


def _build(factory: pytest.TempPathFactory, arch: str) -> TinyModel:
    require()
    from olivegen.runner.tinymodel import build_tiny_model

    return build_tiny_model(factory.mktemp(f"tiny-{arch}"), arch)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def tiny_phi3(tmp_path_factory: pytest.TempPathFactory) -> TinyModel:
    """A tiny random-weight Phi-3 (hidden 64, 2 layers, 4 heads) with its tokenizer and data."""
    return _build(tmp_path_factory, "phi3")


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> TinyModel:
    """A tiny random-weight Llama with its tokenizer and data."""
    return _build(tmp_path_factory, "llama")


def recipe_text(tiny: TinyModel, passes: str, *, name: str, host: str = "cpu", extra: str = "") -> str:
    """Return a recipe for the tiny model: its data set with the chat template, then `passes` (YAML)."""
    head = f"""\
        name: {name}
        model:
          path: {tiny.model_dir}
        data:
          - name: travel
            files: {tiny.data_file}
            text_template: "<|user|>\\n{{prompt}}<|end|>\\n<|assistant|>\\n{{response}}<|end|>"
            max_seq_len: 64
        host: {host}
        """
    return textwrap.dedent(head) + extra + "passes:\n" + textwrap.indent(passes, "  ")


def write_recipe(folder: Path, text: str, name: str = "recipe.yaml") -> Path:
    """Write a recipe file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Ran:
    """An `olivegen run` invocation: its CLI result and the run-summary.json it wrote (if any)."""

    cli: CliResult
    outdir: Path
    summary: dict[str, Any] | None

    def statuses(self) -> list[str]:
        """Return each pass's status, in order."""
        assert self.summary is not None, self.cli.err
        return [p["status"] for p in self.summary["passes"]]

    @property
    def model_dir(self) -> Path:
        """The output model folder the summary names."""
        assert self.summary is not None and self.summary["model"] is not None, self.cli.err
        return Path(self.summary["model"]["path"])


@pytest.fixture
def olivegen_run(run_cli: Callable[..., CliResult], request: pytest.FixtureRequest) -> Callable[..., Ran]:
    """Run `olivegen run RECIPE -o OUTDIR ARGS...` in-process; return its result and summary."""

    def run(recipe: Path, outdir: Path, *args: str) -> Ran:
        result = run_cli("run", recipe, "-o", outdir, *args)
        path = outdir / "run-summary.json"
        summary = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
        timings = os.environ.get("OLIVEGEN_E2E_TIMINGS")
        if timings and summary is not None:
            with open(timings, "a", encoding="utf-8") as sink:
                row = {
                    "test": request.node.name,
                    "workflow": summary["workflow_id"],
                    "ok": summary["ok"],
                    "seconds": round(summary["seconds"], 1),
                    "peak_rss_mb": round((summary["peak_rss_bytes"] or 0) / 2**20),
                    "passes": {p["key"]: p["status"] for p in summary["passes"]},
                }
                sink.write(json.dumps(row) + "\n")
        return Ran(result, outdir, summary)

    return run
