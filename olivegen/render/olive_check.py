"""Second opinion from the installed Olive: RunConfig plus every pass's own config class.

Olive only *logs* keys it ignores; here each such warning is a problem.
Imported only for `validate --olive` (importing Olive takes seconds).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from typing import Any

from olivegen.source.document import Loc

# keys whose value Olive's own config check imports (a user script or package) or puts on sys.path
SCRIPT_KEYS = frozenset({"user_script", "script_dir", "model_script"})
TRUST_HINT = "pass --trust-scripts only for inputs you trust: it lets Olive import the scripts they name"


# Marks a pass that Olive's validate_config refuses: Olive prunes it when the workflow runs.
PRUNED = "(Olive prunes the pass: 'Invalid config, pruned.', and the workflow writes no model)"


class _Collect(logging.Handler):
    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def code_named(config: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Return (where, why) for everything in a config that Olive's own check would import or run.

    Olive's config validation imports `user_script` (data configs, evaluators, even of an unknown
    type, passes) with `script_dir` on sys.path, and creates the target system to ask it for its
    providers: a python environment's `python` runs, a Docker image is built. None of that may
    happen for an input nobody trusted (a pull request's files).
    """
    found = [(loc, f"Olive's check would import and run {value}") for loc, value in _scripts(config, ())]
    engine: Any = config.get("engine") if isinstance(config.get("engine"), dict) else config
    systems: Any = config.get("systems") if isinstance(config.get("systems"), dict) else {}
    target = engine.get("target") if isinstance(engine, dict) else None
    at: Loc = ("engine", "target") if engine is not config else ("target",)
    found += _target_runs(target, at, systems)
    builds: dict[str, Any] = config["builds"] if isinstance(config.get("builds"), dict) else {}
    for name, build in builds.items():  # Olive main checks each build's target too
        if isinstance(build, dict) and build.get("target") is not None:
            found += _target_runs(build["target"], ("builds", name, "target"), systems)
    return list(dict.fromkeys(found))


