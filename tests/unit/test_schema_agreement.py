"""The shipped JSON schema and `olivegen validate` agree, both ways, on every recipe the tests and examples hold.

Each file of `tests/recipes/` (top level, `compose/`, `invalid/`) and `examples/` (and the bases they
extend) is checked by `olivegen validate` (`api.compile`) and by a standard validator of the draft
the schema declares (jsonschema's Draft7Validator on `schemas/recipe.schema.json` as committed):

- a file `validate` accepts (with its bases) is valid in the schema;
- a file `validate` refuses for a schema-level reason is invalid in the schema, at the same line
  (the error jsonschema's `best_match` picks, as an editor shows the closest branch of an `anyOf`).
  Schema-level: the ids of the recipe-model stage (`SCHEMA_RULES`, all in `STAGE_RULES`: unknown
  or outdated key, missing key, wrong type or value, pass type). The file checked is the one the
  diagnostic is in (a base's mistake is the base's).
- any other refusal is beyond one file's schema, and why follows from the rule id alone
  (`exemption`): the text is not a YAML mapping (no document to check), a credential (`secret`),
  the installed Olive (`olive`), composition across files or the environment (`OTHER_RULES`),
  a semantic rule (`checks/`: files on disk, data sets named, pass order ...).

The crafted recipes below pin issue 20's item 10: composition syntax, closed pass types, bounds,
no string-to-number coercion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from olivegen import api
from olivegen.checks.base import OTHER_RULES, RULE_INFO, STAGE_RULES
from olivegen.errors import RecipeError, Severity
from olivegen.source.yaml_rt import parse
from tests.conftest import EXAMPLES, ROOT

SCHEMA = json.loads((ROOT / "schemas" / "recipe.schema.json").read_text(encoding="utf-8"))
assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
VALIDATOR = Draft7Validator(SCHEMA)
RECIPES = ROOT / "tests" / "recipes"
SCHEMA_RULES = {"unknown-key", "legacy-key", "missing-key", "invalid-value", "pass-type", "indentation"}
NO_DOCUMENT = {"recipe", "yaml", "indentation"}  # refused before there is a document (indentation: when it parses)

CASES = sorted(
    {
        *RECIPES.glob("*.yaml"),
        *RECIPES.glob("compose/*.yaml"),
        *RECIPES.glob("invalid/*.yaml"),
        *EXAMPLES.glob("*.yaml"),
        *EXAMPLES.glob("team/*.yaml"),
        *EXAMPLES.glob("targets/*.yaml"),
    }
)


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _document(path: Path, text: str | None = None) -> Any:
    """Return the file as plain data (what an editor's YAML language server hands the schema), or None."""
    try:
        return parse(path.read_text(encoding="utf-8") if text is None else text, str(path)).data
    except (RecipeError, UnicodeDecodeError):
        return None


def _schema_errors(data: Any) -> list[Any]:
    return sorted(VALIDATOR.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))


def _verdict(path: Path) -> tuple[list[Path], list[Any]]:
    """Return the files `validate` read when it accepts the recipe, or its error diagnostics."""
    try:
        compiled = api.compile(path)
    except RecipeError as exc:
        return [], [d for d in exc.diagnostics if d.severity == Severity.ERROR]
    return sorted({Path(p) for c in compiled for p in (c.inputs or (c.path,))}), []


def exemption(rule: str, parsed: bool) -> str | None:
    """Say why a refusal with this rule id is beyond the schema of one file; None when the schema must refuse too."""
    if rule in NO_DOCUMENT and not parsed:
        return "the text is not a YAML mapping: there is no document for a schema"
    if rule in SCHEMA_RULES:
        return None
    if rule == "secret":
        return "a credential is known by its shape and key name, checked on the composed recipe and the output"
    if rule in STAGE_RULES:
        return f"{rule}: {STAGE_RULES[rule][1]}"
    if rule in OTHER_RULES:
        return f"composition or the command, not one file's shape: {OTHER_RULES[rule][1]}"
    if rule in RULE_INFO:
        return f"semantic rule: {RULE_INFO[rule].summary}"
    raise AssertionError(f"rule id {rule!r} is in no rule table")


