"""The parts every entry point shares (web app, scheduler, command line), built once from
:class:`~consult.config.Settings`: the database engine, the workflow catalog, the legal
calendar, the workflow engine and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine as DbEngine

from consult import services  # noqa: F401  (registers the services' workflow steps)
from consult.calendar import LegalCalendar, use_zone
from consult.clock import utcnow
from consult.config import Settings
from consult.db import make_engine
from consult.workflow.catalog import Catalog
from consult.workflow.engine import Engine


@dataclass
class Runtime:
    settings: Settings
    db: DbEngine
    catalog: Catalog
    calendar: LegalCalendar
    engine: Engine
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()


def build_runtime(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Runtime:
    db = make_engine(settings.database_url)
    catalog = Catalog.from_directory(settings.workflows_dir)
    calendar = LegalCalendar.from_directory(settings.holidays_dir, use_zone(settings.timezone))
    return Runtime(
        settings=settings,
        db=db,
        catalog=catalog,
        calendar=calendar,
        engine=Engine(catalog, calendar),
        clock=clock,
    )
