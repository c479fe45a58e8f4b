"""`olivegen validate RECIPE... [--format text|json|github|sarif] [--strict] [--olive] [--set K=V]`.

Every recipe is checked in this one process and every diagnostic of every file
is reported on stdout, as linters do (`olivegen validate x.yaml | less`). Text (the
default): the headline `file:line:col: severity[rule]: message` first, then
`  hint: ...` and a code frame, and the summary line `N files, E errors, W warnings`
last. The machine formats (`json`, `github`, `sarif`) keep stdout parseable: their
summary line goes to stderr. Only usage and internal errors go to stderr. Inside GitHub
Actions (`GITHUB_ACTIONS=true`) the default format is `github`.
Exit code: 1 when any recipe has an error (or a warning, with --strict), else 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from olivegen.commands.common import Exit, HelpFormat, epilog, say
from olivegen.commands.options import add_olive_version, add_outside, add_set
from olivegen.errors import Diagnostic, OlivegenError, Position, RecipeError, Severity
from olivegen.knowledge.catalog import INSTALLED_GENERATION, OLIVE_GENERATION, PREVIOUS_GENERATION

if TYPE_CHECKING:
    from olivegen.source.document import SourceMap


def add_parser(sub: Any) -> None:
    """Register the command."""
    from olivegen.report.formats import FORMATS

    parser = sub.add_parser(
        "validate",
        help="check recipes (or Olive configs) without writing anything",
        description="Check recipes, or Olive configs as they are (.json, or YAML with Olive's sections), without"
        " writing anything: every error and warning of every file, each at its file:line:col with a hint. The report"
        " goes to stdout (with a machine format, its summary to stderr).",
        epilog=epilog(
            {
                0: "no errors (warnings allowed, unless --strict)",
                1: "a recipe has an error (or, with --strict, a warning)",
                2: "usage or internal error",
            },
            [
                "olivegen validate examples/*.yaml",
                "olivegen validate --format sarif examples/*.yaml > olivegen.sarif",
                "olivegen validate --olive examples/phi3-tone-classification.yaml   # needs olivegen[olive]",
                "olivegen validate tests/data/olive-configs/seed-guide-legacy.json   # an Olive config, at its lines",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument(
        "recipes", type=Path, nargs="+", help="recipe files, or Olive configs (.json, or YAML with Olive's sections)"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="text (default), json, github (default in GitHub Actions) or sarif; the report goes to stdout",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    parser.add_argument(
        "--olive",
        action="store_true",
        help="also check with the installed Olive: a recipe's rendered config, or an Olive config as written;"
        " an input naming a script (user_script, script_dir, model_script) or a python environment or Docker"
        " target is refused, since Olive's check would import or run it",
    )
    parser.add_argument(
        "--olive-python",
        metavar="PYTHON",
        help="with --olive: check with the Olive installed for this Python instead (e.g. a venv with Olive's main"
        " branch, for --olive-version main)",
    )
    parser.add_argument(
        "--trust-scripts",
        action="store_true",
        help="for inputs you trust: lets Olive import the scripts they name (with --olive; never on a pull request)",
    )
    add_olive_version(parser, "check for")
    add_outside(parser)
    add_set(parser)


def diagnose_file(
    recipe: Path,
    *,
    olive: bool,
    overrides: list[str] | None = None,
    generation: str | None = None,
    outside: bool = False,
    trust_scripts: bool = False,
    olive_python: str | None = None,
) -> list[Diagnostic]:
    """Return every diagnostic for one recipe, every variant of a matrix (an empty list: it compiles cleanly).

    Nothing one file does stops the batch: any failure is that file's diagnostic.
    """
    try:
        return _diagnose(
            recipe,
            olive=olive,
            overrides=overrides,
            generation=generation,
            outside=outside,
            trust=trust_scripts,
            python=olive_python,
        )
    except RecipeError as exc:
        return list(exc.diagnostics)
    except OlivegenError as exc:
        return [Diagnostic(str(exc), Position(str(recipe), 1, 1), rule="recipe")]
    except RecursionError:
        return [Diagnostic("the input is nested too deeply to read", Position(str(recipe), 1, 1), rule="yaml")]
    except Exception as exc:  # a bug in olivegen: shown on stderr, and this file still gets its report
        import traceback

        traceback.print_exc()
        return [
            Diagnostic(
                f"olivegen failed on this file ({type(exc).__name__}); this is a bug in olivegen, please report it",
                Position(str(recipe), 1, 1),
                rule="internal",
            )
        ]


def _diagnose(
    recipe: Path,
    *,
    olive: bool,
    overrides: list[str] | None,
    generation: str | None,
    outside: bool,
    trust: bool = False,
    python: str | None = None,
) -> list[Diagnostic]:
    from olivegen.api import Options, compile, compile_olive_config, is_olive_config

    raw = is_olive_config(recipe)  # an Olive config is checked as it is, at its own lines
    try:
        if raw:
            if overrides:
                return [Diagnostic("--set changes recipes, not Olive configs", Position(str(recipe), 1, 1))]
            variants = [compile_olive_config(recipe, generation)]
        else:
            options = Options(overrides=overrides or [], generation=generation, outside=outside, builds=True)
            variants = compile(recipe, options)
    except RecipeError as exc:
        return list(exc.diagnostics)
    found = [w for compiled in variants for w in compiled.warnings]
    if olive and raw:  # the config the user runs, not olivegen's rendering of it
        return found + _olive_on_config(recipe, trust, python)
    checked = []
    for compiled in variants if olive else []:
        refused = [] if trust else _code_named(compiled.config, compiled.where, recipe, compiled.variant)
        if refused:
            found += refused
        else:
            checked.append(compiled)
    if checked:
        from olivegen.api import olive_findings
        from olivegen.render.olive_check import olive_problems, problems_in

        problems = (
            problems_in(python, [c.config for c in checked], trust_scripts=trust)
            if python
            else [olive_problems(c.config, trust_scripts=trust) for c in checked]
        )
        found += [d for c, p in zip(checked, problems, strict=True) for d in olive_findings(c, p)]
    return found


def _code_named(
    config: dict[str, Any], where: SourceMap | None, path: Path, variant: str | None = None
) -> list[Diagnostic]:
    """Refuse, at the key that names it, code that Olive's check of `config` would import or run.

    For a recipe `where` holds the recipe's positions: the rendered key is placed where the recipe
    writes a key of that name (`data[0].olive.user_script`), else at the recipe's first line.
    """
    from olivegen.render.olive_check import TRUST_HINT, code_named

    found = []
    for loc, why in code_named(config):
        at = Position(str(path), 1, 1)
        if where is not None and loc in where.keys:
            at = where.lookup(loc)
        elif where is not None:
            written = [k for k in where.keys if k and k[-1] == loc[-1]]
            at = where.keys[written[0]] if written else where.lookup(())
        label = f"[{variant}] " if variant else ""
        found.append(Diagnostic(f"{label}{why}; refused with --olive", at, TRUST_HINT, "olive"))
    return found


def _olive_on_config(path: Path, trust: bool = False, python: str | None = None) -> list[Diagnostic]:
    """Check an Olive config with the installed Olive (or `python`'s) from its own folder, as `olive run` would."""
    from olivegen.render.olive_check import olive_problems
    from olivegen.source.olive_config import load_config_with_positions

    config, where = load_config_with_positions(path)
    if not trust:
        refused = _code_named(config, where, path)
        if refused:
            return refused
    if python:
        from olivegen.render.olive_check import problems_in

        # from the config's own folder (as `olive run` there would), whatever its format
        (problems,) = problems_in(python, [config], trust_scripts=trust, run_in=path.resolve().parent)
    else:
        here = os.getcwd()
        try:
            os.chdir(path.resolve().parent)  # Olive resolves a user_script or a model path from where it runs
            problems = olive_problems(config, trust_scripts=trust)
        finally:
            os.chdir(here)
    return [
        Diagnostic(
            problem,
            _olive_position(problem, config, where) if where is not None else Position(str(path), 1, 1),
            "Olive only logs this and goes on without the keys"
            if ignored(problem)
            else "Olive rejects the config as written: `olive run` would stop here",
            "olive",
            Severity.WARNING if ignored(problem) else Severity.ERROR,
        )
        for problem in problems
    ]


def ignored(problem: str) -> bool:
    """Tell an Olive problem it only logs ("Keys {...} are not part of ... Ignoring them.") from a rejection."""
    return "Ignoring them" in problem or "will be ignored" in problem


def _olive_position(problem: str, config: dict[str, Any], where: SourceMap) -> Position:
    """Place Olive's `a.b.0.c: message` at the key it names (Olive's list indexes where the config has none skipped)."""
    loc: list[str | int] = []
    node: Any = config
    for part in problem.split(": ", 1)[0].split("."):
        if isinstance(node, dict) and part in node:
            loc.append(part)
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            loc.append(int(part))
            node = node[int(part)]
        elif not part.isdigit():
            break
    return where.lookup(tuple(loc))


PARALLEL_FROM = 64  # files; below this a second process costs more than it saves


def diagnose_files(
    recipes: list[Path],
    *,
    olive: bool,
    overrides: list[str],
    generation: str | None = None,
    outside: bool = False,
    trust_scripts: bool = False,
    olive_python: str | None = None,
) -> list[list[Diagnostic]]:
    """Return the diagnostics of every recipe, in order; many recipes are checked on every core.

    The first recipe is checked here, which imports and warms everything; forked workers then
    share that state. `--olive`, a single core, or a platform without fork check serially.
    """
    import os

    def serial() -> list[list[Diagnostic]]:
        return [
            diagnose_file(
                recipe,
                olive=olive,
                overrides=overrides,
                generation=generation,
                outside=outside,
                trust_scripts=trust_scripts,
                olive_python=olive_python,
            )
            for recipe in recipes
        ]

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if olive or cores < 2 or len(recipes) < PARALLEL_FROM:
        return serial()
    import multiprocessing  # only now: importing it costs a one-recipe run 7 ms

    if "fork" not in multiprocessing.get_all_start_methods():
        return serial()
    from olivegen.commands.workers import check_all

    first = diagnose_file(recipes[0], olive=olive, overrides=overrides, generation=generation, outside=outside)
    jobs = [(recipe, overrides, generation, outside) for recipe in recipes[1:]]
    # forked workers, each file reported as it is done; a worker that dies or hangs costs its files a
    # process of their own each, not the batch (multiprocessing.Pool waited forever for a dead worker)
    rest = check_all(jobs, _diagnose_job, min(cores, 8), multiprocessing.get_context("fork"))
    return [first, *rest]


Job = tuple[Path, list[str], str | None, bool]


def _diagnose_job(job: Job) -> list[Diagnostic]:
    recipe, overrides, generation, outside = job
    return diagnose_file(recipe, olive=False, overrides=overrides, generation=generation, outside=outside)


def execute(args: argparse.Namespace) -> Exit:
    """Validate many recipes in one process; report every diagnostic in the chosen format and a summary."""
    from olivegen.report.formats import FileReport, Totals, default_format, render

    fmt = args.format or default_format()
    overrides = getattr(args, "overrides", None) or []
    python = getattr(args, "olive_python", None)
    if python and not args.olive:
        say("olivegen validate: --olive-python says which Olive checks with --olive; add --olive")
        return Exit.USAGE
    if args.olive and not python and args.olive_version == PREVIOUS_GENERATION:
        say(
            f"olivegen validate: --olive checks with the installed Olive ({OLIVE_GENERATION}); for"
            f" {PREVIOUS_GENERATION} output run"
        )
        say(
            "  python -m olivegen.render.olive_check CONFIG.json  with an olive-ai 0.9.2 Python"
            " (see docs/migration.md), or add --olive-python PYTHON"
        )
        return Exit.USAGE
    if args.olive and not python and args.olive_version not in (None, OLIVE_GENERATION, INSTALLED_GENERATION):
        say(
            f"olivegen validate: --olive checks with the installed Olive; to check for {args.olive_version},"
            f" install it and run validate --olive --olive-version {INSTALLED_GENERATION}, or give the Python it is"
            " installed for with --olive-python PYTHON"
        )
        return Exit.USAGE
    found = diagnose_files(
        list(args.recipes),
        olive=args.olive,
        overrides=overrides,
        generation=args.olive_version,
        outside=getattr(args, "outside", False),
        trust_scripts=getattr(args, "trust_scripts", False),
        olive_python=python,
    )
    reports = [FileReport(str(recipe), diags) for recipe, diags in zip(args.recipes, found, strict=True)]
    totals = Totals.of(reports)
    if fmt == "text":
        _write(sys.stdout, render("text", reports))
    else:
        _write(sys.stdout, render(fmt, reports))
        say(totals.summary())
    return Exit.RECIPE_ERROR if totals.errors or (args.strict and totals.warnings) else Exit.OK


def _write(stream: Any, text: str) -> None:
    """Write output that is always encodable, whatever text a recipe or data file brought in."""
    stream.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))
    stream.flush()
