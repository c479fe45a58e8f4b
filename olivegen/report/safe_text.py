"""Text from a hostile input, made safe to print: credentials masked, control characters escaped.

A recipe, a data file or a `--set` value may carry a token (`hf_...`) or a
control character; a CI log turns a line starting with `::error` into an
annotation and a terminal obeys escape sequences. Every formatter passes the
text it takes from an input through `shown`; the CLI also masks whatever
else reaches stdout and stderr (`MaskedStream`).
"""

from __future__ import annotations

import unicodedata
from typing import Any, TextIO

from olivegen.source.secrets import mask

_UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def escape_controls(text: str, *, keep: str = "\t") -> str:
    r"""Return `text` with control, format and line-separator characters written as `\\xNN` / `\\uNNNN`."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in keep or (ch.isprintable() and unicodedata.category(ch) not in _UNSAFE):
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def shown(text: str) -> str:
    """Return text from an input as it may be printed: credentials masked, control characters escaped."""
    return escape_controls(mask(text))


class MaskedStream:
    """A text stream that masks credentials in everything written to it (stdout and stderr of the CLI)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write `text` with its credentials masked."""
        self._stream.write(mask(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line masked."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
