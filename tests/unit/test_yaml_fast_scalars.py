"""The libyaml fast path reads the common plain scalars itself, exactly as ruamel's YAML 1.2 loader does."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import resolver as ruamel_resolver

from olivegen.source.yaml_fast import _WORD_FIRST, RESOLVER_FIRST, _plain, _ruamel_plain, _Unsure


def test_resolver_first_characters_are_ruamels() -> None:
    first = {c for versions, _, _, chars in ruamel_resolver.implicit_resolvers if (1, 2) in versions for c in chars}
    assert RESOLVER_FIRST == first - {""}
    for versions, tag, _, chars in ruamel_resolver.implicit_resolvers:  # t f n ~: only true/false/null
        if (1, 2) in versions and _WORD_FIRST & set(chars):
            assert tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"), tag


def _read(read: Callable[[str], Any], value: str) -> Any:
    """What a reader makes of a value: the value, or _Unsure where ruamel itself fails (`._` resolves as a float)."""
    try:
        return read(value)
    except _Unsure:
        return _Unsure


def same(value: str) -> None:
    ours, theirs = _read(_plain, value), _read(_ruamel_plain, value)
    assert type(ours) is type(theirs), (value, ours, theirs)
    assert ours == theirs or (isinstance(ours, float) and math.isnan(ours) and math.isnan(theirs)), value


def test_common_scalars_read_as_ruamel_reads_them() -> None:
    for value in [
        *"true True TRUE false False FALSE null Null NULL ~ yes no on off y n tRue nul nulls truex".split(),
        *"0 1 7 10 64 2048 123456789012345 1234567890123456 00 01 007 -1 +1 1_000 0x1F 0o17".split(),
        *"0.3 0.0001 0.999 1.0 10.50 3.14159 0.000000000000001 1. .5 1e3 1.5e-3 -0.5 .inf .nan".split(),
        *"2001-12-14 2001-12-14t21:59:43.10-05:00 12:30 1:20 <<  = ! & * - + .".split(),
        "._", "microsoft/Phi-3-mini-4k-instruct", "steps", "cuda", "o_proj", "nf4", "int4", "Phi",
    ]:
        same(value)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="tTfFnNulsearyo0123456789.+-_eE:x~ ", min_size=1, max_size=12).map(str.strip).filter(bool))
def test_any_scalar_reads_as_ruamel_reads_it(value: str) -> None:
    same(value)
