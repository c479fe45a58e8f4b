"""Reading input files: regular files only, never blocking, never more than a limit plus one byte.

Every file olivegen reads on behalf of a recipe (the recipe, its `extends`
bases, a config given to `import` or `diff`, the head of a data file, the
lines of a code frame) goes through `read_limited`: it opens without
following into a FIFO's wait (O_NONBLOCK), checks with fstat that the open
file is a regular file (not a device such as /dev/zero, a FIFO, a socket or a
folder), and reads at most `limit + 1` bytes, so a huge or endless file costs
nothing to refuse.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from olivegen.errors import Position, RecipeError
from olivegen.source.document import MAX_BYTES

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path names a folder, a device, a FIFO or a socket: nothing olivegen reads."""

    def __init__(self, kind: str) -> None:
        super().__init__(errno.EINVAL, f"is {kind}, not a regular file")
        self.kind = kind


class TooLarge(OSError):
    """The file holds more than the limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"is larger than {limit} bytes")
        self.size = size
        self.limit = limit


def file_kind(mode: int) -> str:
    """Name the kind of a file from its st_mode, for messages."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """Return the bytes of a regular file of at most `limit` bytes.

    Raises NotRegularFile, TooLarge, or the OSError/ValueError of opening the
    path (ValueError: a NUL byte in the name).
    """
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(file_kind(info.st_mode))
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        raw = b"".join(chunks)
        if len(raw) > limit:  # the file grew after fstat
            raise TooLarge(len(raw), limit)
        return raw
    finally:
        os.close(fd)


def read_head(path: str | os.PathLike[str], size: int) -> tuple[bytes, int]:
    """Return the first `size` bytes of a regular file and the file's size (NotRegularFile otherwise)."""
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(file_kind(info.st_mode))
        return os.read(fd, size), info.st_size
    finally:
        os.close(fd)


def read_text(path: Path, display: str, *, limit: int = MAX_BYTES, what: str = "recipe") -> str:
    """Read a recipe file (or a config) as UTF-8, turning every I/O problem into a RecipeError at 1:1."""
    at = Position(display, 1, 1)
    try:
        raw = read_limited(path, limit)
    except NotRegularFile as exc:
        hint = "pass the path of a .yaml recipe" if what == "recipe" else f"pass the path of a {what} file"
        raise RecipeError.single(f"is {exc.kind}, not a {what} file", at, hint) from None
    except TooLarge as exc:
        raise RecipeError.single(
            f"{what} is {exc.size} bytes, more than the {exc.limit} bytes olivegen reads",
            at,
            "a recipe is a short file; move data into data files",
        ) from None
    except FileNotFoundError:
        raise RecipeError.single("no such file", at, "check the path") from None
    except PermissionError:
        raise RecipeError.single("permission denied", at) from None
    except ValueError:
        raise RecipeError.single("the file name holds a NUL byte", at) from None
    except OSError as exc:
        raise RecipeError.single(f"cannot read the file: {_reason(exc)}", at) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise RecipeError.single(
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
            Position(display, line, col),
            "save the recipe as UTF-8",
        ) from None


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return (exc.strerror or type(exc).__name__).lower()
