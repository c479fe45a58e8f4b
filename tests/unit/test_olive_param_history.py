"""tools/olive_param_history.py on a small fake Olive repository (the real mirror is not in CI)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tools.olive_param_history import Git, build, main_gone, rename_candidates

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

PASS_BASE = """
class Pass:
    _requires_user_script = False

    @classmethod
    def default_config(cls):
        config = {}
        if cls._requires_user_script:
            config.update(get_user_script_config())
        return {**config, **cls._default_config()}


def get_user_script_config():
    return {"user_script": PassConfigParam(type_=str), "script_dir": PassConfigParam(type_=str)}
"""

COMMON = """
def get_external_data_config():
    return {"save_as_external_data": PassConfigParam(type_=bool, default_value=False, description="Save.")}


def get_quantizer_config(allow_embeds=False):
    return {
        "bits": PassConfigParam(type_=int, default_value=4, description="Bits."),
        **({"embeds": PassConfigParam(type_=bool)} if allow_embeds else {}),
    }
"""

V1 = """
from copy import deepcopy

from olive.passes.olive_pass import Pass
from olive.passes.common import get_external_data_config, get_quantizer_config

_shared = {"weight_type": PassConfigParam(type_=str, default_value="QInt8", description="Weights.")}
_tuning = {"max_trials": PassConfigParam(type_=int)}


class Quantize(Pass):
    _requires_user_script = True

    @staticmethod
    def _default_config():
        config = {
            "output_model": PassConfigParam(type_=str, default_value="ov_model", description="Name of the model."),
        }
        config.update(deepcopy(_shared))
        config.update(get_external_data_config())
        for key, value in deepcopy(_tuning).items():
            config[f"tuning_{key}"] = value
        return config


class Rtn(Quantize):
    _requires_user_script = False

    @classmethod
    def _default_config(cls):
        return {**super()._default_config(), **get_quantizer_config(allow_embeds=True)}
"""

V2 = V1.replace('"output_model"', '"model_name"').replace('"Name of the model."', '"Name of the output model."')


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "olive"
    (root / "olive" / "passes").mkdir(parents=True)
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "t@example.com")
    _git(root, "config", "user.name", "t")
    (root / "olive" / "passes" / "__init__.py").write_text("from olive.passes.olive_pass import Pass\n")
    (root / "olive" / "passes" / "olive_pass.py").write_text(PASS_BASE)
    (root / "olive" / "passes" / "common.py").write_text(COMMON)
    for tag, source in (("v1", V1), ("v2", V2)):
        (root / "olive" / "passes" / "quantize.py").write_text(source)
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", tag)
        _git(root, "tag", tag)
    return root


def test_reads_spreads_helpers_bases_loops_and_class_switches(repo: Path) -> None:
    table, notes, per_tag = build(Git(repo), ["v1", "v2"])
    quantize = table["passes"]["Quantize"]
    assert quantize[""] == "v1..v2"
    assert quantize["output_model"] == "v1" and quantize["model_name"] == "v2"
    assert {"user_script", "script_dir", "weight_type", "save_as_external_data", "tuning_max_trials"} <= set(quantize)
    rtn = per_tag["v2"]["Rtn"].names
    assert "user_script" not in rtn  # the subclass turns the switch off
    assert {"bits", "embeds", "weight_type", "model_name", "tuning_max_trials"} <= set(rtn)
    assert notes == {}
    json.dumps(table)  # the vendored form is plain JSON


def test_rename_candidates_need_the_same_type_default_or_description(repo: Path) -> None:
    _, _, per_tag = build(Git(repo), ["v1", "v2"])
    found = rename_candidates(per_tag, ["v1", "v2"])
    assert "v1->v2 Quantize: output_model -> model_name (same type, default)" in found


def test_the_vendored_table_is_what_the_tool_writes() -> None:
    """The shipped table has Olive 0.13's registry exactly (checked against the vendored passes.json)."""
    root = Path(__file__).resolve().parents[2] / "schemas"
    table = json.loads((root / "olive-history" / "pass-params-by-release.json").read_text())
    registry = json.loads((root / "olive-0.13" / "passes.json").read_text())["passes"]

    def at(ranges: str, tag: str) -> bool:
        tags = table["tags"]
        for run in ranges.split(","):
            first, _, last = run.partition("..")
            if tags.index(first) <= tags.index(tag) <= tags.index(last or first):
                return True
        return False

    for name, spec in registry.items():
        params = {k for k, where in table["passes"][name].items() if k and at(where, "v0.13.0")}
        assert params == set(spec["params"]), name


def test_parameters_main_had_between_releases(repo: Path) -> None:
    source = repo / "olive" / "passes" / "quantize.py"
    source.write_text(V2.replace('"model_name"', '"runtime": PassConfigParam(type_=str), "model_name"'))
    _git(repo, "commit", "-qam", "add runtime")
    added = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    source.write_text(V2)
    _git(repo, "commit", "-qam", "remove runtime")
    _, _, per_tag = build(Git(repo), ["v1", "v2"])
    assert main_gone(Git(repo), "v2", "HEAD", per_tag) == {
        "Quantize": {"runtime": added[:9]},
        "Rtn": {"runtime": added[:9]},
    }


def test_the_history_provenance_matches_the_files() -> None:
    import hashlib

    folder = Path(__file__).resolve().parents[2] / "schemas" / "olive-history"
    provenance = json.loads((folder / "PROVENANCE.json").read_text())
    assert set(provenance["sha256"]) == {p.name for p in folder.glob("*.json")} - {"PROVENANCE.json"}
    for name, digest in provenance["sha256"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert provenance["pass-params-by-release.json"]["not_sure"]  # what the static read was not sure of is listed


def test_main_table_is_read_as_the_tags_are(repo: Path, tmp_path: Path) -> None:
    """pass-params-main.json: main's passes with every parameter Pass.default_config gives (helpers included)."""
    from tools.olive_param_history import main_table, write_main

    table, commit = main_table(Git(repo), "HEAD")
    assert table["Rtn"] == sorted(build(Git(repo), ["v2"])[2]["v2"]["Rtn"].names)
    assert {"bits", "save_as_external_data"} <= set(table["Rtn"])  # from helper functions, as at the tags
    out = tmp_path / "history" / "pass-params-by-release.json"
    out.parent.mkdir()
    written = json.loads(write_main(Git(repo), "HEAD", out).read_text())
    provenance = json.loads((out.parent / "PROVENANCE.json").read_text())
    assert written == table and provenance["pass-params-main.json"]["commit"] == commit
