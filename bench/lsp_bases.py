"""`olivegen lsp` keystroke cost when bases are big: what a keystroke blocks the event loop for, and the files it reads.

    python bench/lsp_bases.py [--bases 64] [--keystrokes 10]

In a temporary repository, `recipe.olive.yaml` extends `--bases` bases of just under 2 MiB each (one
key, then comments) and an open `team.olive.yaml` extends the recipe. The server runs in this process
(its checks stubbed out); each keystroke in the recipe is a `didChange`, timed on the event loop and
until the open recipes to check again are found (in a worker thread), counting the files read.
"""

from __future__ import annotations

import argparse
import asyncio
import pathlib
import statistics
import sys
import tempfile
import time
from typing import Any

from lsprotocol import types as lsp
from pygls.workspace import Workspace

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import olivegen.source.files as files  # noqa: E402
from olivegen.lsp.server import build  # noqa: E402

reads = [0]


def counting(path: Any, limit: int) -> bytes:
    reads[0] += 1
    return real_read(path, limit)


real_read = files.read_limited
files.read_limited = counting  # every bounded read of a base


def make_repo(root: pathlib.Path, bases: int) -> pathlib.Path:
    (root / ".git").mkdir()
    pad = ("# " + "x" * 98 + "\n") * (2 * 1024 * 1024 // 101 - 10)
    names = []
    for i in range(bases):
        (root / f"base{i:02d}.yaml").write_text(f"engine:\n  log_severity_level: 1\n{pad}", encoding="utf-8")
        names.append(f"base{i:02d}.yaml")
    recipe = root / "recipe.olive.yaml"
    recipe.write_text(
        f"extends: [{', '.join(names)}]\nmodel:\n  path: microsoft/Phi-3-mini-4k-instruct\n"
        "passes:\n  - type: builder\n    precision: int4\n",
        encoding="utf-8",
    )
    return recipe


async def session(recipe: pathlib.Path, keystrokes: int) -> None:
    server = build()
    server.protocol._workspace = Workspace(None)  # what `initialize` sets up
    server.schedule = lambda doc, delay: None  # type: ignore[method-assign]  # no checks: only the event loop's part
    finding: set[asyncio.Task[None]] = getattr(server, "finding", set())
    text = recipe.read_text(encoding="utf-8")
    team = recipe.with_name("team.olive.yaml").as_uri()

    def notify(method: str, params: Any) -> None:
        server.protocol._handle_notification(method, params)

    for uri, body in ((recipe.as_uri(), text), (team, "extends: recipe.olive.yaml\n")):
        notify(lsp.TEXT_DOCUMENT_DID_OPEN, lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "yaml", 1, body)))
    while finding:
        await asyncio.gather(*finding)
    blocked, found, read = [], [], []
    for version in range(2, 2 + keystrokes):
        before = reads[0]
        change = lsp.TextDocumentContentChangeWholeDocument(text=text + " " * version)
        start = time.perf_counter()
        notify(
            lsp.TEXT_DOCUMENT_DID_CHANGE,
            lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version, recipe.as_uri()), [change]),
        )
        blocked.append(time.perf_counter() - start)
        while finding:
            await asyncio.gather(*finding)
        found.append(time.perf_counter() - start)
        read.append(reads[0] - before)
    print(
        f"event loop blocked per keystroke: median {statistics.median(blocked) * 1000:.1f} ms,"
        f" max {max(blocked) * 1000:.1f} ms"
    )
    print(f"keystroke -> open recipes to check again found: median {statistics.median(found) * 1000:.1f} ms")
    print(f"files read per keystroke: {read}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bases", type=int, default=64)
    parser.add_argument("--keystrokes", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(session(make_repo(pathlib.Path(tmp), args.bases), args.keystrokes))


if __name__ == "__main__":
    main()
