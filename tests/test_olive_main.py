"""A matrix rendered for Olive's main branch as one config with `builds`, and the real Olive main's verdict on it.

The tests that need Olive main run it from OLIVEGEN_OLIVE_MAIN_PYTHON (.ci/run makes that venv from
../shared/olive-main/) and skip without it; the rest need no Olive.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from olivegen.api import Options, compile
from olivegen.render.olive_check import problems_in
from tests.conftest import OLIVE_MAIN, ROOT, CliResult, needs_olive_main

TWO_BUILDS = """\
name: tiny-builds
model:
  path: microsoft/Phi-3-mini-4k-instruct
host: cpu
passes:
  - type: builder
    precision: int4
matrix:
  precision:
    int4: ~
    fp32: {passes.builder.precision: fp32}
"""


def write(folder: Path, text: str, name: str = "recipe.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_matrix_renders_as_one_config_with_builds_for_main(tmp_path: Path) -> None:
    (one,) = compile(write(tmp_path, TWO_BUILDS), Options(generation="main", builds=True))
    assert one.variant is None and one.builds == ("int4", "fp32")
    config = one.config
    assert config["workflow_id"] == "tiny-builds"
    assert config["passes"] == {
        "model_builder": {"type": "ModelBuilder", "precision": "int4"},
        "model_builder_fp32": {"type": "ModelBuilder", "precision": "fp32"},
    }
    assert config["builds"] == {
        "int4": {"pipeline": ["model_builder"], "output_dir": "outputs/tiny-builds-int4"},
        "fp32": {"pipeline": ["model_builder_fp32"], "output_dir": "outputs/tiny-builds-fp32"},
    }
    assert "output_dir" not in config["engine"] and config["engine"]["host"] == "local_system"
    assert list(config) == ["workflow_id", "input_model", "systems", "data_configs", "passes", "engine", "builds"]


def test_older_olives_and_callers_that_do_not_ask_get_a_config_per_variant(tmp_path: Path) -> None:
    recipe = write(tmp_path, TWO_BUILDS)
    for options in (Options(builds=True), Options(generation="0.12", builds=True), Options(generation="main")):
        assert [c.variant for c in compile(recipe, options)] == ["int4", "fp32"]


def test_variants_that_differ_in_what_a_build_cannot_set_stay_separate(tmp_path: Path) -> None:
    phi35 = "phi35: {model.path: microsoft/Phi-3.5-mini-instruct}"
    text = TWO_BUILDS.replace("fp32: {passes.builder.precision: fp32}", phi35)
    compiled = compile(write(tmp_path, text), Options(generation="main", builds=True))
    assert [c.variant for c in compiled] == ["int4", "phi35"]
    assert not [w for c in compiled for w in c.warnings]


def test_targets_and_pass_subsets_become_build_settings(tmp_path: Path) -> None:
    text = """\
        name: targets
        model:
          path: microsoft/Phi-3-mini-4k-instruct
        host: cpu
        passes:
          - type: builder
            precision: int4
          - type: builder
            name: fp32_builder
            precision: fp32
        matrix:
          target:
            cpu: {passes.fp32_builder: $delete}
            cuda: {target: cuda, passes.model_builder: $delete}
        """
    (one,) = compile(write(tmp_path, text), Options(generation="main", builds=True))
    builds = one.config["builds"]
    assert builds["cpu"]["pipeline"] == ["model_builder"] and builds["cuda"]["pipeline"] == ["fp32_builder"]
    systems = one.config["systems"]
    assert systems[builds["cpu"]["target"]]["accelerators"][0]["execution_providers"] == ["CPUExecutionProvider"]
    assert systems[builds["cuda"]["target"]]["accelerators"][0]["execution_providers"] == ["CUDAExecutionProvider"]
    assert "target" not in one.config["engine"]


def _warnings(folder: Path, text: str) -> list[str]:
    folder = folder / str(len(list(folder.iterdir())))
    folder.mkdir()
    compiled = compile(write(folder, text), Options(generation="main", builds=True))
    assert len(compiled) == 2  # refused as builds: rendered as separate configs
    return [f"{w.at.line}:{w.at.col}: {w.message}" for c in compiled for w in c.warnings if w.rule == "builds"]


def test_what_olive_main_refuses_in_builds_is_reported_at_the_recipe_line(tmp_path: Path) -> None:
    bad_name = TWO_BUILDS.replace("    int4: ~", "    _int4: ~")
    assert _warnings(tmp_path, bad_name) == [
        "10:5: Olive's main branch refuses the build name '_int4': a build name starts with a letter or digit,"
        " then letters, digits, `.`, `_` or `-` (builds.py:178)"
    ]
    overlap = TWO_BUILDS.replace(
        "fp32: {passes.builder.precision: fp32}",
        "fp32: {passes.builder.precision: fp32, engine.output_dir: outputs/tiny-builds-int4/fp32}",
    )
    (found,) = _warnings(tmp_path, overlap)
    assert found.startswith("11:63: [fp32] Olive's main branch refuses builds 'int4' and 'fp32': their output folders")
    python_host = TWO_BUILDS.replace(
        "fp32: {passes.builder.precision: fp32}",
        "fp32: {passes.builder.precision: fp32, host: {type: python_environment, python: "
        f"{tmp_path}, provider: cpu}}}}",
    )
    (found,) = _warnings(tmp_path, python_host)
    assert found.startswith("11:") and "runs builds on a local host only, not 'PythonEnvironment'" in found


def test_an_installed_olive_with_builds_gets_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed olive-ai reads `builds` when it has olive/workflows/run/builds.py, whatever its version."""
    from olivegen.knowledge import catalog

    site = tmp_path / "site"
    (site / "olive" / "workflows" / "run").mkdir(parents=True)
    (site / "olive_ai-0.11.0.dev0.dist-info").mkdir()
    (site / "olive_ai-0.11.0.dev0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: olive-ai\nVersion: 0.11.0.dev0\n", encoding="utf-8"
    )
    registry = {"passes": {name: {"module_path": "x"} for name in catalog.facts("main")["passes"]}}
    (site / "olive" / "olive_config.json").write_text(json.dumps(registry), encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    catalog.facts.cache_clear()
    catalog._pass_index.cache_clear()
    recipe = write(tmp_path, TWO_BUILDS)
    try:
        assert [c.variant for c in compile(recipe, Options(generation="installed", builds=True))] == ["int4", "fp32"]
        (site / "olive" / "workflows" / "run" / "builds.py").write_text("", encoding="utf-8")
        (one,) = compile(recipe, Options(generation="installed", builds=True))
        assert one.builds == ("int4", "fp32")
    finally:
        catalog.facts.cache_clear()
        catalog._pass_index.cache_clear()


def test_variants_on_azure_ml_compute_stay_jobs_of_their_own(tmp_path: Path) -> None:
    example = (ROOT / "examples" / "phi3-azureml-compute.yaml").read_text(encoding="utf-8")
    (tmp_path / "azureml").mkdir()
    (tmp_path / "azureml" / "conda.yaml").write_text("name: x\n", encoding="utf-8")
    text = example + "matrix:\n  compute:\n    a100: ~\n    h100: {host.compute: gpu-h100}\n"
    compiled = compile(write(tmp_path, text), Options(generation="main", builds=True))
    assert [c.variant for c in compiled] == ["a100", "h100"]  # the Olive configs are alike; the jobs are not


def test_a_python_environment_target_of_a_build_is_named_before_olive_is_asked() -> None:
    from olivegen.render.olive_check import code_named

    python = {"type": "PythonEnvironment", "python_environment_path": "/somewhere/bin"}
    config = {"systems": {"py": python}, "engine": {}, "builds": {"one": {"pipeline": ["p"], "target": "py"}}}
    assert code_named(config) == [
        (("systems", "py", "python_environment_path"), "Olive's check would run the `python` found in /somewhere/bin")
    ]


def test_olive_findings_on_a_build_name_the_variant_and_the_recipe_line(tmp_path: Path) -> None:
    from olivegen.api import olive_findings

    (one,) = compile(write(tmp_path, TWO_BUILDS), Options(generation="main", builds=True))
    (found,) = olive_findings(one, ["builds.int4: passes.model_builder.precision: not what Olive wants"])
    assert found.message == "[int4] passes.model_builder.precision: not what Olive wants"
    assert (found.at.line, found.at.col) == (7, 16)  # the recipe's `precision: int4`
    (whole,) = olive_findings(one, ["builds: ValueError: Invalid build"])
    assert whole.message == "builds: ValueError: Invalid build"


def test_the_editor_reports_what_validate_does(tmp_path: Path) -> None:
    pytest.importorskip("pygls", reason="the lsp extra is not installed")
    from olivegen.lsp.diagnostics import find

    recipe = write(tmp_path, "olive: main\n" + TWO_BUILDS.replace("    int4: ~", "    _int4: ~"))
    found = find(recipe, {})
    assert [(d.rule, d.at.line) for d in found] == [("builds", 11)]


def test_render_writes_the_one_config(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("render", write(tmp_path, TWO_BUILDS), "--olive-version", "main", "-o", f"{tmp_path}/out/")
    assert result.code == 0, result.err
    assert result.err.strip() == f"wrote {tmp_path / 'out' / 'tiny-builds.json'} (Olive's builds: int4, fp32)"
    assert "builds" in json.loads((tmp_path / "out" / "tiny-builds.json").read_text(encoding="utf-8"))


# --- the real Olive main ---------------------------------------------------------------------------

# Olive main's verdict (olivegen's check, run there) and its own expansion of the builds, in one start of it
EXPAND = """\
import json, sys
from olive.workflows.run.builds import expand_builds
from olivegen.render.olive_check import olive_problems
config = json.load(open(sys.argv[1]))
print(json.dumps([olive_problems(config), expand_builds(config)]))
"""


def _expand(config: dict[str, Any], folder: Path) -> tuple[list[str], dict[str, Any]]:
    assert OLIVE_MAIN
    path = folder / "builds.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [OLIVE_MAIN, "-c", EXPAND, str(path)], capture_output=True, text=True, check=True, cwd=folder, env=_env()
    )
    problems, expanded = json.loads(done.stdout.strip().splitlines()[-1])
    return problems, expanded


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1", "HF_HUB_OFFLINE": "1"}


@needs_olive_main
def test_olive_main_accepts_the_builds_and_expands_them_into_each_variants_own_config(tmp_path: Path) -> None:
    recipe = write(tmp_path, TWO_BUILDS)
    (one,) = compile(recipe, Options(generation="main", builds=True))
    problems, expanded = _expand(one.config, tmp_path)
    assert problems == []
    alone = {c.variant: c.config for c in compile(recipe, Options(generation="main"))}
    assert list(expanded) == list(alone) == ["int4", "fp32"]
    for name, config in expanded.items():
        own = alone[name]
        assert config["workflow_id"] == f"tiny-builds_{name}"  # Olive's `<workflow_id>_<build>`
        assert list(config["passes"].values()) == list(own["passes"].values())  # same passes, maybe renamed
        same = {k: v for k, v in config.items() if k not in ("workflow_id", "passes", "engine")}
        assert same == {k: v for k, v in own.items() if k not in ("workflow_id", "passes", "engine")}
        assert config["engine"] == own["engine"]


@needs_olive_main
def test_the_check_with_olive_main_sees_what_it_refuses_in_builds(tmp_path: Path) -> None:
    (one,) = compile(write(tmp_path, TWO_BUILDS), Options(generation="main", builds=True))
    bad_name = {**one.config, "builds": {"_x": one.config["builds"]["int4"]}}
    overlap = json.loads(json.dumps(one.config))
    overlap["builds"]["fp32"]["output_dir"] = "outputs/tiny-builds-int4/fp32"
    unknown = json.loads(json.dumps(one.config))
    unknown["builds"]["fp32"]["pipeline"] = ["no_such_pass"]
    python_host = json.loads(json.dumps(one.config))
    python_bin = str(Path(str(OLIVE_MAIN)).parent)
    python_host["systems"]["py"] = {"type": "PythonEnvironment", "python_environment_path": python_bin}
    python_host["builds"]["fp32"]["host"] = "py"
    found = problems_in(str(OLIVE_MAIN), [bad_name, overlap, unknown, python_host])
    assert [len(p) for p in found] == [1, 1, 1, 1], found
    assert "Invalid build name '_x'" in found[0][0]
    assert "overlapping writable directories" in found[1][0]
    assert "references unknown pass(es) ['no_such_pass']" in found[2][0]
    assert "Multi-build workflows currently support only LocalSystem hosts" in found[3][0]


@needs_olive_main
def test_validate_olive_checks_with_the_olive_main_python(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    recipe = write(tmp_path, TWO_BUILDS)
    args = ("validate", recipe, "--olive", "--olive-version", "main", "--olive-python", str(OLIVE_MAIN))
    result = run_cli(*args)
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == "1 file, 0 errors, 0 warnings"


def test_an_olive_without_builds_says_so(tmp_path: Path) -> None:
    pytest.importorskip("olive", reason="olive-ai is not installed (pip install '.[olive]')")
    from olivegen.render.olive_check import olive_problems

    (one,) = compile(write(tmp_path, TWO_BUILDS), Options(generation="main", builds=True))
    assert olive_problems(one.config) == [  # olive-ai 0.13 has no olive/workflows/run/builds.py
        "builds: this Olive has no multi-build configs (olive/workflows/run/builds.py is Olive main's)"
    ]


def test_validate_olive_for_main_without_a_main_python_says_how(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("validate", write(tmp_path, TWO_BUILDS), "--olive", "--olive-version", "main")
    assert result.code == 2
    assert "--olive-python PYTHON" in result.err
