"""The libyaml fast path (olivegen/source/yaml_fast.py) gives exactly what ruamel gives, or steps aside.

For every input: either fast_parse returns None (ruamel then handles it, errors
included, and `parse` must give exactly ruamel's outcome), or ruamel accepts the
text too and both produce the same data (same types, same values) and the same
position for every key and value. Each fixed case says which path it must take,
and each generated family must take the fast path at a minimum rate, so these
tests cannot pass by the fast path declining everything.
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


def _libyaml() -> bool:
    """Whether this environment has PyYAML built with libyaml (asked of PyYAML, not of the code under test)."""
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        return False
    return hasattr(yaml, "CBaseLoader")


pytestmark = pytest.mark.skipif(not _libyaml(), reason="PyYAML with libyaml is not installed: no fast path to check")


def test_the_fast_path_is_on_where_libyaml_is() -> None:
    """A fast path that stopped finding libyaml would decline everything: a failure here, not a skip."""
    assert _tools() is not None


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


def _outcome(parser: Any, text: str) -> str:
    try:
        source = parser(text, "r.yaml")
    except RecipeError as exc:
        return "error: " + "; ".join(d.headline() for d in exc.diagnostics)
    return repr((source.data, source.where.keys, source.where.values))


def same(text: str) -> bool:
    """Assert the two paths agree on `text`; return whether the fast path took it."""
    try:
        fast = fast_parse(text, "r.yaml")
    except RecipeError as exc:  # only a definite error of either path: too many nodes written
        assert _outcome(parse_ruamel, text) == "error: " + exc.diagnostics[0].headline()
        return True
    if fast is None:
        assert _outcome(parse, text) == _outcome(parse_ruamel, text), "parse() must be ruamel's answer"
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


# The least share of each generated family the fast path must take (and so be compared on). Measured
# with derandomized hypothesis: 0.15, 0.44, 0.41, 0.08, 0.89; the floor is about half of that.
MIN_RATE = {
    "scalar_lines": 0.07,
    "mutated_examples": 0.2,
    "generated_recipes": 0.2,
    "yamlish_trees": 0.04,
    "dumped_documents": 0.45,
}
FAST, SLOW = True, False
TRICKY: list[tuple[str, bool]] = [
    ("a: 1e-4\nb: yes\nc: 017\nd: 0o17\ne: 1_000\nh: True\ni: .inf\nj: 2001-12-14\nk: 0x1F\nl: 1:20\n", FAST),
    ("a: 1e-4\nf: ~\ng:\n", SLOW),  # an empty value: the parsers place it differently
    ("a: -.5\nb: 1.\nc: null\nd: 2001-12-14 21:59:43.10 -5\ne: +1\nf: .NaN\ng: 0b101\nh: FALSE\n", FAST),
    (
        "a: this is\n  folded plain\nb: \"dq \\n \\u00e9 \\x41\"\nc: 'sq '' x'\n"
        "d: |\n  lit\n   x\ne: >-\n  fold\n  y\n",
        SLOW,  # block scalars
    ),
    ("a: this is\n  folded plain\nb: \"dq \\n \\u00e9 \\x41\"\nc: 'sq '' x'\n", FAST),
    ("a:\n  - \n  -\nb: {}\nc: []\nd: [1, '2', {e: f}]\n1: one\n2.5: float key\nnull: null key\n", SLOW),
    ("b: {}\nc: []\nd: [1, '2', {e: f}]\n1: one\n2.5: float key\nnull: null key\n", FAST),
    ("1: a\ntrue: b\n", SLOW),  # 1 == True: ruamel calls it a duplicate key
    ("a: &x 1\nb: *x\n", SLOW),
    ("a: &x true\nb: *x\n", SLOW),  # an anchored boolean is a boolean, not 1
    ("a: !!str 123\n", SLOW),
    ("<<: {a: 1}\n", SLOW),
    ("--- \na: 1\n--- \nb: 2\n", SLOW),
    ("- a\n- b\n", SLOW),
    ("", SLOW),
    ("# only a comment\n", SLOW),
    ("a: 1\na: 2\n", SLOW),
    ("? [a]\n: b\n", SLOW),
    ("%YAML 1.1\n---\na: yes\nb: 017\nc: 1:20\n", SLOW),  # YAML 1.1 scalars: ruamel's reading
    ("a: =\n", FAST),  # a plain `=` is text on both paths
    ("= : 1\n", FAST),
    ("2001-12-14: x\n", FAST),  # a date key is its ISO text on both paths
    ("a: x[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n", FAST),
]


@pytest.mark.parametrize(("text", "path"), TRICKY, ids=[repr(t[:24]) for t, _ in TRICKY])
def test_tricky_documents(text: str, path: bool) -> None:
    assert same(text) is path, "the fast path took it" if not path else "the fast path declined it"


def test_ruamel_path_values_of_the_differences() -> None:
    assert parse("%YAML 1.1\n---\na: yes\nb: 017\n", "r.yaml").data == {"a": True, "b": 15}
    assert parse("a: &x true\nb: *x\n", "r.yaml").data == {"a": True, "b": True}
    assert type(parse("a: &x true\nb: *x\n", "r.yaml").data["a"]) is bool
    assert parse("a: =\n", "r.yaml").data == parse_ruamel("a: =\n", "r.yaml").data == {"a": "="}
    assert parse_ruamel("2001-12-14: x\n", "r.yaml").data == {"2001-12-14": "x"}


def test_too_many_written_values_are_refused_alike_on_both_paths() -> None:
    from olivegen.source.document import MAX_WRITTEN

    plain = "".join(f"k{i}: v\n" for i in range(MAX_WRITTEN))
    assert same(plain)  # the fast path refuses it, with ruamel's error
    anchored = "a: &x 1\n" + plain  # an anchor: the fast path declines, the count still holds for ruamel
    with pytest.raises(RecipeError, match="more than 20000 keys and values"):
        parse(anchored, "r.yaml")
    assert same(anchored) is False


def test_parse_uses_the_fast_path_and_agrees() -> None:
    text = (EXAMPLES / "phi35-travel-lab.yaml").read_text(encoding="utf-8")
    assert repr(parse(text, "r.yaml").data) == repr(parse_ruamel(text, "r.yaml").data)


plain_scalars = st.text(
    alphabet=st.sampled_from(list("0123456789abcdefxoBEe+-._:~ TtrueFalsNnul'\"#@`%&*!|>[]{},?") + ["é", "😀"]),
    max_size=12,
)


def fast_rate(run: Any) -> float:
    """Run a hypothesis test whose body returns same()'s answers; return the share the fast path took."""
    taken: list[bool] = []
    run(taken)
    assert taken, "hypothesis ran no example"
    return sum(taken) / len(taken)


