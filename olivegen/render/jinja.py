"""Render context -> JSON text through sandboxed Jinja, then parse it.

The context says what the recipe means (olivegen/render/context.py); the templates of a generation
(`templates/olive-<gen>/`, then the shared pieces in `templates/common/`) give it Olive's shape.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from olivegen.errors import ResourceMissing, TemplateBug
from olivegen.knowledge.catalog import shape
from olivegen.knowledge.resources import template_folder, templates_dir

ENTRY = "olive-config.json.j2"


@cache
def _environment(generation: str) -> Any:
    """One sandboxed environment per folder set: the generation's own templates, then the shared ones."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    folders = (
        [str(template_folder(generation))]
        if generation == "azureml"
        else [*_own(generation), str(templates_dir(shape(generation))), str(template_folder("common"))]
    )
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(folders),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    # Plain JSON, not Jinja's HTML-safe variant (which writes ' as \u0027): the output is a JSON or
    # YAML file, never HTML, and JSON is valid YAML.
    env.filters["tojson"] = _tojson
    env.filters["overlay"] = _overlay
    return env


def _own(generation: str) -> list[str]:
    """Return the templates of a generation's own (`templates/olive-main/`); it is written in another's shape."""
    if shape(generation) == generation:
        return []
    try:
        return [str(templates_dir(generation))]
    except ResourceMissing:
        return []


def _bytecode_cache() -> Any:
    """Return Jinja's per-user cache of compiled templates, or None where it cannot be kept.

    Compiling the templates is ~15 ms of every cold `render` and `validate`; like Python's own
    `__pycache__`, the compiled code is kept between runs (Jinja's folder `_jinja2-cache-<uid>` in the
    temporary folder, created 0700 and refused when another user owns it; a template whose text
    changed is compiled again: Jinja checks each one's checksum). A cache that cannot be read or
    written costs only the compile.
    """
    from jinja2 import FileSystemBytecodeCache

    class Quiet(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, ValueError, EOFError):
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    try:
        return Quiet()
    except (OSError, RuntimeError):  # no temporary folder, or one another user owns
        return None


def _tojson(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _overlay(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Return a new mapping: `first`'s keys in place (`second`'s value wins), then `second`'s new keys."""
    return {**first, **second}


def render_text(context: dict[str, Any], generation: str, entry: str = ENTRY) -> str:
    """Render the config template (or `entry`) for an Olive generation with the given context."""
    from jinja2 import TemplateError

    env = _environment(generation)
    try:
        return str(env.get_template(entry).render(**context))
    except TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or entry}:{getattr(exc, 'lineno', '?')}"
        raise TemplateBug(f"template olive-{generation}/{where}: {exc}") from exc


def render_job(job: dict[str, Any], template: str = "job.yml.j2") -> str:
    """Render an Azure ML job (YAML): the command job that runs `olive run`, or a matrix's pipeline job."""
    from jinja2 import TemplateError

    try:
        return str(_environment("azureml").get_template(template).render(job=job))
    except TemplateError as exc:
        raise TemplateBug(f"template azureml/{template}:{getattr(exc, 'lineno', '?')}: {exc}") from exc


def render_config(context: dict[str, Any], generation: str, entry: str = ENTRY) -> dict[str, Any]:
    """Render and parse; output that is not JSON is olivegen's bug, reported with the template line.

    `entry`: the template to start from (`builds.json.j2`: a matrix folded into Olive's `builds`).
    """
    text = render_text(context, generation, entry)
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        line = text.splitlines()[exc.lineno - 1] if exc.lineno <= len(text.splitlines()) else ""
        raise TemplateBug(
            f"template olive-{generation}/{entry} produced invalid JSON at output line {exc.lineno}: {exc.msg}"
            f"\n  {line.strip()[:200]}"
        ) from exc
    if not isinstance(config, dict):
        raise TemplateBug(f"template olive-{generation}/{entry} did not produce a JSON object")
    return config


def dump(config: dict[str, Any]) -> str:
    """Serialize a config deterministically: 2-space indent, keys in rendered order, final newline."""
    return json.dumps(config, indent=2, ensure_ascii=False) + "\n"
