"""`olivegen import FILE... | FOLDER`: several Olive configs as one matrix recipe, each variant as its config alone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olivegen.api import Options, compile
from olivegen.importer.builds import expand
from olivegen.importer.factor import factor, rebuild
from olivegen.importer.many import same_config
from olivegen.source.yaml_rt import parse
from tests.conftest import ROOT, CliResult

CONFIGS = ROOT / "tests" / "data" / "olive-configs"
TARGETS = CONFIGS / "targets"
Run = Callable[..., CliResult]


def _alone(run_cli: Run, config: Path) -> dict[str, Any]:
    """The config `olivegen import CONFIG` gives, rendered beside the config (where its relative paths point)."""
    out = config.with_suffix(".yaml")
    result = run_cli("import", config, "-o", out, "--force")
    assert result.code == 0, result.err
    (compiled,) = compile(out, Options())
    return compiled.config


def test_folder_imports_as_one_recipe_each_variant_as_alone(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "targets"
    shutil.copytree(TARGETS, folder)
    out = tmp_path / "recipe.yaml"
    result = run_cli("import", folder, "-o", out)
    assert result.code == 1, result.err  # the broken config is left out, and the exit code says so
    assert "broken/config.json:4:" in result.err and "'int3' is not allowed" in result.err
    assert "app/inference_model.json:1:1: warning[import-many]: not an Olive config" in result.err
    assert "left out 1 config(s)" in result.err
    data = parse(out.read_text(), str(out)).data
    assert list(data["matrix"]["config"]) == ["cpu-config", "cuda-config", "dml-config"]
    assert data["model"]["path"] == "microsoft/Phi-3-mini-4k-instruct"  # shared: written once
    assert "model.path" not in json.dumps(data["matrix"])
    rendered = {c.variant: c.config for c in compile(out, Options())}
    for variant in ("cpu", "cuda", "dml"):
        alone = _alone(run_cli, folder / variant / "config.json")
        got = rendered[f"{variant}-config"]
        assert same_config(alone, got, f"{variant}-config") is not None, variant
        assert got["engine"]["output_dir"] == f"{alone['engine']['output_dir']}/{variant}-config"
        got.pop("workflow_id"), alone.pop("workflow_id")
        got["engine"].pop("output_dir"), alone["engine"].pop("output_dir")
        assert got == alone, variant


def test_several_files_name_variants_by_their_paths(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(TARGETS, folder)
    result = run_cli("import", folder / "cpu" / "config.json", folder / "cuda" / "config.json")
    assert result.code == 0, result.err
    data = parse(result.out, "r.yaml").data
    assert list(data["matrix"]["config"]) == ["cpu-config", "cuda-config"]
    assert result.out.count("REVIEW") >= 1


def test_multi_build_config_imports_a_variant_per_build(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "multi-build.json"
    shutil.copy(CONFIGS / "multi-build.json", config)
    out = tmp_path / "builds.yaml"
    result = run_cli("import", config, "-o", out)
    assert result.code == 0, result.err
    assert "max_concurrent_builds" in result.err  # not carried, and said at its line
    rendered = {c.variant: c.config for c in compile(out, Options())}
    assert set(rendered) == {"cpu-int4", "cuda-fp16"}
    # Olive's expand_builds: `_default.output_dir`/<build>, only the pipeline's passes, the build's target
    assert rendered["cpu-int4"]["engine"]["output_dir"] == str(tmp_path / "out" / "cpu-int4")
    assert list(rendered["cpu-int4"]["passes"]) == ["int4"]
    assert rendered["cuda-fp16"]["passes"]["fp16"]["precision"] == "fp16"
    cuda = rendered["cuda-fp16"]["systems"][rendered["cuda-fp16"]["engine"]["target"]]
    assert cuda["accelerators"][0]["execution_providers"] == ["CUDAExecutionProvider"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"builds": {"a": {"pipeline": ["int4"], "components": ["decoder"]}}}, "picks model components"),
        ({"builds": {"a": {"pipeline": ["nope"]}}}, "unknown passes ['nope']"),
        ({"builds": {"-a": {"pipeline": ["int4"]}}}, "build name '-a'"),
        ({"builds": {"_default": {"pipeline": ["int4"]}}}, "at least one named build"),
        (
            {
                "builds": {
                    "a": {"pipeline": ["int4"], "output_dir": "o"},
                    "b": {"pipeline": ["int4"], "output_dir": "o/b"},
                }
            },
            "overlapping folders",
        ),
        ({"max_concurrent_builds": 0}, "positive integer"),
    ],
)
def test_builds_import_refuses_what_olive_or_a_recipe_cannot_do(change: dict[str, Any], message: str) -> None:
    from olivegen.errors import RecipeError

    config = json.loads((CONFIGS / "multi-build.json").read_text())
    config.update(change)
    with pytest.raises(RecipeError) as caught:
        expand(config, None, "c.json")
    assert any(message in d.message for d in caught.value.diagnostics), caught.value.diagnostics


_SCALAR = st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", "x.y", ""]), st.booleans(), st.none())
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["p", "q", "r.s"]), inner, max_size=3)
    ),
    max_leaves=6,
)
_PASS = st.fixed_dictionaries(
    {"type": st.sampled_from(["ModelBuilder", "OnnxConversion", "LoRA"])},
    optional={"config": st.dictionaries(st.sampled_from(["bits", "r", "k.v"]), _VALUE, max_size=3)},
)


@st.composite
def _recipe(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True, max_size=4))
    recipe: dict[str, Any] = draw(
        st.dictionaries(st.sampled_from(["model", "host", "target", "engine", "evaluate"]), _VALUE, max_size=4)
    )
    if draw(st.booleans()):
        recipe["passes"] = [{**draw(_PASS), "name": n} for n in names]
    return recipe


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_recipe(), min_size=1, max_size=5))
def test_factoring_gives_every_variant_back_exactly(recipes: list[dict[str, Any]]) -> None:
    """Property: the common part with a variant's cell laid on it as a matrix lays it is that variant's recipe."""
    named = {f"v{i}": r for i, r in enumerate(recipes)}
    factored = factor(named)
    for name, recipe in named.items():
        assert rebuild(factored, name) == recipe


def test_a_value_another_variant_writes_is_written_once_with_changes() -> None:
    """Two variants writing the same engine settings but their folders: one writes it, the other aliases and changes."""
    from olivegen.importer.emit import recipe_yaml

    engine = {
        "cache_dir": "./a/cache/folder/of/some/length",
        "log_level": 1,
        "olive": {"no_artifacts": True, "evaluate_input_model": False},
        "clean_cache": True,
    }
    recipes = {
        "a": {"engine": {"output_dir": "o1", **engine}},
        "b": {"engine": {"output_dir": "o2", **engine}},
        "c": {"engine": {"output_dir": "x"}},
        "d": {"engine": {"output_dir": "y"}},
    }
    factored = factor(recipes)
    assert factored.based == [("a", "engine", "b")]
    assert factored.cells["a"]["engine"] == factored.cells["b"]["engine"]  # b's value, aliased in the YAML
    assert factored.cells["a"]["engine.output_dir"] == "o1"
    for name, recipe in recipes.items():
        assert rebuild(factored, name) == recipe
    text = recipe_yaml({"matrix": {"config": factored.cells}}, {}, source="x", generation="0.13", compact=True)
    assert text.count("*engine") == 1 and text.count("cache_dir") == 1


def test_a_list_is_the_common_one_with_items_deleted_renamed_and_changed() -> None:
    """A data list the others share, less one item and with another renamed: changes, not the list again."""

    def item(name: str, length: int) -> dict[str, Any]:
        hub = {"name": "wikitext", "subset": "wikitext-2-raw-v1"}
        return {"name": name, "hub": hub, "max_seq_len": length, "strategy": "join", "text_cols": ["text", "more"]}

    both = [item("joined", 4096), item("act", 512)]
    train = {**item("train", 512), "strategy": "line"}
    recipes = {"a": {"data": both}, "b": {"data": both}, "c": {"data": both}, "e": {"data": [train]}}
    factored = factor(recipes)
    # the item it differs least from is changed and renamed (a mapping on one line laid on it, found by its old name)
    assert factored.cells["e"] == {"data.joined": "$delete", "data.act": {"strategy": "line", "name": "train"}}
    for name, recipe in recipes.items():
        assert rebuild(factored, name) == recipe
    # a list that cannot be had by deleting and changing items (another order) is written whole
    recipes["e"] = {"data": [both[1], both[0]]}
    factored = factor(recipes)
    assert factored.cells["e"] == {"data": [both[1], both[0]]}
    assert "e" in factored.whole_lists["data"]


def test_a_list_few_variants_have_is_kept_out_of_the_common_part() -> None:
    """Two of six variants have data: in the common part, four would delete it; in a cell, the other aliases it."""

    def item(name: str, length: int) -> dict[str, Any]:
        return {"name": name, "hub": {"name": "w"}, "max_seq_len": length, "strategy": "join", "text_cols": ["t"]}

    recipes: dict[str, dict[str, Any]] = {
        "a": {"model": {"path": "m"}, "data": [item("j", 1), item("k", 2)]},
        "b": {"model": {"path": "m"}, "data": [item("j", 1), item("k", 3)]},
        **{v: {"model": {"path": "m"}} for v in "cdef"},
    }
    factored = factor(recipes)
    assert "data" in factored.apart and "data" not in factored.common
    assert not any(value == "$delete" for cell in factored.cells.values() for value in cell.values())
    assert factored.cells["a"] == {"data": recipes["b"]["data"], "data.k.max_seq_len": 2}
    for name, recipe in recipes.items():
        assert rebuild(factored, name) == recipe


def test_matrix_variants_render_as_single_imports_of_generated_configs(run_cli: Run, tmp_path: Path) -> None:
    """Property on rendering: configs differing in a few keys and in their pass lists, imported together."""
    base = json.loads((TARGETS / "cpu" / "config.json").read_text())
    variants = {
        "a": {"passes": {"builder": {"type": "ModelBuilder", "precision": "int4"}}},
        "b": {
            "passes": {
                "lora": {"type": "LoRA", "train_data_config": "d"},
                "builder": {"type": "ModelBuilder", "precision": "int4"},
            }
        },
        "c": {
            "passes": {"builder": {"type": "ModelBuilder", "precision": "fp32", "int4_block_size": 16}},
            "log_severity_level": 3,
        },
    }
    data = {
        "name": "d",
        "type": "HuggingfaceContainer",
        "load_dataset_config": {"data_name": "x/y", "split": "train"},
        "pre_process_data_config": {"text_template": "{t}"},
    }
    for name, change in variants.items():
        config = {**base, **change}
        if "lora" in change["passes"]:
            config["data_configs"] = [data]
        (tmp_path / name).mkdir()
        (tmp_path / name / "c.json").write_text(json.dumps(config))
    out = tmp_path / "r.yaml"
    result = run_cli("import", tmp_path / "a", tmp_path / "b", tmp_path / "c", "-o", out)
    assert result.code == 0, result.err
    rendered = {c.variant: c.config for c in compile(out, Options())}
    for name in variants:
        alone = _alone(run_cli, tmp_path / name / "c.json")
        assert same_config(alone, rendered[f"{name}-c"], f"{name}-c") is not None, name


def test_builds_import_says_what_no_build_runs() -> None:
    config = json.loads((CONFIGS / "multi-build.json").read_text())
    config["builds"] = {"only": {"pipeline": ["int4"]}}
    builds, notes = expand(config, None, "c.json")
    assert [name for name, _ in builds] == ["only"]
    assert builds[0][1]["engine"]["output_dir"] == "output/only"  # Olive's default parent folder
    assert builds[0][1]["workflow_id"] == "phi3_only"
    said = [d.message for d in notes]
    assert any(m.startswith("$.passes.fp16: no build's `pipeline` names it") for m in said), said
    assert any(m.startswith("$.max_concurrent_builds:") for m in said), said


def test_multi_build_findings_are_said_once_not_per_build(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "multi-build.json"
    shutil.copy(CONFIGS / "multi-build.json", config)
    result = run_cli("import", config)
    assert result.code == 0, result.err
    assert "cuda_system" not in result.err  # the cuda build's target: not unused


def test_migration_doc_shows_what_import_writes(run_cli: Run, tmp_path: Path) -> None:
    """docs/migration.md's two multi-config examples are this olivegen's output (the modeline aside)."""
    import re

    doc = (ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Many configs, one recipe") : doc.index("## Checking Olive configs")]
    yamls = re.findall(r"^```yaml\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    consoles = re.findall(r"^```console\n\$ olivegen (.*?)\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    shutil.copytree(TARGETS, tmp_path / "targets")
    shutil.copy(CONFIGS / "multi-build.json", tmp_path)
    for (command, said), shown in zip(consoles, yamls, strict=True):
        words = command.split()
        result = run_cli(*words, cwd=tmp_path)
        assert result.err == said, command
        written = (tmp_path / words[-1]).read_text(encoding="utf-8").splitlines()
        mine = [line for line in written if not line.startswith("# yaml-")]
        assert "\n".join(mine) == "\n".join(line for line in shown.splitlines() if not line.startswith("# yaml-"))


def test_each_configs_relative_paths_keep_meaning_its_own_folder(run_cli: Run, tmp_path: Path) -> None:
    """A config's `user_script` and output folder meant its folder; in the recipe above it they are rebased."""
    data = {
        "name": "d",
        "type": "HuggingfaceContainer",
        "load_dataset_config": {"data_name": "x/y", "split": "train"},
        "pre_process_data_config": {"text_template": "{t}"},
    }
    for name, precision, script in (("a", "int4", True), ("b", "fp32", False)):
        (tmp_path / name).mkdir()
        config = {
            "input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"},
            "data_configs": [{**data, **({"user_script": "s.py"} if script else {})}],
            "passes": {
                "lora": {"type": "LoRA", "train_data_config": "d"},
                "mb": {"type": "ModelBuilder", "precision": precision},
            },
            "output_dir": "out",
        }
        (tmp_path / name / "c.json").write_text(json.dumps(config))
    (tmp_path / "a" / "s.py").write_text("x = 1\n")
    out = tmp_path / "r.yaml"
    result = run_cli("import", tmp_path, "-o", out)
    assert result.code == 0, result.err
    text = out.read_text()
    assert "user_script: ./a/s.py" in text and "output_dir: ./a/out" in text
    rendered = {c.variant: c.config for c in compile(out, Options())}
    for name in ("a", "b"):
        alone = _alone(run_cli, tmp_path / name / "c.json")
        assert same_config(alone, rendered[f"{name}-c"], f"{name}-c") is True  # equal but the matrix's own folder


