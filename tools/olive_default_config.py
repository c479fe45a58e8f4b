"""What `Pass.default_config(cls)` returns at a tag, read statically: the names of a pass's parameters.

A small evaluation over ``ast``: dict literals and their ``**`` spreads, ``config.update(...)``,
``config[key] = ...`` (also in a loop over a known dict with an f-string key), ``pop``/``del``,
``deepcopy``, module-level dicts, helper functions (also imported ones:
``get_user_script_data_config()``, ``get_external_data_config()``, with their constant arguments),
``super()._default_config(...)`` through the class's bases, and ``if cls._requires_user_script``
tests on class attributes. Both branches of a test it cannot decide are kept; every such place,
and anything it cannot read, becomes a note (the provenance lists them) instead of a guess.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from tools.olive_sources import Const, Keys, Module, Sources


class Reader(Sources):
    """The passes of one tag and their parameters."""

    def _module_value(self, module: Module, name: str) -> Keys | None:
        if module.name not in self._module_env:
            env: dict[str, Any] = {}
            self._module_env[module.name] = env
            self.block(module, module.tree.body, env, None)
        value = self._module_env[module.name].get(name)
        return value if isinstance(value, Keys) else None

    def params(self, module: Module, cls: ast.ClassDef) -> Keys | None:
        """Return what `Pass.default_config` gives for this class (the entry point, so class switches count)."""
        self._current = cls.name
        chain = self.mro(module, cls)
        found = self.member(chain, "default_config") or self.member(chain, "_default_config")
        if found is None:
            self.note("not a pass: no default_config (left out)")
            return None
        return self.call_function(found[0], found[1], chain) or Keys()

    # evaluation --------------------------------------------------------------------------
    def note(self, text: str) -> None:
        """Record something the static read is not sure of, for the current pass."""
        self.notes.setdefault(self._current, set()).add(text)

    def call_function(
        self, module: Module, node: ast.AST, chain: list[Any] | None, depth: int = 0, call: ast.Call | None = None
    ) -> Keys | None:
        """Return what a function returns, as parameter names (None when it is not a dict it can read)."""
        if not isinstance(node, ast.FunctionDef) or depth > 12:
            return None
        env: dict[str, Any] = _bind(node, call)
        result = self.block(module, node.body, env, chain, depth)
        return result

    def block(self, module: Module, body: list[ast.stmt], env: dict[str, Any], chain: Any, depth: int = 0):
        """Run statements for their dict effects; return the union of what `return` gives (None if none)."""
        result: Keys | None = None
        for stmt in body:
            got = self.stmt(module, stmt, env, chain, depth)
            if got is not None:
                result = got if result is None else Keys({**result.names, **got.names})
            if isinstance(stmt, ast.Return):
                break
        return result

    def stmt(self, module: Module, stmt: ast.stmt, env: dict[str, Any], chain: Any, depth: int):
        """Apply one statement's effect on the dicts; return what a `return` gives."""
        if isinstance(stmt, ast.Return):
            return self.expr(module, stmt.value, env, chain, depth) if stmt.value is not None else None
        if isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value
            for target in targets:
                if isinstance(target, ast.Name) and value is not None:
                    env[target.id] = self.expr(module, value, env, chain, depth, quiet=True)
                elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    keys = _keys(env, target.value.id)
                    if keys is not None:
                        key = _strkey(target.slice, env)
                        if key is None:
                            self.note(f"a key set from `{ast.unparse(target.slice)}` is not read")
                        else:
                            keys.names[key] = _param_source(value)
            return None
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.method_call(module, stmt.value, env, chain, depth)
            return None
        if isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                keys = (
                    _keys(env, target.value.id)
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                    else None
                )
                if keys is not None and isinstance(target, ast.Subscript):
                    keys.names.pop(_strkey(target.slice, env) or "", None)
            return None
        if isinstance(stmt, ast.If):
            decided = self.condition(module, stmt.test, chain, env)
            if decided is True:
                return self.block(module, stmt.body, env, chain, depth)
            if decided is False:
                return self.block(module, stmt.orelse, env, chain, depth)
            before = {k: v.copy() if isinstance(v, Keys) else v for k, v in env.items()}
            other = {k: v.copy() if isinstance(v, Keys) else v for k, v in env.items()}
            first = self.block(module, stmt.body, env, chain, depth)
            second = self.block(module, stmt.orelse, other, chain, depth)
            for name, keys in other.items():
                mine = _keys(env, name)
                if isinstance(keys, Keys) and mine is not None:
                    extra = set(keys.names) ^ set(mine.names)
                    if extra and name in before:
                        self.note(
                            f"kept both branches of `if {ast.unparse(stmt.test)[:80]}`: {', '.join(sorted(extra))}"
                        )
                    mine.names.update(keys.names)
                elif isinstance(keys, Keys):
                    env[name] = keys
            if first is not None and second is not None and set(first.names) != set(second.names):
                self.note(f"returns differ by `if {ast.unparse(stmt.test)[:80]}`; both kept")
            if first is None or second is None:
                return first or second
            return Keys({**first.names, **second.names})
        if isinstance(stmt, ast.With | ast.Try):
            result = self.block(module, stmt.body, env, chain, depth)
            for handler in getattr(stmt, "handlers", []):
                result = result or self.block(module, handler.body, env, chain, depth)
            return result
        if isinstance(stmt, ast.For) and isinstance(stmt.iter, ast.Call) and isinstance(stmt.iter.func, ast.Attribute):
            over = self.expr(module, stmt.iter.func.value, env, chain, depth, quiet=True)
            var = stmt.target.elts[0] if isinstance(stmt.target, ast.Tuple) else stmt.target
            if over is not None and stmt.iter.func.attr in ("items", "keys") and isinstance(var, ast.Name):
                for key in over.names:
                    env[var.id] = Const(key)
                    self.block(module, stmt.body, env, chain, depth)
                env.pop(var.id, None)
                return None
        if isinstance(stmt, ast.For | ast.While):
            written = [n for n in ast.walk(stmt) if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store)]
            updates = [
                n
                for n in ast.walk(stmt)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "update"
            ]
            if any(isinstance(w.value, ast.Name) and _keys(env, w.value.id) for w in written) or updates:
                self.note(f"a loop that may add parameters is not read: `{ast.unparse(stmt)[:80]}`")
            return None
        return None

    def method_call(self, module: Module, call: ast.Call, env: dict[str, Any], chain: Any, depth: int) -> None:
        """Apply `x.update(...)` and `x.pop(key)` to a dict being built."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        keys = _keys(env, func.value.id)
        if keys is None:
            return
        if func.attr == "update":
            for arg in call.args:
                got = self.expr(module, arg, env, chain, depth)
                if got is not None:
                    keys.merge(got)
            for kw in call.keywords:
                if kw.arg:
                    keys.names[kw.arg] = _param_source(kw.value)
                else:
                    got = self.expr(module, kw.value, env, chain, depth)
                    if got is not None:
                        keys.merge(got)
        elif func.attr == "pop" and call.args:
            keys.names.pop(_strkey(call.args[0], env) or "", None)

    def condition(self, module: Module, test: ast.expr, chain: Any, env: dict[str, Any] | None = None) -> bool | None:
        """Decide `cls.attr`, `cls.method()` and `not ...` from class attributes; None when it cannot."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.condition(module, test.operand, chain, env)
            return None if inner is None else not inner
        env = env or {}
        if isinstance(test, ast.Name) and isinstance(env.get(test.id), Const):
            return bool(env[test.id].value)
        if chain is None:
            return None
        target = test.func if isinstance(test, ast.Call) else test
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id in ("cls", "self")
        ):
            found = self.member(chain, target.attr)
            if found is None:
                return None
            node = found[1]
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                value = node.value
            elif isinstance(node, ast.FunctionDef) and len(node.body) >= 1 and isinstance(node.body[-1], ast.Return):
                value = node.body[-1].value  # type: ignore[assignment]
                if len([s for s in node.body if not isinstance(s, ast.Expr)]) != 1 or value is None:
                    return None
                return self.condition(module, value, chain)
            else:
                return None
            return value.value if isinstance(value, ast.Constant) and isinstance(value.value, bool) else None
        return None

    def expr(
        self, module: Module, node: ast.expr, env: dict[str, Any], chain: Any, depth: int, *, quiet: bool = False
    ) -> Keys | None:
        """Return the parameter names an expression evaluates to, or None when it is not such a dict."""
        if isinstance(node, ast.Dict):
            out = Keys()
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    got = self.expr(module, value, env, chain, depth, quiet=quiet)
                    if got is not None:
                        out.merge(got)
                    elif not quiet:
                        self.note(f"cannot read `**{ast.unparse(value)[:60]}`")
                elif (name := _const(key)) is not None:
                    out.names[name] = _param_source(value)
                elif not quiet:
                    self.note(f"a key `{ast.unparse(key)[:60]}` is not a constant")
            return out
        if isinstance(node, ast.Name):
            if node.id in env:
                bound = _keys(env, node.id)
                return bound.copy() if bound is not None else None
            found = self.resolve(module, node.id)
            if found and isinstance(found[1], ast.Name):
                value = self._module_value(found[0], found[1].id)
                return value.copy() if value else None
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left = self.expr(module, node.left, env, chain, depth, quiet=quiet)
            right = self.expr(module, node.right, env, chain, depth, quiet=quiet)
            return Keys({**(left.names if left else {}), **(right.names if right else {})}) if left or right else None
        if isinstance(node, ast.IfExp):
            decided = self.condition(module, node.test, chain, env)
            if decided is not None:
                return self.expr(module, node.body if decided else node.orelse, env, chain, depth, quiet=quiet)
            left = self.expr(module, node.body, env, chain, depth, quiet=quiet)
            right = self.expr(module, node.orelse, env, chain, depth, quiet=quiet)
            if left and right and set(left.names) != set(right.names):
                self.note(f"kept both sides of `if {ast.unparse(node.test)[:80]}`")
            return Keys({**(left.names if left else {}), **(right.names if right else {})}) if left or right else None
        if isinstance(node, ast.DictComp):
            if not quiet:
                self.note(f"a dict comprehension is not read: `{ast.unparse(node)[:80]}`")
            return None
        if isinstance(node, ast.Call):
            return self.call(module, node, env, chain, depth, quiet=quiet)
        return None

    def call(
        self, module: Module, node: ast.Call, env: dict[str, Any], chain: Any, depth: int, *, quiet: bool
    ) -> Keys | None:
        """Return the parameter names a call gives: copies, `dict()`, helpers, `super()`/class methods."""
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in ("deepcopy", "copy", "OrderedDict") and node.args:
            return self.expr(module, node.args[0], env, chain, depth, quiet=quiet)
        if name == "copy" and isinstance(func, ast.Attribute):
            return self.expr(module, func.value, env, chain, depth, quiet=quiet)
        if name == "dict" and isinstance(func, ast.Name):
            out = Keys()
            for arg in node.args:
                got = self.expr(module, arg, env, chain, depth, quiet=quiet)
                if got:
                    out.merge(got)
            for kw in node.keywords:
                if kw.arg:
                    out.names[kw.arg] = _param_source(kw.value)
            return out
        if isinstance(func, ast.Attribute):
            owner = func.value
            if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
                if chain is None:
                    return None
                found = self.member(chain[1:], func.attr)
                if found is None:
                    return None
                return self.call_function(found[0], found[1], chain[1 + found[2] :], depth + 1)
            if isinstance(owner, ast.Name) and owner.id in ("cls", "self") and chain is not None:
                found = self.member(chain, func.attr)
                return self.call_function(found[0], found[1], chain[found[2] :], depth + 1) if found else None
            if isinstance(owner, ast.Name):
                target = self.resolve(module, owner.id)
                if target and isinstance(target[1], ast.ClassDef):
                    sub = self.mro(*target)  # type: ignore[arg-type]
                    found = self.member(sub, func.attr)
                    return self.call_function(found[0], found[1], sub[found[2] :], depth + 1) if found else None
                if owner.id in module.imports and module.imports[owner.id][1] is None:
                    other = self.module(module.imports[owner.id][0])
                    got = self.resolve(other, func.attr) if other else None
                    return self.call_function(got[0], got[1], None, depth + 1) if got else None
            return None
        if isinstance(func, ast.Name):
            target = self.resolve(module, func.id)
            if target and isinstance(target[1], ast.FunctionDef):
                keys = self.call_function(target[0], target[1], None, depth + 1, node)
                if keys is None and not quiet:
                    self.note(f"cannot read what `{func.id}()` returns")
                if keys is not None and _keys_depend_on_args(target[1]):
                    self.note(f"the keys `{func.id}()` returns may depend on its arguments")
                return keys
        return None


