"""examples/team/: a base, three children and a matrix recipe render to the committed configs."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from olivegen.api import compile_variants
from tests.conftest import EXAMPLES, ROOT

TEAM = EXAMPLES / "team"
GOLDEN = ROOT / "tests" / "golden" / "team"
RECIPES = sorted(TEAM.glob("*.yaml"))


def portable(text: str) -> str:
    return text.replace(json.dumps(str(ROOT))[1:-1], "<CHECKOUT>")


def golden_name(recipe: Path, variant: str | None) -> str:
    return f"{recipe.stem}.{variant}.json" if variant else f"{recipe.stem}.json"


def test_layout() -> None:
    assert [p.name for p in RECIPES] == [
        "travel-adapter.yaml",
        "travel-int4.yaml",
        "travel-qlora.yaml",
        "travel-targets.yaml",
    ]
    assert [p.name for p in (TEAM / "base").glob("*.yaml")] == ["phi35-travel.yaml"]


@pytest.mark.parametrize("recipe", RECIPES, ids=[p.stem for p in RECIPES])
def test_team_recipe_matches_golden(recipe: Path, update_golden: bool) -> None:
    for compiled in compile_variants(recipe, env={}):
        assert compiled.warnings == []
        text = portable(compiled.text)
        golden = GOLDEN / golden_name(recipe, compiled.variant)
        if update_golden:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.exists(), f"no golden for {golden.name}; run: pytest {__file__} --update-golden"
        expected = golden.read_text(encoding="utf-8")
        assert text == expected, (
            "\n".join(
                difflib.unified_diff(
                    expected.splitlines(), text.splitlines(), "golden", "rendered", lineterm=""
                )
            )
            + f"\n\nTo update the golden files, run: pytest {__file__} --update-golden"
        )


def test_every_team_golden_has_a_recipe() -> None:
    expected = {golden_name(r, c.variant) for r in RECIPES for c in compile_variants(r, env={})}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected


def test_inherited_paths_resolve_from_the_base() -> None:
    config = json.loads((GOLDEN / "travel-int4.json").read_text())
    assert config["data_configs"][0]["load_dataset_config"]["data_files"] == (
        "<CHECKOUT>/examples/data/data_sample_travel.jsonl"
    )
    # the engine's defaults stay relative: under the folder `olive run` starts in, never in examples/
    assert config["engine"]["cache_dir"] == ".olive-cache"
    assert config["engine"]["output_dir"] == "outputs/travel-int4"


def test_environment_reaches_the_config() -> None:
    [steps] = compile_variants(TEAM / "travel-int4.yaml", env={"TRAVEL_STEPS": "5"})
    assert steps.config["passes"]["lora"]["training_args"]["max_steps"] == 5


def test_composing_rendering_and_explaining_import_no_ml_stack() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from olivegen.cli import main\n"
        "assert main(['validate', 'examples/team/travel-targets.yaml', '--set', 'passes.lora.r=8']) == 0\n"
        "assert main(['explain', 'examples/team/travel-adapter.yaml']) == 0\n"
        "assert main(['diff', 'examples/team/travel-int4.yaml', 'examples/team/travel-qlora.yaml']) == 0\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'olive', 'onnxruntime') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
