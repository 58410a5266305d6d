"""`consult setup` names each field typed wrong by its flag, refuses a username another account
holds, and gives an organization whose name has no "Ủy ban nhân dân" its name as short name."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from consult.db import make_engine
from consult.models import Organization
from tests.helpers import consult_cli

SETUP = {
    "--org-code": "UBND",
    "--org-name": "Ủy ban nhân dân xã Tân Lập",
    "--place": "Tân Lập",
    "--admin": "quantri",
}


def setup(database_url: str, tmp_path: Path, **changed: str) -> tuple[int, str]:
    flags = {**SETUP, **{f"--{k.replace('_', '-')}": v for k, v in changed.items()}}
    args = [item for pair in flags.items() for item in pair]
    done = consult_cli(
        database_url, tmp_path, "setup", *args, "--password-stdin", input="matkhau-rat-dai\n"
    )
    assert "Traceback" not in done.output
    return done.exit_code, done.output


def test_each_field_typed_wrong_is_named_by_its_flag(database_url: str, tmp_path: Path) -> None:
    status, output = setup(database_url, tmp_path, org_name="Ủy ban " * 40, place=" ", admin=" ")
    assert status == 1
    assert "--org-name: The full name, e.g. Ủy ban nhân dân xã Đông Sơn (1 to 200)." in output
    assert "--place: The place name of the date line, e.g. Đông Sơn (1 to 100)." in output
    assert "--admin: The administrator's username, e.g. quantri." in output


def test_a_username_held_by_another_account_is_refused(
    database_url: str, tmp_path: Path, commune: Organization
) -> None:
    status, output = setup(
        database_url,
        tmp_path,
        org_name=commune.name,
        place=commune.place_name,
        admin="tuphap",  # the legal officer's account: not an administrator
    )
    assert status == 1
    assert "--admin: The username tuphap is taken by another account: choose another one." in (
        output
    )


def test_an_organization_named_otherwise_keeps_its_name_as_short_name(
    database_url: str, tmp_path: Path
) -> None:
    status, output = setup(
        database_url, tmp_path, org_code="BQL", org_name="Ban quản lý dự án xã Tân Lập"
    )
    assert status == 0, output
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            made = session.exec(select(Organization).where(Organization.code == "BQL")).one()
            assert made.short_name == "Ban quản lý dự án xã Tân Lập"
    finally:
        engine.dispose()
