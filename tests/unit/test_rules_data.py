"""Data rules: files, template syntax, template columns against the head of local data files, references."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olivegen.checks import datafiles
from olivegen.checks.data import TemplateProblem, placeholders
from tests.unit.test_rules_registry import assert_style, diagnose, one


def recipe(files: str, template: str = "{prompt} {response}", extra: str = "") -> str:
    return (
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
        f"data:\n  - name: train\n    files: {files}\n    text_template: {json.dumps(template)}\n{extra}"
        "passes:\n  - type: lora\n"
    )


def test_missing_data_file(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, recipe("data/nope.jsonl")), "missing-file")
    assert diag.message == "data file 'data/nope.jsonl' does not exist"
    assert diag.at is not None and (diag.at.line, diag.at.col) == (5, 12)
    assert_style(diag)


def test_existing_data_file(tmp_path: Path) -> None:
    assert diagnose(tmp_path, recipe("data/train.jsonl")) == []


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("{prompt} {response}", ["prompt", "response"]),
        ("{Best Answer}\n{q.text} {rows[0]} {{literal}}", ["Best Answer", "q", "rows"]),
        ("{prompt!r:>{width}}", ["prompt", "width"]),
        ("no placeholders", []),
    ],
)
def test_placeholders(template: str, names: list[str]) -> None:
    assert placeholders(template) == names
    row = {name: "x" for name in names}
    row["q"] = type("Q", (), {"text": "t"})() if "q" in row else None
    row["rows"] = ["r"] if "rows" in row else None
    row["width"] = 3 if "width" in row else None
    template.format(**row)  # what Olive does with every row: it must not raise


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{prompt} {}", "placeholder {} has no column name"),
        ("{0} and {1}", "placeholder {0} has no column name"),
        ("{prompt", "expected `}` before end of string"),
        ("a } b", "single `}` encountered"),
        ("{prompt!x}", "unknown conversion"),
    ],
)
def test_broken_templates(tmp_path: Path, template: str, fragment: str) -> None:
    with pytest.raises((TemplateProblem, ValueError, KeyError, IndexError)):
        template.format(prompt="p", role="r")  # Olive would fail on the first row
    diag = one(diagnose(tmp_path, recipe("data/train.jsonl", template)), "template-syntax")
    assert fragment in diag.message
    assert diag.at is not None and (diag.at.line, diag.at.col) == (6, 20)
    assert_style(diag)


def test_unknown_column_in_jsonl(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, recipe("data/train.jsonl", "{prompt} {answer}")), "unknown-column")
    assert diag.message == "text_template uses column 'answer', which 'data/train.jsonl' does not have"
    assert diag.hint == "columns of data/train.jsonl: prompt, response"
    assert diag.at is not None and (diag.at.line, diag.at.col) == (6, 20)
    assert_style(diag)


def test_did_you_mean_for_a_misspelled_column(tmp_path: Path) -> None:
    diag = one(diagnose(tmp_path, recipe("data/train.jsonl", "{promt} {response}")), "unknown-column")
    assert diag.hint and diag.hint.startswith("did you mean 'prompt'?")


def test_json_array_file(tmp_path: Path) -> None:
    rows = json.dumps([{"phrase": "a", "tone": "Joy"}, {"phrase": "b", "tone": "Sad", "extra": 1}], indent=2)
    files = {"data/tones.json": rows}
    assert diagnose(tmp_path / "ok", recipe("data/tones.json", "{phrase} {tone} {extra}"), files) == []
    bad = diagnose(tmp_path / "bad", recipe("data/tones.json", "{phrase} {label}"), files)
    assert one(bad, "unknown-column").message.endswith("column 'label', which 'data/tones.json' does not have")


def test_json_lines_in_a_json_file(tmp_path: Path) -> None:
    files = {"data/d.json": '{"phrase": "a", "tone": "Joy"}\n{"phrase": "b", "tone": "Sad"}\n'}
    assert one(diagnose(tmp_path, recipe("data/d.json", "{text}"), files), "unknown-column")


def test_csv_header(tmp_path: Path) -> None:
    files = {"data/d.csv": 'Question,"Best Answer"\nwhy?,because\n'}
    assert diagnose(tmp_path / "ok", recipe("data/d.csv", "{Question}\n{Best Answer}"), files) == []
    bad = diagnose(tmp_path / "bad", recipe("data/d.csv", "{Question}\n{Answer}"), files)
    assert (
        one(bad, "unknown-column").hint == "did you mean 'Best Answer'? (columns of data/d.csv: Best Answer, Question)"
    )


def test_text_files_have_one_column_text(tmp_path: Path) -> None:
    files = {"data/d.txt": "line one\nline two\n"}
    assert diagnose(tmp_path / "ok", recipe("data/d.txt", "{text}"), files) == []
    assert one(diagnose(tmp_path / "bad", recipe("data/d.txt", "{prompt}"), files), "unknown-column")


def test_parquet_schema(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    (tmp_path / "data").mkdir(parents=True)
    pq.write_table(pa.table({"prompt": ["a"], "response": ["b"]}), tmp_path / "data" / "d.parquet")
    assert diagnose(tmp_path, recipe("data/d.parquet")) == []
    assert one(diagnose(tmp_path, recipe("data/d.parquet", "{prompt} {reply}")), "unknown-column")


def test_parquet_is_skipped_silently_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "data" / "d.parquet").write_bytes(b"PAR1 not really PAR1")
    monkeypatch.setattr(datafiles, "find_spec", lambda name: None)
    datafiles._columns.cache_clear()
    assert diagnose(tmp_path, recipe("data/d.parquet", "{anything}")) == []


def test_unreadable_heads_are_skipped(tmp_path: Path) -> None:
    files = {"data/pretty.json": '{\n  "data": [{"prompt": "a"}]\n}\n', "data/empty.csv": ""}
    assert diagnose(tmp_path / "a", recipe("data/pretty.json", "{anything}"), files) == []
    assert diagnose(tmp_path / "b", recipe("data/empty.csv", "{anything}"), files) == []
    (tmp_path / "c" / "data").mkdir(parents=True)
    (tmp_path / "c" / "data" / "latin1.csv").write_bytes("pr\xe9fix,response\n".encode("latin-1"))
    assert diagnose(tmp_path / "c", recipe("data/latin1.csv", "{anything}")) == []


def test_only_the_head_of_a_big_file_is_read(tmp_path: Path) -> None:
    head = json.dumps({"prompt": "p", "response": "r"}) + "\n"
    tail = "this is not JSON at all\n" * 200_000  # ~4.8 MB after the head
    path = tmp_path / "big.jsonl"
    path.write_text(head * (datafiles.HEAD_ROWS + 1) + tail, encoding="utf-8")
    assert datafiles.columns(path, "json") == frozenset({"prompt", "response"})
    array = tmp_path / "big.json"
    array.write_text("[" + ",".join([head.strip()] * 30_000) + ", {broken", encoding="utf-8")
    assert datafiles.columns(array, "json") == frozenset({"prompt", "response"})


def test_a_row_cut_at_the_head_boundary_is_not_a_column(tmp_path: Path) -> None:
    first = json.dumps({"prompt": "a", "response": "b"}) + "\n"
    filler = first * ((datafiles.HEAD_BYTES // len(first)) - 1)
    cut = json.dumps({"prompt": "a", "response": "b", "late_column": "x" * 200}) + "\n"
    files = {"data/d.jsonl": filler + cut + first * 10}
    assert diagnose(tmp_path, recipe("data/d.jsonl"), files) == []


def test_text_cols_and_message_col(tmp_path: Path) -> None:
    base = (
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
        "data:\n  - name: train\n    files: data/train.jsonl\n{how}passes:\n  - type: lora\n"
    )
    cols = one(diagnose(tmp_path / "a", base.format(how="    text_cols: [prompt, answer]\n")), "unknown-column")
    assert cols.message.startswith("text_cols uses column 'answer'")
    assert cols.at is not None and (cols.at.line, cols.at.col) == (6, 25)
    chat = one(diagnose(tmp_path / "b", base.format(how="    chat_template: true\n")), "unknown-column")
    assert chat.message.startswith("message_col uses column 'messages'")
    chat_rows = {"data/train.jsonl": '{"messages": [{"role": "user", "content": "hi"}]}\n'}
    assert diagnose(tmp_path / "c", base.format(how="    chat_template: true\n"), chat_rows) == []


def test_hub_data_is_not_read(tmp_path: Path) -> None:
    text = (
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
        "data:\n  - name: train\n    hub: {name: tatsu-lab/alpaca}\n    text_template: '{whatever}'\n"
        "passes:\n  - type: lora\n"
    )
    assert diagnose(tmp_path, text) == []


def test_unknown_train_data(tmp_path: Path) -> None:
    text = recipe("data/train.jsonl").replace("  - type: lora\n", "  - type: lora\n    train_data: trian\n")
    diag = one(diagnose(tmp_path, text), "unknown-data")
    assert diag.message == "no data set named 'trian'" and diag.hint == "did you mean 'train'?"
    assert_style(diag)


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.2"])
def test_eval_split_outside_zero_one(tmp_path: Path, value: str) -> None:
    diag = one(diagnose(tmp_path, recipe("data/train.jsonl", extra=f"    eval_split: {value}\n")), "invalid-value")
    assert diag.message == f"'eval_split' must be between 0 and 1, both excluded, got {value}"
    assert diag.hint and "held out for evaluation" in diag.hint
    assert diag.at is not None and (diag.at.line, diag.at.col) == (7, 17)


def test_eval_split_inside_zero_one(tmp_path: Path) -> None:
    assert diagnose(tmp_path, recipe("data/train.jsonl", extra="    eval_split: 0.1\n")) == []


def test_duplicate_data_names(tmp_path: Path) -> None:
    text = recipe("data/train.jsonl").replace(
        "passes:", "  - name: train\n    files: data/train.jsonl\n    text_cols: [prompt]\npasses:"
    )
    diag = one(diagnose(tmp_path, text), "duplicate-name")
    assert diag.at is not None and diag.at.line == 7


def test_unreadable_or_missing_paths_answer_none(tmp_path: Path) -> None:
    assert datafiles.columns(tmp_path, "json") is None  # a directory: open() fails
    assert datafiles.columns(tmp_path / "nope.jsonl", "json") is None
    assert datafiles.columns(tmp_path, "parquet") is None


def test_a_data_config_named_in_olives_words_must_exist(tmp_path: Path) -> None:
    """Olive resolves every `*data_config` key of a pass's config by name: "calib not found in ..." otherwise."""
    text = (
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\nhost: cpu\n"
        "data:\n  - name: calib\n    files: data/train.jsonl\n    text_template: '{prompt}'\n"
        "passes:\n  - {type: onnx}\n"
        "  - type: OnnxStaticQuantization\n    config:\n      data_config: calb\n"
    )
    found = [d for d in diagnose(tmp_path, text) if d.rule == "unknown-data"]
    assert [(d.message, d.at.line if d.at else 0) for d in found] == [("no data set named 'calb'", 12)]
    assert found[0].hint and "calib" in found[0].hint
