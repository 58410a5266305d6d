"""Schema migrations (Alembic), run by `consult init-db` and `make run`."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from consult.config import ROOT, Settings


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings) -> None:
    """Create or upgrade the schema to the newest migration; idempotent."""
    path = settings.sqlite_path
    if path is not None and str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), "head")
