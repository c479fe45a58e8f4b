"""Nothing olivegen renders or runs by default writes into the repository's examples/ or the current folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olivegen.api import compile_variants
from tests.conftest import EXAMPLES, ROOT

RECIPES = [*sorted(EXAMPLES.glob("*.yaml")), *sorted((EXAMPLES / "team").glob("*.yaml"))]
RECIPES += sorted((EXAMPLES / "targets").glob("*.yaml"))


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_rendered_examples_keep_olive_out_of_examples(recipe: Path) -> None:
    for compiled in compile_variants(recipe, env={}):
        engine = compiled.config["engine"]
        for key in ("output_dir", "cache_dir"):
            folder = Path(engine[key])
            assert not folder.is_absolute(), f"{key} {folder}: the default stays relative to where olive run starts"
            assert not str(folder).startswith("examples"), folder


def test_the_default_folders_are_git_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/outputs/" in ignored and ".olive-cache/" in ignored


def test_a_written_folder_still_means_the_recipes_folder(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("model: {path: a/b}\nengine: {output_dir: out, cache_dir: c}\npasses: [{type: rtn}]\n")
    [compiled] = compile_variants(recipe)
    assert compiled.config["engine"]["output_dir"] == str(tmp_path / "out")
    assert compiled.config["engine"]["cache_dir"] == str(tmp_path / "c")
    assert json.loads(compiled.text)["engine"]["output_dir"] == str(tmp_path / "out")


def test_the_tiny_model_trains_on_rows_shipped_in_the_package() -> None:
    import inspect

    from olivegen.runner import tinymodel

    shipped = ROOT / "olivegen" / "recipe" / "presets" / "data" / "chat.jsonl"
    rows = [json.loads(line) for line in shipped.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert tinymodel.travel_rows() == rows
    assert "examples" not in inspect.getsource(tinymodel)


def test_demo_works_in_a_temporary_folder_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from olivegen.commands.demo import demo_folder

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    folder = demo_folder(None)
    assert folder.is_dir() and folder.parent == (tmp_path / "tmp").resolve()
    assert folder.name.startswith("olivegen-demo-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"]  # nothing in the current folder
    assert demo_folder(tmp_path / "mine") == (tmp_path / "mine").resolve()
