"""Issue 20, item 5 and the end of item 3: what came from files and values is escaped in what people read.

Markdown and HTML in a pass type, a variant or metric name, a failure line or the recipe's path
must show as written in matrix-summary.md and $GITHUB_STEP_SUMMARY (no link, image, HTML, code
span closed early, extra table cell); a line break in a name printed on stdout must not start a
`::warning` workflow command; the printed `az ml job create` line quotes every argument.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.report.safe_text import markdown_code, markdown_text
from olivegen.runner import batch, matrix
from olivegen.runner.logparse import PassRun
from olivegen.runner.summary import FileEntry, OutputModel, RunSummary, format_summary
from tests.conftest import EXAMPLES, CliResult
from tests.unit.test_run_matrix import RECIPE
from tests.unit.test_run_reuse import starts  # noqa: F401  (the stand-in Olive: a fixture)

Run = Callable[..., CliResult]

HOSTILE = [
    "[click me](https://e.vil/phish)",
    "![x](https://e.vil/track.png)",
    "<img src=https://e.vil/track.png onerror=alert(1)>",
    "<details open><summary>Approve</summary>",
    "https://e.vil/bare-autolink and www.e.vil",
    "a | b | c",
    "`code` **bold** _it_ <!-- hidden",
    "line one\n::warning file=x.yaml::forged\n# heading",
]


def _unescaped(text: str, char: str) -> int:
    """How many times `char` appears not preceded by an odd number of backslashes."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*" + re.escape(char), text))


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_text_keeps_every_character_literal(value: str) -> None:
    text = markdown_text(value)
    assert "\n" not in text
    for char in "<>[]()!|`*_#:":
        assert _unescaped(text, char) == 0, (char, text)
    # CommonMark drops the backslashes: what a reader sees is the value (line breaks as spaces)
    assert re.sub(r"\\(.)", r"\1", text) == " ".join(value.split())


@pytest.mark.parametrize("value", ["a`b", "``x``", "`", "name with ``` three", "x\ny"])
def test_markdown_code_is_one_span_whatever_backticks_it_holds(value: str) -> None:
    span = markdown_code(value)
    fence = re.match(r"`+", span)
    assert fence is not None and span.endswith(fence.group())
    inner = span[len(fence.group()) : -len(fence.group())]
    assert fence.group() not in inner  # the span cannot close early
    assert inner.strip() == " ".join(value.split()) and "\n" not in span


def _row_cells(line: str) -> int:
    return _unescaped(line, "|") - 1


@pytest.mark.parametrize("value", HOSTILE)
def test_the_matrix_markdown_escapes_names_metrics_failures_and_the_recipe_path(value: str) -> None:
    rows = [
        matrix.Row(f"v{value}", matrix.OK, 1.0, None, 10, {f"m{value}": 0.5}),
        matrix.Row("b", matrix.FAILED, failure=f"pass 'lora' ({value}) failed: {value}"),
    ]
    text = matrix.format_markdown(f"recipes/odd`{value}.yaml", rows)
    lines = text.splitlines()
    heading = re.fullmatch(r"### olivegen run (`+)(.*)\1: 1 of 2 variants succeeded", lines[0])
    assert heading is not None and heading.group(1) not in heading.group(2)  # one code span, closed at its end
    table = [line for line in lines if line.startswith("|")]
    assert len({_row_cells(line) for line in table}) == 1, table  # every row has the header's cells
    body = "\n".join(lines[1:])
    for char in "<>[]!":
        assert _unescaped(body, char) == 0, (char, body)
    assert not any(line.startswith("::") for line in lines)
    assert len(lines) == 8  # heading, blank, header, rule, 2 rows, blank, 1 failure: no line added by the input


def test_a_backtick_in_the_recipe_path_does_not_close_the_headings_code_span() -> None:
    text = matrix.format_markdown("a`<img src=x>`.yaml", [matrix.Row("b32", matrix.OK)])
    heading = text.splitlines()[0]
    assert heading == "### olivegen run ``a`<img src=x>`.yaml``: 1 of 1 variants succeeded"