def _lines(where: Any, error: Any) -> set[int]:
    """Return the lines a schema error is about: its place, and for a mapping its keys (an unexpected key's line)."""
    loc = tuple(error.absolute_path)
    keys = error.instance if isinstance(error.instance, dict) else {}
    return {where.lookup(loc).line, where.lookup(loc, prefer_value=True).line} | {
        where.lookup((*loc, key)).line for key in keys
    }


@pytest.mark.parametrize("path", CASES, ids=[_name(p) for p in CASES])
def test_schema_and_validate_agree(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    read, refused = _verdict(path)
    if not refused:
        for file in read:
            errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in _schema_errors(_document(file))]
            assert errors == [], f"validate accepts {_name(path)}, the schema refuses {file}"
        return
    for diagnostic in refused:
        assert diagnostic.at is not None, diagnostic
        file = (ROOT / diagnostic.at.path).resolve()
        data = _document(file)
        if exemption(diagnostic.rule, data is not None) is not None:
            continue
        errors = _schema_errors(data)
        assert errors, f"validate refuses {diagnostic} ({diagnostic.rule}); the schema accepts {_name(file)}"
        where = parse(file.read_text(encoding="utf-8"), str(file)).where
        lines = {line for e in errors for line in _lines(where, best_match([e]))}
        assert diagnostic.at.line in lines, f"{diagnostic}: the schema reports lines {sorted(lines)}"


def test_the_cases_and_the_exemptions() -> None:
    """Every case is judged; the exempt ones follow from their rule ids (the table is computed, not written)."""
    assert len(CASES) >= 80
    exempt: dict[str, str] = {}
    checked = 0
    for path in CASES:
        read, refused = _verdict(path)
        for d in refused:
            assert d.at is not None
            why = exemption(d.rule, _document((ROOT / d.at.path).resolve()) is not None)
            if why is None:
                checked += 1
            else:
                exempt[_name(path)] = why
    assert checked >= 40  # refusals the schema must share
    reasons = {why.split(":")[0] for why in exempt.values()}
    assert reasons <= {
        "the text is not a YAML mapping",
        "a credential is known by its shape and key name, checked on the composed recipe and the output",
        "composition or the command, not one file's shape",
        "semantic rule",
    }, reasons
    assert "tests/recipes/invalid/missing-data-file.yaml" in exempt  # a file on disk
    assert "tests/recipes/invalid/yaml-syntax.yaml" in exempt
    assert "tests/recipes/invalid/unknown-top-key.yaml" not in exempt


# --- crafted recipes: item 10 of issue 20 -----------------------------------------------------------------------

BASE = (
    "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
    "data:\n  - name: travel\n    hub: {name: tatsu-lab/alpaca}\n    text_cols: [text]\n"
)


def _both(tmp_path: Path, text: str, **files: str) -> tuple[list[str], list[Any]]:
    """Return validate's error rule ids and the schema's errors for a recipe written in `tmp_path`."""
    (tmp_path / ".git").mkdir(exist_ok=True)  # the recipes' repository: bases may be read inside it
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(text, encoding="utf-8")
    try:
        api.compile(recipe, api.Options(env={}))
        rules: list[str] = []
    except RecipeError as exc:
        rules = [f"{d.rule}@{d.at.line if d.at else 0}" for d in exc.diagnostics if d.severity == Severity.ERROR]
    return rules, _schema_errors(_document(recipe, text))


LORA = "passes:\n  - type: lora\n    train_data: travel\n"


