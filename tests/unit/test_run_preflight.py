"""Preflight, --host/--target and the run plan, on a faked machine (no Olive, torch or GPU needed)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.errors import Diagnostic, RecipeError, Severity
from olivegen.runner.machine import Machine
from olivegen.runner.plan import Plan, plan_run
from tests.conftest import EXAMPLES, CliResult

INSTALLED = {"olive": True, "peft": True, "onnxruntime_genai": True, "bitsandbytes": True, "awq": True}
CPU_BOX = Machine.fake(modules=INSTALLED)
DATA = (EXAMPLES / "data" / "data_sample_travel.jsonl").read_text(encoding="utf-8")
HEAD = """\
model: {{path: {model}}}
data:
  - name: travel
    files: travel.jsonl
    text_template: "<|user|>\\n{{prompt}}<|end|>\\n<|assistant|>\\n{{response}}<|end|>"
"""


def recipe(tmp_path: Path, body: str, *, model: str = "microsoft/Phi-3-mini-4k-instruct") -> Path:
    (tmp_path / "travel.jsonl").write_text(DATA, encoding="utf-8")
    path = tmp_path / "r.yaml"
    path.write_text(HEAD.format(model=model) + textwrap.dedent(body), encoding="utf-8")
    return path


def tiny_model(tmp_path: Path, **dims: int) -> str:
    folder = tmp_path / "tiny"
    folder.mkdir()
    config = {"model_type": "phi3", "architectures": ["Phi3ForCausalLM"], "num_hidden_layers": 2, "vocab_size": 512}
    config.update({"hidden_size": 64, "intermediate_size": 128, **dims})
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return "./tiny"


def refused(path: Path, machine: Machine, **kwargs: str) -> list[Diagnostic]:
    with pytest.raises(RecipeError) as caught:
        plan_run(path, outdir=path.parent / "out", machine=machine, **kwargs)  # type: ignore[arg-type]
    return list(caught.value.diagnostics)


def rules(found: list[Diagnostic], severity: Severity = Severity.ERROR) -> list[str]:
    return [d.rule for d in found if d.severity is severity]


def test_lora_after_an_olive_quantizer_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = recipe(
        tmp_path,
        """\
        host: cpu
        passes:
          - {type: gptq, data: travel}
          - {type: lora, torch_dtype: float32}
          - {type: builder, precision: int4}
        """,
    )
    found = refused(path, CPU_BOX)  # a recipe rule now: `olivegen validate` finds it too, before any run
    assert rules(found) == ["lora-on-olive-quant"]
    diag = next(d for d in found if d.rule == "lora-on-olive-quant")
    assert diag.at is not None and diag.at.line == 9  # the lora pass
    assert diag.hint is not None and "QuantLinear" in diag.hint and "drop the quantizer" in diag.hint


def test_awq_on_a_machine_without_a_gpu_is_refused(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cuda\ntarget: cpu\npasses:\n  - {type: awq}\n  - {type: builder, precision: int4}\n")
    found = refused(path, CPU_BOX)
    assert rules(found) == ["run-awq-needs-cuda"]
    assert "torch sees none" in found[0].message and "--host cpu" in (found[0].hint or "")
    with_gpu = Machine.fake(modules=INSTALLED, cuda=True)
    assert plan_run(path, outdir=tmp_path / "out", machine=with_gpu).warnings == []


def test_awq_on_a_cpu_host_is_refused_once(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cuda\ntarget: cpu\npasses:\n  - {type: awq}\n  - {type: builder, precision: int4}\n")
    found = refused(path, CPU_BOX, host="cpu")
    assert len([r for r in rules(found) if "awq" in r]) == 1  # the recipe rule or preflight's, not both


def test_awq_without_autoawq_is_refused(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cuda\ntarget: cpu\npasses:\n  - {type: awq}\n  - {type: builder, precision: int4}\n")
    machine = Machine.fake(modules={**INSTALLED, "awq": False}, cuda=True)
    found = refused(path, machine)
    assert rules(found) == ["run-missing-package"]
    assert found[0].hint == "pip install autoawq"


def test_qlora_without_bitsandbytes_is_refused(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cpu\npasses:\n  - {type: qlora, save_quant_config: false}\n  - {type: merge}\n")
    found = refused(path, Machine.fake(modules={**INSTALLED, "bitsandbytes": False}))
    assert rules(found) == ["run-missing-package"]
    assert "bitsandbytes" in found[0].message
    assert found[0].hint == "pip install bitsandbytes (or pip install 'olivegen[qlora]')"


def test_a_cuda_target_without_onnxruntime_gpu_is_refused(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cpu\ntarget: cuda\npasses:\n  - {type: builder, precision: int4}\n")
    found = refused(path, CPU_BOX)
    assert rules(found) == ["run-cuda-target"]
    assert "--target cpu" in (found[0].hint or "")
    with_ort_gpu = Machine.fake(modules=INSTALLED, distributions={"onnxruntime-gpu": True})
    assert plan_run(path, outdir=tmp_path / "out", machine=with_ort_gpu).config["systems"]


def test_no_olive_is_refused(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cpu\npasses:\n  - {type: builder, precision: int4}\n")
    assert rules(refused(path, Machine.fake(modules={}))) == ["run-olive-missing", "run-missing-package"]


def test_no_preflight_keeps_the_errors_as_notes(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cpu\ntarget: cuda\npasses:\n  - {type: builder, precision: int4}\n")
    plan = plan_run(path, outdir=tmp_path / "out", machine=CPU_BOX, check_machine=False)
    assert "preflight errors ignored (--no-preflight): 1" in plan.notes
    assert rules(plan.warnings) == ["run-cuda-target"]


def test_a_cuda_host_without_a_gpu_only_warns(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cuda\ntarget: cpu\npasses:\n  - {type: lora, torch_dtype: float32}\n")
    plan = plan_run(path, outdir=tmp_path / "out", machine=CPU_BOX)
    assert "run-no-gpu" in rules(plan.warnings, Severity.WARNING)


CUDA_RECIPE = "host: cuda\npasses:\n  - {type: lora}\n  - {type: merge}\n  - {type: builder, precision: int4}\n"


def test_host_cpu_changes_the_host_and_the_cuda_target_this_machine_cannot_load(tmp_path: Path) -> None:
    plan = plan_run(recipe(tmp_path, CUDA_RECIPE), outdir=tmp_path / "out", host="cpu", machine=CPU_BOX)
    assert plan.config["systems"] == {
        "local_system": {
            "type": "LocalSystem",
            "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}],
        }
    }
    assert plan.notes[0] == "host: CUDAExecutionProvider on gpu -> CPUExecutionProvider on cpu (--host cpu)"
    assert plan.notes[1].startswith(
        "target: CUDAExecutionProvider on gpu (the recipe names no target, so it was the host)"
        " -> CPUExecutionProvider on cpu: onnxruntime-gpu is not installed"
    )
    assert "training settings unchanged" in plan.notes[2]
    assert plan.config["passes"]["lora"]["torch_dtype"] == "bfloat16"  # measured: trains on the CPU as is


def test_host_cpu_keeps_a_cuda_target_when_onnxruntime_gpu_is_installed(tmp_path: Path) -> None:
    machine = Machine.fake(modules=INSTALLED, distributions={"onnxruntime-gpu": True})
    plan = plan_run(recipe(tmp_path, CUDA_RECIPE), outdir=tmp_path / "out", host="cpu", machine=machine)
    systems = plan.config["systems"]
    assert systems["host_system"]["accelerators"][0]["device"] == "cpu"
    assert systems["target_system"]["accelerators"][0]["execution_providers"] == ["CUDAExecutionProvider"]
    assert not any(n.startswith("target:") for n in plan.notes)


def test_target_flag_changes_only_the_target(tmp_path: Path) -> None:
    path = recipe(tmp_path, "host: cpu\ntarget: cuda\npasses:\n  - {type: builder, precision: int4}\n")
    plan = plan_run(path, outdir=tmp_path / "out", target="cpu", machine=CPU_BOX)
    assert plan.notes == ["target: CUDAExecutionProvider on gpu -> CPUExecutionProvider on cpu (--target cpu)"]
    assert list(plan.config["systems"]) == ["local_system"]


def test_an_unknown_provider_flag_is_a_recipe_error(tmp_path: Path) -> None:
    found = refused(recipe(tmp_path, CUDA_RECIPE), CPU_BOX, host="tpu")
    assert [d.rule for d in found] == ["run-flag"]


def plan_twice(path: Path, **kwargs: object) -> tuple[Plan, Plan]:
    one = plan_run(path, outdir=path.parent / "out", machine=CPU_BOX, **kwargs)  # type: ignore[arg-type]
    two = plan_run(path, outdir=path.parent / "out", machine=CPU_BOX, **kwargs)  # type: ignore[arg-type]
    return one, two


def test_same_recipe_same_folder_same_config_bytes_with_folders_under_the_output(tmp_path: Path) -> None:
    one, two = plan_twice(recipe(tmp_path, "host: cpu\npasses:\n  - {type: builder, precision: int4}\n"))
    assert one.text == two.text
    engine = one.config["engine"]
    out = (tmp_path / "out").resolve()
    assert engine["output_dir"] == str(out / "model")
    assert engine["cache_dir"] == str(out / "cache" / "olive")
    assert one.layout.caches({}) == {
        "olive": str(out / "cache" / "olive"),
        "HF_HOME": str(out / "cache" / "huggingface"),
        "XDG_CACHE_HOME": str(out / "cache" / "xdg"),
    }
    assert one.layout.caches({"HF_HOME": "/shared/hf"})["HF_HOME"] == "/shared/hf"


def test_a_recipe_cache_dir_is_kept_and_cache_dir_flag_wins(tmp_path: Path) -> None:
    path = recipe(
        tmp_path,
        "host: cpu\nengine: {cache_dir: mycache, log_level: 3}\npasses:\n  - {type: builder, precision: int4}\n",
    )
    plan = plan_run(path, outdir=tmp_path / "out", machine=CPU_BOX)
    assert plan.config["engine"]["cache_dir"] == str((tmp_path / "mycache").resolve())
    assert plan.config["engine"]["log_severity_level"] == 1
    assert "engine log level 3 -> 1 (INFO), so olivegen can follow the passes" in plan.notes
    moved = plan_run(path, outdir=tmp_path / "out", machine=CPU_BOX, cache_dir=tmp_path / "c")
    assert moved.config["engine"]["cache_dir"] == str((tmp_path / "c" / "olive").resolve())


def test_lora_int4_extract_on_a_model_olivegen_cannot_read_warns(tmp_path: Path) -> None:
    body = "host: cpu\npasses:\n  - {type: lora, torch_dtype: float32}\n  - {type: builder, precision: int4}\n"
    path = recipe(tmp_path, body + "  - {type: ExtractAdapters}\n", model="someorg/some-phi3-model")
    plan = plan_run(path, outdir=tmp_path / "out", machine=CPU_BOX)
    assert "run-lora-int4" in rules(plan.warnings, Severity.WARNING)


def test_a_lora_rank_equal_to_a_model_dimension_warns(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    body = "host: cpu\npasses:\n  - {type: lora, r: 64, torch_dtype: float32, target_modules: [o_proj]}\n"
    path = recipe(tmp_path, body + "  - {type: builder, precision: int4}\n  - {type: ExtractAdapters}\n", model=model)
    warned = [d for d in plan_run(path, outdir=tmp_path / "out", machine=CPU_BOX).warnings if d.rule == "run-lora-rank"]
    assert len(warned) == 1 and "hidden_size" in warned[0].message
    path.write_text(path.read_text(encoding="utf-8").replace("r: 64", "r: 16"), encoding="utf-8")
    assert not [
        d for d in plan_run(path, outdir=tmp_path / "out", machine=CPU_BOX).warnings if d.rule == "run-lora-rank"
    ]


def test_run_dry_run_writes_the_config_and_starts_nothing(
    tmp_path: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on any machine: the faked machine (Olive and its packages installed) decides, not this one."""
    import olivegen.runner.plan as plan_module

    monkeypatch.setattr(plan_module, "Machine", lambda: CPU_BOX)
    path = recipe(tmp_path, "host: cpu\npasses:\n  - {type: builder, precision: int4}\n")
    result = run_cli("run", path, "-o", tmp_path / "out", "--dry-run")
    assert result.code == 0, result.err
    written = json.loads((tmp_path / "out" / "olive-config.json").read_text(encoding="utf-8"))
    assert written["engine"]["output_dir"] == str((tmp_path / "out" / "model").resolve())
    assert not (tmp_path / "out" / "olive-run.log").exists()


