"""Several recipes -> what they share, written once, and what each changes, as matrix cells.

`factor(recipes)` takes imported recipe data per variant and returns a common recipe and, per
variant, the changes (`--set` paths, `docs/overrides.md`) that turn it back into that variant's
recipe. A value most variants share goes into the common part when that writes fewer lines; the
others change it or `$delete` it. `passes` and `data` are lists of named items: an item is
addressed by its name (a pass without one by its key in the rendered config), the common list
holds every item in an order each variant's list keeps, and a variant deletes the items it lacks;
a variant whose list cannot be had that way (another order, a repeated name), or more cheaply
written out, writes its whole list. A value a variant writes whole (a list, or a mapping of changes)
may then be written as another variant's, which the YAML holds once (an alias), with changes: items
deleted, changed or renamed, keys deleted or changed (`_based`); a list written whole may likewise
become changes to the common one. Nothing here guesses: `rebuild` lays the changes on the common
part with the same merge rules a matrix uses, and `factor` writes a key whole per variant wherever
that does not give back the variant's own recipe exactly.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from olivegen.compose.tree import DELETE
from olivegen.knowledge.catalog import canonical_pass, pass_key

Segments = tuple[str, ...]
NAMED_LISTS = ("passes", "data")  # top-level lists of named items a `--set` path can address one by one
MAX_ROUNDS = 4  # rounds of writing a key whole where the changes did not give the variant back
MAX_ITEMS = 64  # distinct named items of a list over all variants beyond which each variant writes its list whole
MAX_TRIAL_VARIANTS = 24  # variants (and MAX_ITEMS // 2 items) beyond which no list is left out: rounds cost both
MAX_TRIALS = 6  # rounds of leaving a variant's list out of the common one (each tries every variant and item)


@dataclass
class Factored:
    """The common recipe, each variant's changes (dotted path -> value), and the keys written whole."""

    common: dict[str, Any]
    cells: dict[str, dict[str, Any]]
    whole: set[str] = field(default_factory=set)  # top-level keys every variant writes in full
    apart: set[str] = field(default_factory=set)  # top-level keys kept out of the common part: shorter
    whole_lists: dict[str, list[str]] = field(default_factory=dict)  # list key -> variants writing it in full
    based: list[tuple[str, str, str]] = field(default_factory=list)  # (variant, path, variant whose value it changes)


def factor(
    recipes: dict[str, dict[str, Any]],
    whole: Iterable[str] = (),
    measure: Callable[[Factored], int] | None = None,
) -> Factored:
    """Factor the variants' recipes; every variant's changes on `common` give back its recipe exactly.

    A key of the common part that more variants change or delete than keep may be shorter kept out of
    it, each variant writing its own (or another's, changed): both are tried, and the one `measure`
    (the recipe's lines; by default a count of the values' lines) finds shorter by two lines is kept.
    """
    lines_of = measure or written_lines
    best = _factor_checked(recipes, set(whole))
    if len(recipes) > MAX_TRIAL_VARIANTS * 2:
        return best
    shortest = lines_of(best)
    for key in [k for k, v in best.common.items() if isinstance(v, (dict, list))]:
        trial = _factor_checked(recipes, best.whole | best.apart | {key}, apart=best.apart | {key})
        if key in trial.apart and lines_of(trial) < shortest - 1:  # the shared value reads better
            best, shortest = trial, lines_of(trial)
    return best


def _factor_checked(recipes: dict[str, dict[str, Any]], whole: set[str], apart: set[str] = frozenset()) -> Factored:  # type: ignore[assignment]
    forced = set(whole)
    for _ in range(MAX_ROUNDS):
        result = _factor_once(recipes, forced)
        wrong = {key for name, recipe in recipes.items() for key in _differing(rebuild(result, name), recipe)}
        if not wrong - forced:
            result.apart, result.whole = set(apart), forced - set(apart)
            if len(recipes) <= MAX_TRIAL_VARIANTS * 2:  # bounded work: each variant tries every other
                _based(result, recipes)
            return result
        forced |= wrong
    everything = {key for recipe in recipes.values() for key in recipe}
    return _factor_once(recipes, everything)


