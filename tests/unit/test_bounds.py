"""Bounds a pull request cannot step around (issue 20, #6): huge integers, many large bases, wide Parquet files."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

Run = Callable[..., CliResult]
OK = "model:\n  path: microsoft/Phi-3-mini-4k-instruct\nhost: cpu\npasses:\n  - type: builder\n    precision: int4\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


# --- an integer of 5,000 digits: Python's int() refuses more than 4,300 -------------------------------


def _huge_config(repo: Path, suffix: str = ".json") -> Path:
    config = {
        "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},
        "passes": {"conv": {"type": "OnnxConversion", "target_opset": 17}},
    }
    text = json.dumps(config, indent=2).replace('"target_opset": 17', '"target_opset": ' + "7" * 5000)
    path = repo / f"olive-config{suffix}"
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["validate", "import", "diff"])
def test_a_5000_digit_integer_is_an_error_at_its_position(run_cli: Run, repo: Path, command: str) -> None:
    config = _huge_config(repo)
    args = {"validate": [], "import": ["-o", repo / "r.yaml"], "diff": [config]}[command]
    result = run_cli(command, config, *args)
    shown = result.out + result.err
    assert "Traceback" not in shown and "internal" not in shown
    assert result.code == 1, shown
    at = f"{config}:9:23: error[invalid-value]: a number of 5,000 digits"
    assert at in shown, shown
    assert "7" * 100 not in shown.split("|", 1)[0], "the number itself is not the message"


def test_a_5000_digit_integer_in_a_yaml_olive_config_is_an_error_at_its_position(run_cli: Run, repo: Path) -> None:
    config = repo / "olive-config.yaml"
    config.write_text(
        "input_model:\n  type: HfModel\n  model_path: microsoft/Phi-3-mini-4k-instruct\n"
        "passes:\n  conv:\n    type: OnnxConversion\n    target_opset: " + "7" * 5000 + "\n",
        encoding="utf-8",
    )
    for command, args in (("validate", []), ("import", ["-o", repo / "r.yaml"])):
        result = run_cli(command, config, *args)
        shown = result.out + result.err
        assert result.code == 1 and f"{config}:7:19: error[invalid-value]: a number of 5,000 digits" in shown, shown


def test_a_5000_digit_integer_in_a_recipe_is_no_traceback(run_cli: Run, repo: Path) -> None:
    (repo / "r.yaml").write_text(OK + "    block_size: " + "7" * 5000 + "\n", encoding="utf-8")
    result = run_cli("validate", repo / "r.yaml")
    assert result.code == 1 and "Traceback" not in result.out + result.err


# --- extends: a total-bytes budget across all bases of one recipe -----------------------------------


def test_bases_past_the_total_budget_are_refused_at_the_entry_that_crosses_it(run_cli: Run, repo: Path) -> None:
    """Each base holds just under 2 MiB (the per-file limit); the fifth crosses 8 MiB and is never parsed."""
    body = "description: " + "a" * (2 * 1024 * 1024 - 4096) + "\n"
    names = [f"b{i}.yaml" for i in range(8)]
    for name in names:
        (repo / name).write_text(body, encoding="utf-8")
    entries = "".join(f"  - {name}\n" for name in names)
    (repo / "r.yaml").write_text("extends:\n" + entries + OK, encoding="utf-8")
    start = time.process_time()  # CPU time of this process (the CLI runs in it): load does not count
    result = run_cli("validate", repo / "r.yaml")
    took = time.process_time() - start
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if "error[" in line]
    assert errors == [
        f"{repo / 'r.yaml'}:6:5: error[extends]: the recipe and its bases hold more than 8 MiB in all"
        " (6 files read); this base crosses it"
    ], result.out
    assert took < 20, took


def test_bases_within_the_budget_compose(run_cli: Run, repo: Path) -> None:
    (repo / "b.yaml").write_text("description: " + "a" * (1024 * 1024) + "\n", encoding="utf-8")
    (repo / "r.yaml").write_text("extends: [b.yaml, b.yaml]\n" + OK, encoding="utf-8")
    result = run_cli("validate", repo / "r.yaml")
    assert result.code == 0, result.out


# --- Parquet: the schema read from a bounded footer --------------------------------------------------


def _parquet(path: Path, width: int) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    columns = {f"c{i}": [1] for i in range(width)} | {"prompt": ["a"], "response": ["b"]}
    pq.write_table(pa.table(columns), path)


def _data_recipe(repo: Path, file_name: str) -> Path:
    recipe = repo / "r.yaml"
    recipe.write_text(
        OK.replace(
            "passes:",
            f'data:\n  - name: d\n    files: {file_name}\n    text_template: "{{prompt}} {{answer}}"\npasses:',
        ),
        encoding="utf-8",
    )
    return recipe


def test_a_wide_parquet_schema_is_not_read_and_the_report_says_so(
    run_cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _parquet(repo / "wide.parquet", 5_000)  # a footer of about 1 MB
    import pyarrow.parquet as pq

    read = pq.read_schema
    given: list[object] = []
    monkeypatch.setattr(pq, "read_schema", lambda source, *a, **k: given.append(source) or read(source, *a, **k))
    result = run_cli("validate", _data_recipe(repo, "wide.parquet"))
    assert given == [], "pyarrow was asked to read the whole schema"
    assert result.code == 0, result.out
    unchecked = "warning[columns-unchecked]: the columns text_template uses are not checked: its Parquet footer"
    assert unchecked in result.out
    assert "more than the 64 KiB olivegen reads" in result.out


def test_a_narrow_parquet_schema_is_still_checked(run_cli: Run, repo: Path) -> None:
    _parquet(repo / "narrow.parquet", 3)
    result = run_cli("validate", _data_recipe(repo, "narrow.parquet"))
    assert result.code == 1
    assert "text_template uses column 'answer', which 'narrow.parquet' does not have" in result.out
    assert "columns of narrow.parquet: c0, c1, c2, prompt, response" in result.out


def test_a_file_that_only_ends_like_parquet_is_no_crash(run_cli: Run, repo: Path) -> None:
    (repo / "fake.parquet").write_bytes(b"PAR1" + b"\xff" * 100 + (100).to_bytes(4, "little") + b"PAR1")
    (repo / "huge.parquet").write_bytes(b"PAR1" + (2**32 - 1).to_bytes(4, "little") + b"PAR1")
    for name in ("fake.parquet", "huge.parquet"):
        result = run_cli("validate", _data_recipe(repo, name))
        assert result.code in (0, 1) and "Traceback" not in result.out + result.err
