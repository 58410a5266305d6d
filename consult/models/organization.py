"""Organizations (ủy ban nhân dân xã, cơ quan) with their villages and posting places."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=20)
    """Issuer code in document symbols, e.g. ``UBND`` in ``156/QĐ-UBND``."""
    name: str = Field(max_length=200)
    """Full name: "Ủy ban nhân dân xã Đông Sơn"."""
    short_name: str = Field(max_length=100)
    """Name of the unit without its kind: "xã Đông Sơn"."""
    place_name: str = Field(max_length=100)
    """Place in the date line of documents: "Đông Sơn, ngày 05 tháng 02 năm 2024"."""
    superior_name: str = Field(default="", max_length=200)
    """The superior body shown above the issuer; may be historical (a former district)."""
    superior_until: date | None = None
    """The day the superior body ceased (districts: 01/07/2025): a document dated on or after
    it prints no superior line and sends it no copy. None while the superior still exists."""
    register_scheme: str = Field(default="single", max_length=20)
    """``single``: one counter for all administrative documents; ``per_type``: one per type."""
    kind: str = Field(default="commune", max_length=20)
    """``commune`` (xã, phường, đặc khu; an agency too) or ``province`` (tỉnh), which oversees
    the communes under it."""
    parent_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    """The province above a commune (organizations form a tree); ``None`` at the top."""
    address: str = Field(default="", max_length=300)
    portal_url: str = Field(default="", max_length=300)
    """The commune's e-portal (cổng thông tin điện tử), where one exists."""

    def superior_on(self, day: date) -> str:
        """The superior body on ``day``: empty once it has ceased (a commune's district after
        01/07/2025), so documents of that day name the committee alone."""
        if self.superior_until is not None and day >= self.superior_until:
            return ""
        return self.superior_name


class Locality(SQLModel, table=True):
    """A village or residential group (thôn, bản, tổ dân phố) of an organization."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=100)
    position: int = 0


class PostingPlace(SQLModel, table=True):
    """Where drafts are posted (niêm yết): the office, a village cultural house, the e-portal."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="office", max_length=20)
    """``office``, ``village`` (nhà văn hóa thôn) or ``portal`` (cổng thông tin điện tử)."""
    locality_id: int | None = Field(default=None, foreign_key="locality.id")
    """The village whose cultural house or community point this is, if any."""
    position: int = 0
