"""The installed Olive (when present) accepts every example with no key ignored, and catches what it would drop."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.api import compile_recipe
from tests.conftest import EXAMPLES, CliResult

pytestmark = pytest.mark.olive


@pytest.fixture(scope="session", autouse=True)
def olive_installed() -> None:
    """Skip where Olive is not installed; imported here, not at collection (importing Olive takes seconds)."""
    pytest.importorskip("olive", reason="olive-ai is not installed (pip install '.[olive]')")


def test_examples_pass_olives_own_validation(run_cli: Callable[..., CliResult]) -> None:
    examples = sorted(EXAMPLES.glob("*.yaml"))
    result = run_cli("validate", "--olive", *examples)
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == f"{len(examples)} files, 0 errors, 0 warnings"


def test_target_examples_pass_olives_own_validation(run_cli: Callable[..., CliResult]) -> None:
    """examples/targets/: every variant (every target, and the adapter) is accepted by the installed Olive 0.13."""
    examples = sorted((EXAMPLES / "targets").glob("*.yaml"))
    assert len(examples) == 2
    result = run_cli("validate", "--strict", "--olive", *examples)
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == f"{len(examples)} files, 0 errors, 0 warnings"


def test_validate_olive_prints_no_library_noise() -> None:
    """bitsandbytes warns on import that an optional CPU kernel is missing; that is not the report."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "olivegen", "validate", "--olive", "examples/phi3-tone-classification-qlora.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gemm_4bit" not in done.stdout + done.stderr
    assert done.stdout == "1 file, 0 errors, 0 warnings\n"


def test_keys_olive_would_ignore_are_problems() -> None:
    from olivegen.render.olive_check import olive_problems

    config = copy.deepcopy(compile_recipe(EXAMPLES / "phi3-tone-classification.yaml").config)
    config["passes"]["lora"]["lora_r"] = 64
    config["passes"]["lora"]["training_args"]["evaluation_strategy"] = "steps"
    problems = olive_problems(config)
    assert any("lora_r" in p for p in problems), problems
    assert any("evaluation_strategy" in p for p in problems), problems


def test_structural_errors_are_reported_with_their_path() -> None:
    from olivegen.render.olive_check import olive_problems

    config = copy.deepcopy(compile_recipe(EXAMPLES / "phi35-travel-lab.yaml").config)
    config["engine"]["log_severity_level"] = "loud"
    problems = olive_problems(config)
    assert problems and any("log_severity_level" in p for p in problems), problems


def test_a_pass_olive_prunes_for_the_target_is_a_problem() -> None:
    """validate_config refuses float16 fusions for the CPU: Olive prunes the pass and the flow writes no model."""
    from olivegen.render.olive_check import PRUNED, olive_problems

    config = {
        "input_model": {"type": "ONNXModel", "model_path": "model.onnx"},
        "systems": {
            "local": {
                "type": "LocalSystem",
                "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}],
            }
        },
        "passes": {"optimize": {"type": "OrtTransformersOptimization", "model_type": "phi", "float16": True}},
        "engine": {"host": "local", "target": "local"},
    }
    problems = olive_problems(config)
    assert [p for p in problems if p.endswith(PRUNED)] == problems, problems
    assert problems and problems[0].startswith("passes.optimize: ") and "float16" in problems[0], problems
    config["passes"]["optimize"]["float16"] = False
    assert olive_problems(config) == []


