"""examples/targets/: a matrix recipe per model, a variant per target (and one LoRA adapter), render to the goldens."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from olivegen.api import compile_variants
from olivegen.knowledge.targets import TARGETS_BY_NAME
from tests.conftest import EXAMPLES, ROOT

FOLDER = EXAMPLES / "targets"
GOLDEN = ROOT / "tests" / "golden" / "targets"
RECIPES = sorted(FOLDER.glob("*.yaml"))


def portable(text: str) -> str:
    return text.replace(json.dumps(str(ROOT))[1:-1], "<CHECKOUT>")


def test_layout() -> None:
    assert [p.name for p in RECIPES] == ["llama32-1b-instruct.yaml", "qwen25-1.5b-instruct.yaml"]


@pytest.mark.parametrize("recipe", RECIPES, ids=[p.stem for p in RECIPES])
def test_target_recipe_matches_golden(recipe: Path, update_golden: bool) -> None:
    for compiled in compile_variants(recipe, env={}):
        assert compiled.warnings == []
        text = portable(compiled.text)
        golden = GOLDEN / f"{recipe.stem}.{compiled.variant}.json"
        if update_golden:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.exists(), f"no golden for {golden.name}; run: pytest {__file__} --update-golden"
        expected = golden.read_text(encoding="utf-8")
        assert text == expected, (
            "\n".join(difflib.unified_diff(expected.splitlines(), text.splitlines(), "golden", "rendered", lineterm=""))
            + f"\n\nTo update the golden files, run: pytest {__file__} --update-golden"
        )


def test_every_golden_has_a_variant() -> None:
    expected = {f"{r.stem}.{c.variant}.json" for r in RECIPES for c in compile_variants(r, env={})}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected


@pytest.mark.parametrize("recipe", RECIPES, ids=[p.stem for p in RECIPES])
def test_five_targets_or_more_and_one_separate_adapter(recipe: Path) -> None:
    variants = {c.variant: c.config for c in compile_variants(recipe, env={})}
    targets = {v.split("-")[0] for v in variants}
    assert len(targets & set(TARGETS_BY_NAME)) >= 5
    adapters = [v for v, c in variants.items() if "ExtractAdapters" in [p["type"] for p in c["passes"].values()]]
    assert len(adapters) == 1
    passes = [p["type"] for p in variants[adapters[0]]["passes"].values()]
    assert passes == ["LoRA", "ModelBuilder", "ExtractAdapters"]
    assert variants[adapters[0]]["passes"]["extract_adapters"]["save_format"] == "onnx_adapter"


def test_each_variant_runs_its_targets_chain() -> None:
    """The init-written cells run the chain of knowledge/targets.py, for the provider and device it names."""
    for recipe in RECIPES:
        for compiled in compile_variants(recipe, env={}):
            name, _, precision = (compiled.variant or "").partition("-")
            target = TARGETS_BY_NAME[name]
            chain = target.chain("0.13", precision or None) if "adapter" not in precision else None
            if chain is None:
                continue
            config = compiled.config
            assert [p["type"] for p in config["passes"].values()] == [s.type for s in chain.steps], compiled.variant
            [accelerator] = config["systems"][config["engine"]["target"]]["accelerators"]
            assert accelerator == {"device": target.system_device, "execution_providers": [target.system_provider]}
