"""Municipalities and neighbourhoods: look-ups and the grouped list for the picker."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from buuv_app.models import Municipality, Neighbourhood


@dataclass
class NeighbourhoodLink:
    slug: str
    name: str


@dataclass
class DistrictGroup:
    """A district of Leiden with its wijken; `name` is empty for a town without districts."""

    name: str
    neighbourhoods: list[NeighbourhoodLink] = field(default_factory=list)


@dataclass
class MunicipalityGroup:
    slug: str
    name: str
    districts: list[DistrictGroup] = field(default_factory=list)


def get_neighbourhood_by_slug(*, session: Session, slug: str) -> Neighbourhood | None:
    return session.exec(select(Neighbourhood).where(Neighbourhood.slug == slug)).first()


def home_slug(*, session: Session, user) -> str:
    """The slug of a user's home neighbourhood ("" when they have none)."""
    neighbourhood = session.get(Neighbourhood, user.home_neighbourhood_id) if user.home_neighbourhood_id else None
    return neighbourhood.slug if neighbourhood else ""


def get_municipality(*, session: Session, municipality_id: int) -> Municipality | None:
    return session.get(Municipality, municipality_id)


def list_neighbourhood_groups(*, session: Session) -> list[MunicipalityGroup]:
    """Every municipality with its districts and wijken, in the seed file's order."""
    rows = session.exec(
        select(Neighbourhood, Municipality)
        .join(Municipality, Neighbourhood.municipality_id == Municipality.id)
        .order_by(Municipality.id, Neighbourhood.sort_order, Neighbourhood.id)
    ).all()
    groups: dict[int, MunicipalityGroup] = {}
    for neighbourhood, municipality in rows:
        group = groups.setdefault(
            municipality.id, MunicipalityGroup(slug=municipality.slug, name=municipality.name)
        )
        district_name = neighbourhood.district or ""
        if not group.districts or group.districts[-1].name != district_name:
            group.districts.append(DistrictGroup(name=district_name))
        group.districts[-1].neighbourhoods.append(
            NeighbourhoodLink(slug=neighbourhood.slug, name=neighbourhood.name)
        )
    return list(groups.values())