_PROVIDERS = st.sampled_from(
    [("cpu", "CPUExecutionProvider"), ("gpu", "CUDAExecutionProvider"), ("gpu", "DmlExecutionProvider")]
)


@st.composite
def _config(draw: st.DrawFn) -> dict[str, Any]:
    """A small Olive config: a ModelBuilder build for some provider, maybe after a LoRA, with engine settings."""
    device, provider = draw(_PROVIDERS)
    precision = draw(st.sampled_from(["int4", "fp32"] + (["fp16"] if device == "gpu" else [])))
    builder: dict[str, Any] = {"type": "ModelBuilder", "precision": precision}
    if precision == "int4" and draw(st.booleans()):
        builder["int4_block_size"] = draw(st.sampled_from([16, 32, 64]))
    passes: dict[str, Any] = {}
    config: dict[str, Any] = {"input_model": {"type": "HfModel", "model_path": "microsoft/Phi-3-mini-4k-instruct"}}
    if draw(st.booleans()):
        passes["lora"] = {"type": "LoRA", "train_data_config": "d", "r": draw(st.sampled_from([8, 16]))}
        config["data_configs"] = [
            {
                "name": "d",
                "type": "HuggingfaceContainer",
                "load_dataset_config": {"data_name": "x/y", "split": "train"},
                "pre_process_data_config": {"text_template": "{t}"},
            }
        ]
    passes[draw(st.sampled_from(["builder", "mb"]))] = builder
    system = {"type": "LocalSystem", "accelerators": [{"device": device, "execution_providers": [provider]}]}
    config |= {"systems": {"s": system}, "passes": passes, "host": "s", "target": "s"}
    for key, values in (("output_dir", ["out", "models/x"]), ("cache_dir", ["cache"]), ("log_severity_level", [0, 3])):
        if draw(st.booleans()):
            config[key] = draw(st.sampled_from(values))
    return config


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(configs=st.lists(_config(), min_size=2, max_size=4))
def test_every_variant_renders_as_its_config_imported_alone(
    configs: list[dict[str, Any]], tmp_path_factory: Any
) -> None:
    """Property: generated configs in two folders, imported together; each variant renders as its single import."""
    from olivegen.api import import_configs

    root = tmp_path_factory.mktemp("configs")
    for i, config in enumerate(configs):
        folder = root / ("a" if i % 2 else "b") / str(i)
        folder.mkdir(parents=True)
        (folder / "config.json").write_text(json.dumps(config))
    out = root / "recipe.yaml"
    imported = import_configs([root], out)
    assert imported.text is not None and not imported.left_out, imported.diagnostics
    out.write_text(imported.text)
    rendered = {c.variant: c.config for c in compile(out, Options())}
    for i in range(len(configs)):
        path = root / ("a" if i % 2 else "b") / str(i) / "config.json"
        from olivegen.importer import convert_config, recipe_yaml
        from olivegen.source.olive_config import load_config_with_positions

        data, where = load_config_with_positions(path)
        converted = convert_config(data, where, str(path))
        beside = path.with_suffix(".yaml")
        beside.write_text(recipe_yaml(converted.recipe, converted.comments, source="c", generation="g"))
        (alone,) = compile(beside, Options())
        name = f"{'a' if i % 2 else 'b'}-{i}-config"
        assert same_config(alone.config, rendered[name], name) is not None, name


