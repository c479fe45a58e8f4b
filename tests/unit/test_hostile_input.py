"""A PR check runs olivegen on files an attacker wrote: nothing leaks, nothing is overwritten, nothing hangs or crashes.

One test (or a few) per finding of issue 10, each with its crafted input written here.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from olivegen.errors import OutputError
from tests.conftest import CliResult

Run = Callable[..., CliResult]
OK = """\
model:
  path: microsoft/Phi-3-mini-4k-instruct
host: cpu
passes:
  - type: builder
    precision: int4
"""
TOKEN = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456"
SECRET_PART = TOKEN[3:]
ACCOUNT_KEY = "A" * 40 + "b" * 46 + "=="  # the shape of an Azure storage account key (86 base64 + ==)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (a `.git` folder marks it) holding one good recipe."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "ok.yaml").write_text(OK, encoding="utf-8")
    return root


def quick(run: Run, *args: str | Path, limit: float = 2.0) -> CliResult:
    """Run olivegen in this process; it must end within `limit` seconds of CPU time (this process's, all threads).

    CPU time, not wall time: a loaded machine stretches the wall clock, not the work done. Each limit is at
    least 5x the CPU time measured for its test run alone (first imports included): an input that makes
    olivegen quadratic, or build what it should count, goes far past it.
    """
    start = time.process_time()
    result = run(*args)
    took = time.process_time() - start
    assert took < limit, f"olivegen {args[0]} took {took:.2f} s of CPU time"
    assert result.code in (0, 1, 2)
    assert "Traceback" not in said(result), result.err
    return result


def said(result: CliResult) -> str:
    """What a command printed: `validate` reports on stdout, the other commands on stderr."""
    return result.out + result.err


def no_secret(result: CliResult) -> None:
    assert SECRET_PART not in result.out and SECRET_PART not in said(result), "a secret was printed"
    assert ACCOUNT_KEY[:40] not in result.out + result.err


# --- 1. writes never follow links ----------------------------------------------------------------


def test_output_that_is_a_link_to_a_device_replaces_the_link(run_cli: Run, repo: Path) -> None:
    out = repo / "out.json"
    out.symlink_to("/dev/null")
    assert run_cli("render", repo / "ok.yaml", "-o", out).code == 0
    assert not out.is_symlink() and out.is_file()
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is still the device"


def test_output_that_is_a_link_to_a_file_never_writes_the_target(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = repo / "out.json"
    out.symlink_to(victim)
    assert run_cli("render", repo / "ok.yaml", "-o", out).code == 0
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not out.is_symlink() and json.loads(out.read_text(encoding="utf-8"))["workflow_id"] == "ok"


def test_no_write_through_a_linked_folder_below_the_working_folder(
    run_cli: Run, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "build").symlink_to(outside)  # what a pull request can commit
    monkeypatch.chdir(repo)
    result = quick(run_cli, "render", "ok.yaml", "-o", "build/x.json")
    assert result.code == 2 and "is a symbolic link; olivegen writes no file through a linked folder" in said(result)
    assert list(outside.iterdir()) == []


def test_a_dangling_link_creates_no_folder_at_its_target(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    (repo / "dangling.json").symlink_to(tmp_path / "nowhere" / "deep" / "x.json")
    assert run_cli("render", repo / "ok.yaml", "-o", repo / "dangling.json").code == 0
    assert not (tmp_path / "nowhere").exists()
    (repo / "outdir").symlink_to(tmp_path / "elsewhere")
    result = quick(run_cli, "render", repo / "ok.yaml", "-o", repo / "outdir" / "sub" / "x.json")
    assert result.code == 2 and "dangling symbolic link" in said(result)
    assert not (tmp_path / "elsewhere").exists()


def test_an_output_that_is_not_a_regular_file_is_refused(run_cli: Run, repo: Path) -> None:
    fifo = repo / "pipe.json"
    os.mkfifo(fifo)
    result = quick(run_cli, "render", repo / "ok.yaml", "-o", fifo)
    assert result.code == 2 and result.err.count("\n") == 1 and "not a regular file" in said(result)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    (repo / "ok.json").mkdir()
    result = quick(run_cli, "render", repo / "ok.yaml", "-o", f"{repo}/")  # the file it would write is a folder
    assert result.code == 2 and "directory" in said(result)


def test_an_output_that_is_an_input_is_refused(run_cli: Run, repo: Path) -> None:
    recipe = repo / "ok.yaml"
    result = quick(run_cli, "render", recipe, "-o", recipe)
    assert result.code == 2 and result.err.count("\n") == 1 and "it is an input" in said(result)
    assert recipe.read_text(encoding="utf-8") == OK
    (repo / "child.yaml").write_text("extends: ok.yaml\nname: child\n", encoding="utf-8")
    result = quick(run_cli, "render", repo / "child.yaml", "-o", recipe)
    assert result.code == 2 and "it is an input" in said(result)
    assert recipe.read_text(encoding="utf-8") == OK
    (repo / "alias.yaml").symlink_to(recipe)
    assert quick(run_cli, "render", recipe, "-o", repo / "alias.yaml").code == 2


MATRIX = OK + "matrix:\n  target:\n    a: {target: cpu}\n    b: {target: cpu}\n    c: {target: cpu}\n"


def test_a_killed_matrix_render_leaves_no_temporary_file(
    run_cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "mx.yaml").write_text(MATRIX, encoding="utf-8")
    out = repo / "out"
    calls = []

    def killed(fd: int) -> None:  # SIGTERM arrives while the second file is being written
        calls.append(fd)
        if len(calls) == 2:
            signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(SystemExit) as exc:
        run_cli("render", repo / "mx.yaml", "-o", f"{out}/")
    assert exc.value.code == 128 + signal.SIGTERM
    assert sorted(p.name for p in out.iterdir()) == ["a.json"], "no .b.json.XXXX.tmp is left"
    assert signal.getsignal(signal.SIGTERM) is not None


def test_keyboard_interrupt_removes_the_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from olivegen.render.write import write_atomic

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "x.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_refuses_a_nul_byte_and_a_loop(tmp_path: Path) -> None:
    from olivegen.render.write import write_atomic

    with pytest.raises(OutputError, match="NUL"):
        write_atomic(Path(f"{tmp_path}/a\0b.json"), "{}")
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    with pytest.raises(OutputError, match="loop"):
        write_atomic(tmp_path / "l1" / "x.json", "{}")


# --- 2. no content of a file that is not a recipe --------------------------------------------------


def test_extends_of_a_system_file_is_refused_unread(run_cli: Run, repo: Path) -> None:
    for target in ("/etc/passwd", "/proc/self/environ", "~/.git-credentials"):
        (repo / "r.yaml").write_text(f"extends: {target}\n" + OK, encoding="utf-8")
        for fmt in ("text", "json", "github", "sarif"):
            result = quick(run_cli, "validate", repo / "r.yaml", "--format", fmt)
            assert result.code == 1 and "not a .yaml file" in result.out + result.err
            assert "root:" not in result.out + result.err


def test_extends_outside_the_repository_needs_the_flag(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text(f"description: secret-line-{SECRET_PART[:6]}\n", encoding="utf-8")
    (repo / "r.yaml").write_text("extends: ../outside.yaml\n" + OK, encoding="utf-8")
    result = quick(run_cli, "validate", repo / "r.yaml")
    assert result.code == 1 and "outside the recipe's repository" in said(result)
    assert "secret-line" not in said(result)
    assert quick(run_cli, "validate", repo / "r.yaml", "--allow-extends-outside").code == 0
    (repo / "inside.yaml").symlink_to(tmp_path / "outside.yaml")  # a link inside pointing out: still outside
    (repo / "r.yaml").write_text("extends: inside.yaml\n" + OK, encoding="utf-8")
    assert "outside the recipe's repository" in said(quick(run_cli, "validate", repo / "r.yaml"))


def test_a_recipe_that_links_outside_the_repository_is_refused(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    (tmp_path / "private.yaml").write_text("line one of a private file\n", encoding="utf-8")
    (repo / "r.yaml").symlink_to(tmp_path / "private.yaml")
    result = quick(run_cli, "validate", repo / "r.yaml")
    assert result.code == 1 and "outside its repository" in said(result) and "private file" not in said(result)


def data_recipe(files: str) -> str:
    return (
        "model:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
        f"data:\n  - name: train\n    files: {files}\n    format: csv\n    text_template: '{{prompt}}'\n"
        "passes:\n  - type: lora\n"
    )


def test_a_data_file_outside_the_repository_never_shows_its_first_line(
    run_cli: Run, repo: Path, tmp_path: Path
) -> None:
    (tmp_path / "creds.csv").write_text(f"https://user:{TOKEN}@github.com,x\n", encoding="utf-8")
    (repo / "r.yaml").write_text(data_recipe(str(tmp_path / "creds.csv")), encoding="utf-8")
    for fmt in ("text", "json", "github", "sarif"):
        result = quick(run_cli, "validate", repo / "r.yaml", "--format", fmt)
        assert "user:" not in result.out + result.err
        assert "outside the recipe's repository" in result.out + result.err
        no_secret(result)


# --- 3. secrets: one table, masked everywhere -------------------------------------------------------


def test_the_credential_table_is_one(repo: Path) -> None:
    from olivegen.compose import secrets as guard
    from olivegen.importer import scrub
    from olivegen.source import secrets as table

    assert guard.credentials is table.credentials
    assert guard.credential is table.credential and scrub.credential is table.credential
    assert guard.is_secret_key is table.is_secret_key is scrub.is_secret_key


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_set_token_is_masked_in_every_format(run_cli: Run, repo: Path, fmt: str) -> None:
    for override in (f"model.load_kwargs.token={TOKEN}", f"description={TOKEN}", f"passes.0.precision={TOKEN}"):
        result = quick(run_cli, "validate", repo / "ok.yaml", "--set", override, "--format", fmt)
        assert result.code == 1
        no_secret(result)
        assert "hf_****" in result.out + result.err or "hf_%2A%2A%2A%2A" in result.out  # SARIF quotes URIs


def test_a_token_from_the_environment_is_not_echoed(
    run_cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECISION", TOKEN)
    (repo / "r.yaml").write_text(OK.replace("precision: int4", "precision: ${PRECISION}"), encoding="utf-8")
    result = quick(run_cli, "validate", repo / "r.yaml")
    assert result.code == 1
    no_secret(result)


def test_a_token_on_an_unknown_key_line_is_masked_in_the_code_frame(run_cli: Run, repo: Path) -> None:
    (repo / "r.yaml").write_text(OK + f"bogus: {TOKEN}\n", encoding="utf-8")
    result = quick(run_cli, "validate", repo / "r.yaml")
    no_secret(result)
    from olivegen.report.formats import code_frame

    frame = code_frame(f"bogus: {TOKEN} # x", 7, 10)  # the caret inside the token
    assert SECRET_PART not in "\n".join(frame) and "hf_****" in frame[0]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (OK + f"matrix:\n  target:\n    {TOKEN}: {{target: cpu}}\n", "a matrix value name"),
        (OK.replace("  path: microsoft", f"  load_kwargs: {{{TOKEN}: 1}}\n  path: microsoft"), "a mapping key"),
        (OK + f"description: /mnt/keys/{ACCOUNT_KEY}\n", "an Azure key inside a path"),
        (OK + f"description: a+{ACCOUNT_KEY}\n", "an Azure key after +"),
    ],
)
def test_secrets_in_keys_labels_and_paths_are_refused(run_cli: Run, repo: Path, text: str, what: str) -> None:
    (repo / "r.yaml").write_text(text, encoding="utf-8")
    for fmt in ("text", "sarif"):
        result = quick(run_cli, "validate", repo / "r.yaml", "--format", fmt)
        assert result.code == 1 and "secret" in result.out + result.err, what
        no_secret(result)


def test_a_token_as_the_file_name_is_refused_and_masked(run_cli: Run, repo: Path) -> None:
    (repo / f"{TOKEN}.yaml").write_text(OK, encoding="utf-8")
    result = quick(run_cli, "render", repo / f"{TOKEN}.yaml")
    assert result.code == 1 and "file name looks like a Hugging Face token" in said(result)
    assert result.out == ""
    no_secret(result)


@pytest.mark.parametrize("command", ["render", "validate", "run"])
def test_a_token_as_a_folder_name_never_reaches_the_rendered_config(run_cli: Run, repo: Path, command: str) -> None:
    """Every command compiles through `api.compile`, so `run` refuses it too (it once wrote OUT/olive-config.json)."""
    folder = repo / TOKEN
    folder.mkdir()
    (folder / "d.jsonl").write_text('{"prompt": "a", "response": "b"}\n', encoding="utf-8")
    data = 'data:\n  - name: d\n    files: d.jsonl\n    text_template: "{prompt} {response}"\n'
    (folder / "r.yaml").write_text(OK.replace("passes:", data + "passes:"), encoding="utf-8")
    out = {"render": ["-o", repo / "out.json"], "validate": [], "run": ["-o", repo / "out", "--no-preflight"]}
    result = quick(run_cli, command, folder / "r.yaml", *out[command])
    assert result.code == 1 and "the rendered config would hold a Hugging Face token" in said(result)
    assert not (repo / "out.json").exists() and not (repo / "out").exists()
    no_secret(result)


def test_import_never_keeps_a_token(run_cli: Run, repo: Path) -> None:
    config = {
        "input_model": {
            "type": "HfModel",
            "model_path": f"/models/{ACCOUNT_KEY}/phi",
            "load_kwargs": {TOKEN: True, "token": TOKEN},
        },
        "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
        "engine": {"output_dir": f"out/{TOKEN}"},
    }
    (repo / "c.json").write_text(json.dumps(config), encoding="utf-8")
    result = quick(run_cli, "import", repo / "c.json", "-o", repo / "imported.yaml")
    no_secret(result)
    written = (repo / "imported.yaml").read_text(encoding="utf-8")
    assert SECRET_PART not in written and ACCOUNT_KEY[:40] not in written


def test_masking_keeps_only_the_prefix() -> None:
    from olivegen.source.secrets import mask

    assert mask(f"x {TOKEN} y") == "x hf_**** y"
    assert mask("Protocol=https;AccountKey=abc123==;x") == "Protocol=https;AccountKey=****;x"
    assert mask(f"https://user:ghp_{'a' * 36}@github.com") == "https://user:****@github.com"


# --- 4. denial of service from tiny inputs --------------------------------------------------------


def test_a_matrix_of_a_trillion_combinations_is_counted_not_built(run_cli: Run, repo: Path) -> None:
    axes = "".join(
        f"  a{i}:\n" + "".join(f"    v{j}: ~\n" for j in range(10)) for i in range(12)
    )
    (repo / "mx.yaml").write_text(OK + "matrix:\n" + axes, encoding="utf-8")
    assert (repo / "mx.yaml").stat().st_size < 1500
    result = quick(run_cli, "validate", repo / "mx.yaml", limit=1.0)
    assert "1000000000000 combinations" in said(result) and "mx.yaml:7:1" in said(result)


def test_a_set_alias_bomb_is_refused(run_cli: Run, repo: Path) -> None:
    bomb = "[&a [x,x,x,x,x,x,x,x,x], " + ", ".join(
        f"&{b} [" + ",".join([f"*{a}"] * 9) + "]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ) + "]"
    assert len(bomb) < 500
    result = quick(run_cli, "validate", repo / "ok.yaml", "--set", f"description={bomb}", limit=1.0)
    assert result.code == 1 and "expands to more than" in said(result)


@pytest.mark.parametrize("depth", [200, 5000])
def test_a_deep_set_list_is_refused(run_cli: Run, repo: Path, depth: int) -> None:
    value = "[" * depth + "]" * depth
    result = quick(run_cli, "validate", repo / "ok.yaml", "--set", f"description={value}", limit=1.0)
    assert result.code == 1 and "nested more than 64 levels" in said(result)


def test_merge_keys_are_bounded(run_cli: Run, repo: Path) -> None:
    anchor = "x-base: &b {" + ", ".join(f"k{i}: {i}" for i in range(100)) + "}\n"
    for count in (2000, 20000):
        merges = "".join(f"m{i}: {{<<: *b}}\n" for i in range(count))
        (repo / "m.yaml").write_text(OK + anchor + merges, encoding="utf-8")
        result = quick(run_cli, "validate", repo / "m.yaml", limit=1.0)
        assert result.code == 1 and "more than 100 YAML merge keys" in said(result)


def test_extends_diamonds_load_each_file_once(run_cli: Run, repo: Path) -> None:
    for level in range(14):
        nxt = f"[a{level + 1}.yaml, b{level + 1}.yaml]" if level < 13 else "ok.yaml"
        for side in "ab":
            (repo / f"{side}{level}.yaml").write_text(f"extends: {nxt}\n", encoding="utf-8")
    (repo / "top.yaml").write_text("extends: [a0.yaml, b0.yaml]\nname: top\n", encoding="utf-8")
    assert quick(run_cli, "validate", repo / "top.yaml", limit=1.5).code == 0  # 2^14 paths, 29 files


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo"])
def test_devices_and_fifos_are_never_read(run_cli: Run, repo: Path, special: str) -> None:
    path = Path(special)
    if special == "fifo":
        path = repo / "fifo.yaml"
        os.mkfifo(path)
    for args in (("validate", path), ("import", path), ("diff", path, repo / "ok.yaml"), ("explain", path)):
        result = quick(run_cli, *args, limit=1.0)
        assert result.code == 1 and ("is a device" in said(result) or "is a FIFO" in said(result)), args
    (repo / "d.yaml").write_text(data_recipe(str(path)), encoding="utf-8")
    assert quick(run_cli, "validate", repo / "d.yaml", limit=1.0).code in (0, 1)


def test_a_huge_sparse_recipe_is_never_read(run_cli: Run, repo: Path) -> None:
    huge = repo / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(6 * 1024**3)  # 6 GB, sparse: costs no disk
    result = quick(run_cli, "validate", huge, limit=1.0)
    assert result.code == 1 and "more than the 2097152 bytes" in said(result) and len(result.err) < 500


def test_an_environment_value_is_capped(run_cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIG", "x" * 100_000)
    (repo / "r.yaml").write_text(OK + "description: ${BIG}\n", encoding="utf-8")
    result = quick(run_cli, "validate", repo / "r.yaml")
    assert result.code == 1 and "more than 65536 characters" in said(result) and "r.yaml:7:14" in said(result)


# --- 5. one bad file never aborts a validate batch ------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_bad_file_is_one_diagnostic_of_the_batch(run_cli: Run, repo: Path, fmt: str) -> None:
    (repo / "l1.yaml").symlink_to(repo / "l2.yaml")
    (repo / "l2.yaml").symlink_to(repo / "l1.yaml")
    os.mkfifo(repo / "f.yaml")
    result = quick(run_cli, "validate", "--format", fmt, repo / "ok.yaml", repo / "l1.yaml", repo / "f.yaml")
    assert result.code == 1
    parsed = json.loads(result.out)
    files = (
        [d["file"] for d in parsed]
        if fmt == "json"
        else [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in parsed["runs"][0]["results"]]
    )
    assert [Path(f).name for f in files] == ["l1.yaml", "f.yaml"]
    assert "3 files, 2 errors" in said(result)


def test_a_bug_on_one_file_still_reports_the_others(
    run_cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import olivegen.commands.validate as validate

    real = validate._diagnose

    def buggy(recipe: Path, **kw: object) -> list:  # type: ignore[type-arg]
        if recipe.name == "bad.yaml":
            raise ZeroDivisionError
        return real(recipe, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "_diagnose", buggy)
    (repo / "bad.yaml").write_text(OK, encoding="utf-8")
    result = run_cli("validate", "--format", "json", repo / "bad.yaml", repo / "ok.yaml")
    items = json.loads(result.out)
    assert result.code == 1 and [i["rule"] for i in items] == ["internal"]


# --- 6. no tracebacks --------------------------------------------------------------------------


def test_symlink_loops_are_errors(run_cli: Run, repo: Path) -> None:
    (repo / "l1.yaml").symlink_to(repo / "l2.yaml")
    (repo / "l2.yaml").symlink_to(repo / "l1.yaml")
    assert "symbolic link loop" in said(quick(run_cli, "validate", repo / "l1.yaml"))
    assert quick(run_cli, "diff", repo / "l1.yaml", repo / "ok.yaml").code == 1
    assert quick(run_cli, "render", repo / "ok.yaml", "-o", repo / "l1.yaml").code in (0, 2)
    (repo / "r.yaml").write_text("extends: l1.yaml\n" + OK, encoding="utf-8")
    assert quick(run_cli, "validate", repo / "r.yaml").code == 1


@pytest.mark.parametrize(
    ("ref", "message"),
    [('"a\\0b.yaml"', "NUL byte"), ("a" * 5000 + ".yaml", "longer than 1024"), ('"a\\x07.yaml"', "control")],
)
def test_unusable_extends_names_are_errors(run_cli: Run, repo: Path, ref: str, message: str) -> None:
    (repo / "r.yaml").write_text(f"extends: {ref}\n" + OK, encoding="utf-8")
    result = quick(run_cli, "validate", repo / "r.yaml")
    assert result.code == 1 and message in said(result) and "r.yaml:1:10" in said(result)


@pytest.mark.parametrize("where", ["extends", "model-path", "key", "set", "json"])
def test_escaped_lone_surrogates_are_errors(run_cli: Run, repo: Path, where: str) -> None:
    """`"\\ud800"` escapes make strings no file name or JSON output can hold (found by the fuzzer)."""
    text = {
        "extends": 'extends: "\\ud800\\udc00"\n' + OK,
        "model-path": OK.replace("microsoft/Phi-3-mini-4k-instruct", '"x\\udfffy"'),
        "key": OK + '"\\ud800": 1\n',
    }.get(where, OK)
    (repo / "r.yaml").write_text(text, encoding="utf-8")
    if where == "set":
        result = quick(run_cli, "validate", repo / "r.yaml", "--set", 'description="\\ud800"')
    elif where == "json":
        (repo / "c.json").write_text('{"input_model": {"type": "HfModel", "model_path": "\\ud800"}}', encoding="utf-8")
        result = quick(run_cli, "import", repo / "c.json", "-o", repo / "out.yaml")
    else:
        result = quick(run_cli, "validate", repo / "r.yaml")
    assert result.code == 1 and "unpaired surrogate escape" in said(result), said(result)
    assert "internal" not in said(result)


@pytest.mark.parametrize("value", ["!!binary aGVsbG8=", "!!set {a, b}", "!include x.yaml", "!!python/name:os.system"])
def test_set_values_with_tags_are_errors(run_cli: Run, repo: Path, value: str) -> None:
    result = quick(run_cli, "validate", repo / "ok.yaml", "--set", f"description={value}")
    assert result.code == 1 and "unsupported YAML tag" in said(result)


@pytest.mark.parametrize("command", ["import", "diff"])
def test_a_100000_deep_json_is_an_error(run_cli: Run, repo: Path, command: str) -> None:
    deep = repo / "deep.json"
    deep.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    args = [command, deep] + ([deep] if command == "diff" else [])
    result = quick(run_cli, *args, limit=1.0)
    assert result.code == 1 and "deep.json:1:" in said(result) and "nested more than 64" in said(result)


# --- 7. names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("file_name", [".hidden.yaml", "we ird$(id).yaml", "-rf.yaml"])
def test_a_file_name_that_cannot_be_a_workflow_id_is_refused(run_cli: Run, repo: Path, file_name: str) -> None:
    (repo / file_name).write_text(OK, encoding="utf-8")
    result = quick(run_cli, "render", repo / file_name)
    assert result.code == 1 and "file name cannot be a workflow id" in said(result) and ":1:1:" in said(result)
    (repo / file_name).write_text("name: fine\n" + OK, encoding="utf-8")
    assert quick(run_cli, "render", repo / file_name).code == 0


@pytest.mark.parametrize("name", ["..", "-rf", ".x", "a/b", "''"])
def test_a_name_cannot_escape_the_output_folder(run_cli: Run, repo: Path, name: str) -> None:
    (repo / "r.yaml").write_text(f"name: {name}\n" + OK, encoding="utf-8")
    result = quick(run_cli, "render", repo / "r.yaml", "-o", f"{repo}/out/{{name}}/{{name}}.json")
    assert result.code == 1 and "r.yaml:1:7" in said(result)
    assert not (repo / "out").exists()


def test_an_empty_name_falls_back_to_the_file_name(run_cli: Run, repo: Path) -> None:
    (repo / "r.yaml").write_text("name:\n" + OK, encoding="utf-8")
    result = quick(run_cli, "render", repo / "r.yaml")
    assert result.code == 0 and json.loads(result.out)["workflow_id"] == "r"
    (repo / ".r.yaml").write_text("name:\n" + OK, encoding="utf-8")
    assert "file name cannot be a workflow id" in quick(run_cli, "render", repo / ".r.yaml").err


# --- 8. control characters escaped in every format -----------------------------------------------


def test_column_names_cannot_inject_workflow_commands(run_cli: Run, repo: Path) -> None:
    (repo / "d.csv").write_text('"a\n::error file=x.py::pwned\x1b[31m",b\n1,2\n', encoding="utf-8")
    (repo / "r.yaml").write_text(data_recipe("d.csv"), encoding="utf-8")
    for fmt in ("text", "github"):
        result = quick(run_cli, "validate", repo / "r.yaml", "--format", fmt)
        lines = (result.out + result.err).splitlines()
        assert not any(line.startswith("::error file=x.py") for line in lines)
        assert "\x1b" not in result.out + result.err
    for fmt in ("json", "sarif"):
        result = quick(run_cli, "validate", repo / "r.yaml", "--format", fmt)
        json.loads(result.out)
        assert "\x1b" not in result.out


# --- 9. positions and tags ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("a: 1\nb: x\0y\n", "r.yaml:2:5", "NUL byte"),
        ("a: 1\nb: x\x07y\n", "r.yaml:2:5", "U+0007"),
        ("a: 1\n? [x, y]\n: z\n", "r.yaml:2:3", "mapping key must be a plain value"),
        ("a: 1\nb: !include other.yaml\n", "r.yaml:2:4", "unsupported YAML tag '!include'"),
        ("a: 1\nb: !include {x: 1}\n", "r.yaml:2:4", "unsupported YAML tag '!include'"),
        ("a: 1\nb: !!python/object/apply:os.system [ls]\n", "r.yaml:2:4", "unsupported YAML tag"),
        ("a: 1\nb: !!binary aGVsbG8=\n", "r.yaml:2:4", "unsupported YAML tag '!!binary'"),
        ("a: 1\nb: !!set {x, y}\n", "r.yaml:2:4", "unsupported YAML tag '!!set'"),
        ("a: 1\nb: [it's, " + "[" * 70 + "]" * 71 + "\n", "r.yaml:2:", "nested more than 64"),
    ],
)
def test_hostile_yaml_is_refused_at_its_position(text: str, where: str, fragment: str) -> None:
    from olivegen.errors import RecipeError
    from olivegen.source.yaml_rt import parse

    with pytest.raises(RecipeError) as exc:
        parse(text, "r.yaml")
    line = exc.value.diagnostics[0].headline()
    assert line.startswith(where) and fragment in line, line


def test_brackets_inside_scalars_are_text() -> None:
    from olivegen.source.yaml_rt import parse

    many = "[" * 100
    text = f"a: x{many}\nb: '{'{' * 100}'\nc: \"{many}\"\n# {many}\nd: |\n  {many}\n"
    data = parse(text, "r.yaml").data
    assert data["a"] == "x" + "[" * 100 and data["d"] == "[" * 100 + "\n"


# --- 2 MiB inputs: bounded CPU time on either parser --------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("".join(f"  k{i}: value{i}\n" for i in range(100_000)), "more than 20000 keys and values"),
        ("  x: [" + ",".join(["[1,2,3]"] * 200_000) + "]\n", "more than 20000 keys and values"),
        ("  a: &a 1\n" + "".join(f"  k{i}: {'v' * 190}\n" for i in range(9_900)), "must be plain YAML"),
        ("  d: |\n" + ("    " + "x" * 100 + "\n") * 19_000, "must be plain YAML"),
    ],
    ids=["many-keys", "flow", "anchor", "block-scalar"],
)
def test_two_mebibytes_end_in_seconds(run_cli: Run, repo: Path, body: str, fragment: str) -> None:
    (repo / "big.yaml").write_text(OK + "x-big:\n" + body, encoding="utf-8")
    assert (repo / "big.yaml").stat().st_size <= 2 * 1024 * 1024
    result = quick(run_cli, "validate", repo / "big.yaml", limit=3.0)  # 0.50 s alone at most (flow)
    assert result.code == 1 and fragment in said(result)


def test_a_long_plain_value_is_not_quadratic(run_cli: Run, repo: Path) -> None:
    (repo / "long.yaml").write_text(OK + "description: " + "x" * 2_000_000 + "\n", encoding="utf-8")
    assert quick(run_cli, "validate", repo / "long.yaml", limit=5.0).code == 0  # 0.95 s alone


def test_a_folder_link_out_of_the_repository_is_refused(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir()
    (private / "r.yaml").write_text("private line\n", encoding="utf-8")
    (private / "c.json").write_text('{"private": 1}', encoding="utf-8")
    (repo / "sub").symlink_to(private)
    result = quick(run_cli, "validate", repo / "sub" / "r.yaml")
    assert result.code == 1 and "outside its repository" in said(result) and "private line" not in said(result)
    result = quick(run_cli, "import", repo / "sub" / "c.json")
    assert result.code == 1 and "outside its repository" in said(result) and "private" not in result.out
