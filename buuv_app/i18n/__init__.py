"""Translations: Dutch is the source language; English comes from the catalogue i18n/en.po.

Message ids are the Dutch texts themselves, so a Dutch page never depends on a catalogue and a
missing English translation shows Dutch rather than a key. `tests/unit/test_i18n.py` fails when
a message used in the code has no English translation.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_timedelta
from babel.messages.pofile import read_po

from buuv_app.models.types import utcnow

LOCALES: tuple[str, ...] = ("nl", "en")
DEFAULT_LOCALE = "nl"
CATALOGUE_DIR = Path(__file__).resolve().parent


def normalize_locale(value: str | None) -> str:
    """A supported locale for whatever a client sent (anything unknown becomes Dutch)."""
    value = (value or "").strip().lower()[:2]
    return value if value in LOCALES else DEFAULT_LOCALE


@lru_cache
def catalogue(locale: str) -> dict[str, str]:
    """msgid -> translation for `locale`; empty for Dutch, the source language."""
    if locale == DEFAULT_LOCALE:
        return {}
    with (CATALOGUE_DIR / f"{locale}.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return {message.id: message.string for message in catalog
            if isinstance(message.id, str) and message.id and message.string}


@lru_cache
def plural_catalogue(locale: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(singular, plural) msgid -> the translated forms (msgid_plural entries) for `locale`."""
    if locale == DEFAULT_LOCALE:
        return {}
    with (CATALOGUE_DIR / f"{locale}.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return {tuple(message.id): tuple(message.string) for message in catalog
            if isinstance(message.id, tuple | list) and all(message.string)}


def _plural_index(count: int, locale: str) -> int:
    # Dutch and English both have two forms, "one" and "other", in CLDR's plural rules.
    return 0 if Locale.parse(locale).plural_form(abs(count)) == "one" else 1


def ngettext(singular: str, plural: str, count: int, locale: str, **params: object) -> str:
    """The form for `count` in `locale` ("1 oproep" / "2 oproepen"); `{n}` and `params` filled in."""
    locale = normalize_locale(locale)
    forms = plural_catalogue(locale).get((singular, plural), (singular, plural))
    text = forms[min(_plural_index(count, locale), len(forms) - 1)]
    return text.format(n=count, **params)


def N_(msgid: str) -> str:
    """Mark a message for translation where it is translated later (gettext's convention)."""
    return msgid


def gettext(msgid: str, locale: str, **params: object) -> str:
    """`msgid` in `locale`, with `{name}` placeholders filled from `params`."""
    text = catalogue(normalize_locale(locale)).get(msgid, msgid)
    return text.format(**params) if params else text


def format_date(moment: datetime, locale: str) -> str:
    """A date as people say it, with the weekday (is "28 november" a Saturday?):
    "zaterdag 28 november 2026" / "Saturday, November 28, 2026" (Babel's full date of the locale)."""
    return _babel_format_date(moment, format="full", locale=normalize_locale(locale))


def format_ago(moment: datetime, locale: str, now: datetime | None = None) -> str:
    """How long ago, in words: "3 dagen geleden" / "3 days ago"."""
    seconds = (moment - (now or utcnow())).total_seconds()
    if abs(seconds) < 60:
        return gettext("zojuist", locale)
    # Words never name more than minutes for the last hour and hours for older posts, so
    # rounding to the minute / hour first lets feeds reuse the (slow) Babel formatting.
    bucket = 60 if abs(seconds) < 3600 else 3600
    return _ago(int(seconds // bucket) * bucket, normalize_locale(locale))


@lru_cache(maxsize=8192)
def _ago(seconds: int, locale: str) -> str:
    return format_timedelta(timedelta(seconds=seconds), granularity="minute", add_direction=True, locale=locale)


def format_month(moment: datetime, locale: str) -> str:
    """A month and year: "november 2026" / "November 2026" ("lid sinds")."""
    return _babel_format_date(moment, format="LLLL y", locale=normalize_locale(locale))