def test_a_folder_with_one_config_gives_a_plain_recipe(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "cpu").mkdir()
    shutil.copy(TARGETS / "cpu" / "config.json", tmp_path / "cpu")
    out = tmp_path / "r.yaml"
    result = run_cli("import", tmp_path, "-o", out)
    assert result.code == 0, result.err
    assert "one config, rendering as its config imported alone" in result.err
    assert "matrix" not in out.read_text()
    (compiled,) = compile(out, Options())
    alone = _alone(run_cli, tmp_path / "cpu" / "config.json")
    assert same_config(alone, compiled.config, "cpu-config") is False  # equal, the output folder too


def test_a_shared_form_that_renders_differently_falls_back_to_whole_keys(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """If the compiled matrix ever differs from a single import, import writes every key whole, and says so."""
    import olivegen.importer.many as many
    from olivegen.api import import_configs

    real = many.same_config
    calls = {"n": 0}

    def first_differs(alone: dict[str, Any], variant: dict[str, Any], name: str) -> bool | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(alone, variant, name)

    monkeypatch.setattr(many, "same_config", first_differs)
    shutil.copytree(TARGETS, tmp_path / "t")
    imported = import_configs([tmp_path / "t"], tmp_path / "t" / "r.yaml")
    assert imported.text is not None
    assert any("every key is written whole" in d.message for d in imported.diagnostics)
    data = parse(imported.text, "r.yaml").data
    assert set(data) == {"name", "matrix"}  # nothing shared: each cell holds its config's whole recipe
    assert "written whole in every cell" in imported.text


def test_a_hostile_folder_is_reported_file_by_file(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "arr.json").write_text("[1, 2]")
    (folder / "a" / "bin.json").write_bytes(b"\xff\xfe{")
    (folder / "a" / "link.json").symlink_to(TARGETS / "cpu" / "config.json")
    shutil.copy(TARGETS / "cpu" / "config.json", folder / "a" / "ok.json")
    result = run_cli("import", folder, "-o", tmp_path / "r.yaml")
    assert result.code == 1 and "Traceback" not in result.err
    assert "link.json:1:1: warning[import-many]: a link: not followed" in result.err
    assert "arr.json:1:1: error[recipe]: an Olive config is a JSON object" in result.err
    assert "bin.json:1:1: error[recipe]: the file is not UTF-8" in result.err
    assert "left out 2 config(s)" in result.err and (tmp_path / "r.yaml").is_file()


def test_configs_beyond_the_total_size_are_refused_before_they_are_read(run_cli: Run, tmp_path: Path) -> None:
    """2 MiB together at most, a linked file counted as the file it names; the work is bounded by the total."""
    folder = tmp_path / "big"
    folder.mkdir()
    for i in range(3):
        (folder / f"c{i}.json").write_text('{"passes": {}, "pad": "' + "x" * (800 * 1024) + '"}')
    refused = run_cli("import", folder, "-o", tmp_path / "r.yaml")
    assert refused.code == 1 and "Traceback" not in refused.err
    assert "hold 2400 KiB, more than 2048 KiB" in refused.err and not (tmp_path / "r.yaml").exists()
    (tmp_path / "link.json").symlink_to(folder / "c0.json")
    named = (tmp_path / "link.json", folder / "c1.json", folder / "c2.json")
    linked = run_cli("import", *named, "-o", tmp_path / "r.yaml")
    assert "more than 2048 KiB" in linked.err


MAIN_WHEELS = sorted((ROOT.parent / "shared" / "olive-main").glob("olive_ai-*.whl"))


@pytest.mark.skipif(not MAIN_WHEELS, reason="needs ../shared/olive-main (Olive main's wheel)")
def test_builds_expand_as_olive_mains_own_expand_builds() -> None:
    """Differential: `importer/builds.py` against `expand_builds` read from Olive main's wheel (not installed).

    Its imports are replaced by stand-ins of what `expand_builds` uses: the two build models of
    olive/workflows/run/config.py (same fields; system and evaluator values kept as written); the rest
    of its imports only appear in signatures and in code `expand_builds` does not reach here.
    """
    import copy
    import itertools
    import re
    import zipfile
    from collections import OrderedDict
    from typing import Optional, Union

    from pydantic import BaseModel, ConfigDict, Field

    with zipfile.ZipFile(MAIN_WHEELS[-1]) as wheel:
        source = wheel.read("olive/workflows/run/builds.py").decode()
    source = source[source.index("BUILD_DEFAULT_KEY") :]

    class BuildConfigPartial(BaseModel):
        model_config = ConfigDict(extra="forbid")
        components: Optional[list[str]] = Field(None, min_length=1)  # noqa: UP045 (as Olive writes it)
        pipeline: Optional[list[str]] = Field(None, min_length=1)  # noqa: UP045
        output_dir: Optional[str] = None  # noqa: UP045
        host: Optional[Union[dict[str, Any], str]] = None  # noqa: UP007, UP045
        target: Optional[Union[dict[str, Any], str]] = None  # noqa: UP007, UP045
        evaluator: Optional[Union[dict[str, Any], str]] = None  # noqa: UP007, UP045
        search_strategy: Optional[Union[dict[str, Any], bool]] = None  # noqa: UP007, UP045

    class BuildConfig(BuildConfigPartial):
        pipeline: list[str] = Field(..., min_length=1)

    olive: dict[str, Any] = {
        "re": re, "OrderedDict": OrderedDict, "deepcopy": copy.deepcopy, "Path": Path, "Optional": Optional,
        "Union": Union, "combinations": itertools.combinations, "product": itertools.product,
        "BuildConfig": BuildConfig, "BuildConfigPartial": BuildConfigPartial, "DEFAULT_WORKFLOW_ID": "default_workflow",
        # named in signatures and in functions `expand_builds` does not call (components: refused by import)
        "RunConfig": None, "CacheConfig": None, "ModelConfig": None, "SystemType": None, "load_config_file": None,
    }  # fmt: skip
    import builtins

    exec(builtins.compile(source, "olive/workflows/run/builds.py", "exec"), olive)  # noqa: S102 (Olive's own code)
    base = json.loads((CONFIGS / "multi-build.json").read_text())
    two = {"b": {"pipeline": ["fp16", "int4"], "output_dir": "x"}}
    cases = [
        base,
        {**base, "builds": {"_default": {"pipeline": ["int4"]}, "a": {}, **two}},
        {
            **base,
            "workflow_id": "w",
            "output_dir": "top",
            "builds": {"a": {"pipeline": ["int4"], "search_strategy": False}},
        },
        {
            **base,
            "engine": {"output_dir": "e"},
            "builds": {"_default": {"output_dir": "p/q/"}, "a.1": {"pipeline": ["fp16"]}},
        },
    ]
    for config in cases:
        want = olive["expand_builds"](copy.deepcopy(config))
        got, _ = expand(copy.deepcopy(config), None, "c.json")
        assert [name for name, _ in got] == list(want)
        for name, child in got:
            assert child == want[name], name


def test_a_configs_workflow_id_is_kept_alone_and_said_when_a_matrix_replaces_it(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    for target in ("cpu", "cuda"):
        config = json.loads((TARGETS / target / "config.json").read_text())
        config["workflow_id"] = f"phi_{target}"
        (folder / target).mkdir(parents=True)
        (folder / target / "config.json").write_text(json.dumps(config, indent=2))
    many = run_cli("import", folder, "-o", tmp_path / "r.yaml")
    assert many.code == 0, many.err
    for target in ("cpu", "cuda"):
        said = f"warning[import-many]: $.workflow_id: 'phi_{target}' is not kept: one recipe has one `name:`"
        assert f"config.json:{_line_of(folder / target / 'config.json', 'workflow_id')}:" in many.err
        assert said in many.err and f"runs as workflow `t-{target}-config`" in many.err
    shutil.rmtree(folder / "cuda")
    one = run_cli("import", folder, "-o", tmp_path / "one.yaml")  # one config: its own name, as imported alone
    assert one.code == 0 and "name: phi_cpu" in (tmp_path / "one.yaml").read_text()


def _line_of(path: Path, key: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if f'"{key}"' in line)


def test_a_recipe_that_cannot_compile_says_why_not_import_one_by_one(run_cli: Run, tmp_path: Path) -> None:
    """-o names a link out of the repository: the recipe's own compile refuses it, and that is what is said."""
    shutil.copytree(TARGETS, tmp_path / "t")
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.yaml"
    outside.write_text("")
    (tmp_path / "t" / "link.yaml").symlink_to(outside)
    (tmp_path / "t" / ".git").mkdir()  # the repository the recipe may read from
    result = run_cli("import", tmp_path / "t", "-o", tmp_path / "t" / "link.yaml", "--force")
    assert result.code == 1 and "the recipe is a link to a file outside its repository" in result.err
    assert "import them one by one" not in result.err and outside.read_text() == ""
