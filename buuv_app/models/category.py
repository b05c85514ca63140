"""What kind of help a post is about: groceries, transport, the garden, ..."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Category(SQLModel, table=True):
    """A category with its names in both languages and a lucide icon name."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True, index=True, nullable=False)
    name_nl: str = Field(max_length=80, nullable=False)
    name_en: str = Field(max_length=80, nullable=False)
    icon: str = Field(max_length=40, nullable=False)
    sort_order: int = Field(default=0, nullable=False)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_nl
