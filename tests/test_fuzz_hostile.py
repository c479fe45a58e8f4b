"""Hostile input thrown at all five read-only commands: the promise of docs/security.md, checked by hypothesis.

`validate`, `render`, `import`, `diff` and `explain` get mutated recipes laced
with credentials, tags, bombs, links and special files, `--set` values of the
same kind, and every file type a pull request (or a path in it) can name. For
each run: the exit code is 0, 1 or 2 with no traceback; no credential and no
line of a file that is not a recipe (outside the repository) is printed; no
file is written anywhere but the named output, and no temporary file is left;
the run ends within a few seconds of CPU time; the process grows by less than 200 MB.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olivegen.cli import main
from tests.conftest import EXAMPLES
from tests.test_fuzz_validate import EXAMPLE_TEXTS, time_limit

TOKEN = "hf_" + "Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1HgFeDc"
ACCOUNT_KEY = "Q" * 40 + "w" * 46 + "=="
SECRETS = (TOKEN[3:], ACCOUNT_KEY[:40], "SENTINEL")  # what must never reach an output
TIME_LIMIT_S = 5  # seconds of CPU time; the costliest run measured takes 0.33 s (the first, imports included)
GROWTH_LIMIT_KB = 200 * 1024


@pytest.fixture(scope="module")
def world() -> Iterator[Path]:
    """A repository with a recipe, data and traps inside; private files outside it."""
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp)
        repo = top / "repo"
        (repo / ".git").mkdir(parents=True)
        for folder in ("data", "azureml"):  # what the examples refer to, so unmutated ones render
            shutil.copytree(EXAMPLES / folder, repo / folder)
        (repo / "data" / "d.jsonl").write_text('{"prompt": "p", "response": "r"}\n', encoding="utf-8")
        (repo / "base.yaml").write_text("host: cpu\n", encoding="utf-8")
        (top / "private.yaml").write_text(f"SENTINEL: {TOKEN}\nmore: SENTINEL\n", encoding="utf-8")
        (top / "creds.csv").write_text(f"SENTINEL,https://u:{TOKEN}@h\n1,2\n", encoding="utf-8")
        (top / "private.json").write_text(json.dumps({"SENTINEL": TOKEN}), encoding="utf-8")
        os.mkfifo(repo / "fifo.yaml")
        (repo / "loop1.yaml").symlink_to(repo / "loop2.yaml")
        (repo / "loop2.yaml").symlink_to(repo / "loop1.yaml")
        (repo / "private-link.yaml").symlink_to(top / "private.yaml")
        (repo / "creds-link.csv").symlink_to(top / "creds.csv")
        (repo / "out").mkdir()
        yield repo


PATHS = [
    "base.yaml", "../private.yaml", "/etc/passwd", "/dev/zero", "/dev/urandom", "fifo.yaml", "loop1.yaml",
    "private-link.yaml", "~/.git-credentials", "/proc/self/environ", "data", "a\\0b.yaml", "x" * 300 + ".yaml",
]  # fmt: skip
DATA = ["data/d.jsonl", "../creds.csv", "creds-link.csv", "/dev/zero", "fifo.yaml", "loop1.yaml", "data"]
VALUES = [
    TOKEN, f"https://u:{TOKEN}@h", f"/keys/{ACCOUNT_KEY}", f"AccountKey={ACCOUNT_KEY}", "!!binary aGk=",
    "!!set {a, b}", "!include x.yaml", "!!python/object/apply:os.system [id]", "[" * 300 + "]" * 300,
    "[&a [x,x,x,x,x,x,x,x,x], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b], "
    "&d [*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]]",
    "x\x1b[31m\n::error file=a::b", "..", "-rf", "", "~", "${HOME}", "a: b", "{<<: {a: 1}}", "=", "\0",
]  # fmt: skip
SET_PATHS = ["description", "name", "model.load_kwargs.token", "passes.0.precision", "host", "model.path", TOKEN]


@st.composite
def hostile_recipe(draw: st.DrawFn) -> str:
    """An example recipe with a few lines replaced or added by hostile ones."""
    lines = draw(st.sampled_from(EXAMPLE_TEXTS)).split("\n")
    for _ in range(draw(st.integers(0, 3))):  # none: an example as it is, which renders
        kind = draw(st.sampled_from(["extends", "data", "value", "key", "matrix", "name", "raw"]))
        if kind == "extends":
            line = f"extends: {json.dumps(draw(st.sampled_from(PATHS)))}"
        elif kind == "data":
            files = json.dumps(draw(st.sampled_from(DATA)))
            line = f"data:\n  - name: d\n    files: {files}\n    text_template: '{{x}}'"
        elif kind == "value":
            line = f"description: {json.dumps(draw(st.sampled_from(VALUES)))}"
        elif kind == "key":
            line = f"{json.dumps(draw(st.sampled_from(VALUES)))}: 1"
        elif kind == "matrix":
            line = f"matrix:\n  t:\n    {draw(st.sampled_from([TOKEN, 'a', '..', '-x']))}: {{target: cpu}}"
        elif kind == "name":
            line = f"name: {json.dumps(draw(st.sampled_from(['', '..', '-rf', 'a/b', TOKEN, 'ok'])))}"
        else:
            line = draw(st.sampled_from(VALUES))
        if draw(st.booleans()) and lines:
            lines[draw(st.integers(0, len(lines) - 1))] = line
        else:
            lines.insert(0 if line.startswith(("extends", "name")) else len(lines), line)
    return "\n".join(lines)


@st.composite
def hostile_config(draw: st.DrawFn) -> str:
    config = {
        "input_model": {
            "type": "HfModel",
            "model_path": draw(st.sampled_from(["microsoft/Phi-3-mini-4k-instruct", f"/m/{ACCOUNT_KEY}/x"])),
            "load_kwargs": draw(st.sampled_from([{}, {"token": TOKEN}, {TOKEN: True}])),
        },
        "passes": {"b": {"type": "ModelBuilder", "precision": draw(st.sampled_from(["int4", TOKEN]))}},
    }
    text = json.dumps(config)
    return draw(st.sampled_from([text, "[" * 5000 + "]" * 5000, text.replace("{", "[", 1), "{" + text]))


def run(args: list[str]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.process_time()  # CPU time: a loaded machine stretches wall time, not the work done
    with time_limit(TIME_LIMIT_S), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    took = time.process_time() - start
    return code, out.getvalue(), err.getvalue(), took


def files_under(folder: Path, skip: Path | None = None) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if skip is None or skip not in (p, *p.parents)}


def restore(repo: Path) -> None:
    """Put back the traps a render to `-o loop1.yaml` (the named output) may have replaced."""
    if not (repo / "loop1.yaml").is_symlink():
        (repo / "loop1.yaml").unlink()
        (repo / "loop1.yaml").symlink_to(repo / "loop2.yaml")


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@pytest.mark.parametrize("command", ["validate", "render", "import", "diff", "explain"])
@given(
    recipe=hostile_recipe(),
    config=hostile_config(),
    sets=st.lists(st.tuples(st.sampled_from(SET_PATHS), st.sampled_from(VALUES)), max_size=2),
    target=st.sampled_from(["recipe", "recipe", "recipe", *PATHS]),
    file_name=st.sampled_from(["r.yaml", "r.yaml", "r.yaml", f"{TOKEN}.yaml", ".hidden.yaml", "we ird$(id).yaml"]),
    output=st.sampled_from(["out/x.json", "out/", "out/{name}/{name}.json", "loop1.yaml", "fifo.yaml", "r.yaml"]),
    fmt=st.sampled_from(["text", "json", "github", "sarif"]),
)
def test_hostile_inputs_keep_every_promise(
    world: Path,
    command: str,
    recipe: str,
    config: str,
    sets: list[tuple[str, str]],
    target: str,
    file_name: str,
    output: str,
    fmt: str,
) -> None:
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (world / "c.json").write_text(config, encoding="utf-8")
    outside = files_under(world.parent, skip=world / "out")
    recipe_path = world / file_name
    recipe_path.write_text(recipe, encoding="utf-8")
    given_path = str(recipe_path) if target == "recipe" else str(world / target).replace("\\0", "\0")
    flags = [a for path, value in sets for a in ("--set", f"{path}={value}")]
    args = {
        "validate": ["validate", given_path, "--format", fmt, *flags],
        "render": ["render", given_path, "-o", str(world / output), *flags],
        "import": ["import", str(world / "c.json") if target == "recipe" else given_path, "-o",
                   str(world / "out" / "imported.yaml"), "--force"],
        "diff": ["diff", str(world / "c.json"), given_path, *flags],
        "explain": ["explain", given_path, *flags],
    }[command]  # fmt: skip
    if "\0" in " ".join(args):
        recipe_path.unlink()
        return  # the OS takes no NUL in an argument
    try:
        code, out, err, took = run(args)
    finally:
        recipe_path.unlink()
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    assert took < TIME_LIMIT_S
    named = target == "../private.yaml"  # named on the command line: the input itself, which may be shown
    for secret in SECRETS[:2] if named else SECRETS:
        assert secret not in out and secret not in err, f"{secret!r} printed by {args}"
    written = files_under(world / "out")
    assert not any(name.endswith(".tmp") for name in written), written
    for name in written:
        path = world / "out" / name
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not any(secret in text for secret in SECRETS), f"a secret was written to {name}"
            path.unlink()
    for path in sorted((world / "out").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    if command == "render" and output == "loop1.yaml":
        restore(world)  # the named output: writing it (the link itself, not a target) is the promise
    assert files_under(world.parent, skip=world / "out") == outside, "a file was written outside out/"
    assert (world / "fifo.yaml").is_fifo() and (world / "loop1.yaml").is_symlink()
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_kb
    assert grew < GROWTH_LIMIT_KB, f"olivegen {command} grew the process by {grew} KB"
