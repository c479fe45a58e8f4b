"""Template blanks: values a template config leaves for a script to fill in (`<place_holder>`, `<<str: x>>`)."""

from __future__ import annotations

import re
from typing import Any

# A value that is only a template's blank: `<<str: model_path>>`, `<place_holder>`, `<subscription_id>`, `<MODEL_PATH>`.
# Single lowercase words (`<pad>`, `<unk>`, `<s>`) are tokens, not blanks, and digits mark tokens too (`<extra_id_0>`).
PLACEHOLDER = re.compile(r"<<[^<>]+>>|<(?:[A-Za-z]+[_-][A-Za-z_-]*|[A-Z]{2,}(?:_[A-Z]+)*)>")


def is_placeholder(value: Any) -> bool:
    """Tell whether a value is a template's unfilled blank (the whole value, not text around one)."""
    return isinstance(value, str) and PLACEHOLDER.fullmatch(value.strip()) is not None
