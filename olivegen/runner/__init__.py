"""`olivegen run`: render a recipe, check the machine can run it, run it with the installed Olive, report.

One module per concern, none of them prints (the commands do):

| module | what it holds |
| --- | --- |
| `machine.py` | what this machine has: Python packages, distributions, a CUDA GPU (probed lazily) |
| `layout.py` | the output folder: model, config, log, summary, caches; the child process environment |
| `overrides.py` | `--host` / `--target`: change the systems, and only what must change with them |
| `preflight.py` | passes that cannot run here, refused before starting, as diagnostics with a fix |
| `plan.py` | recipe -> config ready to run (overrides, folders, preflight) |
| `logparse.py` | Olive's log -> pass events and the reason a pass failed |
| `execute.py` | the `olive run` subprocess: log capture, progress events, timing, peak memory |
| `summary.py` | what a run produced (passes, model files, adapters, metrics) and its one-line failure |
| `fingerprint.py` | a config's local input files: sizes, mtimes, hashes (bounded walk), and what changed since |
| `reuse.py` | an unchanged rerun: the last successful run stands in for it, Olive not started |
| `matrix.py` | a matrix run: one row per variant, the comparison table as text, JSON and Markdown |
| `batch.py` | several configs in one Olive process (Olive imported once), split back into one log each |
| `genai.py` | load an output model with onnxruntime-genai and generate, with or without an adapter |

Importing this package imports neither torch, transformers nor olive.
"""