@pytest.mark.parametrize(
    "text",
    [
        BASE + LORA + "    training:\n      max_steps: ${TRAVEL_STEPS:-100}\n",
        BASE + LORA + "    r: ${RANK:-16}\n    alpha: ${ALPHA:-32}\n    lora_dropout: ${DROPOUT:-0.1}\n",
        BASE + LORA + "  - type: merge\n  - type: builder\n    precision: ${PRECISION:-int4}\n",
        BASE + LORA + "  - type: merge\n  - {type: builder, precision: int4, int4_block_size: '${BLOCK:-32}'}\n",
        BASE + "target: ${TARGET:-cpu}\npasses:\n  - type: rtn\n",
        BASE + "host:\n  type: local\n  provider: ${PROVIDER:-cuda}\npasses:\n  - type: rtn\n",
        BASE + "passes:\n  - type: ${PASS:-rtn}\n",
        BASE + "engine:\n  log_level: ${LOG:-2}\npasses:\n  - type: rtn\n",
        BASE + "olive: ${OLIVE:-0.13}\npasses:\n  - type: rtn\n",
    ],
    ids=["int", "lora-numbers", "enum", "enum-flow", "shorthand", "provider", "pass-type", "log-level", "olive"],
)
def test_a_variable_is_valid_in_any_scalar_position(tmp_path: Path, text: str) -> None:
    rules, errors = _both(tmp_path, text)
    assert rules == []
    assert [e.message for e in errors] == []


def test_delete_and_matrix_cells_are_valid_where_validate_takes_them(tmp_path: Path) -> None:
    base = (
        BASE
        + "evaluate:\n  metrics:\n    - {name: latency, type: latency, sub_types: [avg], data: travel}\n"
        + LORA
        + "  - type: merge\n  - {type: builder, precision: int4}\n"
    )
    child = (
        "extends: base.yaml\n"
        "evaluate: $delete\n"
        "engine:\n  cache_dir: $delete\n"
        "matrix:\n"
        "  rank:\n"
        "    r8:\n      passes.lora.r: 8\n"
        "    r16: ~\n"
        "  target:\n"
        "    cpu.int4:\n      target: cpu\n"
        "    cuda-fp16:\n      target: cuda\n      passes.builder.precision: fp16\n"
        "  exclude:\n    - {rank: r8, target: cuda-fp16}\n"
    )
    rules, errors = _both(tmp_path, child, **{"base.yaml": base})
    assert rules == []
    assert [e.message for e in errors] == []
    assert api.compile(tmp_path / "base.yaml") and _schema_errors(_document(tmp_path / "base.yaml")) == []
    _, bad = _both(tmp_path, child.replace("cpu.int4", "cpu int4"), **{"base.yaml": base})
    assert bad  # a matrix value is letters, digits and `_ . -`


@pytest.mark.parametrize(
    ("item", "line"),
    [
        ("  - type: ModelBuildr\n    precision: int4\n", 8),
        ("  - type: merg\n", 8),
        ("  - type: OnnxQuantizaton\n", 8),
        ("  - type: OrtPerfTuning\n", 8),  # renamed in Olive 0.13: its old name is not registered
    ],
    ids=["ModelBuildr", "merg", "generic-typo", "renamed"],
)
def test_an_unknown_pass_type_is_an_error_at_the_type(tmp_path: Path, item: str, line: int) -> None:
    rules, errors = _both(tmp_path, BASE + "passes:\n" + item)
    assert rules == [f"pass-type@{line}"] or rules == [f"invalid-value@{line}"]
    assert [list(e.absolute_path) for e in errors] == [["passes", 0, "type"]], [e.message for e in errors]
    assert "is not one of" in errors[0].message and "'ModelBuilder'" in errors[0].message


@pytest.mark.parametrize(
    "spelling", ["ModelBuilder", "modelbuilder", "builder", "Model_Builder", "MODEL-BUILDER", "model builder"]
)
def test_pass_type_spellings_validate_takes(tmp_path: Path, spelling: str) -> None:
    rules, errors = _both(tmp_path, BASE + f"passes:\n  - type: {spelling}\n    precision: int4\n")
    assert rules == [] and [e.message for e in errors] == []
    rules, errors = _both(tmp_path, BASE + f"passes:\n  - type: {spelling}\n    precison: int4\n")
    assert rules and errors


def test_generic_passes_are_olive_registry_names_with_their_parameters(tmp_path: Path) -> None:
    ok = (
        BASE
        + "passes:\n  - type: OnnxConversion\n  - type: onnx_static_quantization\n    config: {quant_format: QDQ}\n"
    )
    assert _both(tmp_path, ok) == ([], [])
    rules, errors = _both(tmp_path, ok.replace("quant_format", "quant_formt"))
    assert rules == ["invalid-value@10"] and [list(e.absolute_path) for e in errors] == [["passes", 1, "config"]]
    only_09 = BASE + "passes:\n  - type: OnnxConversion\n  - type: VitisAIQuantization\n"
    assert _both(tmp_path, only_09)[0] and _both(tmp_path, only_09)[1]
    assert _both(tmp_path, 'olive: "0.9"\n' + only_09) == ([], [])


