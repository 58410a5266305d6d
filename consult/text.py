"""Text helpers for Vietnamese: folding diacritics for search, normalising for duplicates."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


class _WithoutMarks(dict[int, int | None]):
    """A ``str.translate`` table that drops combining marks (category Mn) and keeps every
    other character, filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def fold(text: str) -> str:
    """Lower-case, strip diacritics and đ, collapse spaces: "Công khai  Đất" → "cong khai dat"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return _SPACES.sub(" ", decomposed.translate(_WITHOUT_MARKS)).strip()
