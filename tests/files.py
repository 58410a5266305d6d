"""The project's data files as tests use them: a bundled definition with one mistake put in
(and where the loader says it is), and the holiday files of config/holidays/ by year."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from consult.config import ROOT
from consult.workflow.loader import DefinitionInvalid, load_definition


def variant(
    tmp_path: Path,
    old: str,
    new: str,
    name: str = "broken.yaml",
    source: str = "qcdc-ubnd-xa.yaml",
) -> Path:
    """A copy of a bundled definition with ``old`` replaced (once) by ``new``."""
    text = (ROOT / "workflows" / source).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def errors_of(path: Path) -> list[str]:
    """The ``file:line: message`` errors loading the definition at ``path`` gives."""
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition(path)
    return [str(e) for e in caught.value.errors]


HOLIDAYS = ROOT / "config" / "holidays"
HOLIDAY_FILES = {int(p.stem): p for p in HOLIDAYS.glob("[0-9][0-9][0-9][0-9].yaml")}
"""The files of config/holidays/ by year: a test that needs a year without one takes it after
the last (``max(HOLIDAY_FILES) + 1``), so adding a year's file breaks nothing."""


def holidays_through(year: int, folder: Path) -> Path:
    """``folder`` with the files of config/holidays/ up to ``year`` only: the data as it stood
    before a later year was announced, for a test whose dates rest on that year's computed
    days (Labour Code Art. 112)."""
    folder.mkdir(parents=True, exist_ok=True)
    for file_year, path in HOLIDAY_FILES.items():
        if file_year <= year:
            shutil.copy(path, folder / path.name)
    return folder
