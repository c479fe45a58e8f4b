"""`--olive-version` 0.10, 0.11, 0.12, main and installed: 0.13's format, each release's own passes and parameters."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from olivegen import compile_recipe
from olivegen.errors import RecipeError
from olivegen.knowledge import catalog
from olivegen.render import output_check
from tests.conftest import CliResult

Run = Callable[..., CliResult]

PHI = "model: {path: microsoft/Phi-3-mini-4k-instruct}\nhost: cpu\n"


def _recipe(tmp_path: Path, passes: str, olive: str = "") -> Path:
    path = tmp_path / "r.yaml"
    path.write_text(PHI + (f"olive: {olive}\n" if olive else "") + "passes:\n" + passes)
    return path


def _errors(path: Path, generation: str | None = None) -> list[str]:
    with pytest.raises(RecipeError) as caught:
        compile_recipe(path, generation=generation)
    return [f"{d.message} | {d.hint}" for d in caught.value.diagnostics]


@pytest.mark.parametrize("kind", ["QuarkQuantizationVitisAI", "RyzenGenerateModelLLM"])
def test_a_main_only_pass_renders_for_main_and_is_refused_for_013(tmp_path: Path, kind: str) -> None:
    recipe = _recipe(tmp_path, f"  - type: {kind}\n")
    config = compile_recipe(recipe, generation="main").config
    assert [p["type"] for p in config["passes"].values()] == [kind]
    assert _errors(recipe) == [
        f"unknown pass type {kind!r} in Olive 0.13: only Olive's main branch has it | render with --olive-version main"
    ]
    # the recipe's own `olive: main` says the same as the flag
    assert compile_recipe(_recipe(tmp_path, f"  - type: {kind}\n", "main")).config == config


def test_main_is_written_in_013s_format(tmp_path: Path) -> None:
    recipe = _recipe(tmp_path, "  - type: ModelBuilder\n    precision: int4\n")
    assert compile_recipe(recipe, generation="main").config == compile_recipe(recipe).config


def test_main_has_its_own_parameters(tmp_path: Path) -> None:
    """VitisGenerateModelLLM's `cpu_only` (0.9.2-0.11, then main again); its 0.13 `extra_options` main lacks."""
    recipe = _recipe(tmp_path, "  - type: VitisGenerateModelLLM\n    config: {cpu_only: true}\n")
    assert compile_recipe(recipe, generation="main").config["passes"]["vitis_generate_model_llm"]["cpu_only"]
    (message,) = _errors(recipe)
    assert "has no parameter 'cpu_only': removed after Olive 0.11.0, back on Olive's main branch" in message
    assert message.endswith(" | render with --olive-version main")
    gone = _recipe(tmp_path, "  - type: VitisGenerateModelLLM\n    config: {extra_options: {}}\n")
    assert _errors(gone, "main") == [
        "VitisGenerateModelLLM of Olive's main branch has no parameter 'extra_options': removed after Olive 0.13"
        " | render with --olive-version 0.13"
    ]


def test_a_release_gets_its_own_passes(tmp_path: Path) -> None:
    newer = _recipe(tmp_path, "  - type: KQuant\n")  # added in 0.13
    assert _errors(newer, "0.12") == [
        "unknown pass type 'KQuant' in Olive 0.12: added after Olive 0.12 | render with --olive-version 0.13"
    ]
    gone = _recipe(tmp_path, "  - type: MoEExpertsDistributor\n    config: {world_size: 2}\n")  # 0.10 and 0.11 only
    assert compile_recipe(gone, generation="0.11").config["passes"]["mo_eexperts_distributor"]["world_size"] == 2
    assert _errors(gone, "0.12") == [
        "unknown pass type 'MoEExpertsDistributor' in Olive 0.12: removed after Olive 0.11 | render with"
        " --olive-version 0.11"
    ]


def test_a_release_gets_its_own_parameters(tmp_path: Path) -> None:
    recipe = _recipe(tmp_path, "  - type: SelectiveMixedPrecision\n    config: {kld_memory_mode: low}\n")
    assert _errors(recipe, "0.12") == [
        "SelectiveMixedPrecision of Olive 0.12 has no parameter 'kld_memory_mode': added after Olive 0.12 | render"
        " with --olive-version 0.13"
    ]


