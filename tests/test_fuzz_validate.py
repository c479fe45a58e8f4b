"""Fuzzing `olivegen validate` in-process: random and mutated recipes never crash it, hang it, or lose a position.

Inputs: the shipped examples mutated line by line (deleted, duplicated, swapped,
truncated lines; scalars replaced; random keys; random bytes; deep nesting;
anchors and aliases, including exponential ones), and recipes generated from
the recipe vocabulary. Each run must end with exit code 0 or 1 (2 means an
uncaught exception: a bug), within a bounded CPU time, and every diagnostic must
have a file position.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olivegen.cli import main
from tests.conftest import EXAMPLES

EXAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))]
KEYS = [
    "model", "path", "data", "name", "files", "text_template", "eval_split", "passes", "type", "precision",
    "host", "target", "provider", "device", "training", "max_steps", "num_train_epochs", "logging_steps",
    "eval_strategy", "target_modules", "r", "alpha", "lora_r", "hf_config", "engine", "output_dir", "evaluate",
    "metrics", "train_data", "save_quant_config", "extends", "matrix", "$schema", "config", "options",
]  # fmt: skip
WORDS = [
    "lora", "qlora", "merge", "builder", "awq", "ExtractAdapters", "int4", "fp16", "bf16", "cpu", "cuda", "gpu",
    "dml", "npu", "steps", "microsoft/Phi-3-mini-4k-instruct", "data/data_sample_travel.jsonl", "{prompt}", "{}",
    "[q_proj]", "0", "-1", "1.5", "null", "~", "true", "yes", "0x1F", "1e400", ".nan", "''", '"\\u0000"',
    "!!binary AA==", "&a [1]", "*a", "<<: *a", "${HOME}", "${NOPE:-3}", "$delete", "hf_" + "x" * 34, "é中文😀",
    "- x", "{a: [b, {c: d}]}",
]  # fmt: skip
TIME_LIMIT_S = 10  # seconds of CPU time; the costliest run measured takes 1.2 s (aliases to just under the cap)
HANG_LIMIT_S = 120  # seconds of wall time: only a run that waits on something, never a slow one, gets here


@contextlib.contextmanager
def time_limit(seconds: float, hang_after: float = HANG_LIMIT_S) -> Iterator[None]:
    """Fail instead of hanging: a run that takes more than `seconds` of CPU time is a bug.

    CPU time of this process, not wall time: a loaded machine stretches the wall clock, not the work
    done. A run that blocks (a read of a FIFO, say) uses no CPU; `hang_after` seconds of wall time end it.
    """

    def spent(signum: int, frame: Any) -> None:
        raise TimeoutError(f"olivegen took more than {seconds} s of CPU time")

    def hung(signum: int, frame: Any) -> None:
        raise TimeoutError(f"olivegen waited more than {hang_after} s without finishing (a hang)")

    previous = signal.signal(signal.SIGPROF, spent), signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, hang_after)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, previous[0])
        signal.signal(signal.SIGALRM, previous[1])


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(EXAMPLES / "data", folder / "data")
        yield folder


def validate_bytes(folder: Path, raw: bytes) -> tuple[int, list[dict[str, Any]], str]:
    """Run `olivegen validate --format json` on these bytes in this process; return code, diagnostics, stderr."""
    recipe = folder / "fuzz.yaml"
    recipe.write_bytes(raw)
    out, err = io.StringIO(), io.StringIO()
    with time_limit(TIME_LIMIT_S), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "--format", "json", str(recipe)])
    diags = json.loads(out.getvalue()) if out.getvalue().strip() else []
    return code, diags, err.getvalue()


def check(folder: Path, raw: bytes) -> None:
    code, diags, err = validate_bytes(folder, raw)
    assert code in (0, 1), f"exit {code} (an uncaught exception):\n{err}"
    assert "Traceback" not in err
    assert (code == 1) == any(d["severity"] == "error" for d in diags)
    for diag in diags:
        assert isinstance(diag["line"], int) and diag["line"] >= 1, diag
        assert isinstance(diag["col"], int) and diag["col"] >= 1, diag
        assert diag["rule"] and diag["message"], diag
    assert err.splitlines()[-1].startswith("1 file, ")


# --- mutations of the examples ------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = draw(st.sampled_from(EXAMPLE_TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "scalar", "key", "truncate", "indent", "word"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "scalar" and ": " in lines[i]:
            head = lines[i].split(": ", 1)[0]
            value = draw(st.sampled_from(WORDS) | st.text(max_size=20) | st.integers().map(str))
            lines[i] = f"{head}: {value}"
        elif op == "key":
            indent = " " * draw(st.sampled_from([0, 2, 4, 6]))
            value = draw(st.sampled_from(WORDS))
            lines.insert(i, f"{indent}{draw(st.sampled_from(KEYS))}: {value}")
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
            lines = lines[: i + 1]
        elif op == "indent":
            lines[i] = " " * draw(st.integers(0, 9)) + lines[i].lstrip()
        else:
            cut = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:cut] + draw(st.sampled_from(WORDS)) + lines[i][cut:]
    raw = "\n".join(lines).encode("utf-8")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    return raw


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=mutated())
def test_mutated_examples(workdir: Path, raw: bytes) -> None:
    check(workdir, raw)


# --- hostile structure ----------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(1, 400), flow=st.booleans(), where=st.sampled_from(["model", "passes", "top"]))
def test_deep_nesting(workdir: Path, depth: int, flow: bool, where: str) -> None:
    if flow:
        nested = "[" * depth + "x" + "]" * depth
    else:
        nested = "".join(f"\n{'  ' * (k + 2)}k{k}:" for k in range(depth)) + " x"
    body = {"model": f"model: {nested}\npasses: [{{type: merge}}]\n",
            "passes": f"model: {{path: a/b}}\npasses:\n  - {nested}\n",
            "top": f"{nested}\n"}[where]  # fmt: skip
    check(workdir, body.encode())


# each example may expand to just under the 100,000-value cap (up to 1.2 s of CPU), so fewer examples than elsewhere
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(levels=st.integers(1, 12), fan=st.integers(2, 10), use=st.sampled_from(["description", "passes", "model"]))
def test_alias_expansion(workdir: Path, levels: int, fan: int, use: str) -> None:
    lines = ["a0: &a0 [x]"]
    for k in range(1, levels + 1):
        lines.append(f"a{k}: &a{k} [{', '.join(f'*a{k - 1}' for _ in range(fan))}]")
    target = f"*a{levels}"
    lines += {"description": [f"description: {target}", "model: {path: a/b}", "passes: [{type: merge}]"],
              "passes": ["model: {path: a/b}", f"passes: {target}"],
              "model": [f"model: {target}", "passes: [{type: merge}]"]}[use]  # fmt: skip
    check(workdir, "\n".join(lines).encode())


def test_merge_keys_and_anchors_inside_a_real_recipe(workdir: Path) -> None:
    text = EXAMPLE_TEXTS[0] + "\nx-common: &common {type: merge}\n"
    text = text.replace("passes:", "passes:\n  - <<: *common\n  - *common", 1)
    check(workdir, text.encode())


# --- generated recipes -----------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True), st.sampled_from(WORDS),
    st.text(max_size=30),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def generated(draw: st.DrawFn) -> bytes:
    recipe: dict[str, Any] = {}
    if draw(st.booleans()):
        recipe["model"] = {"path": draw(st.sampled_from(["microsoft/Phi-3-mini-4k-instruct", "./nope", "a/b/c"]))}
    passes = draw(st.lists(st.fixed_dictionaries({"type": st.sampled_from(WORDS[:6] + ["Gptq", "rtn", "onnx"])},
                                                 optional={k: values for k in ("precision", "r", "training", "name")}),
                           max_size=5))  # fmt: skip
    if passes or draw(st.booleans()):
        recipe["passes"] = passes
    recipe.update(draw(st.dictionaries(st.sampled_from(KEYS), values, max_size=5)))
    return json.dumps(recipe, allow_nan=True).encode()  # JSON is YAML


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=generated())
def test_generated_recipes(workdir: Path, raw: bytes) -> None:
    check(workdir, raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400))
def test_random_bytes(workdir: Path, raw: bytes) -> None:
    check(workdir, raw)
