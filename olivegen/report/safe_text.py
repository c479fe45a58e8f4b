"""Text from a hostile input, made safe to print: credentials masked, control characters escaped.

A recipe, a data file or a `--set` value may carry a token (`hf_...`) or a
control character; a CI log turns a line starting with `::error` into an
annotation and a terminal obeys escape sequences. Every formatter passes the
text it takes from an input through `shown`; the CLI also masks whatever
else reaches stdout and stderr (`MaskedStream`).
"""

from __future__ import annotations

import re
import string
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


_MD_PUNCTUATION = frozenset(string.punctuation)  # CommonMark lets a backslash escape any of these
_BACKTICKS = re.compile(r"`+")
_LINE_BREAKS = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def markdown_text(text: str) -> str:
    """Return text from an input as literal Markdown text (a table cell, a list item, a heading).

    Credentials masked, control characters escaped and line breaks made spaces (one line: no new
    block, no table row), and every ASCII punctuation character backslash-escaped, so nothing in it
    becomes a link (`[x](y)`, `<https://...>`, a bare `https://` or `www.` autolink), an image, an
    HTML tag (`<img>`, `<details open>`), emphasis, a code span or a table cell boundary (`|`).
    """
    flat = " ".join(shown(_LINE_BREAKS.sub(" ", text)).split())
    return "".join("\\" + ch if ch in _MD_PUNCTUATION else ch for ch in flat)


def markdown_code(text: str) -> str:
    """Return text from an input as one Markdown code span: shown literally, whatever backticks it holds.

    The fence is one backtick longer than the longest run inside, padded with spaces when the text
    starts or ends with a backtick (CommonMark strips one space each side); line breaks become spaces.
    Not for table cells (a `|` would still split the cell): use `markdown_text` there.
    """
    flat = " ".join(shown(_LINE_BREAKS.sub(" ", text)).split()) or " "
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


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
