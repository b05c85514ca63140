"""Where people live: municipalities and their neighbourhoods (wijken)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Municipality(SQLModel, table=True):
    """A town BUUV runs in: Leiden, Leiderdorp."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True, nullable=False)
    name: str = Field(max_length=100, nullable=False)


class Neighbourhood(SQLModel, table=True):
    """A wijk. In Leiden wijken are grouped in districts; Leiderdorp has none."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True, nullable=False)
    name: str = Field(max_length=100, nullable=False)
    municipality_id: int = Field(foreign_key="municipality.id", index=True, nullable=False)
    district: str | None = Field(default=None, max_length=100, nullable=True)
    sort_order: int = Field(default=0, nullable=False)
