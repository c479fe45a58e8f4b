"""`olivegen render RECIPE [-o OUT] [--check] [--relative-to DIR] [--set PATH=VALUE]... [--variant NAME]...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from olivegen.commands.common import Exit, HelpFormat, epilog, report, say
from olivegen.commands.options import add_outside, add_set, add_variant, outputs
from olivegen.knowledge.catalog import GENERATIONS, PREVIOUS_GENERATION


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
            ],
        ),
        formatter_class=HelpFormat,
    )
    parser.add_argument("recipe", type=Path, help="recipe file (.yaml)")
    parser.add_argument(
        "-o",
        "--output",
        help="write here (atomically); stdout when omitted; DIR/ or a {variant} pattern for a matrix",
    )
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing; 1 on drift")
    parser.add_argument(
        "--olive-version",
        choices=list(GENERATIONS),
        help="Olive release to render for (default: the recipe's `olive:`)",
    )
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
    from olivegen.api import compile_variants
    from olivegen.render.write import drifted, write_atomic

    if args.check and args.output in (None, "-"):
        say("olivegen render: --check needs -o/--output, the file to compare with")
        return Exit.INTERNAL
    compiled = compile_variants(
        args.recipe, overrides=args.overrides, only=args.variants, generation=args.olive_version, outside=args.outside
    )
    try:
        targets = outputs(args.output, compiled)
    except ValueError as exc:
        say(f"olivegen render: {exc}")
        return Exit.INTERNAL
    if args.relative_to is not None:
        compiled = [_relocated(one, args.relative_to) for one in compiled]
    _place_jobs(args.recipe, compiled, targets)  # an Azure ML job that cannot be placed: refused before any write
    stale = False
    for one, target in zip(compiled, targets, strict=True):
        report(one.warnings)
        if target is None:
            sys.stdout.write(one.text)
        elif args.check:
            if drifted(target, one.text):
                fix = f"olivegen render {args.recipe} -o {args.output}"
                if args.relative_to is not None:
                    fix += f" --relative-to {args.relative_to}"
                say(f"{target}: out of date with {args.recipe}; run: {fix}")
                stale = True
        else:
            write_atomic(target, one.text, inputs=one.inputs)
            say(f"wrote {target}")
        stale = _azureml_job(one, target, check=args.check) or stale
    stale = _azureml_pipeline(args.recipe, compiled, targets, check=args.check) or stale
    return Exit.RECIPE_ERROR if stale else Exit.OK


def _place_jobs(recipe: Path, compiled: list[Any], targets: list[Path | None]) -> None:
    """Build every Azure ML job (and a matrix's pipeline job) the render will write; raise if one cannot be placed."""
    from olivegen.render.azureml_job import PipelineNode, build_job, build_pipeline, needs_job

    nodes = []
    for one, target in zip(compiled, targets, strict=True):
        if target is not None and needs_job(one.recipe):
            build_job(one.recipe, one.path, target, one.config["workflow_id"])
            if one.variant is not None:
                nodes.append(PipelineNode(one.recipe, target, one.config["workflow_id"], one.variant))
    if nodes:
        build_pipeline(recipe, nodes)


def _azureml_pipeline(recipe: Path, compiled: list[Any], targets: list[Path | None], *, check: bool) -> bool:
    """Write (or check) one pipeline job running every variant of a matrix on an Azure ML host; True when stale."""
    from olivegen.render.azureml_job import PipelineNode, build_pipeline, needs_job
    from olivegen.render.write import drifted, write_atomic

    pairs = [(c, t) for c, t in zip(compiled, targets, strict=True) if c.variant is not None and needs_job(c.recipe)]
    nodes = [PipelineNode(c.recipe, t, c.config["workflow_id"], c.variant) for c, t in pairs if t is not None]
    if not nodes or len(nodes) < len(pairs):
        return False
    job = build_pipeline(recipe, nodes)
    if check:
        if drifted(job.path, job.text):
            say(f"{job.path}: out of date")
            return True
        return False
    write_atomic(job.path, job.text)
    say(f"wrote {job.path} (one pipeline job, {len(nodes)} variants in parallel)\nsubmit it with: {job.submit}")
    return False


def _azureml_job(compiled: Any, target: Path | None, *, check: bool) -> bool:
    """Write (or check) the Azure ML job beside the config when the host is Azure ML; True when stale."""
    from olivegen.render.azureml_job import build_job, needs_job
    from olivegen.render.write import drifted, write_atomic

    if not needs_job(compiled.recipe):
        return False
    if target is None:
        say("the host is Azure ML: pass -o inside the recipe's folder to also write the job that runs it")
        return False
    job = build_job(compiled.recipe, compiled.path, target, compiled.config["workflow_id"])
    if check:
        if drifted(job.path, job.text):
            say(f"{job.path}: out of date")
            return True
        return False
    write_atomic(job.path, job.text, inputs=compiled.inputs)
    say(f"wrote {job.path}\nsubmit it with: {job.submit}")
    return False


def _relocated(compiled: Any, anchor: Path) -> Any:
    """Return the compiled config with its local paths relative to `anchor`."""
    from dataclasses import replace

    from olivegen.render.jinja import dump
    from olivegen.render.relocate import relocate

    config = relocate(compiled.config, anchor.resolve())
    return replace(compiled, config=config, text=dump(config))
