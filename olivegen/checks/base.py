"""The rule registry and what a rule sees.

Every diagnostic olivegen emits carries a stable rule id. Semantic rules
register with `@rule("id", severity)`; the ids of the earlier stages (YAML,
schema validation, `--olive`) are described in `STAGE_RULES`, and those of
composition, import, `run` and the commands in `OTHER_RULES`, each with its
severity. `rule_info` answers for all, so every output format can describe every id.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from olivegen.errors import Diagnostic, Position, Severity
from olivegen.recipe import Recipe
from olivegen.recipe.systems import SystemSpec
from olivegen.source.document import Loc, SourceMap


@dataclass(frozen=True)
class RuleInfo:
    """What a rule id means: its severity and a one-line summary."""

    id: str
    severity: Severity
    summary: str


@dataclass(frozen=True)
class Scope:
    """A validated recipe with its positions and the folder its relative paths start from."""

    recipe: Recipe
    where: SourceMap
    base: Path

    @cached_property
    def dumped(self) -> dict[str, Any]:
        """Return the recipe as written (defaults left out) as plain data, keyed like the recipe."""
        data: dict[str, Any] = self.recipe.model_dump(mode="python", by_alias=True, exclude_defaults=True)
        return data

    def at(self, *loc: str | int) -> Position:
        """Return the position of a value in the recipe (or of the nearest part written)."""
        return self.where.lookup(tuple(loc), prefer_value=True)

    def key_at(self, *loc: str | int) -> Position:
        """Return the position of a key in the recipe."""
        return self.where.lookup(tuple(loc))

    def written(self, *loc: str | int) -> bool:
        """Tell whether this exact key or list item is written in the recipe (not a default)."""
        return tuple(loc) in self.where.keys

    @property
    def target(self) -> SystemSpec:
        """Return the system the model is optimized for: `target`, else the host."""
        return self.recipe.target or self.recipe.host

    def path_hint(self, written: str) -> str:
        """Say where a missing path was looked for: the recipe's folder, or (absolute) as written."""
        if Path(written).expanduser().is_absolute():  # a base's relative paths arrive rebased onto its folder
            return "looked for at that path (a relative path in a base recipe means the base's folder)"
        return f"paths are relative to the recipe's folder ({self.base})"

    def error(self, rule_id: str, message: str, loc: Loc, hint: str | None = None) -> Diagnostic:
        """Build an error diagnostic at a recipe location."""
        return Diagnostic(message, self.at(*loc), hint, rule_id, Severity.ERROR)

    def warning(self, rule_id: str, message: str, loc: Loc, hint: str | None = None) -> Diagnostic:
        """Build a warning diagnostic at a recipe location."""
        return Diagnostic(message, self.at(*loc), hint, rule_id, Severity.WARNING)

    def emit(self, rule_id: str, message: str, loc: Loc, hint: str | None = None) -> Diagnostic:
        """Build a diagnostic with the severity the rule was registered with."""
        return Diagnostic(message, self.at(*loc), hint, rule_id, RULE_INFO[rule_id].severity)


Rule = Callable[[Scope], Iterable[Diagnostic]]
RULES: dict[str, Rule] = {}
RULE_INFO: dict[str, RuleInfo] = {}

_E, _W = Severity.ERROR, Severity.WARNING

# Ids of diagnostics found before the semantic rules run (reading, YAML, the recipe schema) or after
# them (`validate --olive`), with the severity they are reported at. docs/rules.md has a section each.
STAGE_RULES: dict[str, tuple[Severity, str]] = {
    "recipe": (_E, "The file cannot be read as a recipe: missing, unreadable, not UTF-8, empty or not a mapping."),
    "yaml": (
        _E,
        "The YAML itself is broken: syntax, duplicate keys, tags, nesting or alias expansion beyond the caps.",
    ),
    "indentation": (
        _E,
        "A key indented to the wrong column: under the wrong parent, or lined up with nothing above it.",
    ),
    "unknown-key": (_E, "A key the recipe format does not have (with a did-you-mean or the allowed keys)."),
    "legacy-key": (_E, "A key from older Olive configs or tutorials; the hint gives today's spelling."),
    "missing-key": (_E, "A required key is missing."),
    "invalid-value": (_E, "A value has the wrong type or is out of range for its key."),
    "pass-type": (_E, "A pass type Olive does not register, or a pass without `type`."),
    "secret": (
        _E,
        "A recipe never holds credentials (Hugging Face tokens, Azure keys, connection strings, SAS tokens ...):"
        " checked once on the composed recipe and once on the rendered config.",
    ),
    "olive": (_E, "The installed Olive rejects or would silently ignore part of the rendered config (`--olive`)."),
}

