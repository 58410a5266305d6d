"""A meeting where opinions were gathered (hội nghị, cuộc họp): a village meeting, a dialogue
conference, the Front's gathering. The opinions entered from its sheet point at it."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from consult.models.base import instant

MEETING_KINDS = ("village_meeting", "dialogue", "front_gathering")


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    kind: str = Field(default="village_meeting", max_length=20)
    village: str = Field(default="", max_length=100)
    held_on: date
    place: str = Field(default="", max_length=200)
    chair: str = Field(default="", max_length=120)
    attendance_people: int | None = None
    attendance_households: int | None = None
    minutes: str = ""
    """A summary of the minutes (biên bản) as typed; the scan is kept with the opinions."""
    sheet_key: str = Field(max_length=64, unique=True)
    """The key of the sheet it was entered from: the same sheet sent again finds it."""
    created_at: datetime = instant()
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
