"""The `consult` command (also `python -m consult`): the group and the set-up and running
commands in :mod:`consult.cli.main`, the records' commands in :mod:`consult.cli.records`."""

from consult.cli import records  # noqa: F401  (registers its commands on the group)
from consult.cli.main import main

__all__ = ["main"]
