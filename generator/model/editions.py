"""Which edition an item belongs to: a calendar day, or a week, in the editorial time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from generator.project.config import WEEKDAYS, SiteConfig


def closing_date(day: date, config: SiteConfig) -> date:
    """The date of the edition that holds ``day``: the day itself, or the week's closing day."""
    if config.editions == "daily":
        return day
    closes = WEEKDAYS.index(config.week_ends_on)
    return day + timedelta(days=(closes - day.weekday()) % 7)


def edition_date(moment: datetime, config: SiteConfig, explicit: date | None = None) -> date:
    """The edition of an item dated ``moment``, or of its explicit ``edition:`` date.

    The calendar day is taken in the site's time zone, so an item at 23:30 in Kyiv
    belongs to that Kyiv day whatever the date in UTC.
    """
    day = explicit if explicit is not None else moment.astimezone(config.timezone).date()
    return closing_date(day, config)


def first_day(edition: date, config: SiteConfig) -> date:
    """The first calendar day an edition covers."""
    return edition if config.editions == "daily" else edition - timedelta(days=6)
