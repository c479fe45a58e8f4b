"""What a run's output depends on, recorded and sealed by this machine, so an unchanged rerun reuses the output.

A run depends on its rendered config (which names every input by absolute path), on the
contents of the local files and folders the config names (the model folder, data files, an
adapter), on the software that runs it (Olive, onnxruntime, torch, transformers, ..., olivegen
itself), on environment variables that change what Olive and the Hugging Face libraries do, and
on the revision a Hub model resolved to. The record (OUTDIR/run-inputs.json) holds all of these
plus the sha256 of the run's summary and the state of its output model.

Files: every regular file under the inputs is hashed (sha256) when it is at most HASH_LIMIT
bytes, whatever its modification time says (a same-size edit with the mtime put back is seen),
up to HASH_BUDGET bytes per walk; a file past either bound is compared by size and mtime alone.
Links are followed, to files and to folders (a Hugging Face snapshot is links into its blob
store; a model folder may link to a folder elsewhere), each folder visited once (no cycles);
anything that is not a regular file or a folder (a FIFO, a device) is skipped and never opened.
The walk is bounded (MAX_FILES files, MAX_FOLDERS folders): inputs larger than that are never
judged unchanged.

The record is trusted only when this machine wrote it: it carries an HMAC-SHA256 under a
per-user key kept outside any working tree (`$XDG_CACHE_HOME/olivegen/run-key`, else
`~/.cache/olivegen/run-key`; created on first use, the folder 0700 and the file 0600, never
through a link). A run-inputs.json committed to a repository, or copied from another machine,
does not verify, and the run starts Olive.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

VERSION = 2
MAX_FILES = 20_000  # files walked per run; more than that and the inputs are never judged unchanged
MAX_FOLDERS = 20_000  # folders walked per run, links followed
HASH_LIMIT = 64 * 2**20  # files larger than this are compared by size and mtime alone
HASH_BUDGET = 1024 * 2**20  # bytes hashed per walk; files past it are compared by size and mtime alone
RECORD_LIMIT = 64 * 2**20  # a larger run-inputs.json is not read
_SKIPPED_ENGINE_KEYS = ("output_dir", "cache_dir")

# The distributions whose version changes what a run produces: Olive and the libraries its passes
# call (torch and transformers load and train the model, peft builds LoRA, onnx/onnxruntime export
# and optimize, onnxruntime-genai's model builder writes the int4 model, bitsandbytes quantizes
# QLoRA), each in its CPU and GPU flavour, and olivegen, which renders the config. Read with
# importlib.metadata, nothing imported.
DISTRIBUTIONS = (
    "olivegen",
    "olive-ai",
    "onnxruntime",
    "onnxruntime-gpu",
    "onnxruntime-genai",
    "onnxruntime-genai-cuda",
    "onnx",
    "torch",
    "transformers",
    "peft",
    "accelerate",
    "datasets",
    "bitsandbytes",
)

# Environment variables that change what Olive does or which files it reads:
# - offline switches and the Hub's address: the same id resolves to other files, or fails;
# - cache locations: a model or data set is read from another folder (the run's own defaults
#   for HF_HOME and XDG_CACHE_HOME apply only when they are unset);
# - which GPUs a process sees; cuBLAS' workspace setting (deterministic results or not);
# - PYTHONPATH: which code is imported (a user script, a patched package);
# - every OLIVE_* (Olive's own settings) and ORT_* (onnxruntime's).
# Only a digest of each value is recorded: a value may hold a credential.
ENVIRONMENT = (
    "HF_HUB_OFFLINE",
    "HF_DATASETS_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_ENDPOINT",
    "HF_HOME",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "HF_DATASETS_CACHE",
    "TRANSFORMERS_CACHE",
    "XDG_CACHE_HOME",
    "CUDA_VISIBLE_DEVICES",
    "CUDA_DEVICE_ORDER",
    "HIP_VISIBLE_DEVICES",
    "ROCR_VISIBLE_DEVICES",
    "CUBLAS_WORKSPACE_CONFIG",
    "PYTHONPATH",
)
ENVIRONMENT_PREFIXES = ("OLIVE_", "ORT_")

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class FileState:
    """One input file as last seen (`sha256` is None for a file past the hashing bounds)."""

    size: int
    mtime_ns: int
    sha256: str | None


@dataclass(frozen=True)
class Record:
    """Everything an unchanged rerun must find unchanged."""

    config_sha256: str
    files: dict[str, FileState]
    versions: dict[str, str | None] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    hub: dict[str, str | None] = field(default_factory=dict)  # "model@revision" -> the commit it resolved to
    summary_sha256: str | None = None
    model: dict[str, FileState] = field(default_factory=dict)  # the output model folder's files

    def payload(self) -> dict[str, Any]:
        """Return the record as JSON data (what is signed)."""
        return {
            "version": VERSION,
            "config_sha256": self.config_sha256,
            "files": _states_json(self.files),
            "versions": dict(sorted(self.versions.items())),
            "environment": dict(sorted(self.environment.items())),
            "hub": dict(sorted(self.hub.items())),
            "summary_sha256": self.summary_sha256,
            "model": _states_json(self.model),
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Record:
        """Read `payload()` data back (ValueError, TypeError, KeyError when it is not one)."""
        if data.get("version") != VERSION:
            raise ValueError("another version")
        summary = data["summary_sha256"]
        return cls(
            str(data["config_sha256"]),
            _states_of(data["files"]),
            {str(k): (str(v) if v is not None else None) for k, v in data["versions"].items()},
            {str(k): str(v) for k, v in data["environment"].items()},
            {str(k): (str(v) if v is not None else None) for k, v in data["hub"].items()},
            str(summary) if summary is not None else None,
            _states_of(data["model"]),
        )


class TooManyFiles(Exception):
    """The inputs hold more than MAX_FILES files or MAX_FOLDERS folders."""


class NoKey(Exception):
    """The signing key cannot be read or made (the message says why): nothing is reused."""


def _states_json(states: Mapping[str, FileState]) -> dict[str, list[Any]]:
    return {p: [s.size, s.mtime_ns, s.sha256] for p, s in sorted(states.items())}


def _states_of(data: Mapping[str, Any]) -> dict[str, FileState]:
    return {
        str(p): FileState(int(size), int(mtime), sha if isinstance(sha, str) else None)
        for p, (size, mtime, sha) in data.items()
    }


def config_sha256(text: str) -> str:
    """Return the sha256 of the config text that ran."""
    return sha256_text(text)


def sha256_text(text: str) -> str:
    """Return the sha256 of a text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_paths(config: Mapping[str, Any]) -> list[Path]:
    """Return the existing local files and folders a config names (absolute paths), except the run's own folders."""
    found: set[Path] = set()

    def visit(value: Any, key: str | None) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                visit(v, str(k))
        elif isinstance(value, list):
            for item in value:
                visit(item, key)
        elif isinstance(value, str) and os.path.isabs(value) and "\n" not in value and len(value) < 4096:
            path = Path(value)
            if path.exists():
                found.add(path)

    for key, value in config.items():
        if key == "engine" and isinstance(value, Mapping):
            visit({k: v for k, v in value.items() if k not in _SKIPPED_ENGINE_KEYS}, key)
        else:
            visit(value, key)
    roots = sorted(found)
    # a folder already covers the files inside it
    return [p for p in roots if not any(q != p and q in p.parents for q in roots)]


