"""The grounds (Căn cứ) a document cites, read from ``config/grounds.yaml``: each law once, with
its full name, number and date and the days it is in force; per organization and document kind
the laws it cites. A document cites those in force on its date, so the templates never name a
law and a change of law is one edit of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from consult.config import ROOT

GROUNDS_FILE = ROOT / "config" / "grounds.yaml"
DEFAULT = "default"


class GroundsError(ValueError):
    """The grounds file names a law it does not define, or a date that is not one."""


@dataclass(frozen=True)
class Law:
    key: str
    text: str
    """ "Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10 tháng 11 năm 2022"."""
    start: date | None = None
    until: date | None = None
    """Exclusive: the day a newer law replaced it."""

    def in_force(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.until is None or day < self.until
        )


@dataclass(frozen=True)
class Grounds:
    laws: dict[str, Law]
    cited: dict[str, dict[str, tuple[str, ...]]]
    """Organization code → document kind → law keys, in the order cited."""

    def for_document(self, organization_code: str, kind: str, day: date) -> list[str]:
        """The laws a document of ``kind`` dated ``day`` cites, each as printed after
        "Căn cứ "."""
        by_kind = self.cited.get(organization_code) or self.cited.get(DEFAULT, {})
        keys = by_kind.get(kind, self.cited.get(DEFAULT, {}).get(kind, ()))
        return [self.laws[k].text for k in keys if self.laws[k].in_force(day)]


def _day(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    raise GroundsError(f"{GROUNDS_FILE.name}: {where} is not a date (YYYY-MM-DD): {value!r}")


def parse(data: dict[str, Any]) -> Grounds:
    laws = {
        key: Law(
            key,
            " ".join(str(spec["text"]).split()),
            _day(spec.get("from"), f"laws.{key}.from"),
            _day(spec.get("until"), f"laws.{key}.until"),
        )
        for key, spec in (data.get("laws") or {}).items()
    }
    cited: dict[str, dict[str, tuple[str, ...]]] = {}
    for code, kinds in (data.get("organizations") or {}).items():
        cited[str(code)] = {}
        for kind, keys in (kinds or {}).items():
            unknown = [k for k in keys or [] if k not in laws]
            if unknown:
                raise GroundsError(
                    f"{GROUNDS_FILE.name}: organizations.{code}.{kind} names laws not defined "
                    f"under laws: {', '.join(unknown)}"
                )
            cited[str(code)][str(kind)] = tuple(keys or ())
    return Grounds(laws, cited)


@cache
def load(path: Path = GROUNDS_FILE) -> Grounds:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def cited(organization_code: str, kind: str, day: date) -> list[str]:
    """The grounds of ``config/grounds.yaml`` for that organization, kind and day."""
    return load().for_document(organization_code, kind, day)
