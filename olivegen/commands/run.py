"""`olivegen run RECIPE [-o OUTDIR] [--host cpu] [--target cpu] [--cache-dir DIR] [--set PATH=VALUE]...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from olivegen.commands.common import Exit, HelpFormat, epilog, report, say
from olivegen.commands.options import add_outside, add_set

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
            " summary. Exits 3 when no output model was produced (even where Olive itself exits 0)."
        ),
        epilog=epilog(
            {
                0: "the output model was produced",
                1: "the recipe has errors, or preflight refused a pass this machine cannot run",
                2: "usage or internal error",
                3: "Olive produced no output model",
            },
            [
                "olivegen run examples/phi3-tone-classification.yaml -o out/ --dry-run",
                "olivegen run my.olive.yaml -o out/ --host cpu",
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
    add_set(parser)
    parser.add_argument("--variant", metavar="NAME", help="the variant of a matrix recipe to run")


def _label(index: int, total: int, key: str, kind: str) -> str:
    return f"[{index + 1}/{total}] {key} ({kind})"


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


def run_recipe(args: argparse.Namespace) -> tuple[Plan, RunSummary | None]:
    """Plan and (unless --dry-run) run; print notes, warnings and progress on the way."""
    from olivegen.api import write_atomic
    from olivegen.runner.execute import execute_plan
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
    )
    for note in plan.notes:
        say(f"olivegen run: {note}")
    report(plan.warnings)
    if args.dry_run:
        from olivegen.runner.layout import make_dir

        make_dir(plan.layout.outdir)
        write_atomic(plan.layout.config_path, plan.text)
        say(f"wrote {plan.layout.config_path} (dry run: Olive not started)")
        return plan, None
    total = len(plan.config.get("passes", {}))
    say(f"olivegen run: {plan.workflow_id}: {total} passes with Olive; output {plan.layout.outdir}")
    return plan, execute_plan(plan, on_event=progress(total))


def execute(args: argparse.Namespace) -> Exit:
    """Run one recipe; exit 3 when no output model was produced."""
    from olivegen.runner.summary import format_summary

    _, summary = run_recipe(args)
    if summary is None:
        return Exit.OK
    sys.stdout.write("\n".join(format_summary(summary)) + "\n")
    sys.stdout.flush()
    if not summary.ok:
        say(f"olivegen run: error: {summary.failure}")
        return Exit.RUN_FAILED
    return Exit.OK
