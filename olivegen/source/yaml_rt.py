"""YAML text -> plain data plus a position for every key and value.

ruamel.yaml's round-trip loader is the only one that keeps line/column
(``lc``) information; everything downstream sees plain dicts and lists.
Hostile input is bounded: file size, nesting depth and the number of values
an alias may expand to are all capped, so a "billion laughs" recipe is an
error in milliseconds rather than a hung process.
"""

from __future__ import annotations

import warnings
from functools import partial
from typing import Any

from olivegen.errors import Diagnostic, RecipeError
from olivegen.source.document import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_SLOW_BYTES,
    Source,
    SourceMap,
    find_surrogates,
)
from olivegen.source.indentation import explain
from olivegen.source.nesting import check_nesting
from olivegen.source.ruamel_tree import COLLECTION_TAGS, CORE_TAGS, Converter
from olivegen.source.yaml_fast import check_written, fast_parse


def parse(text: str, display: str) -> Source:
    """Parse recipe text into plain data with positions; raise RecipeError on any YAML problem."""
    where = SourceMap(display)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise RecipeError.single(f"recipe is larger than {MAX_BYTES} bytes", where.at(0, 0))
    check_nesting(text, display)
    fast = fast_parse(text, display)  # libyaml, same result; None for anything it cannot vouch for
    if fast is not None:
        refuse_surrogates(fast.data, text, fast.where)
        return fast
    if len(text) > MAX_SLOW_BYTES:  # ruamel reads some 200 KB a second: bound its time, not only the size
        raise RecipeError.single(
            f"a recipe larger than {MAX_SLOW_BYTES // 1024} KiB must be plain YAML: no anchors, aliases, tags,"
            " block scalars (| >), tabs, empty values or YAML errors",
            where.at(0, 0),
            "move data into data files, or write the recipe without those YAML features",
            rule="yaml",
        )
    return parse_ruamel(text, display)


def refuse_surrogates(data: Any, text: str, where: SourceMap) -> None:
    """Refuse a string that holds an escaped lone surrogate: it is no text, and no file can hold it."""
    found = find_surrogates(text, data)
    if found:
        diagnostic = partial(
            Diagnostic,
            "this text holds an unpaired surrogate escape, which is not Unicode text",
            hint="remove the \\ud800-\\udfff escape, or write the character itself",
            rule="non-json-value",  # the same rule as a value composed in by --set or ${VAR}
        )
        raise RecipeError([diagnostic(at=at) for at in sorted(where.lookup(loc, prefer_value=True) for loc in found)])


def parse_ruamel(text: str, display: str) -> Source:
    """Parse recipe text with ruamel.yaml alone (the reference; it words every YAML error)."""
    where = SourceMap(display)
    check_nesting(text, display)
    check_written(text, display)  # libyaml counts first: ruamel's time grows with the nodes it parses
    doc = _load(text, where)
    if doc is None:
        raise RecipeError.single("the recipe is empty", where.at(0, 0), "start from `olivegen init` or examples/")
    converter = Converter(where)
    converter.precount(doc)
    data = converter.convert(doc, (), 0)
    if not isinstance(data, dict):
        raise RecipeError.single(
            f"a recipe is a mapping of keys to values, not a {_kind(data)}",
            where.at(0, 0),
            "start with `model:` and `passes:` at the left margin",
        )
    where.values.setdefault((), where.at(0, 0))
    refuse_surrogates(data, text, where)
    return Source(data, where, text)


def parse_value(text: str, display: str) -> Any:
    """Parse one YAML value written outside a file (a `--set` value) under the recipe's rules and limits.

    Size, nesting, alias and merge expansion are capped and tags outside YAML's core schema are
    refused, as in a recipe; a RecipeError says what is wrong (its position is within `text`).
    """
    where = SourceMap(display)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise RecipeError.single(f"the value is larger than {MAX_BYTES} bytes", where.at(0, 0), rule="yaml")
    check_nesting(text, display, "value")
    check_written(text, display)
    doc = _load(text, where)
    if doc is None:
        return None
    converter = Converter(where)
    converter.precount(doc)
    return converter.convert(doc, (), 0)


def _load(text: str, where: SourceMap) -> Any:
    """Load YAML text with ruamel's round-trip loader; every failure is a positioned RecipeError."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
    from ruamel.yaml.reader import ReaderError

    yaml = YAML(typ="rt", pure=True)
    try:
        with warnings.catch_warnings():
            # YAML lets a later `&name` redefine an anchor; ruamel warns about it on stderr
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            if "!" in text:  # a tag needs a `!`: check every one before a constructor sees it
                _check_tags(yaml.parse(text), where)
            doc = yaml.load(text)
    except ReaderError as exc:
        index = max(0, min(int(exc.position), len(text)))
        line0 = text.count("\n", 0, index)
        col0 = index - (text.rfind("\n", 0, index) + 1)
        what = "a NUL byte" if exc.character == 0 else f"control character U+{int(exc.character):04X}"
        raise RecipeError.single(
            f"invalid YAML: {what} is not allowed in a recipe",
            where.at(line0, col0),
            "remove it; write it as an escape such as \\x07 inside double quotes if it is meant",
            rule="yaml",
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = where.at(mark.line, mark.column) if mark else where.at(0, 0)
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        hint = None
        if "duplicate key" in problem:
            problem = problem.split(" with value ")[0].replace("found duplicate key", "duplicate key")
            hint = "keys must be unique in a mapping; remove or rename one of them"
        slip = explain(text, problem, mark.line) if mark else None
        if slip is not None:
            at = where.at(slip.line, slip.col)
            raise RecipeError.single(slip.message, at, slip.hint, rule="indentation") from None
        raise RecipeError.single(f"invalid YAML: {problem}", pos, hint, rule="yaml") from None
    except YAMLError as exc:
        raise RecipeError.single(f"invalid YAML: {' '.join(str(exc).split())}", where.at(0, 0), rule="yaml") from None
    except RecursionError:
        raise RecipeError.single(
            "the YAML is nested too deeply to read",
            where.at(0, 0),
            f"keep nesting under {MAX_DEPTH} levels",
            rule="yaml",
        ) from None
    except (ValueError, TypeError, OverflowError, AttributeError, KeyError, IndexError) as exc:
        # a constructor refusing a value (`!!int x`, a bad date, `!!set` on a scalar): not a recipe's YAML
        problem = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise RecipeError.single(f"invalid YAML: {problem}", where.at(0, 0), rule="yaml") from None
    return doc


def _check_tags(events: Any, where: SourceMap) -> None:
    """Refuse any explicit tag outside YAML's core schema, and core-tagged scalars that are not their type."""
    for event in events:
        tag = getattr(event, "tag", None)
        if tag is None:
            continue
        tag = str(getattr(tag, "value", tag))
        at = where.at(event.start_mark.line, event.start_mark.column)
        kind = type(event).__name__
        if kind == "ScalarEvent":
            build = CORE_TAGS.get(tag)
            try:
                if build is None:
                    raise ValueError(tag)
                build(str(event.value))
                continue
            except (ValueError, KeyError):
                pass
        elif tag in COLLECTION_TAGS and (kind == "MappingStartEvent") == tag.endswith(":map"):
            continue
        raise RecipeError.single(
            f"unsupported YAML tag {_short(tag)!r}" if tag not in CORE_TAGS or kind != "ScalarEvent"
            else f"{str(event.value)[:40]!r} is not a valid {_short(tag)}",
            at,
            "a recipe uses plain YAML values only (no tags such as !include or !!binary)",
            rule="yaml",
        )


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "value")
