"""`text.is_safe`: text every engine stores and UTF-8 encodes holds no NUL and no UTF-16
surrogate standing alone; every other code point is safe, at any place in the text."""

from __future__ import annotations

import pytest

from app.domain.text import is_safe

# text -> safe
CASES = {
    "": True,
    "BENCH-000123": True,
    "é ü ß": True,
    "😀 (U+1F600, one code point)": True,
    "\ud7ff": True,  # the code point below the surrogates
    "\ue000": True,  # the one above them
    "\U0010ffff": True,  # the last code point
    "\x01\x1f\x7f": True,  # other control characters are stored as sent
    "\x00": False,
    "a\x00b": False,
    "\ud800": False,  # the first surrogate
    "\udbff\udc00": False,  # a surrogate pair in a str is two lone surrogates, not a code point
    "x\udfff": False,  # the last surrogate
    "é\x00😀": False,
}


@pytest.mark.parametrize("text", CASES, ids=[repr(text) for text in CASES])
def test_is_safe(text: str) -> None:
    assert is_safe(text) is CASES[text]
