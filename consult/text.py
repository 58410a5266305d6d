"""Text helpers: folding Vietnamese diacritics for search, normalising for duplicates, the
characters no input may carry (:func:`without_controls`) and spreadsheet cells that cannot
run as formulas (:func:`spreadsheet_cell`)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

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


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Control characters other than tab and line breaks, lone surrogates and the two
non-characters: nothing a person types, and what XML (so a DOCX or XLSX) cannot hold."""


def without_controls(text: str) -> str:
    """``text`` with the characters of :data:`_CONTROLS` removed: "Thôn\\x00Y" → "ThônY"."""
    return _CONTROLS.sub("", text)


def cleaned(value: Any) -> Any:
    """Every string in a JSON-like value (dicts, lists) :func:`without_controls`."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, dict):
        return {cleaned(k): cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v) for v in value]
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP, CSV injection)."""


def spreadsheet_cell(value: Any) -> Any:
    """A cell that a spreadsheet shows as the text it is: a string that could start a formula
    gets a leading apostrophe, as OWASP recommends (``=1+1`` → ``'=1+1``)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