def test_yaml_numbers_name_the_releases(tmp_path: Path) -> None:
    """`olive: 0.10` is the number 0.1 to YAML: still Olive 0.10."""
    for written, generation in (("0.10", "0.10"), ("0.11", "0.11"), ("0.12", "0.12")):
        recipe = _recipe(tmp_path, "  - type: KQuant\n", written)
        assert f"in Olive {generation}: added after Olive {generation}" in _errors(recipe)[0]


def test_a_typed_pass_parameter_a_release_lacks(run_cli: Run, tmp_path: Path) -> None:
    recipe = _recipe(tmp_path, "  - type: ModelBuilder\n    precision: int4\n    options: {cpu_only: true}\n")
    result = run_cli("validate", recipe, "--olive-version", "0.12")
    assert result.code == 1
    assert "ModelBuilder has no parameter 'cpu_only'" in result.out


def test_validate_and_explain_take_the_flag(run_cli: Run, tmp_path: Path) -> None:
    recipe = _recipe(tmp_path, "  - type: QuarkQuantizationVitisAI\n")
    assert run_cli("validate", recipe, "--olive-version", "main").code == 0
    assert run_cli("validate", recipe).code == 1
    assert run_cli("explain", recipe, "--olive-version", "main").code == 0
    assert run_cli("validate", recipe, "--olive", "--olive-version", "main").code == 2


# --- the installed olive-ai's own registry -------------------------------------------------------------------


def _clear() -> None:
    for cached in (
        catalog.facts,
        catalog._pass_index,
        output_check._schema,
        output_check._validator,
        output_check._quick,
    ):
        cached.cache_clear()


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Put a fake olive-ai (a dist-info and olive/olive_config.json) first on sys.path."""

    def install(version: str, passes: list[str]) -> None:
        site = tmp_path / f"site-{version}"
        (site / "olive").mkdir(parents=True)
        (site / f"olive_ai-{version}.dist-info").mkdir()
        (site / f"olive_ai-{version}.dist-info" / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: olive-ai\nVersion: {version}\n"
        )
        registry = {"passes": {name: {"module_path": f"vendor.{name}"} for name in passes}}
        (site / "olive" / "olive_config.json").write_text(json.dumps(registry))
        monkeypatch.syspath_prepend(str(site))
        _clear()

    yield install
    _clear()


def test_installed_vendor_build_is_known_by_its_registry(installed: Any, tmp_path: Path) -> None:
    installed("0.14.0+vendor", ["ModelBuilder", "VendorMagic"])
    assert catalog.installed_registry() == ("0.14.0+vendor", {"ModelBuilder": None, "VendorMagic": None})
    recipe = _recipe(tmp_path, "  - type: VendorMagic\n    config: {anything: 1}\n")
    config = compile_recipe(recipe, generation="installed").config
    assert config["passes"]["vendor_magic"] == {"type": "VendorMagic", "anything": 1}  # parameters unknown: kept
    assert "in the installed olive-ai 0.14.0+vendor" in _errors(_recipe(tmp_path, "  - type: Gptq\n"), "installed")[0]


def test_installed_main_wheel_is_main_whatever_its_version(installed: Any, tmp_path: Path) -> None:
    """Olive main's wheel says 0.11.0.dev0: its registry, not its version, tells it is main."""
    installed("0.11.0.dev0", sorted(catalog.facts("main")["passes"]))
    assert catalog.installed_registry()[1]["VitisGenerateModelLLM"] == ["cpu_only", "packed_const"]
    recipe = _recipe(tmp_path, "  - type: VitisGenerateModelLLM\n    config: {extra_options: {}}\n")
    assert "has no parameter 'extra_options'" in _errors(recipe, "installed")[0]


def test_no_olive_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from importlib import metadata

    def missing(name: str) -> Any:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", missing)
    _clear()
    try:
        assert catalog.installed_registry() is None
        assert "(none installed)" in _errors(_recipe(tmp_path, "  - type: Gptq\n"), "installed")[0]
    finally:
        monkeypatch.undo()
        _clear()
