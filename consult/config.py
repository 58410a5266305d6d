"""Settings: ``config/consult.toml`` overridden by ``CONSULT_*`` environment variables.

The same :class:`Settings` object serves the web app, the scheduler and the command line,
so none of them needs Flask to know where the database is.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SOURCE_ROOT = Path(__file__).resolve().parent.parent
BUNDLED = Path(__file__).resolve().parent / "_data"
"""What a built package carries beside the code (``setup.py`` copies it there): templates,
static files, compiled translations, workflows, config and migrations."""
FROM_CHECKOUT = (SOURCE_ROOT / "templates").is_dir() or not BUNDLED.is_dir()
ROOT = SOURCE_ROOT if FROM_CHECKOUT else BUNDLED
"""Where the templates, static files, translations, workflows, config and migrations are:
the checkout, or the copy in an installed package."""
HOME = SOURCE_ROOT if FROM_CHECKOUT else Path.cwd()
"""Where the instance folder and relative paths are: the checkout, or for an installed
package the working directory it is run from."""
CONFIG_FILE = ROOT / "config" / "consult.toml"
ENV_PREFIX = "CONSULT_"


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///instance/consult.db"
    secret_key: str = ""
    workflows_dir: Path = ROOT / "workflows"
    holidays_dir: Path = ROOT / "config" / "holidays"
    instance_dir: Path = HOME / "instance"
    timezone: str = "Asia/Ho_Chi_Minh"
    ratelimit: str = "20/minute;200/hour"
    login_limit: str = "5/minute;20/hour"
    """Failed logins per account (page and API together), on top of the limit per address."""
    ratelimit_storage: str = "memory://"
    """Where the limits count: one process's memory, or ``redis://…`` shared by all workers."""
    scheduler_interval: int = 15
    token_days: int = 7
    session_hours: int = 8
    """A staff member's web session ends after this long without a request (idle timeout)."""
    languages: tuple[str, ...] = ("vi", "en")
    production: bool = False
    smtp_host: str = ""
    """Empty: e-mail is off and staff get in-app notices only."""
    smtp_port: int = 25
    smtp_from: str = "consult@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    base_url: str = "http://127.0.0.1:5000"
    """Where staff reach the app; links in e-mails start with it."""
    now: str = ""
    """An instant with its offset (``2024-04-01T08:00:00+07:00``) that every reading of the
    clock gives, for a drill, a training or a test; refused in production. Empty: the real
    clock."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sqlite_path(self) -> Path | None:
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        return Path(self.database_url[len(prefix) :])

    @property
    def uploads_dir(self) -> Path:
        """Where scans of paper opinions are kept (staff only)."""
        return self.instance_dir / "uploads"

    @property
    def fixed_now(self) -> datetime | None:
        """The instant of ``now`` as an aware UTC datetime; none when the clock is real."""
        return _instant(self.now) if self.now else None

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides)


def _coerce(name: str, value: Any, base: Path = HOME) -> Any:
    """A setting's value from text; a relative path is taken from ``base`` (the config
    file's paths name folders of the project, the environment's the working place)."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind == "Path":
        path = Path(value)
        return path if path.is_absolute() else base / path
    if kind == "int":
        return int(value)
    if kind == "bool":
        return str(value).lower() in {"1", "true", "yes", "on"}
    if kind.startswith("tuple"):
        items = value.split(",") if isinstance(value, str) else value
        return tuple(str(item).strip() for item in items)
    return value


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path = CONFIG_FILE,
) -> Settings:
    """Read the config file, then the environment, then explicit ``overrides`` (tests)."""
    environ = os.environ if environ is None else environ
    known = {f.name for f in fields(Settings)} - {"extra"}
    values: dict[str, Any] = {}
    if config_file.exists():
        with config_file.open("rb") as fh:
            for key, value in tomllib.load(fh).items():
                if key not in known:
                    raise ValueError(f"{config_file}: unknown setting {key!r}")
                values[key] = _coerce(key, value, ROOT)
    for key in known:
        env_value = environ.get(ENV_PREFIX + key.upper())
        if env_value is not None:
            values[key] = _coerce(key, env_value)
    for key, value in (overrides or {}).items():
        values[key] = _coerce(key, value) if isinstance(value, str) and key in known else value
    settings = Settings(**values)
    _check_fixed_now(settings)
    return _with_database_path(_with_secret_key(settings))


def _instant(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ValueError(
            f"CONSULT_NOW={text!r} is not an instant with its offset: write it as "
            "2024-04-01T08:00:00+07:00"
        )
    return instant.astimezone(UTC)


def _check_fixed_now(settings: Settings) -> None:
    """A fixed clock is for drills and tests: production deadlines and the audit log keep the
    real time."""
    if not settings.now:
        return
    if settings.production:
        raise RuntimeError("CONSULT_NOW must not be set in production: unset it")
    _instant(settings.now)  # a malformed instant is refused when the settings load


def _with_database_path(settings: Settings) -> Settings:
    """Make a relative SQLite path relative to the project root, whatever the working directory."""
    path = settings.sqlite_path
    if path is None or path.is_absolute() or settings.database_url == "sqlite:///:memory:":
        return settings
    return replace(settings, database_url=f"sqlite:///{HOME / path}")


def _with_secret_key(settings: Settings) -> Settings:
    """Production must set CONSULT_SECRET_KEY; development generates one once into instance/."""
    if settings.secret_key:
        return settings
    if settings.production:
        raise RuntimeError("CONSULT_SECRET_KEY must be set in production")
    key_file = settings.instance_dir / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return replace(settings, secret_key=key_file.read_text().strip())