def written_lines(factored: Factored) -> int:
    """Roughly how many lines the recipe's common part and cells take (a value written twice: an alias)."""
    seen: set[str] = set()
    total = 0
    entries = [*factored.common.items(), *(e for cell in factored.cells.values() for e in cell.items())]
    for _, value in entries:
        lines = _entry_lines(value)
        if lines > 2 and _canon(value) in seen:
            lines = 1
        seen.add(_canon(value))
        total += lines
    return total


def _based(result: Factored, recipes: dict[str, dict[str, Any]]) -> None:
    """Write a variant's value as the one another variant writes whole there, plus changes, where that is shorter.

    The value repeated is written once (the YAML aliases it, `emit.py`), so a variant whose passes are
    another's with one parameter changed writes two lines. A value others are based on is never itself
    based on another; every change is kept only if the variant's recipe comes back exactly (`rebuild`).
    """
    bases: set[tuple[str, str]] = set()  # (variant, path) others are based on
    based: set[tuple[str, str]] = set()
    for name, recipe in recipes.items():
        for path, value in list((result.cells.get(name) or {}).items()):
            cell = result.cells[name]
            if not isinstance(value, (dict, list)) or (name, path) in bases or _entangled(cell, path):
                continue
            if any(_canon((result.cells.get(o) or {}).get(path)) == _canon(value) for o in recipes if o != name):
                continue  # written alike elsewhere: once, and aliased
            segments = tuple(path.split("."))
            want = _value_at(recipe, segments)
            if want is _MISSING:
                continue
            tried: list[tuple[int, str | None, Any, list[tuple[Segments, Any]]]] = []
            common = _value_at(result.common, segments)
            if isinstance(value, list) and isinstance(common, list):  # the common list, changed
                changes = _delta(common, want, segments)
                if changes is not None:
                    changes = _bundled(changes, ())
                    tried.append((sum(_entry_lines(v) for _, v in changes), None, None, changes))
            for other in recipes:
                theirs = (result.cells.get(other) or {}).get(path)
                if other == name or (other, path) in based or not isinstance(theirs, type(value)):
                    continue
                if _canon(theirs) == _canon(value) or _entangled(result.cells[other], path) or _entry_lines(theirs) < 3:
                    continue  # a value on one line (or two) is not written once: it would be copied, then changed
                changes = _delta(_value_at(recipes[other], segments), want, segments)
                if changes is not None:
                    changes = _bundled(changes, segments)
                    tried.append((1 + sum(_entry_lines(v) for _, v in changes), other, theirs, changes))
            for cost, source, theirs, changes in sorted(tried, key=lambda t: t[0]):
                if cost >= _entry_lines(value):
                    break
                new: dict[str, Any] = {}
                for key, old in cell.items():
                    if key != path:
                        new[key] = old
                        continue
                    if source is not None:
                        new[key] = copy.deepcopy(theirs)
                    new.update({".".join(s): copy.deepcopy(v) for s, v in changes})
                result.cells[name] = new
                if not _differing(rebuild(result, name), recipe):
                    if source is not None:
                        bases.add((source, path))
                        based.add((name, path))
                        result.based.append((name, path, source))
                    if name in result.whole_lists.get(path, []):
                        result.whole_lists[path].remove(name)
                    break
                result.cells[name] = cell


_MISSING = object()


def _entangled(cell: dict[str, Any], path: str) -> bool:
    """Tell whether the cell writes another path above or below `path` (the order of the two would matter)."""
    return any(p != path and (p.startswith(path + ".") or path.startswith(p + ".")) for p in cell)


