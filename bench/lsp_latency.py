"""`olivegen lsp` latency and memory: first diagnostics after open, warm one-character edits, RSS over 1,000 edits.

    python bench/lsp_latency.py [--edits 30] [--memory-edits 1000] [--debounce 50]

A real LSP client (pygls) starts `python -m olivegen lsp` on stdio, opens every example recipe
and times, from the notification sent to the diagnostics received:

- open: `didOpen` -> first `publishDiagnostics` (the first recipe also pays for warming the pipeline);
- edit: a one-character `didChange` (a space added at the end of the last line, then removed) ->
  the diagnostics of that version, debounce included, `--edits` times per recipe, one at a time.

Then it makes `--memory-edits` more edits on one recipe, each waited for, and prints the server's
resident memory (VmRSS) after opening, after 100, 250, 500 edits and every 1,000.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "examples" / "team").glob("*.yaml"))


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("olivegen-bench", "1")
        self.waiting: dict[tuple[str, int], asyncio.Future[float]] = {}

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            future = self.waiting.pop((params.uri, params.version or 0), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

    def expect(self, uri: str, version: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[(uri, version)] = future
        return future

    async def start(self, debounce: int) -> float:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        began = time.perf_counter()
        await self.client.start_io(sys.executable, "-m", "olivegen", "lsp", "--debounce", str(debounce), env=env)
        caps = lsp.ClientCapabilities(
            text_document=lsp.TextDocumentClientCapabilities(
                publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=True)
            )
        )
        await self.client.initialize_async(lsp.InitializeParams(capabilities=caps))
        self.client.initialized(lsp.InitializedParams())
        return time.perf_counter() - began

    async def open(self, path: Path) -> tuple[str, float]:
        uri = path.as_uri()
        done = self.expect(uri, 1)
        began = time.perf_counter()
        item = lsp.TextDocumentItem(uri, "yaml", 1, path.read_text(encoding="utf-8"))
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(item))
        return uri, await asyncio.wait_for(done, 30) - began

    async def edit(self, uri: str, text: str, version: int) -> float:
        """Add a space at the end of the last line (odd versions remove it again); return seconds to diagnostics."""
        lines = text.split("\n")
        last = len(lines) - 1 if lines[-1] else len(lines) - 2
        end = len(lines[last])
        if version % 2 == 0:
            span = lsp.Range(lsp.Position(last, end), lsp.Position(last, end))
            change = lsp.TextDocumentContentChangePartial(span, " ")
        else:
            span = lsp.Range(lsp.Position(last, end), lsp.Position(last, end + 1))
            change = lsp.TextDocumentContentChangePartial(span, "")
        done = self.expect(uri, version)
        began = time.perf_counter()
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version=version, uri=uri), [change])
        )
        return await asyncio.wait_for(done, 30) - began

    def rss_mib(self) -> float:
        server = self.client._server  # the asyncio subprocess pygls started
        assert server is not None
        for line in Path(f"/proc/{server.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def p90(values: list[float]) -> float:
    """Return the 90th percentile by nearest rank (a value that was measured)."""
    ranked = sorted(values)
    return ranked[max(math.ceil(0.9 * len(ranked)) - 1, 0)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def run(args: argparse.Namespace) -> int:
    bench = Bench()
    startup = await bench.start(args.debounce)
    print(f"server started and initialized in {ms(startup)} (debounce {args.debounce} ms)\n")
    print("| recipe | first diagnostics after open | warm edit -> diagnostics: median | p90 | max |")
    print("| --- | --- | --- | --- | --- |")
    every: list[float] = []
    for path in EXAMPLES:
        uri, opened = await bench.open(path)
        text = path.read_text(encoding="utf-8")
        edits = []
        for version in range(2, args.edits + 2):
            edits.append(await bench.edit(uri, text, version))
        every += edits
        name = path.relative_to(ROOT / "examples")
        print(f"| {name} | {ms(opened)} | {ms(statistics.median(edits))} | {ms(p90(edits))} | {ms(max(edits))} |")
    print(f"| all ({len(every)} edits) | | {ms(statistics.median(every))} | {ms(p90(every))} | {ms(max(every))} |")

    lab = ROOT / "examples" / "phi35-travel-lab.yaml"
    uri = lab.as_uri()
    text = lab.read_text(encoding="utf-8")
    base = args.edits + 2
    rss = [("after opening every example and their edits", bench.rss_mib())]
    for i in range(args.memory_edits):
        await bench.edit(uri, text, base + i)
        if i + 1 in (100, 250, 500) or (i + 1) % 1000 == 0 or i + 1 == args.memory_edits:
            rss.append((f"after {i + 1} more edits of {lab.name}", bench.rss_mib()))
    print("\n| server memory | RSS |")
    print("| --- | --- |")
    for label, mib in rss:
        print(f"| {label} | {mib:.1f} MiB |")
    await bench.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30, help="one-character edits timed per recipe")
    parser.add_argument("--memory-edits", type=int, default=1000, help="edits before the last memory reading")
    parser.add_argument("--debounce", type=int, default=50, help="the server's --debounce, in ms")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