@pytest.mark.parametrize(
    ("field", "value"),
    [("lora_dropout", "1.5"), ("r", "-1"), ("r", "0"), ("r", '"16"'), ("alpha", '"16"'), ("lora_dropout", '"0.1"')],
)
def test_bounds_and_types_are_refused_by_both(tmp_path: Path, field: str, value: str) -> None:
    rules, errors = _both(tmp_path, BASE + LORA + f"    {field}: {value}\n")
    assert rules == ["invalid-value@10"]
    assert [list(e.absolute_path) for e in errors] == [["passes", 0, field]]


def test_no_string_to_number_coercion(tmp_path: Path) -> None:
    """`r: "16"` and `learning_rate: "1e-4"` are text, refused by both; no Pydantic bound is left unconverted."""
    for line in ('    r: "16"\n', '    training: {learning_rate: "1e-4"}\n', '    training: {max_steps: "100"}\n'):
        rules, errors = _both(tmp_path, BASE + LORA + line)
        assert rules and errors, line
    assert not any(k in json.dumps(SCHEMA) for k in ('"gt"', '"ge"', '"lt"', '"le"'))


@pytest.mark.parametrize("word", ["yes", "On", "TRUE", "n", "0", "1"])
def test_a_yes_no_word_is_taken_by_both_as_olive_takes_it(tmp_path: Path, word: str) -> None:
    """A yes/no field reads the words Pydantic (and so Olive) reads: both take them, and render a boolean."""
    text = BASE.replace("  path: ", f"  trust_remote_code: {word}\n  path: ") + "passes:\n  - type: rtn\n"
    assert _both(tmp_path, text) == ([], [])
    (compiled,) = api.compile(tmp_path / "recipe.yaml")
    rendered = compiled.config["input_model"].get("load_kwargs", {}).get("trust_remote_code", False)  # false: left out
    assert rendered is (word.lower() in ("yes", "on", "true", "1"))
    rules, errors = _both(tmp_path, text.replace(f"trust_remote_code: {word}", "trust_remote_code: maybe"))
    assert rules and errors


# --- the schema file a modeline names: missing or stale is a `schema-file` warning --------------------------------


def _validate_warnings(recipe: Path) -> list[str]:
    (compiled,) = api.compile(recipe)
    return [f"{d.rule}@{d.at.line}:{d.at.col}" if d.at else d.rule for d in compiled.warnings]


def test_a_stale_or_missing_schema_file_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    schema = tmp_path / "schemas" / "recipe.schema.json"
    recipe = tmp_path / "recipes" / "r.yaml"
    recipe.parent.mkdir()
    recipe.write_text(
        "# yaml-language-server: $schema=../schemas/recipe.schema.json\n"
        "model: {path: microsoft/Phi-3-mini-4k-instruct}\npasses: [{type: rtn}]\n"
    )
    assert _validate_warnings(recipe) == ["schema-file@1:33"]  # missing: editors cannot load it
    schema.parent.mkdir()
    schema.write_text((ROOT / "schemas" / "recipe.schema.json").read_text(encoding="utf-8"))
    assert _validate_warnings(recipe) == []  # what `olivegen schema -o` writes today
    old = json.loads(schema.read_text())
    old["definitions"]["LoRA"]["properties"]["alpha"]["else"]["gt"] = 0  # an older olivegen's schema
    schema.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n")
    assert _validate_warnings(recipe) == ["schema-file@1:33"]
    bad = recipe.with_name("bad.yaml")
    bad.write_text(recipe.read_text().replace("rtn", "rtnn"))
    with pytest.raises(RecipeError) as refused:  # a refused recipe is told about its stale schema too
        api.compile(bad)
    assert sorted(d.rule for d in refused.value.diagnostics) == ["pass-type", "schema-file"]


