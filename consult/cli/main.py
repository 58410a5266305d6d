"""The `consult` command (also `python -m consult`)."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from consult.config import Settings, load_settings
from consult.permissions import ROLES
from consult.runtime import Runtime, build_runtime


def _settings() -> Settings:
    """The settings, or a one-line error naming the setting that is wrong."""
    try:
        return load_settings()
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from exc


@contextlib.contextmanager
def _runtime() -> Iterator[Runtime]:
    runtime = build_runtime(_settings())
    try:
        yield runtime
    finally:
        runtime.db.dispose()


@click.group(help="consult: public consultation on commune regulations.")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
def main(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@main.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    from consult.migrate import upgrade

    settings = _settings()
    upgrade(settings)
    click.echo(f"database ready: {_safe_url(settings.database_url)}")
    _apply_register_schemes()


def _apply_register_schemes() -> None:
    """Copy each organization's numbering scheme from config/register.toml onto it."""
    from sqlmodel import select

    from consult.db import write_session
    from consult.ledger import register
    from consult.models import Organization

    with _runtime() as rt, write_session(rt.db) as session:
        for organization in session.exec(select(Organization)):
            changed = register.apply_configured_scheme(session, organization)
            if changed:
                click.echo(f"register of {organization.code}: scheme {changed}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command()
def demo() -> None:
    """Load the demo commune, xã Đông Sơn (idempotent), and print the demo accounts."""
    from consult import demo as demo_data
    from consult.migrate import upgrade

    settings = _settings()
    upgrade(settings)
    with _runtime() as rt:
        created = demo_data.load(rt)
    for line in created:
        click.echo(f"+ {line}")
    if not created:
        click.echo("demo already loaded")
    _print_accounts()


def _print_accounts() -> None:
    from consult import demo as demo_data

    click.echo("\nTài khoản thử (demo accounts):")
    for account in demo_data.accounts():
        click.echo(
            f"  {account.username:<10} {account.role:<9} {account.full_name:<28} "
            f"mật khẩu: {account.password}"
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Do not run the embedded scheduler.")
@click.option("--accounts", is_flag=True, help="Print the demo accounts first.")
def serve(host: str, port: int, no_scheduler: bool, accounts: bool) -> None:
    """The web server (development); production runs gunicorn on consult.wsgi:app."""
    from consult import create_app, scheduler
    from consult.scope import runtime

    app = create_app()
    if accounts:
        _print_accounts()
    if not no_scheduler:
        with app.app_context():
            background = scheduler.build(runtime(), blocking=False)
        background.start()
        click.echo(f"scheduler: running (reconcile every {_settings().scheduler_interval}s)")
    click.echo(f"consult: http://{host}:{port}/")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


@main.command("scheduler")
def run_scheduler() -> None:
    """The scheduler alone, for deployments whose web workers run without it."""
    from consult import scheduler

    with _runtime() as rt, contextlib.suppress(KeyboardInterrupt, SystemExit):
        click.echo(f"scheduler: reconcile every {rt.settings.scheduler_interval}s; Ctrl+C stops")
        scheduler.build(rt, blocking=True).start()


@main.command()
def tick() -> None:
    """One reconcile pass now: apply every transition that is due."""
    from consult import scheduler

    with _runtime() as rt:
        applied = scheduler.tick(rt)
    for t in applied:
        click.echo(f"consultation {t.consultation_id}: {t.action} ({t.source} → {t.target})")
    click.echo(f"{len(applied)} transition(s) applied")


@main.group()
def workflows() -> None:
    """Workflow definitions."""


@workflows.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def workflows_check(paths: tuple[Path, ...]) -> None:
    """Validate definitions (default: the configured folder); exit 1 on any error."""
    from consult.workflow.loader import definition_files, load_all

    files: list[Path] = []
    for path in paths or (_settings().workflows_dir,):
        files.extend(definition_files(path) if path.is_dir() else [path])
    definitions, errors = load_all(files)
    for error in errors:
        click.echo(str(error), err=True)
    for definition in definitions:
        click.echo(
            f"ok  {definition.source_path}: {definition.id} v{definition.version} "
            f"({len(definition.stages)} stages)"
        )
    sys.exit(1 if errors or not files else 0)


@main.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--org", "org_code", default=None, help="Organization code; optional with one.")
@click.option("--full-name", default="")
@click.option("--position", default="")
@click.option("--email", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(
    username: str,
    roles: tuple[str, ...],
    org_code: str | None,
    full_name: str,
    position: str,
    email: str,
    password_stdin: bool,
) -> None:
    """Create a staff account with one or more roles."""
    from consult.db import write_session
    from consult.errors import ConsultError
    from consult.ledger import audit
    from consult.services import organizations, users

    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    try:
        with _runtime() as rt, write_session(rt.db) as session:
            organization = organizations.by_code(session, org_code)
            created = users.create(
                session,
                username=username,
                password=password,
                roles=list(roles),
                organization=organization,
                now=rt.now(),
                full_name=full_name,
                position=position,
                email=email,
            )
            from consult.actor import SYSTEM

            audit.record(
                session,
                now=rt.now(),
                actor=SYSTEM,
                action="user_add",
                organization_id=organization.id,
                detail={"username": created.username, "roles": list(roles)},
            )
    except ConsultError as exc:
        for field, message in exc.fields.items():
            click.echo(f"{field}: {message}", err=True)
        raise click.ClickException(exc.message) from exc
    click.echo(f"created {username} ({', '.join(roles)}) in {organization.code}")


def _ask(value: str | None, flag: str, question: str, *, secret: bool = False) -> str:
    """A flag's value, else asked in a terminal; with none, an error naming the flag."""
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise click.UsageError(f"{flag} is missing (no terminal to ask in)")
    answer: str = click.prompt(question, hide_input=secret, confirmation_prompt=secret)
    return answer


@main.command()
@click.option("--org-code", default=None, help="Code in document symbols: UBND in 156/QĐ-UBND.")
@click.option("--org-name", default=None, help="Full name: Ủy ban nhân dân xã Đông Sơn.")
@click.option("--place", default=None, help="Place name of the date line: Đông Sơn.")
@click.option("--short-name", default="", help="Name without the committee: xã Đông Sơn.")
@click.option("--superior", default="", help="Superior body line (empty since 01/07/2025).")
@click.option("--admin", "admin_username", default=None, help="The first administrator.")
@click.option("--admin-name", default="", help="The administrator's full name.")
@click.option("--province", is_flag=True, help="A province, over communes created later.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def setup(
    org_code: str | None,
    org_name: str | None,
    place: str | None,
    short_name: str,
    superior: str,
    admin_username: str | None,
    admin_name: str,
    province: bool,
    password_stdin: bool,
) -> None:
    """First set-up without the demo: the organization and its first administrator."""

    from consult.db import write_session
    from consult.errors import ConsultError
    from consult.migrate import upgrade
    from consult.services import organizations

    code = _ask(org_code, "--org-code", "Mã cơ quan trong số ký hiệu (UBND)")
    name = _ask(org_name, "--org-name", "Tên cơ quan (Ủy ban nhân dân xã …)")
    where = _ask(place, "--place", "Địa danh ghi ở ngày tháng (Đông Sơn)")
    username = _ask(admin_username, "--admin", "Tên đăng nhập của quản trị viên")
    secret = sys.stdin.readline().rstrip("\n") if password_stdin else None
    password = _ask(secret, "--password-stdin", "Mật khẩu (password)", secret=True)
    try:
        upgrade(_settings())
        with _runtime() as rt, write_session(rt.db) as session:
            done = organizations.set_up(
                session,
                code=code,
                name=name,
                place=where,
                admin_username=username,
                password=password,
                now=rt.now(),
                short_name=short_name,
                superior=superior,
                admin_full_name=admin_name,
                kind="province" if province else "commune",
            )
            organization, administrator = done.organization.code, done.administrator.username
    except ConsultError as exc:
        for field, message in exc.fields.items():
            click.echo(f"--{field.replace('_', '-')}: {message}", err=True)
        raise click.ClickException(exc.message) from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"the database is unavailable: {exc.__class__.__name__}"
        ) from exc
    made = {True: "created", False: "kept"}  # safe to run again
    click.echo(
        f"{made[done.created_organization]} organization {organization}; "
        f"{made[done.created_administrator]} administrator {administrator}; next: /staff/admin"
    )
