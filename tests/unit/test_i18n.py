"""Translations: every message has English, dates and times read naturally in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from buuv_app.i18n import format_ago, format_date, gettext, normalize_locale
from buuv_app.i18n.extract import collect_msgids, missing_translations


def test_every_message_in_the_code_has_an_english_translation():
    assert len(collect_msgids()) > 20
    assert missing_translations("en") == {}


def test_dutch_is_the_source_language_and_english_is_translated():
    assert gettext("Kies je buurt", "nl") == "Kies je buurt"
    assert gettext("Kies je buurt", "en") == "Choose your neighbourhood"


def test_placeholders_are_filled_in_both_languages():
    msgid = "De titel mag hoogstens {max} tekens lang zijn."
    assert gettext(msgid, "nl", max=80) == "De titel mag hoogstens 80 tekens lang zijn."
    assert "80" in gettext(msgid, "en", max=80)


def test_unknown_locales_fall_back_to_dutch():
    assert normalize_locale("fr") == "nl"
    assert normalize_locale("EN-gb") == "en"
    assert normalize_locale(None) == "nl"


def test_dates_are_written_in_dutch_by_default():
    moment = datetime(2026, 3, 5, 12, tzinfo=UTC)
    assert format_date(moment, "nl") == "donderdag 5 maart 2026"  # with the weekday
    assert format_date(moment, "en") == "Thursday, March 5, 2026"
    assert format_ago(moment - timedelta(days=3), "nl", now=moment) == "3 dagen geleden"
    assert format_ago(moment - timedelta(seconds=5), "nl", now=moment) == "zojuist"


def test_translations_keep_the_same_placeholders():
    import re

    from buuv_app.i18n import catalogue

    for msgid, english in catalogue("en").items():
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", english)), msgid


def test_counts_take_the_singular_or_the_plural_in_both_languages():
    from buuv_app.i18n import ngettext

    one, other = "{n} oproep gevonden", "{n} oproepen gevonden"
    assert ngettext(one, other, 1, "nl") == "1 oproep gevonden"
    assert ngettext(one, other, 2, "nl") == "2 oproepen gevonden"
    assert ngettext(one, other, 0, "nl") == "0 oproepen gevonden"
    assert ngettext(one, other, 1, "en") == "1 post found"
    assert ngettext(one, other, 8, "en") == "8 posts found"
    assert ngettext(one, other, 0, "en") == "0 posts found"
    # Dutch "keer" does not change; English "time" does.
    helped = "Buren hielpen elkaar hier al {n} keer via BUUV."
    assert ngettext(helped, helped, 1, "en") == "Neighbours have helped each other here 1 time through BUUV."
    assert ngettext(helped, helped, 3, "nl") == "Buren hielpen elkaar hier al 3 keer via BUUV."
