"""`olivegen run` of a matrix: one row per variant, compared in one table (text, JSON, Markdown).

```
OUT/
  matrix-summary.json   one row per variant (status, wall time, peak memory, output size, metrics)
  matrix-summary.md     the same table in Markdown (also appended to $GITHUB_STEP_SUMMARY when set)
  cache/                shared by every variant: Olive's cache (cache/olive), HF_HOME, XDG_CACHE_HOME
  <variant>/            each variant's run folder (olive-config.json, olive-run.log, run-summary.json, model/)
```
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from olivegen.report.safe_text import markdown_code, markdown_text, shown
from olivegen.runner.summary import RunSummary, human

# A variant's status in the table.
OK, REUSED, FAILED, INVALID = "ok", "reused", "failed", "invalid"


@dataclass(frozen=True)
class Row:
    """One variant of the matrix run."""

    variant: str
    status: str  # ok, reused (nothing changed, Olive not started), failed (no output model), invalid (not run)
    seconds: float | None = None
    peak_rss_bytes: int | None = None
    output_bytes: int | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    outdir: str | None = None
    failure: str | None = None  # one line: the failed pass and why, or the first recipe error


def row_of(variant: str, summary: RunSummary) -> Row:
    """Return the row of a variant that ran (or was reused)."""
    status = REUSED if summary.reused else OK if summary.ok else FAILED
    return Row(
        variant,
        status,
        summary.seconds,
        summary.peak_rss_bytes,
        summary.model.total_bytes if summary.model is not None else None,
        dict(summary.metrics),
        summary.outdir,
        summary.failure,
    )


def to_json(recipe: str, rows: Sequence[Row]) -> str:
    """Return matrix-summary.json's text."""
    data = {
        "recipe": recipe,
        "ok": all(r.status in (OK, REUSED) for r in rows),
        "variants": [asdict(r) for r in rows],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _metric_names(rows: Sequence[Row]) -> list[str]:
    return sorted({name for r in rows for name in r.metrics})


def _cells(row: Row, metrics: list[str]) -> list[str]:
    cells = [
        row.variant,
        row.status,
        f"{row.seconds:.1f} s" if row.seconds is not None else "-",
        human(row.peak_rss_bytes) if row.peak_rss_bytes else "-",
        human(row.output_bytes) if row.output_bytes is not None else "-",
    ]
    cells += [f"{row.metrics[m]:.4g}" if m in row.metrics else "-" for m in metrics]
    return cells


def _header(metrics: list[str]) -> list[str]:
    return ["variant", "status", "wall time", "peak memory", "output size", *metrics]


def format_table(rows: Sequence[Row]) -> list[str]:
    """Return the comparison as aligned text lines, failures after the table."""
    metrics = _metric_names(rows)
    table = [_header(metrics)] + [_cells(r, metrics) for r in rows]
    table = [[shown(c) for c in line] for line in table]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    lines = [
        "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in table
    ]
    lines += [shown(f"{r.variant}: {r.failure}") for r in rows if r.failure and r.status in (FAILED, INVALID)]
    return lines


def format_markdown(recipe: str, rows: Sequence[Row]) -> str:
    """Return the comparison as a Markdown table (for $GITHUB_STEP_SUMMARY and matrix-summary.md).

    Everything that came from a file or a value (the recipe's path, variant and metric names,
    failure lines quoting pass types and Olive's messages) is escaped: it shows as written and
    never becomes a link, an image, HTML, or a new row or block.
    """
    metrics = _metric_names(rows)
    done = sum(r.status in (OK, REUSED) for r in rows)
    lines = [f"### olivegen run {markdown_code(recipe)}: {done} of {len(rows)} variants succeeded", ""]
    header = _header(metrics)
    fixed = len(header) - len(metrics)  # the columns olivegen names; then one per metric name (from files)
    lines.append("| " + " | ".join(header[:fixed] + [markdown_text(h) for h in header[fixed:]]) + " |")
    lines.append("| " + " | ".join(["---", "---"] + ["---:"] * (len(header) - 2)) + " |")
    for row in rows:
        variant, *numbers = _cells(row, metrics)  # the numbers are olivegen's own formatting
        lines.append("| " + " | ".join([markdown_text(variant), *numbers]) + " |")
    failures = [r for r in rows if r.failure and r.status in (FAILED, INVALID)]
    if failures:
        lines.append("")
        lines += [f"- {markdown_code(r.variant)}: {markdown_text(r.failure or '')}" for r in failures]
    return "\n".join(lines) + "\n"
