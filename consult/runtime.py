"""The parts every entry point shares (web app, scheduler, command line), built once from
:class:`~consult.config.Settings`: the database engine, the workflow catalog, the legal
calendar, the workflow engine and the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine as DbEngine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from consult import services  # noqa: F401  (registers the services' workflow steps)
from consult.calendar import LegalCalendar, use_zone
from consult.clock import utcnow
from consult.config import Settings
from consult.db import make_engine
from consult.services import calendar_updates
from consult.workflow.catalog import Catalog
from consult.workflow.engine import Engine

CALENDAR_CHECK = 30.0
"""Seconds between two looks at whether another process entered a year's holidays."""


@dataclass
class Runtime:
    settings: Settings
    db: DbEngine
    catalog: Catalog
    calendar: LegalCalendar
    engine: Engine
    clock: Callable[[], datetime] = field(default=utcnow)
    _calendar_stamp: Any = field(default=None, repr=False)
    _calendar_checked: float = field(default=0.0, repr=False)

    def now(self) -> datetime:
        return self.clock()

    def use_calendar(self, calendar: LegalCalendar) -> None:
        """Count on ``calendar`` from now on (a year's official holidays were entered)."""
        self.calendar = self.engine.calendar = self.engine.payloads.calendar = calendar

    def refresh_calendar(self, *, force: bool = False) -> None:
        """Load the holidays entered since this process last looked (at most every
        :data:`CALENDAR_CHECK` seconds), so every process counts on the same days."""
        if not force and time.monotonic() - self._calendar_checked < CALENDAR_CHECK:
            return
        self._calendar_checked = time.monotonic()
        try:
            with Session(self.db) as session:
                stamp = calendar_updates.announcements_stamp(session)
                if stamp != self._calendar_stamp:
                    self.use_calendar(
                        calendar_updates.load_calendar(
                            session, self.settings.holidays_dir, self.calendar.tz
                        )
                    )
                    self._calendar_stamp = stamp
        except SQLAlchemyError:  # no schema yet (before init-db): the files alone
            return


def build_runtime(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> Runtime:
    """The runtime on ``clock``; without one, on the real clock, or on the fixed instant of
    ``CONSULT_NOW`` when the settings name one."""
    if clock is None:
        clock = utcnow if settings.fixed_now is None else _fixed(settings.fixed_now)
    db = make_engine(settings.database_url)
    catalog = Catalog.from_directory(settings.workflows_dir)
    calendar = LegalCalendar.from_directory(settings.holidays_dir, use_zone(settings.timezone))
    runtime = Runtime(
        settings=settings,
        db=db,
        catalog=catalog,
        calendar=calendar,
        engine=Engine(catalog, calendar),
        clock=clock,
    )
    runtime.refresh_calendar(force=True)
    return runtime


def _fixed(instant: datetime) -> Callable[[], datetime]:
    def clock() -> datetime:
        return instant

    return clock
