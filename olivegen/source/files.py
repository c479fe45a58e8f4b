"""Reading a recipe file: bounded in size, every I/O problem a positioned RecipeError."""

from __future__ import annotations

from pathlib import Path

from olivegen.errors import Position, RecipeError
from olivegen.source.document import MAX_BYTES


def read_text(path: Path, display: str) -> str:
    """Read a recipe file as UTF-8, turning every I/O problem into a RecipeError."""
    at = Position(display, 1, 1)
    try:
        if path.is_dir():
            raise RecipeError.single("is a directory, not a recipe file", at, "pass the path of a .yaml recipe")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RecipeError.single(
                f"recipe is {size} bytes, more than the {MAX_BYTES} bytes olivegen reads",
                at,
                "a recipe is a short file; move data into data files",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RecipeError.single("no such file", at, "check the path") from None
    except PermissionError:
        raise RecipeError.single("permission denied", at) from None
    except OSError as exc:
        raise RecipeError.single(f"cannot read the file: {exc.strerror or exc}", at) from None
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
