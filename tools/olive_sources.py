"""The sources of one Olive release tag, read from git without a work tree: modules, names, classes.

Used by tools/olive_default_config.py (what each pass's `default_config` returns) and
tools/olive_param_history.py. Nothing of Olive is imported: files come from ``git show TAG:path``
and are parsed with ``ast``.
"""

from __future__ import annotations

import ast
import json
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any


class Git:
    """Read files of a repository at a tag, without a work tree."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo

    def run(self, *args: str) -> str:
        """Run git in the repository; FileNotFoundError when it fails."""
        done = subprocess.run(["git", "-C", str(self.repo), *args], capture_output=True, text=True, check=False)
        if done.returncode:
            raise FileNotFoundError(done.stderr.strip())
        return done.stdout

    @cache  # noqa: B019 - one Git per run
    def files(self, tag: str) -> frozenset[str]:
        """Return the paths under olive/ at a tag."""
        return frozenset(self.run("ls-tree", "-r", "--name-only", tag, "olive").splitlines())

    @cache  # noqa: B019
    def show(self, tag: str, path: str) -> str:
        """Return a file's text at a tag."""
        return self.run("show", f"{tag}:{path}")


@dataclass
class Keys:
    """An ordered set of parameter names, with the source of each PassConfigParam when it is a call."""

    names: dict[str, str | None] = field(default_factory=dict)

    def copy(self) -> Keys:
        """Return an independent copy."""
        return Keys(dict(self.names))

    def merge(self, other: Keys) -> None:
        """Add the names of another set (later ones win, as in `dict.update`)."""
        self.names.update(other.names)


@dataclass
class Const:
    """A constant a helper was called with (`allow_embeds=True`), or a loop variable's current key."""

    value: Any


@dataclass
class Module:
    """A parsed module: its imports, functions and classes by name."""

    name: str
    tree: ast.Module
    imports: dict[str, tuple[str, str | None]]  # local name -> (module, attribute or None for a module)
    functions: dict[str, ast.FunctionDef]
    classes: dict[str, ast.ClassDef]


class Sources:
    """The modules and classes of one tag; `module_value` (a module-level dict) comes from a subclass."""

    def __init__(self, git: Git, tag: str) -> None:
        self.git, self.tag = git, tag
        self.notes: dict[str, set[str]] = {}
        self._modules: dict[str, Module | None] = {}
        self._module_env: dict[str, dict[str, Any]] = {}
        self._current = ""

    # modules -----------------------------------------------------------------------------
    def module(self, dotted: str) -> Module | None:
        """Return a module of the tag by its dotted name (None when the tag has no such file)."""
        if dotted in self._modules:
            return self._modules[dotted]
        base = dotted.replace(".", "/")
        found = None
        for path in (f"{base}.py", f"{base}/__init__.py"):
            if path in self.git.files(self.tag):
                tree = ast.parse(self.git.show(self.tag, path))
                found = self._index(dotted, tree, is_package=path.endswith("__init__.py"))
                break
        self._modules[dotted] = found
        return found

    @staticmethod
    def _index(dotted: str, tree: ast.Module, *, is_package: bool) -> Module:
        imports: dict[str, tuple[str, str | None]] = {}
        package = dotted if is_package else dotted.rpartition(".")[0]
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:
                    parts = package.split(".")
                    source = ".".join(parts[: len(parts) - node.level + 1] + ([source] if source else []))
                for alias in node.names:
                    imports[alias.asname or alias.name] = (source, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    imports[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
        return Module(
            dotted,
            tree,
            imports,
            {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)},
            {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)},
        )

    def resolve(self, module: Module, name: str) -> tuple[Module, ast.AST] | None:
        """Find what a name of a module is: a function, a class, or a module-level assignment."""
        for _ in range(8):
            if name in module.functions:
                return module, module.functions[name]
            if name in module.classes:
                return module, module.classes[name]
            if name in module.imports:
                source, attr = module.imports[name]
                target = self.module(source)
                if target is None or attr is None:
                    return None
                if attr not in target.functions and attr not in target.classes and attr not in target.imports:
                    sub = self.module(f"{source}.{attr}")
                    if sub is None:
                        return (target, ast.Name(attr)) if self._module_value(target, attr) is not None else None
                module, name = target, attr
                continue
            if self._module_value(module, name) is not None:
                return module, ast.Name(name)
            return None
        return None

    def _module_value(self, module: Module, name: str) -> Keys | None:
        return None

    # classes -----------------------------------------------------------------------------
    def bases(self, module: Module, cls: ast.ClassDef) -> list[tuple[Module, ast.ClassDef]]:
        """Return the base classes that can be found in the tag's sources."""
        out = []
        for base in cls.bases:
            name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
            found = self.resolve(module, name) if name else None
            if found and isinstance(found[1], ast.ClassDef):
                out.append((found[0], found[1]))
        return out

    def mro(self, module: Module, cls: ast.ClassDef) -> list[tuple[Module, ast.ClassDef]]:
        """Return the class and its bases, depth first (enough for Olive's single-inheritance passes)."""
        out = [(module, cls)]
        for base in self.bases(module, cls):
            out += [b for b in self.mro(*base) if b not in out]
        return out

    def member(self, chain: list[tuple[Module, ast.ClassDef]], name: str) -> tuple[Module, ast.AST, int] | None:
        """Find a method or class attribute along the bases; with the index of the class that has it."""
        for index, (module, cls) in enumerate(chain):
            for node in cls.body:
                if isinstance(node, ast.FunctionDef) and node.name == name:
                    return module, node, index
                targets = (
                    node.targets
                    if isinstance(node, ast.Assign)
                    else [node.target]
                    if isinstance(node, ast.AnnAssign)
                    else []
                )
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    return module, node, index
        return None

    def is_pass(self, module: Module, cls: ast.ClassDef) -> bool:
        """Tell whether a class derives from olive_pass.Pass."""
        return any(c.name == "Pass" and m.name.endswith("olive_pass") for m, c in self.mro(module, cls)[1:])


def pass_classes(reader: Sources) -> dict[str, tuple[Module, ast.ClassDef]]:
    """Name -> class of each pass at the tag: olive/olive_config.json where it exists, else Pass subclasses."""
    files = reader.git.files(reader.tag)
    out: dict[str, tuple[Module, ast.ClassDef]] = {}
    if "olive/olive_config.json" in files:
        listed = json.loads(reader.git.show(reader.tag, "olive/olive_config.json"))["passes"]
        for name, spec in listed.items():
            dotted, _, cls = spec["module_path"].rpartition(".")
            module = reader.module(dotted)
            if module is not None and cls in module.classes:
                out[name] = (module, module.classes[cls])
            else:
                reader.notes.setdefault(name, set()).add(f"{spec['module_path']} is not a class there (left out)")
        return out
    for path in sorted(files):
        if not (path.startswith("olive/passes/") and path.endswith(".py")):
            continue
        dotted = path[:-3].replace("/", ".").removesuffix(".__init__")
        module = reader.module(dotted)
        for name, cls in (module.classes if module else {}).items():
            if name != "Pass" and reader.is_pass(module, cls) and name not in out:  # type: ignore[arg-type]
                out[name] = (module, cls)  # type: ignore[assignment]
    return out
