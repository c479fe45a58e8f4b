"""Nothing olivegen renders or runs by default writes into the repository's examples/ or the current folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olivegen.api import compile_variants
from tests.conftest import EXAMPLES, ROOT

RECIPES = sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "team").glob("*.yaml"))


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
