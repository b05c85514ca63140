"""Reference data (towns, wijken, categories), the sample board locations and the demo posts,
from buuv_app/seed/*.toml."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, func, select

from buuv_app.errors import PermissionDenied
from buuv_app.models import (
    BoardLocation,
    BoardNeighbourhood,
    Category,
    Municipality,
    Neighbourhood,
    Post,
    User,
    utcnow,
)
from buuv_app.services import stats_facts
from buuv_app.services.posts import create_post

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
DEMO_EMAIL_DOMAIN = "demo.buuv.invalid"


def slugify(text: str) -> str:
    """"Bos- en Gasthuisdistrict" -> "bos-en-gasthuisdistrict"; accents dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _read(name: str) -> dict:
    with (SEED_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def _wijk_groups(municipality_data: dict) -> list[tuple[str | None, list[str]]]:
    """A town's wijken as places.toml lists them: per district, then those without one."""
    groups = [(d["name"], d["wijken"]) for d in municipality_data.get("district", [])]
    if "wijken" in municipality_data:
        groups.append((None, municipality_data["wijken"]))
    return groups


def wijk_slugs() -> list[str]:
    """Every wijk's slug, in the order of places.toml: the wijken the database is seeded with (the
    build prerenders each one's page, first_paint.py)."""
    return [slugify(name) for municipality_data in _read("places.toml")["municipality"]
            for _, wijken in _wijk_groups(municipality_data) for name in wijken]


@dataclass
class SeedReport:
    municipalities: int = 0
    neighbourhoods: int = 0
    categories: int = 0
    sample_boards: int = 0  # board locations added this time (existing ones are left as they are)
    demo_users: int = 0
    demo_posts: int = 0


def load_reference_data(*, session: Session) -> SeedReport:
    """Insert or update towns, wijken and categories. Safe to run at every start."""
    report = SeedReport()
    moved_wijk = False
    places = _read("places.toml")
    for municipality_data in places["municipality"]:
        municipality = session.exec(
            select(Municipality).where(Municipality.slug == municipality_data["slug"])
        ).first() or Municipality(slug=municipality_data["slug"], name="")
        municipality.name = municipality_data["name"]
        session.add(municipality)
        session.flush()
        report.municipalities += 1
        for district, wijken in _wijk_groups(municipality_data):
            for name in wijken:
                slug = slugify(name)
                neighbourhood = session.exec(
                    select(Neighbourhood).where(Neighbourhood.slug == slug)
                ).first() or Neighbourhood(slug=slug, name="", municipality_id=municipality.id)
                neighbourhood.name = name
                neighbourhood.district = district
                moved_wijk = moved_wijk or (neighbourhood.id is not None
                                            and neighbourhood.municipality_id != municipality.id)
                neighbourhood.municipality_id = municipality.id
                neighbourhood.sort_order = report.neighbourhoods
                session.add(neighbourhood)
                report.neighbourhoods += 1
    for order, category_data in enumerate(_read("categories.toml")["category"]):
        category = session.exec(
            select(Category).where(Category.slug == category_data["slug"])
        ).first() or Category(slug=category_data["slug"], name_nl="", name_en="", icon="")
        category.name_nl = category_data["name_nl"]
        category.name_en = category_data["name_en"]
        category.icon = category_data["icon"]
        category.sort_order = order
        session.add(category)
        report.categories += 1
    if moved_wijk:  # the first contacts and day counts per municipality follow a wijk into its new one
        stats_facts.refresh_first_contacts(session=session, people=None)
        session.flush()
        stats_facts.refresh_post_days(connection=session.connection(), keys=None)
        stats_facts.refresh_member_days(connection=session.connection(), keys=None)
    session.commit()
    report.sample_boards = load_sample_boards(session=session)
    return report


def load_sample_boards(*, session: Session) -> int:
    """Add the sample board locations whose slug is not there yet; returns how many were added.

    Unlike towns and categories, boards belong to the professionals once seeded: an existing
    board is never changed here, so their edits (and a sample made real) survive every start.
    """
    towns = {m.slug: m.id for m in session.exec(select(Municipality)).all()}
    wijken = {n.slug: n.id for n in session.exec(select(Neighbourhood)).all()}
    existing = set(session.exec(select(BoardLocation.slug)).all())
    added = 0
    for data in _read("boards.toml")["board"]:
        if data["slug"] in existing:
            continue
        board = BoardLocation(
            slug=data["slug"], name=data["name"], address=data["address"],
            municipality_id=towns[data["municipality"]], opening_hours=data.get("opening_hours", ""),
            desk_text=data.get("desk_text", ""), phone=data.get("phone", ""), is_sample=True,
        )
        session.add(board)
        session.flush()
        for name in dict.fromkeys(data["wijken"]):
            session.add(BoardNeighbourhood(board_id=board.id, neighbourhood_id=wijken[slugify(name)]))
        added += 1
    session.commit()
    return added


def load_demo_data(*, session: Session, environment: str) -> SeedReport:
    """Load the fictional demo people and posts, but only into a database without posts.

    Never in production: a town's real marketplace must not be mixed with made-up requests.
    """
    if environment == "production":
        raise PermissionDenied("demo data is never loaded when BUUV_ENV=production")
    report = SeedReport()
    if session.exec(select(func.count()).select_from(Post)).one() > 0:
        return report
    demo = _read("demo_posts.toml")
    neighbourhoods = {n.name: n for n in session.exec(select(Neighbourhood)).all()}
    users: dict[str, User] = {}
    for person in demo["user"]:
        user = User(
            display_name=person["display_name"],
            email=f"{person['key']}@{DEMO_EMAIL_DOMAIN}",
            home_neighbourhood_id=neighbourhoods[person["neighbourhood"]].id,
            is_demo=True,
        )
        session.add(user)
        users[person["key"]] = user
    session.commit()
    report.demo_users = len(users)
    now = utcnow()
    for index, item in enumerate(demo["post"]):
        # Spread posts over the day as well, so their order is stable and believable.
        created = now - timedelta(days=item.get("age_days", 0), minutes=37 * index + 5)
        create_post(
            session=session,
            author=users[item["author"]],
            kind=item["kind"],
            title=item["title"],
            body=item["body"],
            category_slug=item["category"],
            neighbourhood_slug=slugify(item["neighbourhood"]),
            created_at=created,
            is_demo=True,
        )
        report.demo_posts += 1
    return report
