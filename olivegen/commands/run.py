"""`olivegen run RECIPE [-o OUTDIR] [--host H] [--target T] [--cache-dir DIR] [--set PATH=VALUE]... [--variant GLOB]`.

A matrix recipe runs each variant in OUTDIR/<variant>/ and compares them in one table.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from olivegen.commands.common import Exit, HelpFormat, epilog, report, say
from olivegen.commands.options import add_outside, add_set
from olivegen.errors import Diagnostic, RecipeError, Severity
from olivegen.report import safe_text

if TYPE_CHECKING:
    from olivegen.runner.execute import Heartbeat
    from olivegen.runner.logparse import Event
    from olivegen.runner.plan import Plan
    from olivegen.runner.summary import RunSummary


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "run",
        help="render a recipe and run it with the installed Olive; report each pass and the output model",
        description=(
            "Render RECIPE, refuse passes this machine cannot run, run the workflow with Olive, and print a"
            " summary. When nothing changed since the last successful run in OUTDIR (the config, and the"
            " sizes, times and contents of its local input files), report that run's output without starting"
            " Olive (--force runs again). A matrix recipe runs every variant (or those --variant matches), one"
            " after another, each in OUTDIR/<variant>/, sharing one Olive cache (OUTDIR/cache/olive), so passes"
            " the variants have in common run once; a failing variant does not stop the others, and a table"
            " compares them (printed, OUTDIR/matrix-summary.json, OUTDIR/matrix-summary.md, and"
            " $GITHUB_STEP_SUMMARY when set)."
        ),
        epilog=epilog(
            {
                0: "every run produced an output model (or was reused unchanged)",
                1: "a recipe error or a preflight refusal (for a matrix: in any variant; the valid variants still run)",
                2: "usage or internal error, or an output folder olivegen will not empty",
                3: "Olive ran and produced no output model (for a matrix: some variant failed)",
            },
            [
                "olivegen run examples/phi3-tone-classification.yaml -o out/ --dry-run",
                "olivegen run my.olive.yaml -o out/ --host cpu",
                "olivegen run examples/team/travel-targets.yaml -o runs/ --variant 'cpu-*' --host cpu",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("recipe", type=Path, help="recipe file (.yaml)")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="output folder (default: the recipe's engine.output_dir); model in OUTDIR/model",
    )
    parser.add_argument("--host", help="run the passes here on this provider instead: cpu, cuda, or a provider name")
    parser.add_argument("--target", help="build the model for this provider instead: cpu, cuda, ...")
    parser.add_argument("--cache-dir", type=Path, help="root of the caches (default: OUTDIR/cache)")
    parser.add_argument("--no-preflight", action="store_true", help="run even what preflight refuses (for debugging)")
    parser.add_argument("--dry-run", action="store_true", help="write OUTDIR/olive-config.json and stop before Olive")
    add_outside(parser)
    parser.add_argument("--force", action="store_true", help="run Olive even when nothing changed since the last run")
    add_set(parser)
    parser.add_argument(
        "--variant",
        metavar="GLOB",
        help="matrix recipes: run only the variants this name or glob matches (cpu-*); an exact name runs"
        " that one variant in OUTDIR itself; default: every variant, each in OUTDIR/<variant>/",
    )


def _label(index: int, total: int, key: str, kind: str) -> str:
    return safe_text.shown(f"[{index + 1}/{total}] {key} ({kind})")


def progress(total: int) -> Any:
    """Return the callback that prints pass events as they happen."""
    from olivegen.runner.execute import Heartbeat

    def show(event: Event | Heartbeat) -> None:
        if isinstance(event, Heartbeat):
            say(f"{_label(event.index, total, event.key, event.type)} still running, {event.seconds:.0f} s")
            return
        run = event.run
        label = _label(event.index, total, run.key, run.type)
        took = f"{run.seconds:.1f} s" if run.seconds is not None else "?"
        text = {
            "start": f"{label} ...",
            "ok": f"{label} done in {took}",
            "cached": f"{label} reused from Olive's cache ({took})",
            "failed": f"{label} FAILED after {took}",
            "pruned": f"{label} pruned by Olive after {took}",
        }.get(event.kind, f"{label} {event.kind}")
        say(text)

    return show


def plan_recipe(
    args: argparse.Namespace,
    default_cache_dir: Path | None = None,
    *,
    share_cache: bool = False,
    shown: set[str] | None = None,
) -> Plan:
    """Plan one run (a recipe, or one variant); print its notes and warnings; write the config on --dry-run.

    `shown` holds what earlier variants of a matrix printed: a note or warning they share is printed once.
    """
    from olivegen.render.write import write_atomic
    from olivegen.runner.plan import plan_run

    plan = plan_run(
        args.recipe,
        outdir=args.output,
        host=args.host,
        target=args.target,
        cache_dir=args.cache_dir,
        overrides=args.overrides,
        check_machine=not args.no_preflight,
        variant=args.variant,
        outside=args.outside,
        default_cache_dir=default_cache_dir,
        share_cache=share_cache,
    )
    seen = shown if shown is not None else set()
    for note in plan.notes:
        if note not in seen:
            seen.add(note)
            say(f"olivegen run: {safe_text.shown(note)}")
    report_once(plan.warnings, seen)
    if args.dry_run:
        from olivegen.runner.layout import make_dir

        make_dir(plan.layout.outdir)
        write_atomic(plan.layout.config_path, plan.text)
        say(f"wrote {plan.layout.config_path} (dry run: Olive not started)")
    return plan


def reused(plan: Plan, force: bool) -> RunSummary | None:
    """Return the last successful run's summary when nothing changed since (unless --force); say so either way."""
    from olivegen.runner import reuse

    if force:
        return None
    verdict = reuse.check(plan.layout, plan.config, plan.text)
    if verdict.summary is not None:
        say(
            f"olivegen run: {plan.workflow_id}: nothing changed since the last successful run in"
            f" {plan.layout.outdir}; reusing its output, Olive not started (--force runs again)"
        )
        return verdict.summary
    if verdict.why_not not in (None, reuse.NO_RUN):
        say(f"olivegen run: {plan.workflow_id}: running again: {safe_text.shown(verdict.why_not or '')}")
    return None


