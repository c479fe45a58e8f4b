"""bench/olive_recipes_targets.py counts the chains of a git snapshot per target (configs written for this test)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.olive_recipes_targets import survey

SYSTEM = {"type": "LocalSystem", "accelerators": [{"device": "npu", "execution_providers": ["QNNExecutionProvider"]}]}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_survey_groups_chains_by_target_and_compares_the_table(tmp_path: Path) -> None:
    def config(passes: dict[str, object], target: bool) -> str:
        body: dict[str, object] = {"input_model": {"type": "HfModel", "model_path": "a/b"}, "passes": passes}
        if target:
            body |= {"systems": {"t": SYSTEM}, "target": "t"}
        return json.dumps(body)

    builder = {"m": {"type": "ModelBuilder", "precision": "int4"}}
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.json").write_text(config(builder, target=False))
    (tmp_path / "a" / "two.json").write_text(config(builder, target=False))
    (tmp_path / "a" / "qnn.json").write_text(config({"q": {"type": "QuaRot"}}, target=True))
    (tmp_path / "a" / "onnx.json").write_text('{"input_model": {"type": "ONNXModel"}, "passes": {}}')
    for args in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True)
    text = survey(str(tmp_path / ".git"), top=2)
    assert ": 3 configs of a Hugging Face model." in text
    assert "| - | - | 2 | ModelBuilder int4 | 2 | a/one.json |" in text
    assert "| QNNExecutionProvider | npu | 1 | QuaRot | 1 | a/qnn.json |" in text
    assert "| cpu | 0.13 | ModelBuilder int4 | 2 | -/- (2) |" in text
    assert "| migraphx | 0.13 | none | 0 | – |" in text
