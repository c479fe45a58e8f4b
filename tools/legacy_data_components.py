"""Vendor what Olive's built-in data components take, for importing Olive <= 0.6.1 data configs.

    python tools/legacy_data_components.py /path/to/Olive.git > schemas/olive-history/data-components.json

Olive 0.2.0 to 0.6.1 wrote a data config as `components: {load_dataset: {type, params}, ...}` plus
`params_config: {...}`, and `DataConfig.fill_in_params` handed each key of `params_config` to every
component whose function has a parameter of that name (`inspect.signature`; the first argument of
pre-process, post-process and dataloader functions is the data and is skipped). Olive 0.6.2 dropped
both for `load_dataset_config` ... `dataloader_config`. To migrate such a config exactly, olivegen
needs each built-in component's named parameters in the releases that read `params_config`, and
which component type each container (and task) defaults to, then and in Olive 0.13.

This reads them from Olive's git history (`git show TAG:olive/data/...`, parsed with `ast`, nothing
imported or run): the functions registered with `Registry.register_dataset` / `register_pre_process`
/ `register_post_process` / `register_dataloader` (and the `register_default_*` forms), and the
`default_components_type` / `task_type_components_map` class variables of each data container.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from typing import Any

LEGACY_TAGS = (
    "v0.2.0",
    "v0.2.1",
    "v0.3.1",
    "v0.3.2",
    "v0.3.3",
    "v0.4.0",
    "v0.5.0",
    "v0.5.1",
    "v0.5.2",
    "v0.6.0",
    "v0.6.1",
)
CURRENT_TAG = "v0.13.0"
KINDS = {
    "dataset": "load_dataset",
    "pre_process": "pre_process_data",
    "post_process": "post_process_data",
    "dataloader": "dataloader",
}
DEFAULT_NAMES = {
    "load_dataset": "default_load_dataset",
    "pre_process_data": "default_pre_process_data",
    "post_process_data": "default_post_process_data",
    "dataloader": "default_dataloader",
}
ENUM_VALUES = {
    "LOAD_DATASET": "load_dataset",
    "PRE_PROCESS_DATA": "pre_process_data",
    "POST_PROCESS_DATA": "post_process_data",
    "DATALOADER": "dataloader",
}


def _git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def _files(repo: str, tag: str, folder: str) -> list[str]:
    return [p for p in _git(repo, "ls-tree", "-r", "--name-only", tag, folder).split() if p.endswith(".py")]


def _registrations(func: ast.FunctionDef) -> list[tuple[str, str]]:
    """(component kind, registered name) of each `@Registry.register_*` decorator of a function."""
    out = []
    for deco in func.decorator_list:
        call = deco if isinstance(deco, ast.Call) else None
        attr = (call.func if call else deco) if isinstance(call.func if call else deco, ast.Attribute) else None
        if not isinstance(attr, ast.Attribute) or not attr.attr.startswith("register_"):
            continue
        what = attr.attr.removeprefix("register_")
        if what.startswith("default_"):
            kind = KINDS.get(what.removeprefix("default_"))
            if kind:
                out.append((kind, DEFAULT_NAMES[kind]))
            continue
        kind = KINDS.get(what)
        if kind is None:
            continue
        name = func.name
        if call and call.args and isinstance(call.args[0], ast.Constant):
            name = str(call.args[0].value)
        for keyword in call.keywords if call else []:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                name = str(keyword.value.value)
        out.append((kind, name))
    return out


def _params(func: ast.FunctionDef, kind: str) -> dict[str, Any]:
    args = [a.arg for a in func.args.posonlyargs + func.args.args] + [a.arg for a in func.args.kwonlyargs]
    if kind != "load_dataset":
        args = args[1:]  # the data the component receives; Olive never fills it from the config
    return {"params": args, "kwargs": func.args.kwarg is not None}


def _key(node: ast.expr) -> str | None:
    """`DataComponentType.LOAD_DATASET.value` -> load_dataset."""
    if isinstance(node, ast.Attribute) and node.attr == "value" and isinstance(node.value, ast.Attribute):
        return ENUM_VALUES.get(node.value.attr)
    return None


def _mapping(node: ast.expr) -> dict[str, str] | None:
    if not isinstance(node, ast.Dict):
        return None
    out = {}
    for k, v in zip(node.keys, node.values, strict=True):
        key = _key(k) if k is not None else None
        if key and isinstance(v, ast.Constant):
            out[key] = str(v.value)
    return out


def _containers(tree: ast.Module) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        info: dict[str, Any] = {"bases": [b.id for b in node.bases if isinstance(b, ast.Name)]}
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.value is not None:
                if item.target.id == "default_components_type":
                    value = _mapping(item.value)
                    info["defaults"] = value if value is not None else dict(DEFAULT_NAMES)
                elif item.target.id == "task_type_components_map" and isinstance(item.value, ast.Dict):
                    info["tasks"] = {
                        str(k.value): _mapping(v) or {}
                        for k, v in zip(item.value.keys, item.value.values, strict=True)
                        if isinstance(k, ast.Constant)
                    }
        out[node.name] = info
    return out


def read_release(repo: str, tag: str) -> dict[str, Any]:
    """Return the built-in components and containers of one Olive release."""
    components: dict[str, dict[str, Any]] = {kind: {} for kind in DEFAULT_NAMES}
    containers: dict[str, dict[str, Any]] = {}
    bodies: dict[tuple[str, str], str] = {}
    for path in _files(repo, tag, "olive/data"):
        tree = ast.parse(_git(repo, "show", f"{tag}:{path}"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for kind, name in _registrations(node):
                    components[kind][name] = _params(node, kind)
                    bodies[(kind, name)] = _body(node)
        if path.startswith("olive/data/container/"):
            containers.update(_containers(tree))
    resolved: dict[str, Any] = {}
    for name in containers:
        chain, seen = [name], set()
        while chain[-1] in containers and containers[chain[-1]]["bases"] and chain[-1] not in seen:
            seen.add(chain[-1])
            chain.append(containers[chain[-1]]["bases"][0])
        defaults = next((containers[c]["defaults"] for c in chain if "defaults" in containers.get(c, {})), None)
        tasks = next((containers[c]["tasks"] for c in chain if "tasks" in containers.get(c, {})), {})
        if defaults is not None or name == "DataContainer":
            resolved[name] = {"defaults": defaults or dict(DEFAULT_NAMES), "tasks": tasks}
    config = _git(repo, "show", f"{tag}:olive/data/config.py")
    return {
        "components": components,
        "containers": resolved,
        "component_kwargs": "component_kwargs" in config,
        "bodies": bodies,
    }


def _body(func: ast.FunctionDef) -> str:
    """Return the function without its name and decorators: equal for a component only renamed between releases."""
    copy = ast.FunctionDef(
        name="_", args=func.args, body=func.body, decorator_list=[], returns=func.returns, type_comment=None
    )
    return ast.dump(copy)


def aliases(releases: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Return the registered names whose function is, word for word, one registered under another later."""
    out: dict[str, dict[str, str]] = {}
    latest: dict[tuple[str, str], str] = {}
    for release in releases:  # oldest first: the latest name of a body wins
        for (kind, name), body in release["bodies"].items():
            latest[(kind, body)] = name
    for release in releases:
        for (kind, name), body in release["bodies"].items():
            if latest[(kind, body)] != name:
                out.setdefault(kind, {})[name] = latest[(kind, body)]
    return out


def main() -> None:
    """Print the table (JSON) for the Olive git repository named on the command line."""
    repo = sys.argv[1]
    legacy: list[dict[str, Any]] = []  # releases with the same components and containers, grouped
    releases = [read_release(repo, tag) for tag in LEGACY_TAGS]
    renamed = aliases(releases)
    for tag, release in zip(LEGACY_TAGS, releases, strict=True):
        del release["bodies"]
        same = next(
            (
                g
                for g in legacy
                if g["components"] == release["components"] and g["containers"] == release["containers"]
            ),
            None,
        )
        if same is None:
            legacy.append({"tags": [tag], **release})
        else:
            same["tags"].append(tag)
    current: dict[str, Any] = read_release(repo, CURRENT_TAG)
    del current["component_kwargs"], current["bodies"]
    out = {
        "about": (
            "Named parameters of Olive's built-in data components in the releases that read `params_config`"
            " (v0.2.0-v0.6.1), and each container's default component types and task overrides, then and in"
            f" {CURRENT_TAG}. Generated by tools/legacy_data_components.py from Olive's git tags."
        ),
        "legacy": legacy,
        "same_function": renamed,
        "current": {"tags": [CURRENT_TAG], "containers": current["containers"]},
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