def _walk(roots: list[Path]) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (path, stat) of every regular file under the roots, links followed, each folder once.

    Raises TooManyFiles past MAX_FILES files or MAX_FOLDERS folders. Broken links, FIFOs,
    devices and sockets are skipped (never opened).
    """
    files = folders = 0
    seen: set[tuple[int, int]] = set()
    for root in roots:
        try:
            info = root.stat()
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(info.st_mode):
            files += 1
            yield str(root), info
            continue
        if not stat.S_ISDIR(info.st_mode):
            continue
        stack = [(str(root), info)]
        while stack:
            folder, folder_info = stack.pop()
            if (folder_info.st_dev, folder_info.st_ino) in seen:
                continue
            seen.add((folder_info.st_dev, folder_info.st_ino))
            folders += 1
            if folders > MAX_FOLDERS:
                raise TooManyFiles(f"more than {MAX_FOLDERS} folders")
            try:
                names = sorted(os.listdir(folder))
            except OSError:
                continue
            below: list[tuple[str, os.stat_result]] = []
            for name in names:
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)  # follows links
                except (OSError, ValueError):
                    continue
                if stat.S_ISDIR(info.st_mode):
                    below.append((path, info))
                elif stat.S_ISREG(info.st_mode):
                    files += 1
                    if files > MAX_FILES:
                        raise TooManyFiles(f"more than {MAX_FILES} files")
                    yield path, info
            stack.extend(reversed(below))


def _hash(path: str, size: int) -> str | None:
    """Return a regular file's sha256 (None past HASH_LIMIT, or when it cannot be read as a regular file)."""
    if size > HASH_LIMIT:
        return None
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced by a FIFO or device since the walk
            return None
        read = 0
        while block := os.read(fd, 1 << 20):
            read += len(block)
            if read > HASH_LIMIT:
                return None
            digest.update(block)
    except OSError:
        return None
    finally:
        os.close(fd)
    return digest.hexdigest()


