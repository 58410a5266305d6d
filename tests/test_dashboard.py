"""The staff dashboard tells the clerk when an issued decision must be published."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient

from consult.models import Organization
from consult.runtime import Runtime
from tests.conftest import AFTER_THE_SEED, LoadDemo
from tests.helpers import Clock, decide, login, post_draft, start, take


def test_the_clerk_sees_the_publication_deadline_then_the_overdue_flag(
    runtime: Runtime, commune: Organization, clock: Clock, client: FlaskClient
) -> None:
    cid = start(runtime, commune)
    post_draft(runtime, cid)
    clock.set(datetime(2024, 3, 25, 2, 0, tzinfo=UTC))  # Mon 25/03/2024 09:00 in Vietnam
    runtime.engine.reconcile(runtime.db, runtime.now())
    take(runtime, cid, "submit_synthesis", "mttq")
    [decision] = decide(runtime, cid).documents
    login(client, "vanthu")

    page = client.get("/staff/").get_data(as_text=True)
    # Five working days after Mon 25/03: Tue 26 … Mon 01/04, 24:00.
    assert f"{decision.symbol}" in page and "24:00 ngày 01/04/2024" in page
    assert "tag-overdue" not in page

    clock.set(datetime(2024, 4, 1, 17, 0, tzinfo=UTC))  # 24:00 on 01/04: the deadline passed
    page = client.get("/staff/").get_data(as_text=True)
    assert "tag-overdue" in page

    take(runtime, cid, "publish", "vanthu", {"signed_digitally": True})
    page = client.get("/staff/").get_data(as_text=True)
    assert "tag-overdue" not in page and "24:00 ngày 01/04/2024" not in page


def test_the_seed_commune_consultation_shows_its_short_posting_as_a_warning(
    runtime: Runtime, client: FlaskClient, load_demo: LoadDemo
) -> None:
    from sqlmodel import Session, select

    from consult.models import Consultation

    load_demo(AFTER_THE_SEED, runtime)  # after the seed's history: its numbers
    with Session(runtime.db) as session:
        commune_2024, agency_2024 = (
            session.exec(
                select(Consultation).where(Consultation.workflow_id == w).order_by(Consultation.id)  # type: ignore[arg-type]
            ).first()
            for w in ("qcdc-ubnd-xa", "qcdc-co-quan")
        )
    login(client, "chutich")
    page = client.get(f"/staff/consultations/{commune_2024.id}").get_data(as_text=True)
    assert "01/03/2024" in page and "21/03/2024" in page
    warning = page.split('class="alert alert-warning"', 1)[1].split("</div>", 1)[0]
    assert "20" in warning and "30" in warning and "Điều 11(11), Điều 13(2)" in warning
    agency = client.get(f"/staff/consultations/{agency_2024.id}").get_data(as_text=True)
    assert 'class="alert alert-warning"' not in agency
