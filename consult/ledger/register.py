"""The outgoing-document register (sổ đăng ký văn bản đi).

Numbers run per organization per year (Vietnam calendar year), from 01. The organization's
scheme decides whether all administrative documents share one counter (as in the seed:
127 KH → 156 QĐ → 170 KH) or each type has its own. Allocation is an atomic
``UPDATE … RETURNING`` on the counter row inside the caller's transaction, so concurrent
allocations queue on the row lock: no two get the same number, and a rolled-back
transaction gives its number back (no gap).
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from consult.calendar import dmy
from consult.config import ROOT
from consult.db import upsert
from consult.errors import Invalid
from consult.i18n import _
from consult.models import Document, Organization, RegisterCounter

SHARED_SERIES = "*"
SCHEMES = ("single", "per_type")
CONFIG_FILE = ROOT / "config" / "register.toml"


# --- the scheme, set per organization in config/register.toml -------------------------------


def configured_schemes(path: Path | None = None) -> dict[str, str]:
    """``{organization code: scheme}`` from the config file (empty when there is none)."""
    path = path or CONFIG_FILE
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    schemes = data.get("schemes", {})
    for code, scheme in schemes.items():
        if scheme not in SCHEMES:
            raise ValueError(
                f"{path}: scheme of {code!r} must be one of {', '.join(SCHEMES)}, not {scheme!r}"
            )
    return {str(code): str(scheme) for code, scheme in schemes.items()}


def apply_configured_scheme(
    session: Session, organization: Organization, path: Path | None = None
) -> str | None:
    """Copy the configured scheme onto the organization (the column is what numbering reads).

    Returns the new scheme when it changed, else None. Numbers already given stay; from now
    on the new counters skip any number and symbol the old scheme has taken this year.
    """
    scheme = configured_schemes(path).get(organization.code)
    if scheme is None or scheme == organization.register_scheme:
        return None
    organization.register_scheme = scheme
    session.add(organization)
    return scheme


def series_for(organization: Organization, doc_type: str) -> str:
    return SHARED_SERIES if organization.register_scheme == "single" else doc_type


def format_number(number: int) -> str:
    """Numbers below 10 take a leading zero (Decree 30/2020): 05, 10, 156."""
    return f"{number:02d}"


def symbol_code(doc_type: str, issuer_code: str) -> str:
    """``QĐ-UBND``; a letter (công văn) has no type code: ``UBND``."""
    return issuer_code if doc_type in ("", "CV") else f"{doc_type}-{issuer_code}"


def format_symbol(number: int, doc_type: str, issuer_code: str) -> str:
    """``05/QĐ-UBND``; a letter (công văn) has no type code: ``05/UBND``."""
    return f"{format_number(number)}/{symbol_code(doc_type, issuer_code)}"


def _ensure_counter(session: Session, organization_id: int, year: int, series: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = upsert(dialect)
    stmt = insert(RegisterCounter).values(
        organization_id=organization_id, year=year, series=series, last_number=0
    )
    session.execute(
        stmt.on_conflict_do_nothing(index_elements=["organization_id", "year", "series"])
    )


def allocate(session: Session, organization: Organization, doc_type: str, year: int) -> int:
    """The next number of the series ``doc_type`` falls in, for ``year``."""
    assert organization.id is not None
    series = series_for(organization, doc_type)
    bump = (
        update(RegisterCounter)
        .where(
            RegisterCounter.organization_id == organization.id,  # type: ignore[arg-type]
            RegisterCounter.year == year,  # type: ignore[arg-type]
            RegisterCounter.series == series,  # type: ignore[arg-type]
        )
        .values(last_number=RegisterCounter.last_number + 1)
        .returning(col(RegisterCounter.last_number))
    )
    number = session.execute(bump).scalar_one_or_none()
    if number is None:
        _ensure_counter(session, organization.id, year, series)
        number = session.execute(bump).scalar_one()
    return int(number)


def _raise_counter_to(
    session: Session, organization: Organization, year: int, series: str, number: int
) -> None:
    assert organization.id is not None
    _ensure_counter(session, organization.id, year, series)
    session.execute(
        update(RegisterCounter)
        .where(
            RegisterCounter.organization_id == organization.id,  # type: ignore[arg-type]
            RegisterCounter.year == year,  # type: ignore[arg-type]
            RegisterCounter.series == series,  # type: ignore[arg-type]
            RegisterCounter.last_number < number,  # type: ignore[arg-type]
        )
        .values(last_number=number)
    )


def taken_by(
    session: Session, organization: Organization, doc_type: str, number: int, year: int
) -> Document | None:
    """The document already holding this number and symbol in ``year``, if any: the register
    warns before, and refuses at, recording a duplicate."""
    assert organization.id is not None
    symbol = format_symbol(number, doc_type, organization.code)
    return (
        find(session, organization.id, year, symbol)
        or session.exec(
            select(Document).where(
                Document.organization_id == organization.id,
                Document.year == year,
                Document.series == series_for(organization, doc_type),
                Document.number == number,
            )
        ).first()
    )


def duplicate_message(taken: Document) -> str:
    return _(
        "Number %(number)s of %(year)s is already given to %(symbol)s (%(subject)s).",
        number=format_number(taken.number),
        year=taken.year,
        symbol=taken.symbol,
        subject=taken.subject,
    )


def later_dated(
    session: Session, organization: Organization, doc_type: str, number: int, issued_on: date
) -> Document | None:
    """A document of the same series with a lower number but a later date: numbers run with
    the dates, so ``number`` dated ``issued_on`` would put the register out of order (a date
    moved back). The register warns before, and refuses when it gives the number itself."""
    return session.exec(
        select(Document)
        .where(
            Document.organization_id == organization.id,
            Document.year == issued_on.year,
            Document.series == series_for(organization, doc_type),
            Document.number < number,
            Document.issued_on > issued_on,
        )
        .order_by(col(Document.issued_on).desc(), col(Document.number).desc())
    ).first()


def out_of_order_message(later: Document, issued_on: date) -> str:
    return _(
        "%(symbol)s is dated %(later)s, after %(day)s: a document dated %(day)s cannot take a "
        "later number. If it was signed on paper that day, enter the number it was given then.",
        symbol=later.symbol,
        later=dmy(later.issued_on),
        day=dmy(issued_on),
    )


def entries(session: Session, organization_id: int, year: int) -> list[Document]:
    """The register of one year: every number given, in the order of the series."""
    query = select(Document).where(
        Document.organization_id == organization_id, Document.year == year
    )
    return list(
        session.exec(query.order_by(col(Document.series), col(Document.number), col(Document.id)))
    )


def years(session: Session, organization_id: int) -> list[int]:
    query = (
        select(Document.year)
        .where(Document.organization_id == organization_id)
        .group_by(col(Document.year))
    )
    return sorted({int(y) for y in session.exec(query)}, reverse=True)


def next_number(session: Session, organization: Organization, doc_type: str, year: int) -> int:
    """The number the next allocation would give (for display; allocation alone is binding)."""
    query = select(func.max(RegisterCounter.last_number)).where(
        RegisterCounter.organization_id == organization.id,
        RegisterCounter.year == year,
        RegisterCounter.series == series_for(organization, doc_type),
    )
    return int(session.exec(query).one() or 0) + 1


def find(session: Session, organization_id: int, year: int, symbol: str) -> Document | None:
    query = select(Document).where(
        Document.organization_id == organization_id,
        Document.year == year,
        Document.symbol == symbol,
    )
    return session.exec(query).first()


def record(
    session: Session,
    organization: Organization,
    *,
    doc_type: str,
    issued_on: date,
    subject: str,
    now: datetime,
    number: int | None = None,
    consultation_id: int | None = None,
    signer_name: str = "",
    signer_title: str = "",
    action: str = "",
    kind: str = "",
) -> Document:
    """Enter a document in the register: with the next number, or with ``number`` given by hand
    for a document signed on paper (refused when that number and symbol are already taken)."""
    assert organization.id is not None
    year = issued_on.year
    series = series_for(organization, doc_type)
    by_hand = number is not None
    if number is None:
        number = allocate(session, organization, doc_type, year)
        # After a change of scheme within a year, the new counter may reach a number and
        # symbol the old one gave: skip it rather than fail.
        while taken_by(session, organization, doc_type, number, year) is not None:
            number = allocate(session, organization, doc_type, year)
        later = later_dated(session, organization, doc_type, number, issued_on)
        if later is not None:
            message = out_of_order_message(later, issued_on)
            raise Invalid(message, fields={"number": message})
    else:
        if number < 1:
            raise Invalid(
                _("A document number starts at 1."), fields={"number": _("Must be 1 or more.")}
            )
        taken = taken_by(session, organization, doc_type, number, year)
        if taken is not None:
            message = duplicate_message(taken)
            raise Invalid(message, fields={"number": message})
        _raise_counter_to(session, organization, year, series, number)
    document = Document(
        organization_id=organization.id,
        consultation_id=consultation_id,
        type=doc_type,
        year=year,
        series=series,
        number=number,
        symbol=format_symbol(number, doc_type, organization.code),
        subject=subject,
        issued_on=issued_on,
        signer_name=signer_name,
        signer_title=signer_title,
        action=action,
        recorded_by_hand=by_hand,
        created_at=now,
        kind=kind,
    )
    session.add(document)
    session.flush()
    return document