# Ids reported by composition, `olivegen import`, `olivegen run`'s preflight and the commands themselves
# rather than by the rules of one recipe; docs/rules.md lists them in one table.
OTHER_RULES: dict[str, tuple[Severity, str]] = {
    "extends": (
        _E,
        "An `extends:` base cannot be used: missing, unreadable, outside the repository, a cycle or too deep.",
    ),
    "environment": (_E, "A `${VAR}` reference names an unset environment variable without a default, or is malformed."),
    "override": (_E, "A `--set PATH=VALUE` override is malformed or its path or value does not fit the recipe."),
    "matrix": (_E, "A `matrix:` is malformed: an axis, an `exclude` entry or a variant that cannot be built."),
    "builds": (
        _W,
        "A matrix rendered for Olive main stays separate configs: Olive main would refuse its variants as builds"
        " (a build name, overlapping output folders, a host that is not local).",
    ),
    "name": (_E, "A recipe without `name:` whose file name cannot be a workflow id."),
    "preset": (_E, "`olivegen init` was given a preset name that does not exist."),
    "columns-unchecked": (_W, "A data file's columns are not checked: its schema is past the bounded read."),
    "internal": (_E, "olivegen failed on this file (a bug); the other files of the batch are still reported."),
    "duplicate-key": (_E, "An Olive JSON config writes a key twice in one object: Olive reads only the last one."),
    "import": (_E, "`olivegen import` cannot convert this part of the Olive config."),
    "import-dropped": (_W, "`olivegen import` left out a key with no meaning in today's Olive."),
    "import-approximate": (_W, "`olivegen import` carried a key over with a close, not an equal, meaning."),
    "import-migrated": (_W, "`olivegen import` rewrote a form today's Olive rejects in today's words."),
    "import-secret": (_W, "`olivegen import` kept a literal secret of the config out of the recipe."),
    "import-many": (_W, "`olivegen import` of many configs skipped a file, or changed a variant's name or folder."),
    "olive-renamed": (_W, "A name the Olive config uses was renamed in a later Olive; import wrote today's name."),
    "olive-removed": (_W, "An engine setting of an older Olive that the Olive the config renders for rejects."),
    "unknown-evaluator": (_W, "An evaluator named by the engine or a pass that `evaluators` does not define."),
    "schema-file": (
        _W,
        "The JSON schema file a recipe's modeline names is stale (another olivegen wrote it) or missing.",
    ),
    "run-flag": (_E, "`olivegen run --host`/`--target` names no execution provider."),
    "run-olive-missing": (_E, "`olivegen run`: Olive is not installed in this Python environment."),
    "run-missing-package": (_E, "`olivegen run`: a pass needs a Python package that is not installed."),
    "run-awq-needs-cuda": (_E, "`olivegen run`: AutoAWQQuantizer needs a CUDA GPU this machine does not have."),
    "run-no-gpu": (_W, "`olivegen run`: the host is a GPU, but torch sees none; the passes run on the CPU."),
    "run-cuda-target": (_E, "`olivegen run`: the target is CUDA, but onnxruntime-gpu is not installed."),
    "run-remote-system": (_E, "`olivegen run`: the host or target is an Azure ML system; run runs Olive here."),
    "run-lora-int4": (_W, "`olivegen run`: ModelBuilder int4 would quantize the LoRA MatMuls of an Olive config."),
    "run-lora-rank": (_W, "`olivegen run`: a LoRA rank equals a model dimension, which confuses ExtractAdapters."),
}


def pass_type(spec: object) -> str:
    """Return a pass's canonical type (the typed models and GenericPass all carry one)."""
    return str(getattr(spec, "type", ""))


def metadata_only(spec: object) -> bool:
    """Tell whether a ModelBuilder only writes genai metadata for an ONNX model (`metadata_only`): it builds nothing."""
    options = getattr(spec, "options", None) or {}
    return bool(options.get("metadata_only"))


def rule(rule_id: str, severity: Severity = Severity.ERROR) -> Callable[[Rule], Rule]:
    """Register a rule under a stable id; its docstring's first line is its summary."""

    def register(func: Rule) -> Rule:
        if rule_id in RULES or rule_id in STAGE_RULES or rule_id in OTHER_RULES:
            raise ValueError(f"rule id {rule_id!r} registered twice")
        RULES[rule_id] = func
        summary = (func.__doc__ or rule_id).strip().splitlines()[0]
        RULE_INFO[rule_id] = RuleInfo(rule_id, severity, summary)
        return func

    return register


def rule_info(rule_id: str) -> RuleInfo:
    """Describe any rule id olivegen emits (semantic rules and the earlier stages)."""
    if rule_id in RULE_INFO:
        return RULE_INFO[rule_id]
    severity, summary = STAGE_RULES.get(rule_id) or OTHER_RULES.get(rule_id) or (Severity.ERROR, rule_id)
    return RuleInfo(rule_id, severity, summary)


def all_rule_infos() -> list[RuleInfo]:
    """Return every rule id olivegen can emit: stage ids, then semantic rules by id, then the other commands' ids."""
    stages = [RuleInfo(k, *v) for k, v in STAGE_RULES.items()]
    others = [RuleInfo(k, *v) for k, v in OTHER_RULES.items()]
    return stages + [RULE_INFO[k] for k in sorted(RULE_INFO)] + others


def run_checks(scope: Scope, broken: Collection[str] = ()) -> list[Diagnostic]:
    """Run every rule and return all diagnostics, in file order.

    `broken`: the parts of the recipe that failed the schema (left out of `scope.recipe`); a rule
    that reads one of them is skipped (`checks/reads.py`).
    """
    from olivegen.checks.reads import can_run

    found = [d for rule_id, func in RULES.items() if can_run(rule_id, broken) for d in func(scope)]
    return sorted(found, key=lambda d: (d.at.line, d.at.col, d.rule) if d.at else (0, 0, d.rule))
