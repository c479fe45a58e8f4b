"""`matrix:`: one recipe, several configs - names, outputs, exclude, diagnostics naming combinations, CLI."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.api import compile_recipe, compile_variants
from olivegen.errors import RecipeError
from tests.conftest import CliResult

Run = Callable[..., CliResult]
MATRIX = """\
model: {path: org/model}
host: cpu
passes:
  - type: builder
    precision: int4
matrix:
  target:
    cpu-int4: {target: cpu}
    cuda-fp16: {target: cuda, passes.builder.precision: fp16}
    dml-int4:
      target: dml
  size:
    b32: {passes.0.int4_block_size: 32}
    b128: ~
  exclude:
    - {target: cuda-fp16, size: b32}
"""


def write(tmp_path: Path, body: str = MATRIX, name: str = "mx.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_every_combination_but_the_excluded(tmp_path: Path) -> None:
    compiled = compile_variants(write(tmp_path))
    assert [c.variant for c in compiled] == [
        "cpu-int4-b32",
        "cpu-int4-b128",
        "cuda-fp16-b128",
        "dml-int4-b32",
        "dml-int4-b128",
    ]
    by = {c.variant: c.config for c in compiled}
    assert by["cuda-fp16-b128"]["passes"]["model_builder"] == {"type": "ModelBuilder", "precision": "fp16"}
    assert by["dml-int4-b32"]["passes"]["model_builder"]["int4_block_size"] == 32
    assert by["dml-int4-b32"]["systems"]["target_system"]["accelerators"][0]["execution_providers"] == [
        "DmlExecutionProvider"
    ]


def test_each_variant_has_its_own_name_and_output_folder(tmp_path: Path) -> None:
    compiled = compile_variants(write(tmp_path))
    assert [c.config["workflow_id"] for c in compiled][:2] == ["mx-cpu-int4-b32", "mx-cpu-int4-b128"]
    outputs = [c.config["engine"]["output_dir"] for c in compiled]
    assert len(set(outputs)) == len(outputs)
    assert outputs[0] == "outputs/mx-cpu-int4-b32"  # the default: relative to where `olive run` starts
    assert len({c.config["engine"]["cache_dir"] for c in compiled}) == 1  # the cache is shared


@pytest.mark.parametrize(
    ("output_dir", "expected"),
    [
        ("out", "out/cpu-int4-b32"),
        ("out/{variant}/model", "out/cpu-int4-b32/model"),
        ("o/{name}", "o/team-cpu-int4-b32"),
    ],
)
def test_output_dir_gets_the_variant(tmp_path: Path, output_dir: str, expected: str) -> None:
    body = MATRIX.replace("host: cpu", f"name: team\nhost: cpu\nengine: {{output_dir: '{output_dir}'}}")
    first = compile_variants(write(tmp_path, body))[0]
    assert first.config["engine"]["output_dir"] == str(tmp_path / expected)


def test_only_selects_variants(tmp_path: Path) -> None:
    compiled = compile_variants(write(tmp_path), only=["dml-int4-b128"])
    assert [c.variant for c in compiled] == ["dml-int4-b128"]
    with pytest.raises(RecipeError) as exc:
        compile_variants(write(tmp_path), only=["dml-int4-b64"])
    assert exc.value.diagnostics[0].message == "the matrix has no variant 'dml-int4-b64'"
    assert exc.value.diagnostics[0].hint == "did you mean 'dml-int4-b32'?"


def test_compile_recipe_refuses_a_matrix(tmp_path: Path) -> None:
    recipe = write(tmp_path)
    with pytest.raises(RecipeError) as exc:
        compile_recipe(recipe)
    assert exc.value.diagnostics[0].headline() == (
        f"{recipe}:6:1: error[matrix]: the recipe has a matrix of 5 variants"
        " (cpu-int4-b32, cpu-int4-b128, cuda-fp16-b128, dml-int4-b32, dml-int4-b128)"
    )


def test_only_takes_globs_as_run_does(tmp_path: Path) -> None:
    recipe = write(tmp_path)
    every = [c.variant for c in compile_variants(recipe)]
    picked = [c.variant for c in compile_variants(recipe, only=["cpu-*", "dml-int4-b128"])]
    assert picked == [v for v in every if v and (v.startswith("cpu-") or v == "dml-int4-b128")]
    assert len(picked) > 1
    with pytest.raises(RecipeError) as exc:
        compile_variants(recipe, only=["gpu-*"])
    assert exc.value.diagnostics[0].message == "no variant of the matrix matches 'gpu-*'"


def test_plain_recipe_is_one_variant_named_none(tmp_path: Path) -> None:
    plain = write(tmp_path, MATRIX.split("matrix:")[0], "plain.yaml")
    [only] = compile_variants(plain)
    assert only.variant is None and only.text == compile_recipe(plain).text


def test_a_diagnostic_names_its_combination(tmp_path: Path) -> None:
    body = MATRIX.replace("b32: {passes.0.int4_block_size: 32}", "b32: {passes.0.int4_block_size: 33}")
    recipe = write(tmp_path, body)
    with pytest.raises(RecipeError) as exc:
        compile_variants(recipe)
    lines = [d.headline() for d in exc.value.diagnostics]
    assert [line.split(" error")[0] for line in lines] == [f"{recipe}:13:37:", f"{recipe}:13:37:"]
    assert [line.split("]: ")[1].split("]")[0] for line in lines] == [
        "[target=cpu-int4, size=b32",
        "[target=dml-int4, size=b32",
    ]


def test_a_problem_shared_by_every_variant_is_reported_once_unnamed(tmp_path: Path) -> None:
    recipe = write(tmp_path, MATRIX.replace("model: {path: org/model}", "model: {path: org/model, task: 3}"))
    with pytest.raises(RecipeError) as exc:
        compile_variants(recipe)
    assert len(exc.value.diagnostics) == 1
    assert not exc.value.diagnostics[0].message.startswith("[")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("matrix: [a]", "`matrix` maps axis names to their values"),
        ("matrix: {exclude: []}", "the matrix has no axis"),
        ("matrix: {t: []}", "axis 't' needs a mapping of value names to their changes"),
        ("matrix: {t: {'a b': {}}}", "matrix value 'a b' cannot name a variant"),
        ("matrix: {t: {a: 3}}", "matrix value 'a' must map --set paths to values"),
        ("matrix: {t: {a: ~}, exclude: [{u: a}]}", "no matrix axis 'u'"),
        ("matrix: {t: {a: ~}, exclude: [{t: b}]}", "axis 't' has no value 'b'"),
        ("matrix: {t: {a: ~}, exclude: [{t: a}]}", "`exclude` drops every combination of the matrix"),
        ("matrix: {t: {a-b: ~, a: ~}, u: {c: ~, b-c: ~}}", "are both named 'a-b-c'"),
        ("matrix: {t: {a: {passes.nope.x: 1}}}", "no item 'nope' in passes"),
    ],
)
def test_matrix_mistakes(tmp_path: Path, block: str, message: str) -> None:
    recipe = write(tmp_path, MATRIX.split("matrix:")[0] + block + "\n")
    with pytest.raises(RecipeError) as exc:
        compile_variants(recipe)
    assert message in exc.value.diagnostics[0].message
    assert exc.value.diagnostics[0].at is not None and exc.value.diagnostics[0].at.path == str(recipe)


def test_overrides_win_over_cells(tmp_path: Path) -> None:
    compiled = compile_variants(write(tmp_path), overrides=["passes.builder.precision=fp32"])
    assert {c.config["passes"]["model_builder"]["precision"] for c in compiled} == {"fp32"}


def test_a_cell_deletes_a_pass_or_a_key(tmp_path: Path) -> None:
    body = """\
    model: {path: org/model}
    host: cpu
    passes:
      - {type: OnnxConversion, name: convert, target_opset: 17}
      - {type: OnnxDynamicQuantization, name: quantize}
      - {type: OnnxPeepholeOptimizer, name: peephole}
    matrix:
      flow:
        quantized: {passes.peephole: $delete}
        optimized:
          passes.quantize: $delete
          passes.convert.target_opset: $delete
    """
    by = {c.variant: c.config["passes"] for c in compile_variants(write(tmp_path, body))}
    assert list(by["quantized"]) == ["convert", "quantize"]
    assert list(by["optimized"]) == ["convert", "peephole"]
    assert by["optimized"]["convert"]["target_opset"] != 17 == by["quantized"]["convert"]["target_opset"]


def test_render_writes_every_variant_into_a_folder(run_cli: Run, tmp_path: Path) -> None:
    recipe = write(tmp_path)
    result = run_cli("render", recipe, "-o", f"{tmp_path}/configs/")
    assert result.code == 0, result.err
    written = sorted(p.name for p in (tmp_path / "configs").iterdir())
    assert written == sorted(  # DIR/<variant>.json, as -o 'DIR/{variant}.json'
        f"{v}.json" for v in ["cpu-int4-b32", "cpu-int4-b128", "cuda-fp16-b128", "dml-int4-b32", "dml-int4-b128"]
    )
    config = json.loads((tmp_path / "configs" / "dml-int4-b32.json").read_text())
    assert config["workflow_id"] == "mx-dml-int4-b32"
    assert run_cli("render", recipe, "-o", f"{tmp_path}/configs/", "--check").code == 0
    (tmp_path / "configs" / "dml-int4-b32.json").write_text("{}")
    stale = run_cli("render", recipe, "-o", f"{tmp_path}/configs/", "--check")
    assert stale.code == 1 and "dml-int4-b32.json: out of date" in stale.err


def test_render_pattern_and_usage_errors(run_cli: Run, tmp_path: Path) -> None:
    recipe = write(tmp_path)
    assert run_cli("render", recipe, "-o", f"{tmp_path}/c-{{variant}}.json").code == 0
    assert (tmp_path / "c-cuda-fp16-b128.json").is_file()
    to_stdout = run_cli("render", recipe)
    assert to_stdout.code == 2 and "renders 5 configs" in to_stdout.err and to_stdout.out == ""
    one_file = run_cli("render", recipe, "-o", tmp_path / "one.json")
    assert one_file.code == 2 and "is one file" in one_file.err
    single = run_cli("render", recipe, "--variant", "cpu-int4-b128")
    assert single.code == 0 and json.loads(single.out)["workflow_id"] == "mx-cpu-int4-b128"


def test_validate_checks_every_variant(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("validate", write(tmp_path)).code == 0
    bad = write(
        tmp_path, MATRIX.replace("b32: {passes.0.int4_block_size: 32}", "b32: {passes.0.int4_block_size: 33}")
    )
    result = run_cli("validate", bad)
    assert result.code == 1
    assert "[target=cpu-int4, size=b32]" in result.out and "[target=dml-int4, size=b32]" in result.out
    assert result.out.splitlines()[-1].startswith("1 file, 2 errors")
