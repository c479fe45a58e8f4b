"""The libyaml fast path (olivegen/source/yaml_fast.py) gives exactly what ruamel gives, or steps aside.

For every input: either fast_parse returns None (ruamel then handles it, errors
included), or ruamel accepts the text too and both produce the same data (same
types, same values) and the same position for every key and value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olivegen.errors import RecipeError
from olivegen.source.document import Source
from olivegen.source.yaml_fast import _tools, fast_parse
from olivegen.source.yaml_rt import parse, parse_ruamel
from tests.conftest import EXAMPLES, ROOT
from tests.test_fuzz_validate import generated, mutated, values

pytestmark = pytest.mark.skipif(_tools() is None, reason="PyYAML with libyaml is not installed: no fast path to check")


def _utf8(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return False  # read_text refuses it before any parser sees it
    return True


CORPUS = [
    p
    for p in sorted(
        [*EXAMPLES.rglob("*.yaml"), *(ROOT / "tests" / "recipes").rglob("*.yaml"), *(ROOT / "olivegen").rglob("*.yaml")]
    )
    if _utf8(p)
]


def same(text: str) -> bool:
    """Assert the two paths agree on `text`; return whether the fast path took it."""
    fast = fast_parse(text, "r.yaml")
    if fast is None:
        return False
    try:
        slow: Source | RecipeError = parse_ruamel(text, "r.yaml")
    except RecipeError as exc:
        slow = exc
    assert not isinstance(slow, RecipeError), f"fast path accepted what ruamel rejects: {slow}"
    assert repr(fast.data) == repr(slow.data)
    assert fast.where.keys == slow.where.keys
    assert fast.where.values == slow.where.values
    assert fast.text == slow.text
    return True


@pytest.mark.parametrize("path", CORPUS, ids=[str(p.relative_to(ROOT)) for p in CORPUS])
def test_corpus(path: Path) -> None:
    same(path.read_text(encoding="utf-8-sig"))


def test_the_examples_take_the_fast_path() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        assert same(path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize(
    "text",
    [
        "a: 1e-4\nb: yes\nc: 017\nd: 0o17\ne: 1_000\nf: ~\ng:\nh: True\ni: .inf\nj: 2001-12-14\nk: 0x1F\nl: 1:20\n",
        "a: -.5\nb: 1.\nc: null\nd: 2001-12-14 21:59:43.10 -5\ne: +1\nf: .NaN\ng: 0b101\nh: FALSE\n",
        "a: this is\n  folded plain\nb: \"dq \\n \\u00e9 \\x41\"\nc: 'sq '' x'\n"
        "d: |\n  lit\n   x\ne: >-\n  fold\n  y\n",
        "a:\n  - \n  -\nb: {}\nc: []\nd: [1, '2', {e: f}]\n1: one\n2.5: float key\nnull: null key\n",
        "1: a\ntrue: b\n",  # 1 == True: ruamel calls it a duplicate key
        "a: &x 1\nb: *x\n",
        "a: !!str 123\n",
        "<<: {a: 1}\n",
        "--- \na: 1\n--- \nb: 2\n",
        "- a\n- b\n",
        "",
        "# only a comment\n",
        "a: 1\na: 2\n",
        "? [a]\n: b\n",
    ],
)
def test_tricky_documents(text: str) -> None:
    same(text)


def test_parse_uses_the_fast_path_and_agrees() -> None:
    text = (EXAMPLES / "phi35-travel-lab.yaml").read_text(encoding="utf-8")
    assert repr(parse(text, "r.yaml").data) == repr(parse_ruamel(text, "r.yaml").data)


plain_scalars = st.text(
    alphabet=st.sampled_from(list("0123456789abcdefxoBEe+-._:~ TtrueFalsNnul'\"#@`%&*!|>[]{},?") + ["é", "😀"]),
    max_size=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=st.lists(st.tuples(plain_scalars, plain_scalars), min_size=1, max_size=6))
def test_scalar_lines(pairs: list[tuple[str, str]]) -> None:
    same("".join(f"{k}: {v}\n" for k, v in pairs))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=mutated())
def test_mutated_examples(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    same(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=generated())
def test_generated_recipes(raw: bytes) -> None:
    text = raw.decode("utf-8")
    same(text)
    same(json.dumps(json.loads(text), indent=2))  # block-ish JSON layout too


TOKENS = [
    "a", "b", "key", "1", "-1", "0.5", "1e3", "true", "no", "null", "~", "'q'", "'it''s'", '"d\\n"', '"\\u00e9"',
    "[1, 2]", "{x: 1}", "[a, {b: c}]", "[]", "{}", "|", "|-", ">", ">+", "|2", "# c", "x # c", "a:b", "http://h/p",
    "-", "?", ":", ",", "[", "]", "{", "}", "'", '"', "#", "&", "*", "!", "%", "@", "`", "é", "😀", "",
]  # fmt: skip


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """A random tree written in random YAML styles, its scalars drawn from tricky tokens."""

    def scalar() -> str:
        return draw(
            st.sampled_from(TOKENS[:20]) | st.sampled_from(TOKENS[:20]) | st.sampled_from(TOKENS) | plain_scalars
        )

    def block(depth: int, indent: int) -> list[str]:
        lines: list[str] = []
        pad = " " * indent
        for _ in range(draw(st.integers(1, 4))):
            key = draw(st.sampled_from(TOKENS[:14]) | plain_scalars)
            kind = draw(
                st.sampled_from(["scalar", "scalar", "map", "seq", "flow", "literal"])
                if depth < 4
                else st.just("scalar")
            )
            comment = draw(st.sampled_from(["", "", "  # note"]))
            if kind == "scalar":
                lines.append(f"{pad}{key}: {scalar()}{comment}")
            elif kind == "map":
                lines.append(f"{pad}{key}:{comment}")
                lines += block(depth + 1, indent + draw(st.sampled_from([2, 4])))
            elif kind == "seq":
                lines.append(f"{pad}{key}:")
                step = draw(st.sampled_from([0, 2]))
                for _ in range(draw(st.integers(1, 3))):
                    if draw(st.booleans()):
                        lines.append(f"{pad}{' ' * step}- {scalar()}")
                    else:
                        inner = block(depth + 1, indent + step + 2)
                        lines.append(f"{pad}{' ' * step}- {inner[0].lstrip()}")
                        lines += inner[1:]
            elif kind == "flow":
                items = ", ".join(scalar() for _ in range(draw(st.integers(0, 3))))
                lines.append(f"{pad}{key}: " + (f"[{items}]" if draw(st.booleans()) else f"{{k: {items or 'v'}}}"))
            else:
                lines.append(f"{pad}{key}: {draw(st.sampled_from(['|', '|-', '>', '>+', '|2']))}{comment}")
                for _ in range(draw(st.integers(0, 3))):
                    lines.append(f"{pad}  {' ' * draw(st.integers(0, 2))}{scalar()}")
        return lines

    return "\n".join(block(0, 0)) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=yamlish())
def test_yamlish_trees(text: str) -> None:
    same(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.dictionaries(st.text(max_size=8), values, min_size=1, max_size=6),
    flow=st.sampled_from([False, None, True]),
    width=st.integers(10, 200),
    unicode=st.booleans(),
)
def test_dumped_documents(data: dict[str, Any], flow: bool | None, width: int, unicode: bool) -> None:
    yaml = _tools()[0]  # type: ignore[index]
    same(yaml.safe_dump(data, default_flow_style=flow, width=width, allow_unicode=unicode, sort_keys=False))


def test_windows_line_endings() -> None:
    text = (EXAMPLES / "phi3-tone-classification.yaml").read_text(encoding="utf-8").replace("\n", "\r\n")
    same(text)