def _target_runs(target: Any, at: Loc, systems: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Return (where, why) when creating this target system would run something: a python or a Docker build."""
    found: list[tuple[Loc, str]] = []
    if isinstance(target, str) and target in systems:
        target, at = systems[target], ("systems", target)
    if isinstance(target, dict):
        kind = str(target.get("type", "")).replace("_", "").lower()
        inner: dict[str, Any] = target["config"] if isinstance(target.get("config"), dict) else target
        inner_at = (*at, "config") if inner is not target else at
        if kind == "pythonenvironment":
            for key in ("python_environment_path", "prepend_to_path"):
                if inner.get(key):
                    found.append(((*inner_at, key), f"Olive's check would run the `python` found in {inner[key]}"))
        elif kind == "docker":
            found.append((at, "Olive's check would build this Docker image (its Dockerfile runs commands)"))
    return found


def _scripts(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SCRIPT_KEYS and item not in (None, "", False):
                yield (*loc, key), str(item)
            else:
                yield from _scripts(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _scripts(item, (*loc, i))


def olive_problems(config: dict[str, Any], *, trust_scripts: bool = False) -> list[str]:
    """Return what the installed Olive rejects or would ignore in a config; empty when it accepts all of it.

    A config naming code Olive's check would import or run is refused before Olive is imported,
    unless `trust_scripts` says the input is trusted.
    """
    if not trust_scripts:
        named = code_named(config)
        if named:
            return [f"{'.'.join(map(str, loc))}: {why} ({TRUST_HINT})" for loc, why in named]
    # bitsandbytes (pulled in by Olive's QLoRA pass) warns on import that an optional CPU kernel is
    # missing; it says nothing about the config, so keep it off the report
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    if "builds" in config:
        return _builds_problems(config)
    return _problems(config)


def _builds_problems(config: dict[str, Any]) -> list[str]:
    """Check a multi-build config as Olive's main branch runs it: its own build checks, then every build.

    `parse_run_config` refuses a bad build name, a build's unknown pass, a non-local host and builds
    whose folders overlap; each build's expanded config is then checked as a plain config is.
    """
    try:
        from olive.workflows.run.builds import expand_builds, parse_run_config
    except ImportError:
        return ["builds: this Olive has no multi-build configs (olive/workflows/run/builds.py is Olive main's)"]
    try:
        parse_run_config(copy.deepcopy(config))
    except Exception as exc:  # Olive's own refusal, reported as text
        errors = getattr(exc, "errors", None)
        if callable(errors):
            return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors()]
        return [f"builds: {type(exc).__name__}: {exc}"]
    return [f"builds.{name}: {p}" for name, one in expand_builds(copy.deepcopy(config)).items() for p in _problems(one)]


def _problems(config: dict[str, Any]) -> list[str]:
    """Check one plain config with RunConfig and every pass's own config class."""
    try:
        from olive.hardware.accelerator import AcceleratorSpec
        from olive.package_config import OlivePackageConfig
        from olive.workflows.run.config import RunConfig
    except ImportError as exc:
        return [f"olive-ai is not installed here ({exc.name}); install olivegen[olive]"]
    collect = _Collect()
    root = logging.getLogger("olive")
    own_handlers, root.handlers = root.handlers, [collect]
    propagate, root.propagate = root.propagate, False
    problems: list[str] = []
    try:
        try:
            run_config = RunConfig.parse_file_or_obj(copy.deepcopy(config))
        except Exception as exc:  # pydantic v2 (Olive >= 0.10) or v1 (older) ValidationError, or Olive's own
            errors = getattr(exc, "errors", None)
            if not callable(errors):
                return [f"{type(exc).__name__}: {exc}"]
            return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors()]
        target_system = getattr(run_config.engine, "target", None)
        try:  # Olive (0.10+) drops a provider its device does not run, with a warning
            from olive.systems.accelerator_creator import create_accelerator
        except ImportError:  # older Olive: no such check here
            create_accelerator = None
        if target_system is not None and create_accelerator is not None:
            try:
                create_accelerator(copy.deepcopy(target_system), skip_supported_eps_check=True)
            except Exception as exc:  # an Olive-side rejection, reported as text
                problems.append(f"engine.target: {type(exc).__name__}: {exc}")
        package = OlivePackageConfig.load_default_config()
        device, provider = _target_accelerator(config)
        spec = AcceleratorSpec(_device(device), provider)
        for key, pass_configs in run_config.passes.items():
            for pass_config in pass_configs:
                try:
                    pass_cls = package.import_pass_module(pass_config.type)
                    generated = pass_cls.generate_config(spec, pass_config.config or {}, disable_search=True)
                except Exception as exc:  # an Olive-side rejection, reported as text
                    problems += _pass_problems(key, exc)
                    continue
                why = _pruned(pass_cls, generated, spec)
                if why is not None:
                    problems.append(f"passes.{key}: {why} {PRUNED}")
    finally:
        root.handlers, root.propagate = own_handlers, propagate
    problems += [m for m in collect.messages if "Ignoring" in m or "not part of" in m or "will be ignored" in m]
    return problems


def _pruned(pass_cls: Any, generated: Any, spec: Any) -> str | None:
    """Why the pass's own `validate_config` refuses the target's accelerator, or None when it accepts.

    A refused pass is pruned when the workflow runs: Olive logs "Invalid config, pruned." and the
    whole flow ends with no output model (olive/engine/engine.py:669-670 and :330-333 of olive-ai 0.13),
    while `olive run` still exits 0. The pass says why in an INFO or WARNING log line.
    """
    said = _Collect(logging.DEBUG)
    olive_log = logging.getLogger("olive")
    olive_log.addHandler(said)
    level = olive_log.level
    olive_log.setLevel(logging.DEBUG)  # setLevel, not `.level =`: it clears the loggers' cached levels
    try:
        if pass_cls.validate_config(generated, spec):
            return None
    except ImportError:  # a package the pass needs is not installed here (nncf, QAIRT ...): no verdict here
        return None
    finally:
        olive_log.removeHandler(said)
        olive_log.setLevel(level)
    return "; ".join(said.messages) or "its validate_config refuses this target"


ANOTHER_PYTHON_TIMEOUT = 900  # seconds: importing Olive and torch, then every config's pass classes


def problems_in(
    python: str, configs: list[dict[str, Any]], *, trust_scripts: bool = False, run_in: Any = None
) -> list[list[str]]:
    """Check configs with the Olive of another Python (`validate --olive-python`); the problems of each.

    Each config is written to a private temporary folder and checked (`--many`, Olive imported once)
    from the folder `run_in` (relative paths resolve there), else from the current folder.
    """
    import json
    import os
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="olivegen-check-") as folder:
        files = []
        for i, config in enumerate(configs):
            path = Path(folder) / f"config-{i}.json"
            path.write_text(json.dumps(config), encoding="utf-8")
            files.append(str(path))
        found = check_files(python, files, trust_scripts=trust_scripts, run_in=str(run_in or os.getcwd()))
    return [found[f] for f in files]


