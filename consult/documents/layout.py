"""The mandatory parts of an administrative document (Decree 30/2020/NĐ-CP, Appendix I).

One place for each rule of form: the national name and motto, the issuing body under its
superior, "Số: 05/QĐ-UBND", the place and date line written the Vietnamese way, the signing
block ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH") and the recipients ending "Lưu: VT, …". The
templates under ``templates/documents/`` only place these strings; they never compute them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from consult.ledger.register import format_symbol, symbol_code

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
ON_BEHALF = "TM."
"""Thay mặt: the head signs for a collective body (the People's Committee)."""
RECORDS_OFFICE = "VT"
"""Văn thư: the records office keeps the original of every document it releases."""


def vn_upper(text: str) -> str:
    """Upper case as Vietnamese prints it: "Ủy ban nhân dân xã Đông Sơn" → "ỦY BAN NHÂN DÂN
    XÃ ĐÔNG SƠN" (``str.upper`` already knows ư, ơ, đ and the tone marks)."""
    return text.upper()


def day_part(value: int) -> str:
    """Days below 10 take a leading zero: "05"; "25"."""
    return f"{value:02d}"


def month_part(value: int) -> str:
    """Months 1 and 2 take a leading zero ("01", "02"), the others do not ("3", "12")."""
    return f"{value:02d}" if value < 3 else str(value)


def vn_date_words(day: date) -> str:
    """``ngày 05 tháng 02 năm 2024``; ``ngày 25 tháng 3 năm 2024``."""
    return f"ngày {day_part(day.day)} tháng {month_part(day.month)} năm {day.year}"


def date_line(place: str, day: date | None, year: int | None = None) -> str:
    """``Đông Sơn, ngày 05 tháng 02 năm 2024``. With no day yet (a draft), the blanks the
    signer fills in by hand: ``Đông Sơn, ngày      tháng      năm 2024``."""
    if day is None:
        blank = "\u00a0" * 6
        return f"{place}, ngày {blank}tháng {blank}năm {year or ''}".rstrip()
    return f"{place}, {vn_date_words(day)}"


def number_line(number: int | None, doc_type: str, issuer_code: str) -> str:
    """``Số: 05/QĐ-UBND``; before the records office numbers it: ``Số:      /QĐ-UBND``."""
    if number is None:
        return f"Số: {chr(0xA0) * 6}/{symbol_code(doc_type, issuer_code)}"
    return f"Số: {format_symbol(number, doc_type, issuer_code)}"


ABBREVIATIONS = (("ỦY BAN NHÂN DÂN", "UBND"), ("HỘI ĐỒNG NHÂN DÂN", "HĐND"))
"""Common phrases Decree 30 allows to abbreviate in the superior body's name."""
ONE_LINE = 24
"""Longer names are split after the kind of body, as communes print them."""


@dataclass(frozen=True)
class Issuer:
    """The issuing body as printed top left: its superior (may be a former district, kept as
    history, abbreviated: "UBND HUYỆN YÊN THẾ"), then its own name in full, on two lines when
    long ("ỦY BAN NHÂN DÂN" / "XÃ ĐÔNG SƠN")."""

    superior: str
    name: str
    name_lines: tuple[str, str]


def issuer(name: str, superior_name: str = "", short_name: str = "") -> Issuer:
    superior = vn_upper(superior_name)
    for phrase, short in ABBREVIATIONS:
        superior = superior.replace(phrase, short)
    full = vn_upper(name)
    kind = name.removesuffix(short_name).strip() if short_name else ""
    if len(full) > ONE_LINE and kind and kind != name:
        lines = (vn_upper(kind), vn_upper(short_name))
    else:
        lines = (full, "")
    return Issuer(superior=superior, name=full, name_lines=lines)


@dataclass(frozen=True)
class SigningBlock:
    """Bottom right: the authority mark (``TM. ỦY BAN NHÂN DÂN``), the position
    (``CHỦ TỊCH``), room for signature and seal, then the signer's name."""

    mark: str
    position: str
    name: str

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.mark, self.position) if line]


def signing_block(position: str, name: str, on_behalf_of: str = "") -> SigningBlock:
    mark = f"{ON_BEHALF} {vn_upper(on_behalf_of)}" if on_behalf_of else ""
    return SigningBlock(mark=mark, position=vn_upper(position), name=name)


@dataclass(frozen=True)
class Recipients:
    """Nơi nhận: each addressee on its own line, ending with the copy the records office keeps
    and the drafting unit's code: ``- Lưu: VT, TP.``"""

    addressees: list[str]
    drafting_unit: str = ""
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        keep = f"Lưu: {RECORDS_OFFICE}" + (f", {self.drafting_unit}" if self.drafting_unit else "")
        items = [f"- {a};" for a in self.addressees] + [f"- {keep}."]
        object.__setattr__(self, "lines", items)