def _states(roots: list[Path]) -> dict[str, FileState] | None:
    states: dict[str, FileState] = {}
    budget = HASH_BUDGET
    try:
        for path, info in _walk(roots):
            digest = _hash(path, info.st_size) if info.st_size <= budget else None
            budget -= info.st_size if digest is not None else 0
            states[path] = FileState(info.st_size, info.st_mtime_ns, digest)
    except TooManyFiles:
        return None
    return states


def take(config: Mapping[str, Any], known: Mapping[str, FileState] | None = None) -> dict[str, FileState] | None:
    """Record the config's input files, each hashed within the bounds whatever its mtime.

    `known` (an earlier record) is accepted for callers' sake and not used: a hash is never taken
    from a record instead of the file. Returns None when the inputs are too many to record.
    """
    del known
    return _states(input_paths(config))


def take_model(model_dir: Path) -> dict[str, FileState] | None:
    """Record the output model folder's files (paths relative to it), or None when too many."""
    states = _states([model_dir])
    if states is None:
        return None
    prefix = str(model_dir) + os.sep
    return {p[len(prefix) :] if p.startswith(prefix) else p: s for p, s in states.items()}


def _compare(stored: Mapping[str, FileState], now: Iterator[tuple[str, os.stat_result]]) -> str | None:
    seen = 0
    for path, info in now:
        seen += 1
        before = stored.get(path)
        if before is None:
            return f"new file {path}"
        if before.size != info.st_size:
            return f"{path} changed size"
        if before.sha256 is not None:
            if _hash(path, info.st_size) != before.sha256:
                return f"{path} changed"
        elif before.mtime_ns != info.st_mtime_ns:
            return f"{path} changed"
    if seen != len(stored):
        return "a file was removed"
    return None


def changed(config: Mapping[str, Any], stored: Mapping[str, FileState]) -> str | None:
    """Return what changed in the inputs since `stored` (one short phrase), or None when nothing did."""
    try:
        why = _compare(stored, _walk(input_paths(config)))
    except TooManyFiles as exc:
        return f"the inputs hold {exc}"
    if why is not None and why.startswith(("new file", "a file was")):
        return why.replace("file", "input file", 1)
    return why


def model_changed(model_dir: Path, stored: Mapping[str, FileState]) -> str | None:
    """Return how the output model folder differs from `stored` (paths relative to it), or None when it does not."""
    try:
        why = _compare({os.path.join(model_dir, p): s for p, s in stored.items()}, _walk([model_dir]))
    except TooManyFiles as exc:
        return f"the output model holds {exc}"
    return None if why is None else f"the output model changed ({why})"


def versions() -> dict[str, str | None]:
    """Return the installed version of each of DISTRIBUTIONS (None when not installed); imports nothing."""
    found: dict[str, str | None] = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
        except Exception:  # a broken distribution's metadata
            found[name] = "unreadable"
    found["python"] = f"{sys.version.split()[0]} {sys.executable}"
    return found


def environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return a digest of each set variable of ENVIRONMENT and ENVIRONMENT_PREFIXES (values may be credentials)."""
    env = os.environ if env is None else env
    names = sorted(n for n in env if n in ENVIRONMENT or n.startswith(ENVIRONMENT_PREFIXES))
    return {n: hashlib.sha256(env[n].encode("utf-8", "surrogatepass")).hexdigest()[:32] for n in names}


def hub_revisions(config: Mapping[str, Any], hub_cache: Path) -> dict[str, str | None]:
    """Return the commit a Hub model of the config resolved to in `hub_cache` ("id@revision" -> commit or None).

    The revision is the config's `load_kwargs.revision` (default `main`); a 40-hex revision is its own
    commit. A local folder or an Azure ML model is not a Hub model.
    """
    model = config.get("input_model")
    if not isinstance(model, Mapping):
        return {}
    path = model.get("model_path")
    if not isinstance(path, str) or not _HUB_ID.match(path) or os.path.exists(path):
        return {}
    kwargs = model.get("load_kwargs")
    revision = kwargs.get("revision") if isinstance(kwargs, Mapping) else None
    revision = revision if isinstance(revision, str) and revision else "main"
    if _COMMIT.match(revision):
        return {f"{path}@{revision}": revision}
    ref = hub_cache / f"models--{path.replace('/', '--')}" / "refs" / revision
    commit: str | None = None
    try:
        if ref.is_file() and not ref.is_symlink() and ref.stat().st_size < 256:
            commit = ref.read_text(encoding="utf-8").strip() or None
    except (OSError, ValueError):
        commit = None
    return {f"{path}@{revision}": commit}


def hub_cache(env: Mapping[str, str], hf_home: str) -> Path:
    """Return the Hugging Face hub cache folder the run uses."""
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if env.get(name):
            return Path(env[name])
    return Path(hf_home) / "hub"


# --- the per-user key and the seal -------------------------------------------------------------


def key_folder(env: Mapping[str, str] | None = None) -> Path:
    """Return the folder of the signing key: $XDG_CACHE_HOME/olivegen (when absolute), else ~/.cache/olivegen."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME", "")
    if not base or not os.path.isabs(base):  # a relative one would put the key in the working tree
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "olivegen"


