"""The output folder of `olivegen run` and the environment the Olive process gets.

```
OUTDIR/
  olive-config.json   the config that ran (same recipe and OUTDIR -> same bytes, so Olive's cache hits)
  olive-run.log       everything Olive printed
  run-summary.json    passes, durations, model files, adapters
  run-inputs.json     after a successful run: the config's hash and its input files' sizes, mtimes, hashes
  model/              Olive's output_dir: the output model (emptied before each run)
  cache/olive/        Olive's cache of pass results (unless the recipe sets engine.cache_dir)
  cache/huggingface/  HF_HOME: datasets and hub files (unless HF_HOME is set)
  cache/xdg/          XDG_CACHE_HOME (unless set)
```
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from olivegen.errors import OlivegenError, OutputError

# What Olive writes beside the model in its output_dir.
OLIVE_BOOKKEEPING = (
    "footprint.json",
    "output_footprint.json",
    "run_history.txt",
    "model_config.json",
    "metrics.json",
    "input_model_metrics.json",
)


@dataclass(frozen=True)
class RunLayout:
    """Where one run's files go."""

    outdir: Path
    cache_root: Path
    olive_cache: Path

    @classmethod
    def under(cls, outdir: Path, cache_root: Path | None = None, olive_cache: Path | None = None) -> RunLayout:
        """Lay a run out under `outdir`; caches under `outdir/cache` unless given."""
        outdir = outdir.expanduser().resolve()
        if outdir.exists() and not outdir.is_dir():
            raise OutputError(f"{outdir} is a file; -o names the output folder of the run")
        if outdir == Path(outdir.anchor):
            raise OutputError(f"-o {outdir} is the file system root; give the run a folder of its own")
        root = cache_root.expanduser().resolve() if cache_root else outdir / "cache"
        return cls(outdir, root, olive_cache or root / "olive")

    @property
    def model_dir(self) -> Path:
        """Olive's output_dir: where the output model lands."""
        return self.outdir / "model"

    @property
    def config_path(self) -> Path:
        """The config that is run."""
        return self.outdir / "olive-config.json"

    @property
    def log_path(self) -> Path:
        """Everything the Olive process printed."""
        return self.outdir / "olive-run.log"

    @property
    def summary_path(self) -> Path:
        """The run summary as JSON."""
        return self.outdir / "run-summary.json"

    @property
    def inputs_path(self) -> Path:
        """The fingerprint of the last successful run's config and inputs."""
        return self.outdir / "run-inputs.json"

    @property
    def hf_home(self) -> Path:
        """HF_HOME when the environment sets none."""
        return self.cache_root / "huggingface"

    @property
    def xdg_cache(self) -> Path:
        """XDG_CACHE_HOME when the environment sets none."""
        return self.cache_root / "xdg"

    def caches(self, env: Mapping[str, str]) -> dict[str, str]:
        """Return where each cache is for this run: Olive's, HF_HOME and XDG_CACHE_HOME."""
        return {
            "olive": str(self.olive_cache),
            "HF_HOME": env.get("HF_HOME") or str(self.hf_home),
            "XDG_CACHE_HOME": env.get("XDG_CACHE_HOME") or str(self.xdg_cache),
        }


def child_env(layout: RunLayout, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the Olive process's environment.

    - `CI=1`: Olive's telemetry then sends nothing, so an offline run does not wait seconds at exit;
    - HF_HOME and XDG_CACHE_HOME under the run's cache folder unless the caller set them (set
      HF_HOME yourself to share downloaded hub models between output folders);
    - unbuffered Python output, so progress shows as it happens.
    """
    env = dict(os.environ if base is None else base)
    caches = layout.caches(env)
    env["HF_HOME"] = caches["HF_HOME"]
    env["XDG_CACHE_HOME"] = caches["XDG_CACHE_HOME"]
    env["CI"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def clear_model_dir(layout: RunLayout) -> None:
    """Empty the model folder before a run, so a model left by an earlier run is never taken for this one's.

    Refuses (OlivegenError) a folder that holds files but none Olive writes: that is not ours to delete.
    """
    folder = layout.model_dir
    if not folder.exists():
        return
    if not folder.is_dir():
        raise OlivegenError(f"{folder} is a file; olivegen run needs that path for the output model folder")
    entries = list(folder.iterdir())
    if entries and not any((folder / name).exists() for name in OLIVE_BOOKKEEPING):
        raise OlivegenError(
            f"{folder} holds files Olive did not write; choose another output folder with -o, or empty it"
        )
    shutil.rmtree(folder)


def make_dir(path: Path) -> None:
    """Create a folder (and its parents); a failure is an OutputError saying which folder and why."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {path}: {exc.strerror or type(exc).__name__}") from None


def prepare_dirs(layout: RunLayout, env: Mapping[str, str]) -> None:
    """Create the output folder and every cache folder this run uses."""
    make_dir(layout.outdir)
    for path in layout.caches(env).values():
        make_dir(Path(path))
