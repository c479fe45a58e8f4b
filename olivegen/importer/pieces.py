"""Small tools the converter shares: unwrapping `{type, config}` objects and tracking what was used."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from olivegen.errors import Diagnostic, Position, Severity
from olivegen.knowledge.catalog import OLIVE_GENERATION
from olivegen.source.document import Loc, SourceMap

JsonPath = tuple[str | int, ...]


def json_path(path: JsonPath) -> str:
    """Render a path as `$.passes.lora.lora_r` / `$.data_configs[0].name`."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def flat(obj: Any, nested: str = "config") -> dict[str, Any]:
    """Return `{type, config: {...}}` (or `params`) as one flat dict; any other value unchanged."""
    if not isinstance(obj, dict):
        return {}
    out = {k: v for k, v in obj.items() if k != nested}
    inner = obj.get(nested)
    if isinstance(inner, dict):
        out.update(inner)
    return out


@dataclass
class Notes:
    """Diagnostics about the input config, and comments for the recipe being written."""

    where: SourceMap | None
    display: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    comments: dict[Loc, str] = field(default_factory=dict)
    moved: dict[JsonPath, JsonPath] = field(default_factory=dict)
    origins: dict[JsonPath, JsonPath] = field(default_factory=dict)  # recipe path -> the config path it came from
    gone_by_09: list[Diagnostic] = field(default_factory=list)  # renames Olive 0.9 lacks the old name of too
    # the accounting of every key path of the config (as written): carried into the recipe, or reported
    carried: set[JsonPath] = field(default_factory=set)
    reported: set[JsonPath] = field(default_factory=set)

    def written(self, path: JsonPath) -> JsonPath:
        """Map a path in the flattened config back to where it was written (longest moved prefix)."""
        path = tuple(path)
        for end in range(len(path), 0, -1):
            if path[:end] in self.moved:
                return self.moved[path[:end]] + path[end:]
        return path

    def flat(self, obj: Any, path: JsonPath, nested: str = "config") -> dict[str, Any]:
        """`flat()`, remembering that keys under `nested` were written one level deeper."""
        inner = obj.get(nested) if isinstance(obj, dict) else None
        if isinstance(inner, dict):
            for key in inner:
                self.moved[(*path, key)] = (*self.written(path), nested, key)
        return flat(obj, nested)

    def carry(self, path: JsonPath, *keys: str | int) -> None:
        """Record that a key (with all below it), or the `keys` of an object, went into the recipe."""
        for each in [(*path, k) for k in keys] if keys else [tuple(path)]:
            self.carried.add(self.written(each))

    def _report(self, path: JsonPath) -> JsonPath:
        written = self.written(path)
        self.reported.add(written)
        return written

    def position(self, path: JsonPath) -> Position:
        """Return where a JSON path was written (line 1 when positions are unknown)."""
        path = self.written(path)
        if self.where is None:
            return Position(self.display, 1, 1)
        return self.where.lookup(path)

    def dropped(self, path: JsonPath, why: str, hint: str | None = None) -> None:
        """Report a key with no modern meaning (`hint`: what to write instead, when there is something)."""
        written = self._report(path)
        self.diagnostics.append(
            Diagnostic(
                f"{json_path(written)} has no meaning in Olive {OLIVE_GENERATION}: {why}",
                self.position(path),
                hint or "check the imported recipe; nothing of this key was carried over",
                "import-dropped",
                Severity.WARNING,
            )
        )

    def ignored(self, path: JsonPath, why: str, hint: str) -> None:
        """Report a key Olive itself ignored: left out of the recipe, which then means what Olive ran."""
        self.diagnostics.append(
            Diagnostic(
                f"{json_path(self._report(path))}: {why}",
                self.position(path),
                hint,
                "import-dropped",
                Severity.WARNING,
            )
        )

    def uncarried(self, written: JsonPath) -> None:
        """Report a key path of the config, as written, that no step of the import carried or reported."""
        self.reported.add(written)
        self.diagnostics.append(
            Diagnostic(
                f"{json_path(written)}: `olivegen import` did not carry this into the recipe",
                self.where.lookup(written) if self.where is not None else Position(self.display, 1, 1),
                "check whether Olive used it; if it did, write it into the recipe yourself",
                "import-dropped",
                Severity.WARNING,
            )
        )

    def approximated(self, path: JsonPath, what: str) -> None:
        """Report a key import carried over with a meaning close to, but not the same as, the source's."""
        self.diagnostics.append(
            Diagnostic(
                f"{json_path(self._report(path))}: {what}",
                self.position(path),
                "check that this is what you want, or write the data set's split and `eval_data` yourself",
                "import-approximate",
                Severity.WARNING,
            )
        )

    def renamed(self, path: JsonPath, old: str, new: str, since: str = "") -> None:
        """Report a name Olive 0.13 no longer knows, which import replaced by today's (renamed `since` a release)."""
        found = Diagnostic(
            f"{json_path(self._report(path))}: Olive {OLIVE_GENERATION} has no {old!r}; it is called {new!r} now"
            + (f" (renamed in {since})" if since else ""),
            self.position(path),
            f"write {new!r}",
            "olive-renamed",
            Severity.WARNING,
        )
        self.diagnostics.append(found)
        if _release(since) <= (0, 9, 2):  # renamed by Olive 0.9.2: a config for Olive 0.9 cannot use it either
            self.gone_by_09.append(found)

    def migrated(self, path: JsonPath, message: str, hint: str) -> None:
        """Report a form Olive 0.13 rejects that import wrote in its words (an error when `validate` checks it)."""
        at = self.position(path)
        message = f"{json_path(self._report(path))}: {message}"
        self.diagnostics.append(Diagnostic(message, at, hint, "import-migrated", Severity.WARNING))

    def unknown(self, path: JsonPath, message: str, hint: str | None, rule: str = "unknown-key") -> None:
        """Report a key no Olive release has, or a name nothing defines: dropped on import, an error in `validate`."""
        at = self.position(path)
        message = f"{json_path(self._report(path))}: {message}"
        self.diagnostics.append(Diagnostic(message, at, hint, rule, Severity.WARNING))

    def secret_removed(self, recipe_loc: Loc) -> None:
        """Report a credential the import kept out of the recipe (the config file still holds it)."""
        where = ".".join(str(p) for p in recipe_loc)
        self.diagnostics.append(
            Diagnostic(
                f"a literal secret at {where} was not copied into the recipe",
                Position(self.display, 1, 1),
                "rotate it: it is in this config file; the run reads HF_TOKEN or signs in with `az login`",
                "import-secret",
                Severity.WARNING,
            )
        )

    def decided(self, recipe_loc: Loc, comment: str) -> None:
        """Attach a comment to a recipe key where olivegen made a choice a human should review."""
        before = self.comments.get(recipe_loc)
        self.comments[recipe_loc] = comment if before in (None, comment) else f"{before}; {comment}"


