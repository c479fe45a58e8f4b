"""The last arrow of the pipeline: a checked text -> its file, atomically, never through a link.

`write_atomic` is how every command writes (configs, recipes, summaries); `drifted` is how
`render --check` tells a stale file from a current one.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from olivegen.errors import OutputError


def write_atomic(path: Path, text: str, *, inputs: Sequence[Path] = ()) -> None:
    """Write text so that readers see the old file or the new one, never a half-written one.

    The path itself is replaced, never what a link there points to: a symbolic link is replaced
    by the new file, and anything that is not a regular file (a folder, a device, a FIFO) is
    refused. Missing folders are created, but never through a dangling link. `inputs` are the
    files the text was made from: writing over one of them is refused. Raises OutputError (one
    line for the user, no traceback) when the path cannot or must not be written.
    """
    try:
        target = Path(os.path.abspath(path))  # not resolve(): a link at the path is not followed
        _refuse_linked_folders(target)
        for source in inputs:
            if _same_file(target, source):
                raise OutputError(f"cannot write {path}: it is an input ({source}); choose another output")
        _write_atomic(target, text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    except ValueError:  # a NUL byte in the name
        raise OutputError(f"cannot write {path!r}: the name holds a NUL byte") from None


def _refuse_linked_folders(target: Path) -> None:
    """Refuse a folder on the way to `target`, below the working folder, that is a symbolic link.

    A pull request can commit `build -> /etc`; `-o build/x.json` must not then write into /etc.
    Folders above the working folder (a linked /tmp or home) are the caller's own choice.
    """
    cwd = Path(os.path.abspath(os.getcwd()))
    if cwd not in target.parents:
        return
    here = target.parent
    while here != cwd:
        if os.path.islink(here):
            raise OSError(errno.EPERM, f"{here} is a symbolic link; olivegen writes no file through a linked folder")
        here = here.parent


def _same_file(a: Path, b: Path) -> bool:
    """Tell whether writing `a` would change `b` (the same file, or a link to it)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return exc.strerror or str(exc) or type(exc).__name__


def _make_folders(folder: Path) -> None:
    """Create `folder` and its missing parents; refuse to create anything through a dangling link."""
    missing: list[Path] = []
    here = folder
    while not os.path.lexists(here):
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    if os.path.islink(here) and not os.path.exists(here):
        raise OSError(errno.ENOENT, f"{here} is a dangling symbolic link; olivegen creates no folder through it")
    if os.path.lexists(here) and not os.path.isdir(here):
        raise NotADirectoryError(errno.ENOTDIR, f"{here} is not a folder")
    for one in reversed(missing):
        os.mkdir(one)


def _write_atomic(path: Path, text: str) -> None:
    import stat

    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    if info is not None and not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise OSError(errno.EINVAL, "is not a regular file; olivegen only replaces regular files")
    _make_folders(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if info is not None and stat.S_ISREG(info.st_mode):
            os.chmod(tmp, info.st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)  # rename(2) replaces a link itself, never its target
    except BaseException:  # KeyboardInterrupt and SystemExit (SIGTERM, see cli.py) too: no stray temp file
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def drifted(path: Path, text: str) -> bool:
    """Tell whether the file at `path` differs from `text` (a missing file has drifted)."""
    from olivegen.source.files import read_limited

    try:
        return read_limited(path, len(text.encode("utf-8"))).decode("utf-8") != text
    except (OSError, ValueError):  # missing, not a regular file, larger than the text, not UTF-8
        return True