def test_run_refusal_prints_the_diagnostic_and_exits_1(
    tmp_path: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a machine without a CUDA GPU (faked, so the same everywhere): AWQ is refused before Olive starts."""
    import olivegen.runner.plan as plan_module

    monkeypatch.setattr(plan_module, "Machine", lambda: CPU_BOX)
    path = recipe(tmp_path, "host: cuda\ntarget: cpu\npasses:\n  - {type: awq}\n  - {type: builder, precision: int4}\n")
    result = run_cli("run", path, "-o", tmp_path / "out")
    assert "error[run-awq-needs-cuda]" in result.err, result.err
    assert result.code == 1
    assert result.first_err_line.startswith(f"{path}:")
    assert not (tmp_path / "out" / "olive-config.json").exists()


def test_run_takes_one_variant_of_a_matrix(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    from tests.conftest import EXAMPLES

    recipe_path = EXAMPLES / "team" / "travel-targets.yaml"
    every = run_cli("run", recipe_path, "-o", tmp_path / "all", "--host", "cpu", "--no-preflight", "--dry-run")
    # every variant is planned; the fp16 ones cannot build for the CPU (exit 1), the others are still written
    assert every.code == 1, every.err
    assert "error[builder-precision]" in every.err
    written = sorted(p.parent.name for p in (tmp_path / "all").glob("*/olive-config.json"))
    assert written == ["cpu-int4-phi3", "cpu-int4-phi35", "dml-int4-phi35"]
    ran = run_cli(
        "run",
        recipe_path,
        "--variant",
        "cpu-int4-phi3",
        "--host",
        "cpu",
        "--no-preflight",
        "-o",
        tmp_path / "one",
        "--dry-run",
    )
    assert ran.code == 0, ran.err
    config = json.loads((tmp_path / "one" / "olive-config.json").read_text(encoding="utf-8"))
    assert config["workflow_id"] == "travel-cpu-int4-phi3"