@pytest.mark.usefixtures("starts")
def test_the_step_summary_of_a_matrix_run_is_escaped(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "team`s <img src=https:e.vil> [x](https:e.vil) <details open>"
    model = folder / "model"
    model.mkdir(parents=True)
    (model / "config.json").write_text('{"model_type": "phi3", "num_hidden_layers": 2}', encoding="utf-8")
    recipe = folder / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    step = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    monkeypatch.setattr(
        batch,
        "batch_command",
        lambda prepared, python=None: [
            sys.executable,
            str(tmp_path / "fake_olive.py"),
            *[str(a) for p in prepared for a in (p.plan.layout.outdir, p.plan.layout.config_path)],
        ],
    )
    result = run_cli("run", recipe, "-o", tmp_path / "out", "--no-preflight")
    assert result.code == 3, result.err  # b128 fails on purpose
    text = step.read_text(encoding="utf-8")
    assert text == (tmp_path / "out" / "matrix-summary.md").read_text(encoding="utf-8") + "\n"
    heading = text.splitlines()[0]
    assert heading.startswith(f"### olivegen run ``{recipe}``: 2 of 3 variants succeeded")
    body = "\n".join(text.splitlines()[1:])
    for char in "<>[]!":
        assert _unescaped(body, char) == 0, (char, body)


def test_a_line_break_in_a_summary_name_never_starts_a_workflow_command() -> None:
    forged = "model.onnx\n::warning file=recipe.yaml,line=1::forged"
    summary = RunSummary(
        recipe="r.yaml",
        workflow_id="tiny\n::error::id",
        outdir="/o",
        config="/o/olive-config.json\n::notice::c",
        log="/o/olive-run.log",
        passes=[PassRun("lora\n::error::k", "LoRA\n::error::t", "failed", reason="bad\n::error::r")],
        model=OutputModel("/o/model\n::error::p", [FileEntry(forged, 6)], 6, [FileEntry(forged, 6)], True),
        returncode=0,
        seconds=1.0,
        peak_rss_bytes=None,
        failure=None,
        metrics={"acc\n::error::m": 0.5},
    )
    lines = format_summary(summary)
    assert not any(line.lstrip().startswith("::") for line in "\n".join(lines).splitlines())
    assert any("model.onnx\\x0a::warning" in line for line in lines)


def test_a_line_break_in_a_variant_failure_never_starts_a_workflow_command() -> None:
    rows = [matrix.Row("b\n::error::v", matrix.FAILED, failure="x\n::warning file=a::b")]
    text = "\n".join(matrix.format_table(rows))
    assert not any(line.startswith("::") for line in text.splitlines())


@pytest.fixture
def aml_project(tmp_path: Path) -> Path:
    work = tmp_path / "project"
    shutil.copytree(EXAMPLES, work)
    return work


def test_the_submit_line_quotes_every_argument(run_cli: Run, aml_project: Path, tmp_path: Path) -> None:
    recipe = aml_project / "phi3-azureml-compute.yaml"
    text = recipe.read_text(encoding="utf-8")
    marker = tmp_path / "pwned"
    hostile = {
        "subscription_id": f"$(touch {marker})",
        "resource_group": f"rg; touch {marker}",
        "workspace": f"`touch {marker}` ws",
    }
    head, rest = text.split("azureml:\n", 1)
    block, tail = rest.split("model:\n", 1)
    lines = [f"  {key}: '{value}'" for key, value in hostile.items()]
    recipe.write_text(head + "azureml:\n" + "\n".join(lines) + "\nmodel:\n" + tail, encoding="utf-8")
    result = run_cli("render", recipe, "-o", aml_project / "build" / "olive-config.json")
    assert result.code == 0, result.err
    line = next(x for x in result.err.splitlines() if "az ml job create" in x)
    words = shlex.split(line[line.index("az ml job create") :])
    assert words[:4] == ["az", "ml", "job", "create"]
    options = dict(zip(words[4::2], words[5::2], strict=True))
    assert options["--subscription"] == hostile["subscription_id"]
    assert options["--resource-group"] == hostile["resource_group"]
    assert options["--workspace-name"] == hostile["workspace"]
    # pasted into a shell, nothing runs
    subprocess.run(["sh", "-c", "az() { :; }; " + line[line.index("az ml job create") :]], check=True)
    assert not marker.exists()
