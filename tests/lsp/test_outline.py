"""The cursor's path read from indentation alone: what hover and completion see while the YAML is broken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olivegen.lsp.documents import extends_refs
from olivegen.lsp.outline import cursor_at, read_lines

DOC = """\
model:
  path: microsoft/Phi-3-mini
data:
  - name: travel
    text_template: |
      <|user|>{prompt}: yes
passes:
- type: lora
  training:
    max_st
  target_modules: [qkv_proj, o_
-
  type: merge
- type: builder
  precision: int4
  options:
    extra:
      - a
"""


@pytest.mark.parametrize(
    ("line", "col", "kind", "path", "word"),
    [
        (1, 3, "key", ("model",), "path"),
        (1, 10, "value", ("model", "path"), "microsoft/Phi-3-mini"),
        (3, 6, "key", ("data", 0), "name"),
        (5, 14, "value", ("data", 0, "text_template"), "<|user|>"),  # block scalar: never a key
        (7, 9, "value", ("passes", 0, "type"), "lora"),
        (9, 8, "key", ("passes", 0, "training"), "max_st"),  # no colon yet
        (10, 31, "value", ("passes", 0, "target_modules"), "o_"),
        (12, 4, "key", ("passes", 1), "type"),  # `-` alone, its keys below
        (14, 4, "key", ("passes", 2), "precision"),
        (17, 8, "item", ("passes", 2, "options", "extra", 0), "a"),
        (18, 0, "blank", (), ""),
    ],
)
def test_cursor_paths(line: int, col: int, kind: str, path: tuple[str | int, ...], word: str) -> None:
    cursor = cursor_at(read_lines(DOC), line, col)
    assert cursor is not None
    assert (cursor.kind, cursor.path, cursor.word) == (kind, path, word)


def test_a_blank_line_belongs_to_the_mapping_its_column_continues() -> None:
    text = "passes:\n  - type: lora\n    r: 8\n    \n  - type: merge\n"
    lines = read_lines(text)
    assert cursor_at(lines, 3, 4).path == ("passes", 0)  # type: ignore[union-attr]
    assert cursor_at(lines, 3, 0).path == ()  # type: ignore[union-attr]


def test_lists_written_at_the_key_column_and_nested_lists() -> None:
    lines = read_lines("passes:\n- type: lora\n- type: merge\n  name: m\nengine:\n  log_level: 1\n")
    assert cursor_at(lines, 3, 3).path == ("passes", 1)  # type: ignore[union-attr]
    assert cursor_at(lines, 5, 4).path == ("engine",)  # type: ignore[union-attr]


def test_extends_refs_in_every_spelling() -> None:
    assert extends_refs(read_lines("extends: base.yaml  # the team's\nname: x\n")) == ["base.yaml"]
    assert extends_refs(read_lines("extends: ['a.yaml', b.yaml]\n")) == ["a.yaml", "b.yaml"]
    assert extends_refs(read_lines("extends:\n  - a.yaml\n  - \"b.yaml\"\nname: x\n")) == ["a.yaml", "b.yaml"]
    assert extends_refs(read_lines("name: x\npasses: []\n")) == []


def test_nothing_breaks_on_hostile_text() -> None:
    deep = "".join(" " * i + f"k{i}:\n" for i in range(3000))  # deeper than Python's recursion limit
    text = "\t: : :\n- - - [\n" + "  " * 3000 + "x: y\n\x00\n" + "- " * 2000 + "\n" + deep
    lines = read_lines(text)
    for line in [*range(0, len(lines), 97), len(lines) - 2, len(lines) - 1, len(lines)]:
        for col in (0, 1, 5, 10_000):
            cursor_at(lines, line, col)


def test_which_files_are_recipes(tmp_path) -> None:
    from pathlib import Path

    from olivegen.lsp.documents import is_recipe

    assert is_recipe(Path("/r/lab.olive.yaml"), "", [])
    assert is_recipe(Path("/r/lab.yaml"), "# yaml-language-server: $schema=../schemas/recipe.schema.json\n", [])
    assert is_recipe(Path("/r/lab.yml"), "name: x\npasses:\n  - type: rtn\n", [])
    assert is_recipe(Path("/r/child.yaml"), "extends: base.yaml\n", [])
    assert not is_recipe(Path("/r/.github/workflows/ci.yaml"), "on: push\njobs: {}\n", [])
    assert not is_recipe(Path("/r/notes.txt"), "passes:\n", [])
    assert is_recipe(Path("/r/recipes/partial.yaml"), "host: cpu\n", ["*/recipes/*.yaml"])
    assert is_recipe(Path("/r/partial.yaml"), "host: cpu\n", ["partial.yaml"])


def test_an_olive_config_is_not_taken_for_a_recipe() -> None:
    from olivegen.lsp.documents import is_recipe

    olive = "input_model:\n  type: HfModel\n  model_path: org/m\npasses:\n  q:\n    type: OnnxQuantization\n"
    assert not is_recipe(Path("/r/p8.yaml"), olive, [])  # `validate` checks it as an Olive config
    assert is_recipe(Path("/r/p8.olive.yaml"), olive, [])  # named a recipe: checked as one (and told so)


def test_data_columns_follow_validate_outside_the_repository_and_with_credentials(tmp_path: Path) -> None:
    from olivegen.lsp.facts import data_columns

    token = "hf_" + "abcdefghijklmnopqrstuvwxyz123456"
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    row = json.dumps({token: 1, "prompt": "a", "response": "b"}) + "\n"
    (repo / "d.jsonl").write_text(row, encoding="utf-8")
    (outside / "s.jsonl").write_text(row, encoding="utf-8")
    assert data_columns({"files": "d.jsonl"}, repo) == ("d.jsonl", ["prompt", "response"])
    assert data_columns({"files": str(outside / "s.jsonl")}, repo) is None
    assert data_columns({"files": "../outside/s.jsonl"}, repo) is None