def _value_at(recipe: Any, segments: Segments) -> Any:
    """Return the value at `--set` path segments (a named list item by its id), or _MISSING."""
    node = recipe
    for i, part in enumerate(segments):
        if isinstance(node, list):
            ids = item_ids(segments[0], node) if i == 1 else None
            if ids is None or part not in ids:
                return _MISSING
            node = node[ids.index(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def _delta(base: Any, want: Any, at: Segments) -> list[tuple[Segments, Any]] | None:
    """Return the changes (`--set` path segments -> value) that turn `base` into `want` (merge rules), or None.

    A mapping is changed key by key (a mapping laid on a mapping merges), a named list of the recipe's
    top level (`passes`, `data`) item by item when `want` keeps some of its items in its order; any
    other value is replaced.
    """
    if _canon(base) == _canon(want):
        return []
    if isinstance(base, dict) and isinstance(want, dict):
        out: list[tuple[Segments, Any]] = []
        for key in [*base, *(k for k in want if k not in base)]:
            if not _segment(key):
                return None
            if key not in want:
                out.append(((*at, key), DELETE))
            elif key not in base:
                out.append(((*at, key), want[key]))
            else:
                sub = _delta(base[key], want[key], (*at, key))
                if sub is None:
                    return None
                out += sub
        return out
    if isinstance(base, list) and isinstance(want, list) and len(at) == 1 and at[0] in NAMED_LISTS:
        pairs = _paired(at[0], base, want)
        if pairs is None:
            return None
        kept = {i for i, _ in pairs}
        have = item_ids(at[0], base) or []
        out = [((*at, item), DELETE) for i, item in enumerate(have) if i not in kept]
        for i, j in pairs:
            sub = _delta(base[i], want[j], (*at, have[i]))
            if sub is None:
                return None
            renamed = [change for change in sub if change[0] == (*at, have[i], "name")]
            out += [change for change in sub if change not in renamed] + renamed  # by its old name, then renamed
        return out
    return [(at, want)]


def _paired(key: str, base: list[Any], want: list[Any]) -> list[tuple[int, int]] | None:
    """Pair each item of `want` with one of `base`, in order: its namesake, else the next unpaired one of its type.

    None when `want` cannot be had from `base` by deleting items and changing (or renaming) the rest.
    """
    have, keep = item_ids(key, base), item_ids(key, want)
    if have is None or keep is None or not all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in base):
        return None
    pairs: list[tuple[int, int]] = []
    start = 0
    for j, item in enumerate(keep):
        if item in have:
            i = have.index(item)
        else:  # the unpaired item of its type it differs least from
            kind = want[j].get("type")
            free = [i for i in range(start, len(have)) if have[i] not in keep and base[i].get("type") == kind]
            i = min(free, key=lambda i: _differences(base[i], want[j]), default=-1)
            if i >= 0 and 2 * (_differences(base[i], want[j]) - 1) > len(want[j]):
                return None  # not the same item renamed: more than half of it differs
        if i < start:
            return None
        pairs.append((i, j))
        start = i + 1
    return pairs


def _bundled(changes: list[tuple[Segments, Any]], aliased: Segments) -> list[tuple[Segments, Any]]:
    """Write changes to one mapping as one mapping laid on it: two or three where that fits on a line, more always.

    Not below `aliased` itself: the cell writes that path already (the other variant's value).
    """
    from olivegen.importer.emit import fits_on_a_line

    parents: dict[Segments, dict[str, Any]] = {}
    for segments, value in changes:
        parents.setdefault(segments[:-1], {})[segments[-1]] = value
    out: list[tuple[Segments, Any]] = []
    done: set[Segments] = set()
    for segments, value in changes:
        parent = segments[:-1]
        group = parents[parent]
        alone = parent in ((), aliased, *((k,) for k in NAMED_LISTS))  # no mapping of its own to lay
        if len(group) < 2 or alone or not (len(group) > 3 or fits_on_a_line(group)):
            out.append((segments, value))
        elif parent not in done:
            done.add(parent)
            out.append((parent, group))
    return out


def _differences(a: dict[str, Any], b: dict[str, Any]) -> int:
    return sum(1 for k in set(a) | set(b) if _canon(a.get(k)) != _canon(b.get(k)))


def _entry_lines(value: Any) -> int:
    """Lines a cell's `path: value` takes in the compact style (`emit.py`)."""
    from olivegen.importer.emit import block_lines

    return block_lines(value)


def _differing(got: dict[str, Any], want: dict[str, Any]) -> set[str]:
    return {k for k in set(got) | set(want) if k not in got or k not in want or _canon(got[k]) != _canon(want[k])}


def rebuild(factored: Factored, variant: str) -> dict[str, Any]:
    """Lay a variant's changes on the common part as a matrix cell is laid (compose/overrides.py)."""
    from olivegen.compose.overrides import Assignment, apply_all
    from olivegen.errors import Position
    from olivegen.source.document import SourceMap

    data = copy.deepcopy(factored.common)
    at = Position("<factor>", 1, 1)
    jobs = []
    for path, value in (factored.cells.get(variant) or {}).items():
        parts = tuple(path.split("."))
        jobs.append(Assignment(parts, copy.deepcopy(value), SourceMap(at.path), (at,) * len(parts), "factor"))
    if apply_all(data, SourceMap(at.path), jobs):
        return {}
    return data


def _factor_once(recipes: dict[str, dict[str, Any]], whole: set[str]) -> Factored:
    names = list(recipes)
    cells: dict[str, dict[Segments, Any]] = {n: {} for n in names}
    out = Factored({}, {}, set(whole))
    for key in _keys(recipes[n] for n in names):
        have = {n: recipes[n][key] for n in names if key in recipes[n]}
        if key in whole:
            for n, value in have.items():
                cells[n][(key,)] = value
            continue
        if key in NAMED_LISTS and all(isinstance(v, list) for v in have.values()):
            common_list = _factor_list(key, have, names, cells, out)
            if common_list is not None:
                out.common[key] = common_list
            continue
        _factor_key(out.common, key, have, names, (), cells)
    out.cells = {n: _dotted(_grouped(cells[n], out.common)) for n in names}
    return out


def _keys(maps: Iterable[dict[str, Any]]) -> list[str]:
    """Every key of the mappings, in first-seen order."""
    seen: dict[str, None] = {}
    for m in maps:
        for k in m:
            seen.setdefault(k, None)
    return list(seen)


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def lines(value: Any) -> int:
    """Roughly how many YAML lines a value takes (a short list of scalars is one flow line)."""
    if isinstance(value, dict):
        return sum(1 + (lines(v) if isinstance(v, (dict, list)) and v and not _flow(v) else 0) for v in value.values())
    if isinstance(value, list):
        return 1 if _flow(value) else sum(lines(v) for v in value) or 1
    return 1


def _flow(value: Any) -> bool:
    return isinstance(value, list) and len(value) <= 8 and all(isinstance(v, (str, int, float, bool)) for v in value)


def _factor_key(
    parent: dict[str, Any],
    key: str,
    have: dict[str, Any],
    among: Sequence[str],
    prefix: Segments,
    cells: dict[str, dict[Segments, Any]],
    item: bool = False,
) -> None:
    """Write one key: into `parent` (the common part) where that is shorter, into the cells where it differs.

    `item`: the key is a named list item, always in the common part (a variant lacking it deletes it).
    """
    path = (*prefix, key)
    absent = [n for n in among if n not in have]
    maps = {n: v for n, v in have.items() if isinstance(v, dict)}
    if (item and maps) or len(maps) * 2 > len(among) or (maps and len(maps) == len(have) and not absent):
        sub: dict[str, Any] = {}
        for child in _keys(maps.values()):
            _factor_key(sub, child, {n: m[child] for n, m in maps.items() if child in m}, list(maps), path, cells)
        parent[key] = sub
        for n, value in have.items():
            if n not in maps:
                cells[n][path] = value
        for n in absent:
            cells[n][path] = DELETE
        return
    counts: dict[str, list[str]] = {}
    for n, value in have.items():
        counts.setdefault(_canon(value), []).append(n)
    best, holders = max(counts.items(), key=lambda item: len(item[1]))
    value = have[holders[0]]
    spread = sum(lines(v) for v in have.values())
    shared = lines(value) + sum(lines(v) for n, v in have.items() if n not in holders) + len(absent)
    if len(holders) == len(among) or (len(holders) > 1 and shared < spread):
        parent[key] = copy.deepcopy(value)
        for n, other in have.items():
            if n not in holders:
                cells[n][path] = other
        for n in absent:
            cells[n][path] = DELETE
        return
    for n, other in have.items():
        cells[n][path] = other


def item_ids(key: str, items: list[Any]) -> list[str] | None:
    """Return the name a `--set` path gives each item (a pass without one: its config key), or None if unusable."""
    ids: list[str] = []
    taken: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            return None
        name = item.get("name")
        if key == "passes" and not isinstance(name, str):
            kind = canonical_pass(str(item.get("type", "")))
            if kind is None:
                return None
            name = pass_key(kind, None, taken)
        if not isinstance(name, str) or not _segment(name) or name in taken or name.isdigit():
            return None
        taken.add(name)
        ids.append(name)
    return ids


def _factor_list(
    key: str,
    have: dict[str, list[Any]],
    names: Sequence[str],
    cells: dict[str, dict[Segments, Any]],
    out: Factored,
) -> list[Any] | None:
    """Factor a list of named items; variants it cannot serve (or serves at more cost) write the whole list."""
    named = {n: item_ids(key, items) for n, items in have.items()}
    ids: dict[str, list[str]] = {n: found for n, found in named.items() if found is not None}
    lacking = len(names) - len(have)  # variants without the key delete it when the common part has it
    distinct = len({i for found in ids.values() for i in found})
    if distinct > MAX_ITEMS:  # bounded work on any input
        ids = {}
    order, delta = _supersequence(list(ids), ids)
    cost = _list_cost(delta, ids, have, lacking)
    # bounded work: with many variants or items the first order stays
    rounds = MAX_TRIALS if len(ids) <= MAX_TRIAL_VARIANTS and distinct <= MAX_ITEMS // 2 else 0
    for _ in range(rounds if delta else 0):  # leave out what costs the others more than its whole list costs
        groups = [[n] for n in delta] + [[m for m in delta if item in ids[m]] for item in order]
        trials = [
            (_list_cost(kept, ids, have, lacking), kept) for kept in ([m for m in delta if m not in g] for g in groups)
        ]
        best, kept = min(trials, key=lambda t: t[0])
        if best >= cost:
            break
        cost = best
        order, delta = _supersequence(kept, ids)
        if not delta:
            break
    fulls = [n for n in have if n not in delta]
    for n in fulls:
        cells[n][(key,)] = have[n]
    if fulls:
        out.whole_lists[key] = fulls
    for n in names:
        if n not in have and delta:
            cells[n][(key,)] = DELETE
    if not delta or order is None:
        return None
    common: list[Any] = []
    for item_id in order:
        holders = {n: have[n][ids[n].index(item_id)] for n in delta if item_id in ids[n]}
        box: dict[str, Any] = {}
        _factor_key(box, item_id, holders, delta, (key,), cells, item=True)
        common.append(box[item_id])
    return common


def _list_cost(delta: list[str], ids: dict[str, Any], have: dict[str, list[Any]], lacking: int) -> int:
    """Lines the list takes when the `delta` variants change a common list and the rest write theirs (roughly)."""
    order, served = _supersequence(delta, ids)
    written: set[str] = set()  # an item written once is an alias (one line) wherever else it is written whole
    cost = lacking if served else 0
    for n, items in have.items():
        if n not in served:
            cost += 1
            for item in items:
                cost += 1 if _canon(item) in written else lines([item])
                written.add(_canon(item))
    for item_id in order:
        versions = [have[n][ids[n].index(item_id)] for n in served if item_id in ids[n]]
        counts: dict[str, int] = {}
        for version in versions:
            counts[_canon(version)] = counts.get(_canon(version), 0) + 1
        usual = max(counts, key=lambda c: counts[c])
        common = next(v for v in versions if _canon(v) == usual)
        cost += lines([common]) + len(served) - len(versions)  # the item once, a deletion for each lacking it
        for version in versions:
            if _canon(version) != usual:
                keys = set(version) | set(common)
                cost += min(lines([version]), sum(1 for k in keys if _canon(version.get(k)) != _canon(common.get(k))))
    return cost


def _supersequence(delta: list[str], ids: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Return an order of every item that keeps each variant's order, and the variants it serves.

    Variants are taken in order; one whose order contradicts those taken before is left out.
    """
    kept: list[str] = []
    edges: set[tuple[str, str]] = set()
    order: list[str] = []
    for n in delta:
        seq = ids[n]
        trial = edges | {(a, b) for i, a in enumerate(seq) for b in seq[i + 1 :]}
        nodes = _keys([dict.fromkeys(order), dict.fromkeys(seq)])
        ranked = _topological(nodes, trial)
        if ranked is not None:
            edges, order = trial, ranked
            kept.append(n)
    return order, kept


def _topological(nodes: list[str], edges: set[tuple[str, str]]) -> list[str] | None:
    """Order nodes so that every edge a -> b has a first; ties by first appearance; None on a cycle."""
    before: dict[str, set[str]] = {n: set() for n in nodes}
    for a, b in edges:
        before[b].add(a)
    out: list[str] = []
    done: set[str] = set()
    left = list(nodes)
    while left:
        ready = next((n for n in left if before[n] <= done), None)
        if ready is None:
            return None
        out.append(ready)
        done.add(ready)
        left.remove(ready)
    return out


def _grouped(changes: dict[Segments, Any], common: dict[str, Any]) -> dict[Segments, Any]:
    """Write two or more changes to keys of one mapping of the common part as one mapping laid over it."""
    parents: dict[Segments, list[Segments]] = {}
    for segments in changes:
        if len(segments) > 1 and all(_segment(s) for s in segments) and _is_mapping(common, segments[:-1]):
            parents.setdefault(segments[:-1], []).append(segments)
    out: dict[Segments, Any] = {}
    for segments, value in changes.items():
        siblings = parents.get(segments[:-1], [])
        if len(siblings) < 2 or segments not in siblings:
            out[segments] = value
        elif segments == siblings[0]:
            out[segments[:-1]] = {s[-1]: changes[s] for s in siblings}
    return out


def _is_mapping(common: dict[str, Any], segments: Segments) -> bool:
    """Tell whether the common part holds a mapping at these path segments (a list item by its id)."""
    return isinstance(_value_at(common, segments), dict)


def _segment(key: Any) -> bool:
    """Tell whether a key can be one segment of a `--set` path."""
    return isinstance(key, str) and bool(key) and "." not in key and key == key.strip() and key != DELETE


def _dotted(changes: dict[Segments, Any]) -> dict[str, Any]:
    """Segments -> dotted `--set` paths; below a key a path cannot name, the rest is a nested mapping."""
    out: dict[str, Any] = {}
    for segments, value in changes.items():
        cut = next((i for i, s in enumerate(segments) if not _segment(s)), len(segments))
        if cut == 0:
            cut = 1
        head, rest = ".".join(segments[:cut]), segments[cut:]
        if not rest:
            out[head] = value
            continue
        node = out.setdefault(head, {})
        for part in rest[:-1]:
            node = node.setdefault(part, {})
        node[rest[-1]] = value
    return out