def run_recipe(args: argparse.Namespace) -> tuple[Plan, RunSummary | None]:
    """Plan and (unless --dry-run) run, or reuse the last run; print notes, warnings and progress on the way."""
    from olivegen.runner.execute import execute_plan

    plan = plan_recipe(args)
    if args.dry_run:
        return plan, None
    summary = reused(plan, args.force)
    if summary is not None:
        return plan, summary
    total = len(plan.config.get("passes", {}))
    say(f"olivegen run: {plan.workflow_id}: {total} passes with Olive; output {plan.layout.outdir}")
    return plan, execute_plan(plan, on_event=progress(total))


def _print_summary(summary: RunSummary) -> None:
    from olivegen.runner.summary import format_summary

    sys.stdout.write("\n".join(format_summary(summary)) + "\n")
    sys.stdout.flush()


def execute(args: argparse.Namespace) -> Exit:
    """Run one recipe, or the variants of a matrix; exit 3 when a run produced no output model."""
    variants = _matrix_variants(args)
    if variants is not None:
        return _run_matrix(args, variants)
    _, summary = run_recipe(args)
    if summary is None:
        return Exit.OK
    _print_summary(summary)
    if not summary.ok:
        say(f"olivegen run: error: {safe_text.shown(summary.failure or '')}")
        return Exit.RUN_FAILED
    return Exit.OK


def _matrix_variants(args: argparse.Namespace) -> list[str] | None:
    """Return the variants to run one after another, or None for a single run (no matrix, or one exact --variant)."""
    from olivegen.api import Options, variant_names

    every = variant_names(args.recipe)
    if every is None:
        return None  # compile reports a --variant given for a recipe without a matrix
    pattern = args.variant
    if pattern is not None and pattern in every:
        return None
    return variant_names(args.recipe, Options(only=[pattern])) if pattern is not None else every


