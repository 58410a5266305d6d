"""The outgoing-document register: numbers per organization per year, symbols, uniqueness."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from consult.db import write_session
from consult.errors import Invalid
from consult.ledger import register
from consult.models import Document, Organization
from consult.runtime import Runtime

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)


def record(
    runtime: Runtime,
    organization: Organization,
    doc_type: str,
    issued_on: date,
    number: int | None = None,
) -> Document:
    with write_session(runtime.db) as session:
        org = session.get(Organization, organization.id)
        return register.record(
            session,
            org,
            doc_type=doc_type,
            issued_on=issued_on,
            subject="Thử",
            now=NOW,
            number=number,
        )


def test_symbols_follow_decree_30() -> None:
    assert register.format_symbol(5, "QĐ", "UBND") == "05/QĐ-UBND"
    assert register.format_symbol(156, "QĐ", "UBND") == "156/QĐ-UBND"
    assert register.format_symbol(10, "KH", "UBND") == "10/KH-UBND"
    assert register.format_symbol(7, "", "UBND") == "07/UBND"  # a letter has no type code


def test_one_counter_for_every_type_as_in_the_seed(core: Runtime, commune: Organization) -> None:
    symbols = [record(core, commune, t, date(2024, 2, 1)).symbol for t in ("KH", "QĐ", "KH", "BC")]
    assert symbols == ["01/KH-UBND", "02/QĐ-UBND", "03/KH-UBND", "04/BC-UBND"]


def test_a_counter_per_type_when_the_organization_says_so(
    core: Runtime, commune: Organization
) -> None:
    with write_session(core.db) as session:
        org = session.get(Organization, commune.id)
        org.register_scheme = "per_type"
    symbols = [record(core, commune, t, date(2024, 2, 1)).symbol for t in ("KH", "QĐ", "KH")]
    assert symbols == ["01/KH-UBND", "01/QĐ-UBND", "02/KH-UBND"]


def test_numbers_restart_each_year(core: Runtime, commune: Organization) -> None:
    assert record(core, commune, "KH", date(2024, 12, 31)).symbol == "01/KH-UBND"
    assert record(core, commune, "KH", date(2024, 12, 31)).symbol == "02/KH-UBND"
    assert record(core, commune, "QĐ", date(2025, 1, 1)).symbol == "01/QĐ-UBND"


def test_a_number_given_on_paper_is_kept_and_the_counter_follows(
    core: Runtime, commune: Organization
) -> None:
    assert record(core, commune, "KH", date(2024, 1, 30), number=127).symbol == "127/KH-UBND"
    assert record(core, commune, "QĐ", date(2024, 2, 26)).symbol == "128/QĐ-UBND"
    with pytest.raises(Invalid, match="already given to 127/KH-UBND") as caught:
        record(core, commune, "QĐ", date(2024, 5, 2), number=127)
    assert "number" in caught.value.fields
    # The same number in another year is free.
    assert record(core, commune, "KH", date(2025, 1, 2), number=127).symbol == "127/KH-UBND"


def test_concurrent_allocations_never_collide_or_skip(core: Runtime, commune: Organization) -> None:
    errors: list[BaseException] = []

    def allocate_ten() -> None:
        try:
            for _ in range(10):
                record(core, commune, "KH", date(2024, 6, 1))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=allocate_ten) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(core.db) as session:
        numbers = sorted(session.exec(select(Document.number)).all())
    assert numbers == list(range(1, 201))