_KEY_NAME = "run-key"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _open_folder(folder: Path) -> int:
    """Open (making it 0700 when missing) the key folder itself, never a link; check it is ours and private."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise NoKey(f"cannot create {folder}: {exc.strerror}") from None
    try:
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except OSError as exc:
        why = "it is a link" if exc.errno in (errno.ELOOP, errno.ENOTDIR) else exc.strerror
        raise NoKey(f"cannot use {folder}: {why}") from None
    info = os.fstat(fd)
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        os.close(fd)
        raise NoKey(f"cannot use {folder}: another user owns it")
    if info.st_mode & 0o022:
        os.close(fd)
        raise NoKey(f"cannot use {folder}: others may write to it (chmod 700 it)")
    return fd


def _read_key(folder_fd: int, folder: Path) -> bytes | None:
    try:
        fd = os.open(_KEY_NAME, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=folder_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        why = "it is a link" if exc.errno == errno.ELOOP else exc.strerror
        raise NoKey(f"cannot read {folder / _KEY_NAME}: {why}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NoKey(f"cannot read {folder / _KEY_NAME}: not a regular file")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise NoKey(f"cannot read {folder / _KEY_NAME}: another user owns it")
        if info.st_mode & 0o077:
            raise NoKey(f"cannot read {folder / _KEY_NAME}: others may read it (chmod 600 it)")
        data = os.read(fd, 256).strip()
    finally:
        os.close(fd)
    try:
        key = bytes.fromhex(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) < 32:
        raise NoKey(f"{folder / _KEY_NAME} is not a key olivegen wrote; delete it to make a new one")
    return key


def signing_key(env: Mapping[str, str] | None = None) -> bytes:
    """Return this user's signing key, made on first use (32 random bytes, hex, mode 0600); NoKey says why not."""
    folder = key_folder(env)
    if not folder.is_absolute():  # no home folder: never a key relative to the working folder
        raise NoKey(f"no home folder for the key ({folder})")
    folder_fd = _open_folder(folder)
    try:
        key = _read_key(folder_fd, folder)
        if key is not None:
            return key
        fresh = secrets.token_bytes(32)
        temp = f".{_KEY_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder_fd)
            try:
                os.write(fd, fresh.hex().encode("ascii") + b"\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(temp, _KEY_NAME, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)  # fails if another made one
            except FileExistsError:
                pass
            finally:
                os.unlink(temp, dir_fd=folder_fd)
        except OSError as exc:
            raise NoKey(f"cannot write {folder / _KEY_NAME}: {exc.strerror}") from None
        key = _read_key(folder_fd, folder)
        if key is None:
            raise NoKey(f"cannot read {folder / _KEY_NAME}")
        return key
    finally:
        os.close(folder_fd)


def _mac(key: bytes, payload: Mapping[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()


def dump(record: Record, key: bytes) -> str:
    """Return the record file's text: the record and its HMAC-SHA256 under `key`."""
    payload = record.payload()
    return json.dumps({**payload, "hmac": _mac(key, payload)}, indent=1, sort_keys=True) + "\n"


def load_record(path: Path, key: bytes) -> Record | None:
    """Read a record file; None when absent, unreadable, or not sealed with `key` (then nothing is reused)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(RECORD_LIMIT + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(raw) > RECORD_LIMIT:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            return None
        seal = data.pop("hmac", None)
        if not isinstance(seal, str) or not hmac.compare_digest(seal, _mac(key, data)):
            return None
        return Record.from_payload(data)
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
        return None


def load(path: Path) -> tuple[str, dict[str, FileState]] | None:
    """Return a sealed record's config hash and files, or None (no key, no record, or not this machine's)."""
    try:
        record = load_record(path, signing_key())
    except NoKey:
        return None
    return None if record is None else (record.config_sha256, record.files)