def _run_matrix(args: argparse.Namespace, variants: list[str]) -> Exit:
    """Run each variant in OUTDIR/<variant>/ with one shared cache; print and write the comparison table.

    Every variant is planned first (a wrong one is reported and skipped), unchanged ones are
    reused, and the rest run one after another in one Olive process (olivegen/runner/batch.py).
    """
    from olivegen.errors import OlivegenError
    from olivegen.render.write import write_atomic
    from olivegen.runner import matrix
    from olivegen.runner.batch import execute_plans

    if args.output is None:
        say(
            f"olivegen run: error: the recipe has a matrix of {len(variants)} variants to run;"
            " give -o OUTDIR (each variant runs in OUTDIR/<variant>/), or one variant with --variant NAME"
        )
        return Exit.RECIPE_ERROR
    root = args.output.expanduser().resolve()
    rows: dict[str, matrix.Row] = {}
    to_run: list[tuple[str, Plan]] = []
    shown: set[str] = set()
    for name in variants:
        say(f"olivegen run: variant {name}")
        one = argparse.Namespace(**{**vars(args), "variant": name, "output": root / name})
        try:
            plan = plan_recipe(one, default_cache_dir=root / "cache", share_cache=True, shown=shown)
        except RecipeError as exc:
            report_once(exc.diagnostics, shown)
            first = exc.diagnostics[0].message if exc.diagnostics else "the recipe is wrong"
            rows[name] = matrix.Row(name, matrix.INVALID, outdir=str(root / name), failure=first)
            continue
        if args.dry_run:
            continue
        summary = reused(plan, args.force)
        if summary is not None:
            _print_summary(summary)
            rows[name] = matrix.row_of(name, summary)
        else:
            to_run.append((name, plan))
    if args.dry_run:
        return Exit.RECIPE_ERROR if rows else Exit.OK
    if to_run:
        names = ", ".join(name for name, _ in to_run)
        say(f"olivegen run: {len(to_run)} of {len(variants)} variants to run in one Olive process: {names}")

        def done(index: int, result: RunSummary | OlivegenError) -> None:
            name = to_run[index][0]
            if isinstance(result, OlivegenError):
                say(f"olivegen run: {name}: error: {safe_text.shown(str(result))}")
                rows[name] = matrix.Row(name, matrix.FAILED, outdir=str(root / name), failure=str(result))
                return
            _print_summary(result)
            rows[name] = matrix.row_of(name, result)

        plans = [plan for _, plan in to_run]
        execute_plans(plans, on_event=[_announce(p) for p in plans], on_done=done)
    table = [rows[name] for name in variants if name in rows]
    sys.stdout.write("\n".join(["", "variants:", *matrix.format_table(table)]) + "\n")
    sys.stdout.flush()
    markdown = matrix.format_markdown(str(args.recipe), table)
    write_atomic(root / "matrix-summary.json", matrix.to_json(str(args.recipe), table))
    write_atomic(root / "matrix-summary.md", markdown)
    _append_step_summary(markdown)
    say(f"olivegen run: comparison: {root / 'matrix-summary.json'}, {root / 'matrix-summary.md'}")
    if any(r.status == matrix.INVALID for r in table):
        return Exit.RECIPE_ERROR
    if any(r.status == matrix.FAILED for r in table):
        return Exit.RUN_FAILED
    return Exit.OK


def report_once(diagnostics: Sequence[Diagnostic], shown: set[str]) -> None:
    """Report diagnostics an earlier variant did not; an error it did is named again in one line."""
    for diag in diagnostics:
        key = str(diag)
        if key not in shown:
            shown.add(key)
            report([diag])
        elif diag.severity is Severity.ERROR:
            say(f"  {diag.headline()} (as above)")


def _announce(plan: Plan) -> Any:
    """Return a progress callback that first names the variant when its Olive run starts."""
    total = len(plan.config.get("passes", {}))
    show = progress(total)
    started = False

    def on_event(event: Any) -> None:
        nonlocal started
        if not started:
            started = True
            say(f"olivegen run: {plan.workflow_id}: {total} passes; output {plan.layout.outdir}")
        show(event)

    return on_event


def _append_step_summary(markdown: str) -> None:
    """Append the table to GitHub's job summary when running in Actions ($GITHUB_STEP_SUMMARY)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as sink:
            sink.write(markdown + "\n")
    except OSError as exc:
        say(f"olivegen run: warning: cannot append to $GITHUB_STEP_SUMMARY ({target}): {exc.strerror}")
