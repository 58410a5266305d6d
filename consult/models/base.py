"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field

from consult.db import UTCDateTime


def instant(*, nullable: bool = False, index: bool = False, **kwargs: Any) -> Any:
    """An aware-UTC instant column."""
    default = None if nullable else ...
    return Field(
        default=kwargs.pop("default", default),
        sa_type=UTCDateTime,
        nullable=nullable,
        index=index,
        **kwargs,
    )


def json_column(**kwargs: Any) -> Any:
    return Field(sa_type=JSON, **kwargs)


Instant = datetime
