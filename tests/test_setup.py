"""`consult setup`: a real commune starts without the demo."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlmodel import Session, select

from consult.cli import main
from consult.db import make_engine
from consult.models import AuditEvent, Consultation, Locality, Membership, Organization, User
from tests.helpers import SETUP_TAN_LAP


def test_setup_creates_the_commune_and_its_administrator_and_nothing_else(
    consult, database_url, clock
) -> None:  # type: ignore[no-untyped-def]
    assert consult("init-db").exit_code == 0
    done = consult(*SETUP_TAN_LAP, input="matkhau-rat-dai\n")
    assert done.exit_code == 0, done.output
    assert "created organization UBND; created administrator quantri" in done.output

    engine = make_engine(database_url)
    with Session(engine) as session:
        (organization,) = session.exec(select(Organization)).all()
        assert organization.name == "Ủy ban nhân dân xã Tân Lập"
        assert organization.short_name == "xã Tân Lập"
        assert organization.place_name == "Tân Lập"
        assert organization.superior_name == ""  # no district since 01/07/2025
        (admin,) = session.exec(select(User)).all()
        roles = session.exec(select(Membership.role).where(Membership.user_id == admin.id)).all()
        assert roles == ["admin"]
        assert session.exec(select(Consultation)).all() == []  # no demo data
        assert session.exec(select(Locality)).all() == []
        assert [e.action for e in session.exec(select(AuditEvent))] == ["setup"]
    engine.dispose()

    # The administrator can log in with the password given.
    from consult import create_app

    app = create_app(
        {"database_url": database_url, "ratelimit": "off", "clock": clock, "TESTING": True}
    )
    token = app.test_client().post(
        "/api/v1/auth/token", json={"username": "quantri", "password": "matkhau-rat-dai"}
    )
    assert token.status_code == 200
    app.extensions["consult"].db.dispose()


def test_setup_run_again_keeps_everything_and_says_so(consult, database_url) -> None:  # type: ignore[no-untyped-def]
    assert consult(*SETUP_TAN_LAP, input="matkhau-rat-dai\n").exit_code == 0
    again = consult(*SETUP_TAN_LAP, input="another-password\n")
    assert again.exit_code == 0, again.output
    assert "kept organization UBND; kept administrator quantri" in again.output
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert len(session.exec(select(Organization)).all()) == 1
        assert len(session.exec(select(User)).all()) == 1
        assert len(session.exec(select(AuditEvent)).all()) == 1
    engine.dispose()


def test_setup_refuses_what_contradicts_what_exists_in_one_line(consult) -> None:  # type: ignore[no-untyped-def]
    assert consult(*SETUP_TAN_LAP, input="matkhau-rat-dai\n").exit_code == 0
    renamed = [*SETUP_TAN_LAP]
    renamed[4] = "Ủy ban nhân dân xã Khác"
    refused = consult(*renamed, input="matkhau-rat-dai\n")
    assert refused.exit_code == 1
    assert "Traceback" not in refused.output
    assert "--org-name" in refused.output and "Ủy ban nhân dân xã Tân Lập" in refused.output


def test_setup_names_each_bad_field(consult) -> None:  # type: ignore[no-untyped-def]
    bad = [*SETUP_TAN_LAP]
    bad[2] = "UB ND"
    refused = consult(*bad, input="short\n")
    assert refused.exit_code == 1
    assert "--org-code" in refused.output
    assert "--password" in refused.output


def test_setup_without_a_terminal_names_the_missing_flag(consult) -> None:  # type: ignore[no-untyped-def]
    refused = consult("setup", "--org-code", "UBND", "--password-stdin", input="x\n")
    assert refused.exit_code == 2
    assert "--org-name is missing" in refused.output


def test_setup_on_an_unavailable_database_is_one_line(tmp_path: Path) -> None:
    env = {
        "CONSULT_DATABASE_URL": "postgresql+psycopg://root@127.0.0.1:9/nowhere",
        "CONSULT_INSTANCE_DIR": str(tmp_path / "inst"),
    }
    result = CliRunner().invoke(main, SETUP_TAN_LAP, env=env, input="matkhau-rat-dai\n")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "unavailable" in result.output


def test_a_server_with_no_organization_says_what_to_run(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "consult setup --org-code" in html and "consult init-db" in html