def check_files(
    python: str, files: list[str], *, trust_scripts: bool = False, run_in: str | None = None
) -> dict[str, list[str]]:
    """Check Olive config files with the Olive of another Python: file -> problems.

    Each is checked from its own folder, or from `run_in`.
    """
    import json
    import os
    import subprocess
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])  # the folder holding the olivegen package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    command = [python, "-m", "olivegen.render.olive_check", *(["--trust-scripts"] if trust_scripts else [])]
    command += [*(["--in", run_in] if run_in else []), "--many"]
    try:
        done = subprocess.run(
            [*command, *files], capture_output=True, text=True, env=env, timeout=ANOTHER_PYTHON_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {f: [f"the Olive of {python} could not check it: {type(exc).__name__}: {exc}"] for f in files}
    try:
        found: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        tail = (done.stderr.strip().splitlines() or ["no report"])[-1][:300]
        return {f: [f"the Olive of {python} could not check it: {tail}"] for f in files}
    return {f: found.get(f, []) for f in files}


def _device(name: str) -> Any:
    """Olive's Device enum for a device name (passes read `accelerator_type.CPU` off it); the name if unknown."""
    from olive.hardware.accelerator import Device

    try:
        return Device(name)
    except ValueError:
        return name


def _pass_problems(key: str, exc: Exception) -> list[str]:
    """Report a pass config's rejection once per parameter (`passes.KEY.PARAM: message`), else as text."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return [f"passes.{key}: {type(exc).__name__}: {exc}"]
    first: dict[str, str] = {}
    for error in errors():
        loc = error.get("loc") or ()
        param = str(loc[0]) if loc else ""
        first.setdefault(param, str(error.get("msg", "")))  # pydantic lists one error per union member
    return [f"passes.{key}.{param}: {msg}" if param else f"passes.{key}: {msg}" for param, msg in first.items()]


def _target_accelerator(config: dict[str, Any]) -> tuple[str, str]:
    """Return the target's device and first provider, in any config form (nested or flat; Olive's CPU default)."""
    engine: dict[str, Any] = config["engine"] if isinstance(config.get("engine"), dict) else config
    systems: dict[str, Any] = config["systems"] if isinstance(config.get("systems"), dict) else {}
    target = engine.get("target")
    spec = systems.get(target) if isinstance(target, str) else target
    spec = spec if isinstance(spec, dict) else {}
    spec = {**spec, **spec["config"]} if isinstance(spec.get("config"), dict) else spec
    accelerators = spec.get("accelerators") or [{}]
    first = accelerators[0] if isinstance(accelerators[0], dict) else {"device": accelerators[0]}
    providers = first.get("execution_providers") or ["CPUExecutionProvider"]
    return str(first.get("device") or "cpu").lower(), str(providers[0])


def main(argv: list[str] | None = None) -> int:
    """`python -m olivegen.render.olive_check [--trust-scripts] CONFIG.json`: print the problems as JSON.

    For another Python's Olive. A config naming a script is refused unless `--trust-scripts` comes first.

    `--many A.json B.json ...` checks every file in this one process (Olive is imported once) and
    prints `{file: [problems]}`; each is checked from its own folder, so its relative paths resolve there,
    or from DIR with `--in DIR --many ...`.
    """
    import json
    import os
    import sys

    args = sys.argv[1:] if argv is None else argv
    trust = bool(args) and args[0] == "--trust-scripts"
    args = args[1:] if trust else args
    run_in = None
    if len(args) > 1 and args[0] == "--in":
        run_in, args = args[1], args[2:]
    if args and args[0] == "--many":
        found: dict[str, list[str]] = {}
        here = os.getcwd()
        for name in args[1:]:
            try:
                with open(name, encoding="utf-8") as handle:
                    config = json.load(handle)
                os.chdir(run_in or os.path.dirname(os.path.abspath(name)))
                found[name] = olive_problems(config, trust_scripts=trust)
            except Exception as exc:  # one unreadable config does not stop the batch
                found[name] = [f"{type(exc).__name__}: {exc}"]
            finally:
                os.chdir(here)
        print(json.dumps(found))
        return 1 if any(found.values()) else 0
    with open(args[0], encoding="utf-8") as handle:
        config = json.load(handle)
    problems = olive_problems(config, trust_scripts=trust)
    print(json.dumps(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
