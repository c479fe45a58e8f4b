"""`olivegen render RECIPE [-o OUT] [--check] [--relative-to DIR] [--set PATH=VALUE]... [--variant NAME]...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, report, say
from olivegen.commands.options import add_olive_version, add_outside, add_set, add_variant, outputs
from olivegen.knowledge.catalog import MAIN_GENERATION, PREVIOUS_GENERATION


def add_parser(sub: Any) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "render",
        help="render a recipe into olive-config.json",
        description="Render a recipe into the olive-config.json that `olive run --config` executes"
        " (every variant of a matrix recipe); refuse to write anything when the recipe has an error.",
        epilog=epilog(
            {
                0: "written (warnings, if any, printed on stderr)",
                1: "the recipe has errors (nothing written), or --check found the file out of date",
                2: "usage or internal error",
            },
            [
                "olivegen render examples/phi3-tone-classification.yaml -o olive-config.json",
                f"olivegen render examples/phi35-travel-lab.yaml --olive-version {PREVIOUS_GENERATION} -o"
                " lab-olive09.json",
                "olivegen render examples/phi35-travel-lab.yaml -o olive-config.json --check",
                f"olivegen render tests/recipes/compose/matrix-builds.yaml --olive-version {MAIN_GENERATION} -o"
                " configs/   # a matrix as one config with Olive main's builds (docs/matrix.md)",
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("recipe", type=Path, help="recipe file (.yaml)")
    parser.add_argument(
        "-o",
        "--output",
        help="write here (atomically); stdout when omitted; for a matrix DIR/ (DIR/<variant>.json) or a pattern"
        " with {variant} or {name} (the workflow id); for Olive main, a matrix whose variants differ only in what"
        " a build sets is one config with `builds`",
    )
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing; 1 on drift")
    add_olive_version(parser, "render for")
    parser.add_argument(
        "--relative-to",
        metavar="DIR",
        type=Path,
        help="write local paths relative to DIR, the folder `olive run` will start in (default: absolute paths);"
        " makes a committed config the same on every checkout",
    )
    add_outside(parser)
    add_set(parser)
    add_variant(parser)


def execute(args: argparse.Namespace) -> Exit:
    """Render one recipe (every variant of a matrix) to stdout, files, or compare with files."""
    from olivegen.api import Options, compile
    from olivegen.render.azureml_job import needs_job
    from olivegen.render.write import drifted, write_atomic

    if args.check and args.output in (None, "-"):
        say("olivegen render: --check needs -o/--output, the file to compare with")
        return Exit.USAGE
    options = Options(
        generation=args.olive_version,
        overrides=args.overrides,
        only=args.variants,
        outside=args.outside,
        relative_to=args.relative_to,
        builds=True,
    )
    compiled = compile(args.recipe, options)
    try:
        targets = outputs(args.output, compiled)
    except ValueError as exc:
        say(f"olivegen render: {exc}")
        return Exit.USAGE
    jobs, pipeline = _jobs(args.recipe, compiled, targets)  # one that cannot be placed: refused before any write
    stale = False
    for one, target, job in zip(compiled, targets, jobs, strict=True):
        report(one.warnings)
        if target is None:
            sys.stdout.write(one.text)
            if needs_job(one.recipe):
                say("the host is Azure ML: pass -o inside the recipe's folder to also write the job that runs it")
        elif args.check:
            if drifted(target, one.text):
                fix = f"olivegen render {args.recipe} -o {args.output}"
                if args.relative_to is not None:
                    fix += f" --relative-to {args.relative_to}"
                say(f"{target}: out of date with {args.recipe}; run: {fix}")
                stale = True
        else:
            write_atomic(target, one.text, inputs=one.inputs)
            say(f"wrote {target}" + (f" (Olive's builds: {', '.join(one.builds)})" if one.builds else ""))
        if job is not None:
            stale = _write_job(job, args.check, inputs=one.inputs) or stale
    if compiled[0].unfolded is not None and not args.check:
        say(f"one config per variant, not one with Olive's builds: {compiled[0].unfolded}")
    if pipeline is not None:
        variants = sum(job is not None for job in jobs)
        stale = _write_job(pipeline, args.check, f" (one pipeline job, {variants} variants in parallel)") or stale
    return Exit.RECIPE_ERROR if stale else Exit.OK


def _jobs(recipe: Path, compiled: list[Any], targets: list[Path | None]) -> tuple[list[Any], Any]:
    """Build, once, the Azure ML job beside each written config and a matrix's pipeline job running them all.

    Raises when one cannot be placed (a config outside the recipe's folder), before anything is written.
    """
    from olivegen.render.azureml_job import PipelineNode, build_job, build_pipeline, needs_job

    jobs = []
    nodes = []
    for one, target in zip(compiled, targets, strict=True):
        job = None
        if target is not None and needs_job(one.recipe):
            job = build_job(one.recipe, one.path, target, one.config["workflow_id"])
            if one.variant is not None:
                nodes.append(PipelineNode(one.recipe, target, one.config["workflow_id"], one.variant))
        jobs.append(job)
    return jobs, build_pipeline(recipe, nodes) if nodes else None


def _write_job(job: Any, check: bool, what: str = "", inputs: tuple[Path, ...] = ()) -> bool:
    """Write (or with --check compare) an Azure ML job file; True when it is out of date."""
    from olivegen.render.write import drifted, write_atomic

    if check:
        if drifted(job.path, job.text):
            say(f"{job.path}: out of date")
            return True
        return False
    write_atomic(job.path, job.text, inputs=inputs)
    say(f"wrote {job.path}{what}\nsubmit it with: {job.submit}")
    return False
