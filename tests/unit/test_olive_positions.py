"""`validate --olive` on a recipe: Olive's findings land at the recipe key, and the hint says whose mistake it is.

The problems are Olive's own texts (as `render/olive_check.py` reports them); no Olive is imported here.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from olivegen.api import compile_recipe, olive_findings
from olivegen.render.olive_positions import BUG_HINT

RECIPE = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
data:
  - name: train
    files: data/train.jsonl
    text_template: "{prompt} {response}"
  - name: calib
    olive:
      type: HuggingfaceContainer
      load_dataset_config: {data_name: wikitext, split: train}
      user_script: calib.py
host: cpu
passes:
  - type: lora
    r: 8
  - type: merge
  - type: onnx
  - type: OnnxDynamicQuantization
    config:
      per_channel: maybe
"""


def _compiled(tmp_path: Path):  # noqa: ANN202
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text('{"prompt": "a", "response": "b"}\n', encoding="utf-8")
    (tmp_path / "calib.py").write_text("", encoding="utf-8")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(textwrap.dedent(RECIPE), encoding="utf-8")
    return compile_recipe(recipe)


def _at(diag) -> tuple[int, int]:  # noqa: ANN001
    assert diag.at is not None
    return diag.at.line, diag.at.col


def test_a_list_level_rejection_lands_at_the_value_it_names(tmp_path: Path) -> None:
    compiled = _compiled(tmp_path)
    script = compiled.config["data_configs"][1]["user_script"]
    (diag,) = olive_findings(compiled, [f"data_configs: Value error, {script} doesn't exist"])
    assert _at(diag) == (11, 20)
    assert diag.hint == "Olive rejects the recipe's value 'calib.py' here: change it"
    assert diag.rule == "olive"


def test_a_pass_parameter_the_recipe_wrote_is_the_users(tmp_path: Path) -> None:
    compiled = _compiled(tmp_path)
    key = list(compiled.config["passes"])[3]
    (diag,) = olive_findings(compiled, [f"passes.{key}.per_channel: Input should be a valid boolean"])
    assert _at(diag) == (20, 20)
    assert "'maybe'" in (diag.hint or "")
    (renamed,) = olive_findings(compiled, ["passes.lora.r: Input should be greater than 8"])
    assert _at(renamed) == (15, 8) and "value 8 " in (renamed.hint or "")


def test_a_default_olivegen_rendered_is_olivegens_bug(tmp_path: Path) -> None:
    compiled = _compiled(tmp_path)
    (diag,) = olive_findings(compiled, ["passes.lora.lora_dropout: Input should be less than 0.01"])
    assert _at(diag) == (14, 5)  # the pass: the recipe never wrote lora_dropout
    assert diag.hint == BUG_HINT
    (unplaced,) = olive_findings(compiled, ["Keys {'x'} are not part of RunConfig. Ignoring them."])
    assert _at(unplaced) == (1, 1) and unplaced.hint == BUG_HINT