def section(config: dict[str, Any], key: str, kind: type, display: str, where: Any) -> Any:
    """Pop a top-level section, insisting on its JSON type (object or array)."""
    from olivegen.errors import RecipeError

    value = config.pop(key, None)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        at = where.lookup((key,), prefer_value=True) if where is not None else Position(display, 1, 1)
        noun = "an object" if kind is dict else "an array"
        raise RecipeError.single(f"{json_path((key,))} must be {noun} in an Olive config", at, rule="import")
    return value


def _release(since: str) -> tuple[int, ...]:
    """Return the version in `Olive 0.9.0` as (0, 9, 0); a text without one is after every release."""
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", since)
    return tuple(int(g or 0) for g in match.groups()) if match else (99,)


def leaf_paths(value: Any, path: JsonPath = ()) -> list[JsonPath]:
    """Every key path of a config down to its values.

    A `null`, `{}` or `[]` is Olive's default for its key: nothing to carry, so not a path to account for.
    """
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaf_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaf_paths(v, (*path, i))]
    return [] if value is None else [path]


def covered(path: JsonPath, paths: set[JsonPath]) -> bool:
    """Tell whether a path or one of the paths above it is in `paths`."""
    return any(path[:end] in paths for end in range(len(path), -1, -1))


def unaccounted(config: Any, notes: Notes, path: JsonPath = ()) -> list[JsonPath]:
    """Return the highest key paths of `config` neither carried nor reported, nor anything below them."""
    done = notes.carried | notes.reported
    if covered(path, done) or not leaf_paths(config):
        return []
    if path and not any(p[: len(path)] == path for p in done):
        return [path]
    if isinstance(config, dict) and config:
        return [p for k, v in config.items() for p in unaccounted(v, notes, (*path, k))]
    if isinstance(config, list) and config:
        return [p for i, v in enumerate(config) for p in unaccounted(v, notes, (*path, i))]
    return [path]