def _const(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _fold(name: str) -> str:
    return name.replace("_", "").replace(".", "").lower()


def _keys(env: dict[str, Any], name: str) -> Keys | None:
    value = env.get(name)
    return value if isinstance(value, Keys) else None


def _strkey(node: ast.AST, env: dict[str, Any]) -> str | None:
    """Read a dict key: a constant, a loop variable, or an f-string or `+` of those; None otherwise."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        bound = env.get(node.id)
        return bound.value if isinstance(bound, Const) and isinstance(bound.value, str) else None
    if isinstance(node, ast.FormattedValue) and node.conversion == -1 and node.format_spec is None:
        return _strkey(node.value, env)
    if isinstance(node, ast.JoinedStr):
        parts = [_strkey(v, env) for v in node.values]
        return None if None in parts else "".join(p or "" for p in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _strkey(node.left, env), _strkey(node.right, env)
        return None if left is None or right is None else left + right
    return None


def _bind(func: ast.FunctionDef, call: ast.Call | None) -> dict[str, Any]:
    """Return the constant arguments of a call (and the defaults), by parameter name."""
    names = [a.arg for a in func.args.args]
    defaults = func.args.defaults
    env: dict[str, Any] = {}
    for name, default in zip(names[len(names) - len(defaults) :], defaults, strict=True):
        if isinstance(default, ast.Constant):
            env[name] = Const(default.value)
    for name, arg in zip(names, call.args if call else [], strict=False):
        if isinstance(arg, ast.Constant):
            env[name] = Const(arg.value)
    for kw in call.keywords if call else []:
        if kw.arg and isinstance(kw.value, ast.Constant):
            env[kw.arg] = Const(kw.value.value)
    return env


def _param_source(value: ast.expr | None) -> str | None:
    """Return the `type_`, `default_value` and description of a PassConfigParam(...) call; else None."""
    if not (isinstance(value, ast.Call) and ast.unparse(value.func).endswith("PassConfigParam")):
        return None
    parts = {kw.arg: kw.value for kw in value.keywords if kw.arg}
    description = parts.get("description")
    text = (
        ast.literal_eval(description)
        if isinstance(description, ast.Constant)
        else ast.unparse(description or ast.Constant(""))
    )
    words = " ".join(str(text).split())
    return json.dumps(
        [
            ast.unparse(parts["type_"]) if "type_" in parts else "",
            ast.unparse(parts.get("default_value", ast.Constant(None))),
            words,
        ]
    )


def _keys_depend_on_args(func: ast.FunctionDef) -> bool:
    args = {a.arg for a in func.args.args}
    for node in ast.walk(func):
        if isinstance(node, ast.Dict):
            for key in node.keys:
                if (
                    key is not None
                    and not isinstance(key, ast.Constant)
                    and {n.id for n in ast.walk(key) if isinstance(n, ast.Name)} & args
                ):
                    return True
    return False
