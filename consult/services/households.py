"""The register of households the commune keeps, per village: household head, village,
address (nothing more). Imported from a spreadsheet (CSV or XLSX) or entered one by one; it is
the base a household vote counts over (all the village's households)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.errors import Invalid
from consult.i18n import _
from consult.ledger import audit
from consult.models import Household, Locality, Organization
from consult.permissions import Can
from consult.text import fold

COLUMNS = {
    "code": ("ma ho", "so ho", "code", "household"),
    "head_name": ("chu ho", "ho ten chu ho", "head", "head_name"),
    "village": ("thon", "thon, to dan pho", "village"),
    "address": ("dia chi", "address"),
}
"""The headings a spreadsheet may use for each column (compared without diacritics)."""


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int
    by_village: dict[str, int]


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8, with or without BOM) or XLSX file, keyed by column."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        table = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    else:
        text = data.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
    if not table:
        raise Invalid(_("The file is empty: the first row names the columns."))
    keys: list[str | None] = []
    for heading in table[0]:
        folded = fold(heading).strip()
        keys.append(next((k for k, names in COLUMNS.items() if folded in names), None))
    missing = [k for k in ("code", "head_name", "village") if k not in keys]
    if missing:
        raise Invalid(
            _(
                "The first row must name the columns Mã hộ, Chủ hộ, Thôn (and Địa chỉ); "
                "missing: %(missing)s.",
                missing=", ".join(missing),
            )
        )
    return [
        {k: (cell or "").strip() for k, cell in zip(keys, row, strict=False) if k}
        for row in table[1:]
        if any((cell or "").strip() for cell in row)
    ]


def import_rows(
    session: Session,
    organization: Organization,
    rows: Iterable[dict[str, str]],
    actor: Actor,
    now: datetime,
) -> Imported:
    """Add or update each household by its code; every row names a known village."""
    assert organization.id is not None
    permissions.require(actor, Can.KEEP_HOUSEHOLDS, organization.id)
    villages = {
        fold(v.name).strip(): v
        for v in session.exec(select(Locality).where(Locality.organization_id == organization.id))
    }
    existing = {
        h.code: h
        for h in session.exec(select(Household).where(Household.organization_id == organization.id))
    }
    added = updated = 0
    for line, row in enumerate(rows, start=2):
        village = villages.get(fold(row.get("village", "")).strip())
        if village is None or not row.get("code") or not row.get("head_name"):
            raise Invalid(
                _(
                    "Row %(line)s: give the household code, the head's name and one of the "
                    "villages (%(names)s).",
                    line=line,
                    names=", ".join(v.name for v in villages.values()),
                )
            )
        household = existing.get(row["code"])
        if household is None:
            household = Household(
                organization_id=organization.id,
                locality_id=village.id or 0,
                code=row["code"][:40],
                head_name=row["head_name"][:120],
                address=row.get("address", "")[:300],
                created_at=now,
            )
            existing[household.code] = household
            added += 1
        else:
            household.locality_id = village.id or 0
            household.head_name = row["head_name"][:120]
            household.address = row.get("address", "")[:300]
            updated += 1
        session.add(household)
    session.flush()
    counts = counts_by_village(session, organization.id)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="import_households",
        organization_id=organization.id,
        detail={"added": added, "updated": updated, "by_village": counts},
    )
    return Imported(added, updated, counts)


def counts_by_village(session: Session, organization_id: int) -> dict[str, int]:
    query = (
        select(Locality.name, func.count(col(Household.id)))
        .join(Household, col(Household.locality_id) == col(Locality.id))
        .where(Locality.organization_id == organization_id)
        .group_by(col(Locality.name), col(Locality.position))
        .order_by(col(Locality.position))
    )
    return {name: count for name, count in session.exec(query)}


def find(session: Session, organization_id: int, code: str) -> Household | None:
    return session.exec(
        select(Household).where(
            Household.organization_id == organization_id, Household.code == code.strip()
        )
    ).first()
