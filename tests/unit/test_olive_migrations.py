"""Config forms Olive 0.13 rejects that import writes in its words (issue 9): metrics an evaluator gives by
name (written out from the top-level `metrics`) and `pass_flows` of Olive <= 0.7 (one flow: its passes, in
its order; several: refused, with the split spelled out)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from olivegen.api import compile_olive_config, compile_recipe, compile_variants
from olivegen.errors import RecipeError, Severity
from olivegen.importer import convert_config
from tests.conftest import ROOT, CliResult

CONFIGS = ROOT / "tests" / "data" / "olive-configs"
Run = Callable[..., CliResult]
sys.path.insert(0, str(ROOT / "bench"))
from olive_semantics import differences, meaning  # noqa: E402


def _copy(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None] | None = None) -> Path:
    config = tmp_path / name
    if change is None:
        shutil.copy(CONFIGS / name, config)
    else:
        data = json.loads((CONFIGS / name).read_text())
        change(data)
        config.write_text(json.dumps(data, indent=4))
    return config


def _import(run_cli: Run, config: Path) -> tuple[CliResult, Path]:
    out = config.with_name("recipe.yaml")
    return run_cli("import", config, "-o", out), out


def _same_meaning(config: Path, recipe: Path) -> list[str]:
    base = str(config.parent.resolve())
    return differences(meaning(json.loads(config.read_text()), base), meaning(compile_recipe(recipe).config, base))


def _errors(config: Path) -> list[Any]:
    """The errors `olivegen validate CONFIG` reports."""
    try:
        found = list(compile_olive_config(config).warnings)
    except RecipeError as exc:
        found = list(exc.diagnostics)
    return [d for d in found if d.severity is Severity.ERROR]


def _at(config: Path, text: str, nth: int = 0) -> str:
    """`name:line:col` of the nth place `text` is written in a config."""
    lines = config.read_text().splitlines()
    places = [(n + 1, line.index(text) + 1) for n, line in enumerate(lines) if text in line]
    return f"{config.name}:{places[nth][0]}:{places[nth][1]}"


# metrics an evaluator gives by name


def test_named_metrics_are_written_out_into_the_evaluator(run_cli: Run, tmp_path: Path) -> None:
    config = _copy(tmp_path, "metrics-by-name.json")
    result, out = _import(run_cli, config)
    assert result.code == 0, result.err
    text = out.read_text()
    assert "# REVIEW: metrics named by an evaluator written out from the top-level `metrics` list" in text
    assert "\nmetrics:" not in text  # the top-level list is consumed, not left as a key Olive ignores
    evaluate = compile_recipe(out).recipe.evaluate
    assert evaluate is not None and [m.name for m in evaluate.metrics] == ["latency"]
    assert (
        "metrics-by-name.json:15:43: warning[import-migrated]: $.evaluators.common.metrics[0]: metric 'latency'"
        " is named, not written out: no Olive release reads a metric by name" in result.err
    )
    assert "metrics-by-name.json:13:9: warning[import-dropped]: $.metrics[1] has no meaning" in result.err
    assert "$.evaluators.spare has no meaning in Olive 0.13: neither the engine nor a pass names it" in result.err
    assert _same_meaning(config, out) == []


def test_validate_of_the_config_says_olive_cannot_run_it_and_import_writes_it_out(tmp_path: Path) -> None:
    errors = _errors(_copy(tmp_path, "metrics-by-name.json"))
    assert [(e.at.line, e.at.col, e.rule) for e in errors] == [(15, 43, "import-migrated"), (15, 78, "import-migrated")]
    assert "Olive 0.13 and Olive's main branch reject it" in errors[0].message
    assert errors[0].hint == "`olivegen import` writes it out from the top-level `metrics` list"


def test_a_name_that_matches_no_metric_stays_an_error_at_its_position(run_cli: Run, tmp_path: Path) -> None:
    def misspell(data: dict[str, Any]) -> None:
        data["evaluators"]["common"]["metrics"] = ["latenci"]
        del data["evaluators"]["spare"]

    config = _copy(tmp_path, "metrics-by-name.json", misspell)
    result, out = _import(run_cli, config)
    assert result.code == 1 and "Traceback" not in result.err and not out.exists()
    place = _at(config, '"latenci"')
    assert f"{place}: error[import]: $.evaluators.common.metrics[0]: no metric named 'latenci'" in result.err
    assert "hint: did you mean 'latency'?" in result.err
    assert [f"{config.name}:{e.at.line}:{e.at.col}" for e in _errors(config)] == [place]


def test_a_named_metric_without_a_top_level_list_is_an_error(run_cli: Run, tmp_path: Path) -> None:
    config = _copy(tmp_path, "metrics-by-name.json", lambda data: data.pop("metrics"))
    result, _ = _import(run_cli, config)
    assert result.code == 1 and "Traceback" not in result.err
    assert "metric 'latency' is named, not written out: no Olive release reads a metric by name" in result.err


def test_named_metrics_on_a_pass_evaluator_and_an_inline_engine_evaluator(tmp_path: Path) -> None:
    def inline(data: dict[str, Any]) -> None:
        data["engine"]["evaluator"] = {"metrics": ["latency"]}
        data["passes"]["conversion"]["evaluator"] = "spare"

    config = convert_config(json.loads(_copy(tmp_path, "metrics-by-name.json", inline).read_text()), None, "c.json")
    assert config.recipe["evaluate"]["metrics"][0]["type"] == "latency"
    migrated = [d.message.split(":")[0] for d in config.diagnostics if d.rule == "import-migrated"]
    assert migrated == [
        "$.evaluators.common.metrics[0]",
        "$.evaluators.spare.metrics[0]",
        "$.engine.evaluator.metrics[0]",
    ]
    assert config.recipe["passes"][0]["olive"]["evaluator"]["metrics"][0]["type"] == "latency"
    assert not any("$.evaluators.spare has no meaning" in d.message for d in config.diagnostics)


def test_the_bench_reads_named_metrics_as_the_metric_they_name() -> None:
    metric = {"name": "lat", "type": "latency", "sub_types": [{"name": "avg"}]}
    named = {
        "input_model": {"type": "ONNXModel", "model_path": "m.onnx"},
        "metrics": [metric],
        "evaluators": {"e": {"metrics": ["lat"]}},
        "evaluator": "e",
    }
    written = {**named, "evaluators": {"e": {"metrics": [metric]}}}
    del written["metrics"]
    assert differences(meaning(named, "/tmp"), meaning(written, "/tmp")) == []


# pass_flows (Olive <= 0.7)


def test_one_pass_flow_is_its_passes_in_its_order(run_cli: Run, tmp_path: Path) -> None:
    config = _copy(tmp_path, "pass-flow-one.json")
    result, out = _import(run_cli, config)
    assert result.code == 0, result.err
    assert list(compile_recipe(out).config["passes"]) == ["convert", "quantize", "optimize"]
    assert "REVIEW: the passes of the config's one pass flow, in the flow's order" in out.read_text()
    assert (
        "pass-flow-one.json:6:9: warning[import-dropped]: $.passes.optimize_cuda has no meaning in Olive 0.13:"
        " not in pass_flows: Olive did not run it" in result.err
    )
    assert "pass_flows" not in out.read_text().replace("one pass flow", "")
    assert _same_meaning(config, out) == []


def test_validate_of_a_config_with_pass_flows_is_an_error_at_the_key(tmp_path: Path) -> None:
    errors = _errors(_copy(tmp_path, "pass-flow-one.json"))
    assert [(e.at.line, e.at.col, e.rule) for e in errors] == [(10, 5, "import-migrated")]
    assert errors[0].message == "$.pass_flows: Olive 0.8 removed `pass_flows` (Olive 0.9.2 and 0.13 reject the key)"
    assert errors[0].hint == "`olivegen import` keeps the passes of the one flow, in its order"


def test_several_pass_flows_are_refused_with_the_split_spelled_out(run_cli: Run, tmp_path: Path) -> None:
    config = _copy(tmp_path, "pass-flows-two.json")
    result, out = _import(run_cli, config)
    assert result.code == 1 and "Traceback" not in result.err and not out.exists()
    assert (
        "pass-flows-two.json:10:5: error[import]: $.pass_flows: 2 pass flows: Olive ran each flow as its own"
        " workflow; Olive 0.13 runs one list of passes per config" in result.err
    )
    hint = next(line for line in result.err.splitlines() if line.strip().startswith("hint:"))
    assert "one copy of the config per flow" in hint
    # the matrix the hint spells out renders each flow's passes, in order
    cells = re.search(r"\(flow1: \{(.*)\}; flow2: \{(.*)\}\)", hint)
    assert cells is not None
    flat = _copy(tmp_path, "pass-flows-two.json", lambda data: data.pop("pass_flows"))
    _, recipe = _import(run_cli, flat)
    matrix = "".join(f"    flow{i + 1}: {{{cell}}}\n" for i, cell in enumerate(cells.groups()))
    recipe.write_text(recipe.read_text() + "matrix:\n  flow:\n" + matrix)
    flows = {c.variant: list(c.config["passes"]) for c in compile_variants(recipe)}
    assert flows == {"flow1": ["convert", "optimize"], "flow2": ["convert", "optimize_cuda", "quantize"]}


def test_a_flow_naming_no_pass_or_a_pass_twice_is_refused_at_its_item(run_cli: Run, tmp_path: Path) -> None:
    for flow, nth, message in (
        (["convert", "optimise"], 0, "$.pass_flows[0][1]: no pass named 'optimise' in `passes`"),
        (["convert", "convert"], 2, "$.pass_flows[0][1]: flow 1 runs 'convert' twice"),
    ):
        config = _copy(tmp_path, "pass-flow-one.json", lambda data, f=flow: data.update(pass_flows=[f]))  # type: ignore[misc]
        result, _ = _import(run_cli, config)
        assert result.code == 1 and "Traceback" not in result.err
        place = _at(config, '"' + flow[1] + '"', nth)
        assert f"{place}: error[import]: {message}" in result.err


def test_the_bench_reads_one_flow_as_its_ordered_passes() -> None:
    passes = {
        "a": {"type": "OnnxConversion"},
        "b": {"type": "OnnxDynamicQuantization"},
        "c": {"type": "OnnxPeepholeOptimizer"},
    }
    model = {"type": "ONNXModel", "model_path": "m.onnx"}
    flowed = meaning({"input_model": model, "passes": passes, "pass_flows": [["c", "a"]]}, "/tmp")
    plain = meaning({"input_model": model, "passes": {"c": passes["c"], "a": passes["a"]}}, "/tmp")
    assert differences(flowed, plain) == []
    two = meaning({"input_model": model, "passes": passes, "pass_flows": [["c", "a"], ["b"]]}, "/tmp")
    assert differences(two, plain) != []
