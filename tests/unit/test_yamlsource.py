"""Parsing with positions, and hostile input rejected quickly with a positioned error."""

from __future__ import annotations

import time

import pytest

from olivegen.errors import RecipeError
from olivegen.source.document import MAX_BYTES
from olivegen.source.yaml_rt import parse


def test_positions_of_keys_and_values() -> None:
    source = parse("model:\n  path: x/y\npasses:\n  - type: rtn\n    bits: 4\n", "r.yaml")
    assert str(source.where.keys[("passes", 0, "bits")]) == "r.yaml:5:5"
    assert str(source.where.values[("passes", 0, "bits")]) == "r.yaml:5:11"
    assert str(source.where.lookup(("passes", 0, "missing"))) == "r.yaml:4:5"


def test_timestamps_stay_strings_and_scalars_are_plain() -> None:
    data = parse("a: 2024-01-02\nb: 0x10\nc: 1.5\nd: yes\ne: true\n", "r.yaml").data
    assert data == {"a": "2024-01-02", "b": 16, "c": 1.5, "d": "yes", "e": True}
    assert type(data["b"]) is int and type(data["c"]) is float


def expect_error(text: str, fragment: str) -> str:
    start = time.process_time()  # CPU time: a loaded machine stretches wall time, not the work done
    with pytest.raises(RecipeError) as info:
        parse(text, "h.yaml")
    took = time.process_time() - start
    assert took < 1.0, f"hostile input must be refused quickly, not after {took:.2f} s of CPU time"  # 0.02 s alone
    line = info.value.diagnostics[0].headline()
    assert fragment in line
    assert line.startswith("h.yaml:")
    return line


def test_alias_bomb_is_refused() -> None:
    text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    expect_error(text, "expands to more than")


def test_deep_flow_nesting_is_refused() -> None:
    expect_error("a: " + "[" * 5000 + "]" * 5000, "nested more than")


def test_deep_block_nesting_is_refused() -> None:
    text = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 400))
    expect_error(text, "nested more than")


def test_huge_text_is_refused() -> None:
    expect_error("a: " + "x" * (MAX_BYTES + 1), "larger than")


def test_custom_tag_is_refused() -> None:
    expect_error("a: !!python/object:os.system ls\n", "unsupported YAML tag")


def test_brackets_inside_strings_are_not_nesting() -> None:
    assert parse("a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n", "r.yaml").data["a"]
