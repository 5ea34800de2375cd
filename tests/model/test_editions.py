"""Which edition an item belongs to: day boundaries in the editorial zone, weeks, overrides."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from generator.model.editions import edition_date, first_day
from generator.project.config import SiteConfig


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 23:30 in Kyiv is 20:30 UTC: the Kyiv day.
        (datetime(2025, 7, 22, 20, 30, tzinfo=UTC), date(2025, 7, 22)),
        # 00:20 in Kyiv on the 23rd is still the 22nd in UTC: the Kyiv day wins.
        (datetime(2025, 7, 22, 21, 20, tzinfo=UTC), date(2025, 7, 23)),
        # Written with another offset: New York evening is the next Kyiv morning.
        (datetime(2025, 7, 22, 19, 0, tzinfo=ZoneInfo("America/New_York")), date(2025, 7, 23)),
        # Last Sunday of March: Kyiv moves from +02:00 to +03:00 at 03:00 local time.
        (datetime(2025, 3, 29, 21, 59, tzinfo=UTC), date(2025, 3, 29)),  # 23:59 +02:00
        (datetime(2025, 3, 29, 22, 0, tzinfo=UTC), date(2025, 3, 30)),  # 00:00 +02:00
        (datetime(2025, 3, 30, 20, 59, tzinfo=UTC), date(2025, 3, 30)),  # 23:59 +03:00
        (datetime(2025, 3, 30, 21, 0, tzinfo=UTC), date(2025, 3, 31)),  # 00:00 +03:00
        # Last Sunday of October: back to +02:00.
        (datetime(2025, 10, 25, 20, 59, tzinfo=UTC), date(2025, 10, 25)),  # 23:59 +03:00
        (datetime(2025, 10, 26, 21, 59, tzinfo=UTC), date(2025, 10, 26)),  # 23:59 +02:00
        (datetime(2025, 10, 26, 22, 0, tzinfo=UTC), date(2025, 10, 27)),
    ],
)
def test_daily_edition_is_the_calendar_day_in_the_site_zone(
    config: SiteConfig, moment: datetime, expected: date
) -> None:
    assert edition_date(moment, config) == expected


@pytest.mark.parametrize(
    ("closes_on", "day", "expected"),
    [
        ("sunday", date(2025, 7, 21), date(2025, 7, 27)),  # Monday -> that Sunday
        ("sunday", date(2025, 7, 27), date(2025, 7, 27)),  # the closing day itself
        ("sunday", date(2025, 7, 28), date(2025, 8, 3)),
        ("friday", date(2025, 7, 26), date(2025, 8, 1)),  # Saturday after a Friday close
        ("friday", date(2025, 7, 25), date(2025, 7, 25)),
        ("sunday", date(2025, 12, 29), date(2026, 1, 4)),  # across a year
    ],
)
def test_weekly_edition_is_the_next_closing_day(
    config: SiteConfig, closes_on: str, day: date, expected: date
) -> None:
    weekly = dataclasses.replace(config, editions="weekly", week_ends_on=closes_on)
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=weekly.timezone)
    assert edition_date(noon, weekly) == expected
    assert first_day(expected, weekly) == date.fromordinal(expected.toordinal() - 6)


def test_an_explicit_edition_overrides_the_date(config: SiteConfig) -> None:
    late = datetime(2025, 7, 23, 0, 20, tzinfo=config.timezone)
    assert edition_date(late, config, explicit=date(2025, 7, 22)) == date(2025, 7, 22)
    weekly = dataclasses.replace(config, editions="weekly")
    assert edition_date(late, weekly, explicit=date(2025, 7, 22)) == date(2025, 7, 27)