def test_imported_seed_guide_renders_what_olive_013_accepts(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    from olivegen.render.olive_check import olive_problems
    from tests.unit.test_generations import _imported_seed

    recipe = _imported_seed(run_cli, tmp_path)  # exit 0: the LoRA Olive ran (issue 19's first "done when")
    config = compile_recipe(recipe).config
    assert [p["type"] for p in config["passes"].values()] == ["LoRA", "MergeAdapterWeights", "ModelBuilder"]
    assert olive_problems(config) == []  # RunConfig.parse_file_or_obj and each pass's config class


def test_olive_configs_rendered_from_the_olive_surface_pass_olives_check(tmp_path: Path) -> None:
    """Raw model, raw data, typed metrics with priorities, engine keys: the installed Olive accepts them all."""
    import json

    from olivegen.api import compile_olive_config
    from olivegen.render.olive_check import main, olive_problems

    source = Path(__file__).resolve().parent / "data" / "olive-configs" / "lm-eval-only.yaml"
    text = source.read_text().replace(", OpenVINOExecutionProvider]", "]")  # Olive 0.13: one provider
    (tmp_path / "lm.yaml").write_text(text)
    config = compile_olive_config(tmp_path / "lm.yaml").config
    assert olive_problems(config) == []
    team = compile_recipe(EXAMPLES / "team" / "base" / "phi35-travel.yaml").config
    assert olive_problems(team) == []  # two latency sub types: ranked, as Olive demands
    (tmp_path / "a.json").write_text(json.dumps(config))
    (tmp_path / "b.json").write_text("{not json")
    assert main(["--many", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 1  # b is unreadable


def test_an_olive_config_is_checked_as_written_at_the_key_olive_names(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """olivegen's rendering of it drops an engine typo (a warning); Olive rejects the config itself, at that key."""
    config = tmp_path / "olive-config.json"
    config.write_text(
        '{\n  "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},\n'
        '  "passes": {"conv": {"type": "OnnxConversion", "target_opset": 17}},\n'
        '  "engine": {"evalute_input_model": false}\n}\n'
    )
    result = run_cli("validate", "--olive", config)
    assert result.code == 1, result.out
    assert f"{config}:4:14: error[olive]: engine.evalute_input_model: Extra inputs are not permitted" in result.out
    config.write_text(config.read_text().replace("evalute", "evaluate"))
    clean = run_cli("validate", "--olive", config)
    assert clean.code == 0 and clean.out.splitlines()[-1] == "1 file, 0 errors, 0 warnings", clean.out


def test_keys_olive_only_ignores_in_an_olive_config_are_warnings(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """Olive logs "Ignoring them" and runs on: a warning for a config as written, not a rejection."""
    config = tmp_path / "olive-config.json"
    config.write_text(
        '{"input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},'
        ' "passes": {"conv": {"type": "OnnxConversion"},'
        ' "q": {"type": "OnnxStaticQuantization", "precision": "int8", "weight_type": "QInt8"}}}'
    )
    result = run_cli("validate", "--olive", config)
    olive = [line for line in result.out.splitlines() if "[olive]" in line]
    assert olive and all("warning[olive]" in line and "Ignoring them" in line for line in olive), result.out


@pytest.mark.parametrize(
    "model", ["Qwen/Qwen2.5-1.5B-Instruct", "meta-llama/Llama-3.2-1B-Instruct", "microsoft/Phi-3-mini-4k-instruct"]
)
def test_init_targets_recipes_pass_olives_own_check(
    run_cli: Callable[..., CliResult], tmp_path: Path, model: str
) -> None:
    """Qwen2, Llama and Phi-3: every target with a chain, at every precision, is accepted by the installed Olive 0.13.

    Olive's RunConfig and each pass's own config class (`validate --olive`), variant by variant.
    """
    from olivegen.knowledge.targets import TARGETS

    spec = ",".join(f"{t.name}:{p}" for t in TARGETS for p in t.precisions("0.13"))
    recipe = tmp_path / "targets.yaml"
    assert run_cli("init", "--model", model, "--targets", spec, "-o", recipe).code == 0
    result = run_cli("validate", "--strict", "--olive", recipe)
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == "1 file, 0 errors, 0 warnings"


def test_the_targets_table_agrees_with_the_installed_olive() -> None:
    """ModelBuilder's EP_MAP, olive-ai's pip extras and the pass registry, as knowledge/targets.py states them."""
    import json

    import olive
    from olive.passes.onnx.model_builder import ModelBuilder

    from olivegen.knowledge.targets import MODEL_BUILDER_EP_MAP, TARGETS

    assert {str(k): v for k, v in ModelBuilder.EP_MAP.items()} == MODEL_BUILDER_EP_MAP["0.13"]
    registry = json.loads((Path(olive.__file__).parent / "olive_config.json").read_text())
    extras = registry["extra_dependencies"]
    for target in TARGETS:
        assert target.extra is None or target.extra in extras, target.name
        for chain in target.chains:
            if "0.13" in chain.generations:
                assert {s.type for s in chain.steps} <= set(registry["passes"]), target.name
    vitis = registry["passes"]["VitisGenerateModelLLM"]["supported_providers"]
    assert [t.system_provider for t in TARGETS if t.name == "vitisai"] == vitis


@pytest.mark.parametrize(
    "source",
    [
        "Qwen/Qwen2.5-1.5B-Instruct",
        "meta-llama/Llama-3.2-1B-Instruct",
        "microsoft/Phi-3-mini-4k-instruct",
        "examples/targets/qwen25-1.5b-instruct.yaml",
        "examples/targets/llama32-1b-instruct.yaml",
    ],
)
def test_no_pass_of_a_target_variant_is_pruned(run_cli: Callable[..., CliResult], tmp_path: Path, source: str) -> None:
    """Each pass's own validate_config keeps every variant's passes for its target (`olive run` prunes the others).

    A pass whose check imports its extra (OpenVINOOptimumConversion imports nncf) gets no verdict where the extra
    is not installed (olive_problems skips it); that is this machine's package list, not the config.
    """
    from bench.agreement_olive import judge
    from olivegen.api import compile_variants
    from olivegen.knowledge.targets import TARGETS

    if source.startswith("examples/"):
        recipe = EXAMPLES.parent / source
    else:
        recipe = tmp_path / "targets.yaml"
        spec = ",".join(f"{t.name}:{p}" for t in TARGETS for p in t.precisions("0.13"))
        assert run_cli("init", "--model", source, "--targets", spec, "-o", recipe).code == 0
    for compiled in compile_variants(recipe):
        verdict = judge(compiled.config)
        assert verdict == {"rejected": [], "ignored": [], "pruned": []}, (compiled.variant, verdict)
