"""The commands about records: the audit log, backups, exports and the periodic report."""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from consult.cli.main import _runtime, _settings, main


@contextlib.contextmanager
def _writing(output: Path) -> Iterator[None]:
    """A file a command writes: a missing or read-only folder is a one-line error."""
    try:
        yield
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 naming the first broken entry."""
    from sqlmodel import Session

    from consult.ledger import audit as audit_log

    with _runtime() as rt, Session(rt.db) as session:
        broken = audit_log.verify(session)
    if broken is not None:
        click.echo(
            f"audit log broken at entry {broken.id} ({broken.at.isoformat()} "
            f"{broken.actor} {broken.action})",
            err=True,
        )
        sys.exit(1)
    click.echo("audit log intact")


@main.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def backup_command(output: Path) -> None:
    """A consistent backup while the server runs (SQLite online backup; pg_dump)."""
    from consult.services import backups

    try:
        click.echo(backups.backup(_settings(), output))
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    except (OSError, sqlite3.Error) as exc:  # e.g. the folder of -o does not exist
        raise click.ClickException(f"backup to {output} failed: {exc}") from exc


@main.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(backup_file: Path) -> None:
    """Restore a backup into an empty database; then run `consult audit verify`."""
    from consult.services import backups

    try:
        click.echo(backups.restore(_settings(), backup_file))
    except (backups.BackupError, OSError, sqlite3.Error, SQLAlchemyError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from exc


@main.group("export")
def export_group() -> None:
    """Exports of a consultation's data."""


@export_group.command("comments")
@click.argument("consultation_id", type=int)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), required=True, help="File type."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--public", is_flag=True, help="For publication: without names, contacts, villages.")
def export_comments(consultation_id: int, fmt: str, output: Path, public: bool) -> None:
    """All opinions of one consultation with their review status and response."""
    from sqlmodel import Session

    from consult.models import Consultation
    from consult.services import exports

    with _runtime() as rt, Session(rt.db) as session:
        consultation = session.get(Consultation, consultation_id)
        if consultation is None:
            raise click.ClickException(f"consultation {consultation_id} does not exist")
        with _writing(output), output.open("wb") as out:
            exports.export(
                session, consultation_id, fmt, out, public=public, title=consultation.title
            )
    click.echo(f"wrote {output}")


@main.command()
@click.option("--org", "org_code", default=None, help="Organization code; optional with one.")
@click.option(
    "--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD"
)
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--format", "fmt", type=click.Choice(["md", "docx"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def report(org_code: str | None, start: Any, end: Any, fmt: str, output: Path | None) -> None:
    """The periodic report on consultations in a period, in Vietnamese, from recorded data.

    Markdown goes to standard output unless -o names a file; DOCX needs -o (or is written to
    bao-cao-CODE-FROM-TO.docx).
    """
    from sqlmodel import Session

    from consult.documents import report as periodic
    from consult.errors import ConsultError
    from consult.services import organizations

    if end.date() < start.date():
        raise click.BadParameter("--to is before --from", param_hint="--to")
    period = periodic.Period(start.date(), end.date())
    try:
        with _runtime() as rt, Session(rt.db) as session:
            organization = organizations.by_code(session, org_code)
            text = periodic.markdown(periodic.context(session, organization, period, rt.catalog))
            content = periodic.docx(session, organization, period, text) if fmt == "docx" else b""
    except ConsultError as exc:
        raise click.ClickException(exc.message) from exc
    if fmt == "md" and output is None:
        click.echo(text, nl=False)
        return
    if output is None:
        output = Path(f"bao-cao-{organization.code}-{period.start}-{period.end}.docx")
    with _writing(output):
        if fmt == "md":
            output.write_text(text, encoding="utf-8")
        else:
            output.write_bytes(content)
    click.echo(f"written: {output}")
