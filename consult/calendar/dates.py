"""How dates and instants are written: the one formatter every page, export, e-mail and
document uses.

Every instant is stored in UTC and shown in the local zone of the installation
(``CONSULT_TIMEZONE``, ``Asia/Ho_Chi_Minh`` by default), which :func:`use_zone` sets once at
start-up. Dates are written dd/mm/yyyy in both languages, as official documents write them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_ONE_DAY = timedelta(days=1)
_zone = VN_TZ


def use_zone(name: str | ZoneInfo) -> ZoneInfo:
    """Set the local zone every formatter and calendar uses (from ``Settings.timezone``)."""
    global _zone
    _zone = name if isinstance(name, ZoneInfo) else ZoneInfo(name)
    return _zone


def zone() -> ZoneInfo:
    return _zone


def require_aware(instant: datetime, what: str = "instant") -> None:
    if not isinstance(instant, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(
            f"naive datetime for {what} ({instant.isoformat()}): pass a timezone-aware instant"
        )


def local_date(instant: datetime, tz: ZoneInfo | None = None) -> date:
    """The local calendar date of an aware instant."""
    require_aware(instant)
    return instant.astimezone(tz or _zone).date()


def parse_dmy(text: str) -> date:
    """A date as typed: ``05/02/2024`` (day first, as the app writes it; ``5/2/2024`` and
    ``05-02-2024`` too) or ``2024-02-05``. :class:`ValueError` otherwise."""
    text = text.strip()
    if len(text) == 10 and text[4] == "-":
        return date.fromisoformat(text)
    parts = text.replace("-", "/").replace(".", "/").split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        raise ValueError(text)
    return date(int(parts[2]), int(parts[1]), int(parts[0]))


def dmy(value: date | datetime | None, tz: ZoneInfo | None = None) -> str:
    """``05/02/2024``; an instant is first put in local time. ``None`` is empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_date(value, tz)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def hm_dmy(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """``14:30 19/02/2024`` in local time."""
    if value is None:
        return ""
    require_aware(value)
    local = value.astimezone(tz or _zone)
    return f"{local.hour:02d}:{local.minute:02d} {dmy(local.date())}"


def dmy_hm(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """``19/02/2024 14:30`` in local time (a cell of an export, sortable by day first)."""
    if value is None:
        return ""
    require_aware(value)
    local = value.astimezone(tz or _zone)
    return f"{dmy(local.date())} {local.hour:02d}:{local.minute:02d}"


def _joiner(lang: str) -> str:
    return "on" if lang.lower().startswith("en") else "ngày"


def format_deadline(instant: datetime, tz: ZoneInfo | None = None, lang: str = "vi") -> str:
    """Render an exclusive end instant as the law speaks of it.

    Exactly local midnight is "24:00" of the previous day: ``24:00 ngày 19/02/2024``
    (English: ``24:00 on 19/02/2024``); any other moment is ``14:30 ngày 19/02/2024``.
    """
    require_aware(instant)
    local = instant.astimezone(tz or _zone)
    if local.time() == time(0):
        clock, day = "24:00", local.date() - _ONE_DAY
    else:
        clock, day = f"{local.hour:02d}:{local.minute:02d}", local.date()
    return f"{clock} {_joiner(lang)} {dmy(day)}"


def format_moment(instant: datetime, tz: ZoneInfo | None = None, lang: str = "vi") -> str:
    """Render a starting instant: local midnight stays "00:00 ngày 04/03/2024"."""
    require_aware(instant)
    local = instant.astimezone(tz or _zone)
    return f"{local.hour:02d}:{local.minute:02d} {_joiner(lang)} {dmy(local.date())}"


def days_left(now: datetime, closes_at: datetime, tz: ZoneInfo | None = None) -> int:
    """Local calendar days from today up to and including the last day of a period that
    ends (exclusively) at ``closes_at``: 1 on the last day, 0 once closed."""
    require_aware(now, "now")
    require_aware(closes_at, "closes_at")
    if now >= closes_at:
        return 0
    tz = tz or _zone
    today = now.astimezone(tz).date()
    last_day = (closes_at - timedelta(microseconds=1)).astimezone(tz).date()
    return (last_day - today).days + 1