def test_scalar_lines() -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
    @given(pairs=st.lists(st.tuples(plain_scalars, plain_scalars), min_size=1, max_size=6))
    def check(taken: list[bool], pairs: list[tuple[str, str]]) -> None:
        taken.append(same("".join(f"{k}: {v}\n" for k, v in pairs)))

    assert fast_rate(check) >= MIN_RATE["scalar_lines"]


def test_mutated_examples() -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
    @given(raw=mutated())
    def check(taken: list[bool], raw: bytes) -> None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return
        taken.append(same(text))

    assert fast_rate(check) >= MIN_RATE["mutated_examples"]


def test_generated_recipes() -> None:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
    @given(raw=generated())
    def check(taken: list[bool], raw: bytes) -> None:
        text = raw.decode("utf-8")
        taken.append(same(text))
        taken.append(same(json.dumps(json.loads(text), indent=2)))  # block-ish JSON layout too

    assert fast_rate(check) >= MIN_RATE["generated_recipes"]


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


def test_yamlish_trees() -> None:
    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
    @given(text=yamlish())
    def check(taken: list[bool], text: str) -> None:
        taken.append(same(text))

    assert fast_rate(check) >= MIN_RATE["yamlish_trees"]


def test_dumped_documents() -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
    @given(
        data=st.dictionaries(st.text(max_size=8), values, min_size=1, max_size=6),
        flow=st.sampled_from([False, None, True]),
        width=st.integers(10, 200),
        unicode=st.booleans(),
    )
    def check(taken: list[bool], data: dict[str, Any], flow: bool | None, width: int, unicode: bool) -> None:
        yaml = _tools()[0]  # type: ignore[index]
        dumped = yaml.safe_dump(data, default_flow_style=flow, width=width, allow_unicode=unicode, sort_keys=False)
        taken.append(same(dumped))

    assert fast_rate(check) >= MIN_RATE["dumped_documents"]


def test_windows_line_endings() -> None:
    text = (EXAMPLES / "phi3-tone-classification.yaml").read_text(encoding="utf-8").replace("\n", "\r\n")
    same(text)
