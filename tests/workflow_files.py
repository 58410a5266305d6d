"""Definition files the tests write: a bundled definition with one mistake put in, and where
the loader says it is."""

from __future__ import annotations

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
