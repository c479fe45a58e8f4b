"""What this machine can run: installed packages and a visible CUDA GPU, probed lazily and cheaply."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from importlib import metadata


def has_module(name: str) -> bool:
    """Tell whether a top-level module can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def has_distribution(name: str) -> bool:
    """Tell whether a distribution (a pip package name) is installed."""
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def _torch_sees_cuda() -> bool:
    if not has_module("torch"):
        return False
    import torch  # only when a recipe asks for a CUDA host: about 2 s

    return bool(torch.cuda.is_available())


@dataclass
class Machine:
    """The facts preflight and `--host` need; each probed on first use, then remembered.

    Tests build one with the answers filled in (`Machine.fake(...)`), so no probe runs.
    """

    modules: dict[str, bool] = field(default_factory=dict)
    distributions: dict[str, bool] = field(default_factory=dict)
    cuda: bool | None = None

    def module(self, name: str) -> bool:
        """Tell whether a module is importable."""
        if name not in self.modules:
            self.modules[name] = has_module(name)
        return self.modules[name]

    def distribution(self, name: str) -> bool:
        """Tell whether a distribution is installed."""
        if name not in self.distributions:
            self.distributions[name] = has_distribution(name)
        return self.distributions[name]

    def cuda_gpu(self) -> bool:
        """Tell whether torch sees a CUDA GPU."""
        if self.cuda is None:
            self.cuda = _torch_sees_cuda()
        return self.cuda

    def ort_cuda(self) -> bool:
        """Tell whether onnxruntime can run CUDA models (the `onnxruntime-gpu` build is installed)."""
        return self.distribution("onnxruntime-gpu")

    @classmethod
    def fake(
        cls,
        *,
        modules: dict[str, bool] | None = None,
        distributions: dict[str, bool] | None = None,
        cuda: bool = False,
    ) -> Machine:
        """Return a machine with fixed answers; anything not listed is absent."""
        return _Fixed(dict(modules or {}), dict(distributions or {}), cuda)


class _Fixed(Machine):
    def module(self, name: str) -> bool:
        return self.modules.get(name, False)

    def distribution(self, name: str) -> bool:
        return self.distributions.get(name, False)
