"""`${VAR}` and `${VAR:-default}` in string values, filled in from the environment when a recipe loads.

- `${VAR}` is the variable's value; an unset variable is an error at the value.
- `${VAR:-default}` is the default when the variable is unset or empty.
- `$${` writes a literal `${`.
- A value that is one reference and nothing else is typed: `r: ${LORA_R:-16}`
  is the number 16; inside longer text the result stays text.
- Keys are never interpolated. A reference under a key that holds a secret is
  refused: the secret would be written into the config in clear text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from olivegen.compose.scalars import env_value
from olivegen.compose.secrets import is_secret_key, secret_hint
from olivegen.errors import Diagnostic
from olivegen.source.document import Loc, SourceMap

MAX_VALUE = 64 * 1024  # characters one `${VAR}` may bring in
_TOKEN = re.compile(r"\$\$\{|\$\{")
_REF = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>.*))?", re.DOTALL)
_WHOLE = re.compile(r"\$\{[^}]*\}")


def interpolate(data: Any, where: SourceMap, env: Mapping[str, str]) -> tuple[Any, list[Diagnostic]]:
    """Return `data` with every `${...}` filled in, and a diagnostic for each reference that cannot be."""
    problems: list[Diagnostic] = []
    return _walk(data, (), where, env, problems), problems


def _walk(value: Any, loc: Loc, where: SourceMap, env: Mapping[str, str], problems: list[Diagnostic]) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, (*loc, k), where, env, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, (*loc, i), where, env, problems) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value
    key = next((k for k in reversed(loc) if isinstance(k, str)), "")
    at = where.lookup(loc, prefer_value=True)
    if is_secret_key(loc) and _TOKEN.search(value.replace("$${", "")):
        problems.append(
            Diagnostic(
                f"{key!r} holds a secret: `${{...}}` would write its value into the config in clear text",
                at,
                secret_hint(loc),
                rule="secret",
            )
        )
        return value
    try:
        text = expand(value, env)
    except KeyError as exc:
        name = exc.args[0]
        problems.append(
            Diagnostic(
                f"environment variable {name!r} is not set",
                at,
                f"export {name}=..., or give a default: ${{{name}:-value}}",
                rule="environment",
            )
        )
        return value
    except ValueError as exc:
        problems.append(
            Diagnostic(str(exc), at, "write ${NAME} or ${NAME:-default}; $${ is a literal ${", "environment")
        )
        return value
    return env_value(text) if _WHOLE.fullmatch(value) else text


def expand(text: str, env: Mapping[str, str]) -> str:
    """Fill in the references of one string; KeyError names an unset variable, ValueError a malformed one."""
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() < pos:
            continue
        out.append(text[pos : match.start()])
        if match.group() == "$${":
            out.append("${")
            pos = match.end()
            continue
        close = text.find("}", match.end())
        if close < 0:
            raise ValueError(f"unclosed `${{` in {text!r}")
        inner = text[match.end() : close]
        ref = _REF.fullmatch(inner)
        if ref is None:
            raise ValueError(f"malformed reference `${{{inner}}}`")
        name, default = ref.group("name"), ref.group("default")
        found = env.get(name)
        if found is None or (found == "" and default is not None):
            if default is None:
                raise KeyError(name)
            found = default
        if len(found) > MAX_VALUE:
            raise ValueError(f"environment variable {name!r} holds more than {MAX_VALUE} characters")
        out.append(found)
        pos = close + 1
    out.append(text[pos:])
    return "".join(out)
