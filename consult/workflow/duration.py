"""Durations as definitions write them: ``20d`` (calendar days), ``5wd`` (working days),
``2h``, ``10m``, ``30s`` (hours, minutes, seconds: for drills and tests)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_PATTERN = re.compile(r"^\s*(\d+)\s*(wd|d|h|m|s)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
UNIT_WORDS = {"wd": "working days", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
UNIT_WORDS_VI = {"wd": "ngày làm việc", "d": "ngày", "h": "giờ", "m": "phút", "s": "giây"}


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str

    @classmethod
    def parse(cls, text: str | int) -> Duration:
        match = _PATTERN.match(str(text))
        if not match:
            raise ValueError(
                f"invalid duration {text!r}: write a whole number and a unit, "
                "e.g. 20d (days), 5wd (working days), 2h, 10m or 30s"
            )
        return cls(int(match.group(1)), match.group(2))

    @property
    def is_calendar(self) -> bool:
        """Counted by the Civil Code on the legal calendar (days, working days)."""
        return self.unit in {"d", "wd"}

    @property
    def approximate(self) -> timedelta:
        """A comparable length; a working day counts as a day (only for sanity checks)."""
        unit = "d" if self.unit == "wd" else self.unit
        return timedelta(seconds=self.amount * _UNIT_SECONDS[unit])

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def describe(self, lang: str = "vi") -> str:
        words = UNIT_WORDS_VI if lang == "vi" else UNIT_WORDS
        return f"{self.amount} {words[self.unit]}"
