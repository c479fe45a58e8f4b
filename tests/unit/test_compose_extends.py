"""`extends:`: merge rules, several levels and bases, positions in the writing file, path rebasing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from olivegen.api import compile_recipe, load_source
from olivegen.compose.rebase import PATH_FIELDS
from olivegen.compose.tree import DELETE, merge
from olivegen.errors import Position, RecipeError
from olivegen.source.document import SourceMap

ROW = '{"prompt": "where to?", "response": "Lisbon"}\n'
BASE = """\
model:
  path: org/model
data:
  - name: d
    files: d.jsonl
    text_template: "{prompt} {response}"
host: cpu
passes:
  - type: lora
    torch_dtype: float32
    r: 8
    training:
      max_steps: 5
  - type: merge
  - type: builder
    precision: int4
engine:
  log_level: 2
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A base in a sub-folder with its data beside it, and the recipe folder above it."""
    write(tmp_path, "base/d.jsonl", ROW)
    write(tmp_path, "base/base.yaml", BASE)
    return tmp_path


def error_lines(exc: pytest.ExceptionInfo[RecipeError]) -> list[str]:
    return [d.headline() for d in exc.value.diagnostics]


def test_mappings_merge_lists_replace_scalars_replace(team: Path) -> None:
    child = write(
        team,
        "child.yaml",
        """\
        extends: base/base.yaml
        name: child
        engine:
          cache_dir: cache
        passes:
          - type: builder
            precision: int8
        """,
    )
    source = load_source(child)
    assert source.data["engine"] == {"log_level": 2, "cache_dir": "cache"}
    assert source.data["passes"] == [{"type": "builder", "precision": "int8"}]
    assert source.data["name"] == "child"
    assert "extends" not in source.data


def test_delete_removes_an_inherited_key(team: Path) -> None:
    child = write(
        team, "child.yaml", f"extends: base/base.yaml\nengine: {{log_level: {DELETE}}}\nhost: {DELETE}\n"
    )
    data = load_source(child).data
    assert data["engine"] == {}
    assert "host" not in data
    assert compile_recipe(child).config["engine"]["log_severity_level"] == 1  # back to the default


def test_delete_in_a_list_is_an_error_at_its_position(team: Path) -> None:
    child = write(team, "child.yaml", f"extends: base/base.yaml\npasses:\n  - {DELETE}\n")
    with pytest.raises(RecipeError) as exc:
        compile_recipe(child)
    assert error_lines(exc) == [
        f"{child}:3:5: error[extends]: '$delete' removes a key of a mapping; it cannot stand here"
    ]


def test_several_levels_and_bases_later_wins(team: Path) -> None:
    write(team, "mid.yaml", "extends: base/base.yaml\nengine: {log_level: 3}\n")
    write(team, "other.yaml", "engine: {log_level: 4, clean_cache: true}\n")
    child = write(
        team, "child.yaml", "extends: [mid.yaml, other.yaml]\nengine: {evaluate_input_model: false}\n"
    )
    engine = load_source(child).data["engine"]
    assert engine == {"log_level": 4, "clean_cache": True, "evaluate_input_model": False}


def test_error_in_an_inherited_value_points_at_the_base(team: Path) -> None:
    write(team, "base/bad.yaml", "extends: base.yaml\npasses:\n  - type: lora\n    r: many\n")
    child = write(team, "child.yaml", "extends: base/bad.yaml\nname: child\n")
    with pytest.raises(RecipeError) as exc:
        compile_recipe(child)
    assert [str(d.at) for d in exc.value.diagnostics] == [f"{team / 'base' / 'bad.yaml'}:4:8"]


def test_error_in_the_childs_value_points_at_the_child(team: Path) -> None:
    child = write(team, "child.yaml", "extends: base/base.yaml\nengine:\n  log_levl: 2\n")
    with pytest.raises(RecipeError) as exc:
        compile_recipe(child)
    assert exc.value.diagnostics[0].at == Position(str(child), 3, 3)
    assert exc.value.diagnostics[0].rule == "unknown-key"


def test_base_display_path_follows_the_childs(team: Path) -> None:
    write(team, "child.yaml", "extends: base/base.yaml\n")
    source = load_source(team / "child.yaml", "recipes/child.yaml")
    assert source.where.lookup(("passes", 0, "r"), prefer_value=True) == Position(
        "recipes/base/base.yaml", 11, 8
    )
    assert source.where.path == "recipes/child.yaml"


def test_missing_base_names_the_chain(team: Path) -> None:
    write(team, "mid.yaml", "extends: nowhere.yaml\n")
    child = write(team, "child.yaml", "extends: [base/base.yaml, mid.yaml]\n")
    with pytest.raises(RecipeError) as exc:
        compile_recipe(child)
    diag = exc.value.diagnostics[0]
    assert (
        diag.headline() == f"{team / 'mid.yaml'}:1:10: error[extends]: base recipe 'nowhere.yaml' not found"
    )
    assert (
        diag.hint is not None
        and f"chain: {child} -> {team / 'mid.yaml'} -> {team / 'nowhere.yaml'}" in diag.hint
    )


def test_cycle_is_an_error_showing_the_chain(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "model: {path: org/m}\nextends: a.yaml\n")
    with pytest.raises(RecipeError) as exc:
        load_source(tmp_path / "a.yaml", "a.yaml")
    assert error_lines(exc) == ["b.yaml:2:10: error[extends]: extends cycle: a.yaml -> b.yaml -> a.yaml"]


def test_a_recipe_cannot_extend_itself(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: ./a.yaml\n")
    with pytest.raises(RecipeError, match="extends cycle: a.yaml -> a.yaml"):
        load_source(tmp_path / "a.yaml", "a.yaml")


@pytest.mark.parametrize("value", ["3", "[]", "{a: b}", "['']"])
def test_extends_takes_file_names(tmp_path: Path, value: str) -> None:
    write(tmp_path, "a.yaml", f"extends: {value}\n")
    with pytest.raises(RecipeError, match="`extends` takes a recipe file name or a list of them"):
        load_source(tmp_path / "a.yaml")


def test_a_base_cannot_hold_a_matrix(team: Path) -> None:
    write(team, "mx.yaml", "extends: base/base.yaml\nmatrix: {t: {cpu: {target: cpu}}}\n")
    child = write(team, "child.yaml", "extends: mx.yaml\n")
    with pytest.raises(RecipeError, match="a base recipe cannot have a matrix"):
        load_source(child)


def test_base_paths_resolve_from_the_base_folder(team: Path) -> None:
    child = write(team, "child.yaml", "extends: base/base.yaml\nengine: {output_dir: out}\n")
    config = compile_recipe(child).config
    assert config["data_configs"][0]["load_dataset_config"]["data_files"] == str(team / "base" / "d.jsonl")
    assert config["engine"]["output_dir"] == str(team / "out")  # written by the child: the child's folder
    assert config["engine"]["cache_dir"] == ".olive-cache"  # default: relative to where `olive run` starts


def test_base_output_dir_keeps_name_placeholder_and_base_folder(team: Path) -> None:
    write(team, "base/paths.yaml", "extends: base.yaml\nengine: {output_dir: 'outputs/{name}'}\n")
    child = write(team, "child.yaml", "extends: base/paths.yaml\nname: kid\n")
    assert compile_recipe(child).config["engine"]["output_dir"] == str(team / "base" / "outputs" / "kid")


def test_missing_file_in_a_base_is_reported_at_the_base(team: Path) -> None:
    (team / "base" / "d.jsonl").unlink()
    child = write(team, "child.yaml", "extends: base/base.yaml\n")
    with pytest.raises(RecipeError) as exc:
        compile_recipe(child)
    missing = [d for d in exc.value.diagnostics if d.rule == "missing-file"]
    assert [str(d.at) for d in missing] == [f"{team / 'base' / 'base.yaml'}:5:12"]
    assert str(team / "base" / "d.jsonl") in missing[0].message


def test_hub_ids_and_local_models_in_a_base(team: Path) -> None:
    child = write(team, "child.yaml", "extends: base/base.yaml\n")
    assert load_source(child).data["model"]["path"] == "org/model"  # a Hub id is not a path
    (team / "base" / "my-model").mkdir()
    write(team, "base/local.yaml", "extends: base.yaml\nmodel: {path: my-model}\n")
    child = write(team, "child.yaml", "extends: base/local.yaml\n")
    assert load_source(child).data["model"]["path"] == str(team / "base" / "my-model")


def test_base_in_the_same_folder_keeps_paths_as_written(team: Path) -> None:
    write(team, "base/child.yaml", "extends: base.yaml\n")
    assert load_source(team / "base" / "child.yaml").data["data"][0]["files"] == "d.jsonl"


def test_plain_recipe_compiles_exactly_as_before(tmp_path: Path) -> None:
    write(tmp_path, "d.jsonl", ROW)
    recipe = write(tmp_path, "r.yaml", BASE)
    source = load_source(recipe)
    from olivegen.source.yaml_rt import parse

    plain = parse(recipe.read_text(), str(recipe))
    assert source.data == plain.data
    assert source.where.keys == plain.where.keys and source.where.values == plain.where.values


def test_merge_keeps_each_position_with_its_file() -> None:
    base = SourceMap(
        "b",
        {("a",): Position("b", 1, 1), ("a", "x"): Position("b", 2, 3)},
        {
            ("a",): Position("b", 2, 1),
            ("a", "x"): Position("b", 2, 6),
            ("l",): Position("b", 3, 4),
            ("l", 0): Position("b", 3, 5),
        },
    )
    over = SourceMap(
        "o",
        {("l",): Position("o", 1, 1), ("l", 0): Position("o", 1, 5)},
        {("l",): Position("o", 1, 4), ("l", 0): Position("o", 1, 5)},
    )
    data, where = merge({"a": {"x": 1}, "l": [1, 2]}, base, {"l": [9]}, over)
    assert data == {"a": {"x": 1}, "l": [9]}
    assert where.values[("a", "x")] == Position("b", 2, 6)
    assert where.values[("l", 0)] == Position("o", 1, 5)
    assert where.path == "o"


def test_path_fields_cover_every_field_documented_as_recipe_relative() -> None:
    from pydantic import BaseModel

    from olivegen.recipe import Recipe

    found: set[str] = set()

    def walk(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
        for name, field in model.model_fields.items():
            if "relative to the recipe" in (field.description or ""):
                found.add(name)
            for arg in _models(field.annotation):
                if arg not in seen:
                    seen.add(arg)
                    walk(arg, seen)

    walk(Recipe, set())
    assert found, "no field says it is relative to the recipe: the test is stale"
    assert found <= {loc[-1] for loc in PATH_FIELDS}


def _models(tp: object) -> list[type]:
    import typing

    from pydantic import BaseModel

    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in typing.get_args(tp) for m in _models(arg)]


def test_rendered_json_has_no_composition_keys(team: Path) -> None:
    child = write(team, "child.yaml", "extends: base/base.yaml\n")
    text = compile_recipe(child).text
    assert "extends" not in json.loads(text) and "$delete" not in text


def _locs(value: object, loc: tuple[str | int, ...] = ()) -> dict[tuple[str | int, ...], object]:
    out: dict[tuple[str | int, ...], object] = {loc: value}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(_locs(item, (*loc, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(_locs(item, (*loc, i)))
    return out


def _layer(data: dict[str, object], name: str) -> SourceMap:
    locs = list(_locs(data))
    return SourceMap(name, {}, {loc: Position(name, n + 1, 1) for n, loc in enumerate(locs)})


def test_merged_positions_match_the_merged_data_exactly() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    def docs(*words: str) -> st.SearchStrategy[dict[str, object]]:
        leaves = st.one_of(st.integers(0, 3), st.sampled_from(words), st.lists(st.integers(0, 2), max_size=2))
        keys = st.sampled_from("xyz")
        trees = st.recursive(leaves, lambda kids: st.dictionaries(keys, kids, max_size=3), max_leaves=8)
        return st.dictionaries(keys, trees, max_size=3)

    @settings(max_examples=300, deadline=None)
    @given(docs("a"), docs("a", DELETE))  # a base has been composed already: no `$delete` left in it
    def check(base: dict[str, object], over: dict[str, object]) -> None:
        base_where, over_where = _layer(base, "base"), _layer(over, "over")
        data, where = merge(base, base_where, over, over_where)
        merged = _locs(data)
        assert all(v != DELETE for loc, v in merged.items() if loc and isinstance(loc[-1], str))
        for loc in merged:
            if loc == ():
                continue
            written_by_over = loc in over_where.values and _locs(over).get(loc) != DELETE
            assert where.values[loc].path == ("over" if written_by_over else "base"), loc
        assert set(where.values) - {()} == set(merged) - {()}

    check()


def test_a_missing_file_of_a_base_is_looked_for_in_the_base_folder_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "base.yaml").write_text(
        "model: {path: org/m}\nhost: cpu\ndata:\n  - name: d\n    files: nope.jsonl\n    text_cols: [text]\n"
        "passes:\n  - type: lora\n",
        encoding="utf-8",
    )
    (tmp_path / "child.yaml").write_text("extends: b/base.yaml\n", encoding="utf-8")
    with pytest.raises(RecipeError) as caught:
        compile_recipe(tmp_path / "child.yaml")
    missing = next(d for d in caught.value.diagnostics if d.rule == "missing-file")
    assert str(tmp_path / "b" / "nope.jsonl") in missing.message
    assert missing.hint == "looked for at that path (a relative path in a base recipe means the base's folder)"