def test_a_url_or_another_tools_schema_is_not_judged(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "other.json").write_text('{"$id": "https://example.com/other.json"}\n')
    body = "model: {path: microsoft/Phi-3-mini-4k-instruct}\npasses: [{type: rtn}]\n"
    for target in (
        "https://raw.githubusercontent.com/olivegen/olivegen/v0.1.0/schemas/recipe.schema.json",
        "other.json",
    ):
        recipe = tmp_path / "r.yaml"
        recipe.write_text(f"# yaml-language-server: $schema={target}\n{body}")
        assert _validate_warnings(recipe) == []


def test_examples_name_the_repository_schema_and_it_is_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for path in sorted(EXAMPLES.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == "# yaml-language-server: $schema=../schemas/recipe.schema.json", path
        assert "schema-file" not in {d.rule for c in api.compile(path) for d in c.warnings}


@pytest.mark.parametrize(
    "text",
    [
        BASE + "passes:\n  - type: builder\n    precision: int4\n    options: {int4_blok_size: 32}\n",
        BASE + "passes:\n  - type: builder\n    precision: int4\n    options: {precision: fp16}\n",
        BASE + "passes:\n  - type: OnnxStaticQuantization\n    options: {quant_format: QDQ}\n",
        BASE.replace("  path: microsoft/Phi-3-mini-4k-instruct\n", "  path: a/b\n  olive: {type: HfModel}\n")
        + "passes:\n  - type: rtn\n",
        BASE + "host:\n  type: local\n  dockerfile: Dockerfile\npasses:\n  - type: rtn\n",
        BASE + "host:\n  type: docker\n  dockerfile: Dockerfile\npasses:\n  - type: rtn\n",
        BASE + "host: {device: TPU}\npasses:\n  - type: rtn\n",
        BASE + "engine: {search: {sampler: grid}}\npasses:\n  - type: rtn\n",
        BASE + "passes:\n  - type: rtn\n    olive: {output_name: x}\n",
    ],
    ids=[
        "typed-option-typo",
        "typed-option-is-a-field",
        "generic-options",
        "olive-model-and-path",
        "docker-key-on-local",
        "docker-without-context",
        "device",
        "sampler",
        "gone-entry-key",
    ],
)
def test_what_validate_refuses_the_schema_refuses(tmp_path: Path, text: str) -> None:
    rules, errors = _both(tmp_path, text)
    assert rules and errors, (rules, [e.message for e in errors])


@pytest.mark.parametrize(
    "text",
    [
        BASE + "host: {device: GPU, provider: CUDA}\npasses:\n  - type: rtn\n",
        BASE + "host: cuda_execution_provider\ntarget: ' CPU '\npasses:\n  - type: rtn\n",
        BASE + "engine: {search: false}\npasses:\n  - type: rtn\n",
        "model:\n  registry: {registry: azureml, name: phi, version: 11}\npasses:\n  - type: rtn\n",
        BASE + "passes:\n  - type: builder\n    precision: int4\n    options: {use_qdq: true}\n",
        BASE
        + "evaluate:\n  metrics:\n    - {name: latency, type: latency, sub_types: [avg], data: travel}\npasses: []\n",
    ],
    ids=["device-case", "provider-spellings", "search-false", "registry-version-number", "typed-option", "eval-only"],
)
def test_what_validate_takes_the_schema_takes(tmp_path: Path, text: str) -> None:
    rules, errors = _both(tmp_path, text)
    assert rules == [] and [e.message for e in errors] == []


def test_a_base_may_choose_the_olive_release(tmp_path: Path) -> None:
    """A child that leaves `olive:` to its base is not held to the current release's pass names."""
    base = 'olive: "0.9"\n' + BASE + "passes:\n  - type: OnnxConversion\n"
    child = "extends: base.yaml\npasses:\n  - type: OnnxConversion\n  - type: VitisAIQuantization\n"  # Olive 0.9 only
    assert _both(tmp_path, child, **{"base.yaml": base}) == ([], [])
    rules, errors = _both(tmp_path, child.replace("extends: base.yaml\n", BASE))
    assert rules and errors  # without the base, the recipe is for Olive 0.13, which has no such pass
