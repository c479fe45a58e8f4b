"""The targets table (knowledge/targets.py) and `olivegen init --model ID --targets ...`, which writes from it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.api import Options, compile
from olivegen.knowledge.catalog import canonical_pass_in, canonical_provider, pass_params_in, providers_for_device
from olivegen.knowledge.targets import MODEL_BUILDER_EP_MAP, RECIPES, TARGETS, TARGETS_BY_NAME, builder_providers
from olivegen.recipe.target_matrix import TargetError, parse_targets
from tests.conftest import CliResult

Run = Callable[..., CliResult]
NINE = ["cpu", "cuda", "dml", "webgpu", "openvino", "qnn", "nvtensorrtrtx", "vitisai", "migraphx"]
GENERATIONS = sorted({g for t in TARGETS for c in t.chains for g in c.generations})


def test_the_table_covers_the_nine_providers_with_olives_names() -> None:
    assert [t.name for t in TARGETS] == NINE
    for target in TARGETS:
        assert canonical_provider(target.name) == target.provider
        assert target.provider in providers_for_device(target.device)  # Olive runs the provider on that device
        assert canonical_provider(target.host) is not None


def test_every_entry_and_chain_states_its_source() -> None:
    for target in TARGETS:
        assert target.sources, target.name
        assert all(s.startswith((RECIPES, "olive/")) for s in target.sources), target.name
        for chain in target.chains:
            assert chain.source.startswith((RECIPES, "olive/")), (target.name, chain.precision)


def test_every_step_is_a_pass_of_each_generation_the_chain_names() -> None:
    for target in TARGETS:
        for chain in target.chains:
            for generation in chain.generations:
                for step in chain.steps:
                    canonical = canonical_pass_in(step.type, generation)
                    assert canonical == step.type, (target.name, generation, step.type)
                    assert set(step.params) <= set(pass_params_in(canonical, generation)), (target.name, step.type)


def test_a_generations_chains_build_different_precisions() -> None:
    for target in TARGETS:
        for generation in GENERATIONS:
            have = target.precisions(generation)
            assert len(have) == len(set(have)), (target.name, generation)


@pytest.mark.parametrize("generation", GENERATIONS)
def test_every_chain_validates_as_a_matrix_recipe(tmp_path: Path, generation: str) -> None:
    """One variant per chain of the generation (every precision of every target), no error or warning."""
    spec = ",".join(f"{t.name}:{p}" for t in TARGETS for p in t.precisions(generation))
    picks = parse_targets(spec, generation)
    assert len(picks) >= 8
    from olivegen.recipe.target_matrix import recipe_text

    recipe = tmp_path / "all.yaml"
    recipe.write_text(recipe_text("Qwen/Qwen2.5-1.5B-Instruct", picks, generation, path="all.yaml"))
    compiled = compile(recipe, Options())
    assert [c.variant for c in compiled] == [p.variant for p in picks]
    for one in compiled:
        assert one.warnings == [], (one.variant, [d.message for d in one.warnings])


def test_modelbuilder_builds_for_the_ep_map_and_the_rule_reads_it() -> None:
    assert builder_providers("0.13") == tuple(MODEL_BUILDER_EP_MAP["0.13"])
    assert "WebGpuExecutionProvider" not in builder_providers("0.9")
    assert builder_providers("0.12") == ()  # EP_MAP not read for it: the rule does not refuse there
    for target in TARGETS:
        chains = target.chain("0.13")
        built_by_builder = chains is not None and [s.type for s in chains.steps] == ["ModelBuilder"]
        if built_by_builder:
            assert target.provider in builder_providers("0.13"), target.name


@pytest.mark.parametrize(
    ("provider", "words"),
    [
        ("openvino", "OpenVINOOptimumConversion -> OpenVINOIoUpdate -> OpenVINOEncapsulation"),
        ("vitisai", "QuarkQuantization -> VitisGenerateModelLLM"),
        ("qnn", "EPContextBinaryGenerator"),
        ("tensorrt", "`target: nvtensorrtrtx`"),
        ("migraphx", "build for CPU explicitly"),
    ],
)
def test_builder_provider_names_the_tables_chain(tmp_path: Path, provider: str, words: str) -> None:
    recipe = tmp_path / "r.yaml"
    passes = "passes: [{type: builder, precision: int4}]\n"
    recipe.write_text(f"model: {{path: x/y}}\nhost: cpu\ntarget: {provider}\n" + passes)
    from olivegen.errors import RecipeError

    with pytest.raises(RecipeError) as caught:
        compile(recipe, Options())
    [diag] = [d for d in caught.value.diagnostics if d.rule == "builder-provider"]
    assert diag.hint and words in diag.hint


@pytest.mark.parametrize(
    ("spec", "generation", "why"),
    [
        ("tpu", "0.13", "unknown target 'tpu'; olivegen knows cpu, cuda"),
        ("migraphx", "0.13", "no pass chain olivegen knows builds an LLM for migraphx"),
        ("cpu:fp16", "0.13", "cpu is built in int4, fp32 for Olive 0.13, not fp16"),
        ("vitisai", "0.11", "olivegen knows no chain for vitisai in Olive 0.11; it has one for 0.12, 0.13, main"),
        ("cpu,cpu", "0.13", "target 'cpu' is named twice"),
        (" , ", "0.13", "name at least one target"),
        ("cpu,CPUExecutionProvider", "0.13", "target 'CPUExecutionProvider' is named twice"),
        (
            "tensorrt",
            "0.13",
            "no chain for TensorrtExecutionProvider ('tensorrt'); for an NVIDIA GPU use nvtensorrtrtx",
        ),
    ],
)
def test_targets_without_a_chain_are_refused(spec: str, generation: str, why: str) -> None:
    with pytest.raises(TargetError) as caught:
        parse_targets(spec, generation)
    assert str(caught.value).startswith(why)


def test_a_target_may_be_named_by_any_name_of_its_provider() -> None:
    picks = parse_targets("directml, NvTensorRtRtx,trtrtx:INT4, QNNExecutionProvider,", "0.13")
    assert [p.variant for p in picks] == ["dml", "nvtensorrtrtx", "nvtensorrtrtx-int4", "qnn"]


def test_vitisai_takes_the_chain_of_its_generation() -> None:
    vitis = TARGETS_BY_NAME["vitisai"]
    assert [s.type for s in vitis.chain("0.13").steps] == ["QuarkQuantization", "VitisGenerateModelLLM"]  # type: ignore[union-attr]
    assert [s.type for s in vitis.chain("main").steps] == ["QuarkQuantization", "RyzenGenerateModelLLM"]  # type: ignore[union-attr]
    assert vitis.system_provider == "CPUExecutionProvider"  # VitisGenerateModelLLM is registered for the CPU


def test_init_targets_writes_one_matrix_recipe(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "qwen.yaml"
    targets = "cpu,cuda:fp16,openvino,qnn"
    result = run_cli("init", "--model", "Qwen/Qwen2.5-1.5B-Instruct", "--targets", targets, "-o", out)
    assert result.code == 0, result.err
    assert "wrote" in result.err and "4 variants: cpu, cuda-fp16, openvino, qnn" in result.err
    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "--targets cpu,cuda:fp16,openvino,qnn`" in text
    assert f"# from {RECIPES} meta-llama-Llama-3.2-1B-Instruct/aitk/llama3_2_qnn_config.json" in text
    compiled = compile(out, Options())
    by_variant = {c.variant: c.config for c in compiled}
    assert list(by_variant) == ["cpu", "cuda-fp16", "openvino", "qnn"]
    assert by_variant["cuda-fp16"]["passes"]["model_builder"]["precision"] == "fp16"
    assert [p["type"] for p in by_variant["openvino"]["passes"].values()][-1] == "OpenVINOEncapsulation"
    assert [d["name"] for d in by_variant["qnn"]["data_configs"]] == ["wikitext2_train_joined", "wikitext2_train_act"]
    assert by_variant["qnn"]["systems"]["host_system"]["accelerators"][0]["execution_providers"] == [
        "CUDAExecutionProvider"
    ]
    assert run_cli("validate", "--strict", out).code == 0
    again = run_cli("init", "--model", "Qwen/Qwen2.5-1.5B-Instruct", "--targets", "cpu", "-o", out)
    assert again.code == 2 and "exists; pass --force" in again.err


def test_init_targets_for_olive_main_writes_its_chains(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "m.yaml"
    result = run_cli("init", "--model", "x/y", "--targets", "cpu,vitisai", "--olive-version", "main", "-o", out)
    assert result.code == 0, result.err
    assert "\nolive: main\n" in out.read_text()
    [_, vitis] = compile(out, Options())
    assert [p["type"] for p in vitis.config["passes"].values()] == ["QuarkQuantization", "RyzenGenerateModelLLM"]


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["--targets", "cpu"], "--model and --targets go together"),
        (["--model", "x/y", "--targets", "migraphx"], "no pass chain olivegen knows builds an LLM for migraphx"),
        (["--model", "x/y", "--targets", "cpu", "--preset", "int4"], "--model and --targets go together"),
        (["--model", "x/y\nevil: 1", "--targets", "cpu"], "--model holds a control character"),
    ],
)
def test_init_targets_usage_errors(run_cli: Run, tmp_path: Path, args: list[str], why: str) -> None:
    result = run_cli("init", *args, "-o", tmp_path / "r.yaml")
    assert result.code == 2
    assert why in result.err
    assert not (tmp_path / "r.yaml").exists()


def test_init_targets_default_file_is_named_after_the_model(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("init", "--model", "Qwen/Qwen2.5-1.5B-Instruct", "--targets", "cpu", cwd=tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "qwen2.5-1.5b-instruct.yaml").is_file()


def test_init_targets_to_stdout(run_cli: Run) -> None:
    result = run_cli("init", "--model", "microsoft/Phi-3-mini-4k-instruct", "--targets", "webgpu", "-o", "-")
    assert result.code == 0
    assert "name: phi-3-mini-4k-instruct\n" in result.out


def test_docs_targets_is_in_sync() -> None:
    from tests.conftest import ROOT
    from tools.docs_targets import targets_markdown

    committed = (ROOT / "docs" / "targets.md").read_text(encoding="utf-8")
    assert committed == targets_markdown(), (
        "docs/targets.md is stale; run: python -m tools.docs_targets > docs/targets.md"
    )
    for target in TARGETS:
        assert f"## `{target.name}`: {target.provider}" in committed
        assert all(source in committed for source in target.sources)


@pytest.mark.parametrize(
    "model", ["Qwen/Qwen2.5-1.5B-Instruct", "meta-llama/Llama-3.2-1B-Instruct", "microsoft/Phi-3-mini-4k-instruct"]
)
def test_init_targets_for_three_families_validates_strict(run_cli: Run, tmp_path: Path, model: str) -> None:
    spec = ",".join(t.name for t in TARGETS if t.chains)
    out = tmp_path / "r.yaml"
    assert run_cli("init", "--model", model, "--targets", spec, "-o", out).code == 0
    result = run_cli("validate", "--strict", out)
    assert result.code == 0, result.out
    assert len(compile(out, Options())) == len(spec.split(","))


def test_render_for_main_says_why_variants_stay_separate_configs(run_cli: Run, tmp_path: Path) -> None:
    """QNN calibrates on its own data sets, which a build cannot set: two configs, and render says why."""
    recipe = tmp_path / "targets.yaml"
    init = run_cli("init", "--model", "meta-llama/Llama-3.2-1B-Instruct", "--targets", "cpu,qnn", "-o", recipe)
    assert init.code == 0, init.err
    done = run_cli("render", recipe, "--olive-version", "main", "-o", f"{tmp_path}/out/")
    assert done.code == 0, done.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["cpu.json", "qnn.json"]
    assert "one config per variant, not one with Olive's builds: cpu and qnn differ in data_configs" in done.err
    plain = run_cli("render", recipe, "-o", f"{tmp_path}/out13/")  # Olive 0.13 reads no builds: nothing to say
    assert plain.code == 0 and "Olive's builds" not in plain.err
