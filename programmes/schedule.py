"""Course dates from a template: weekdays only, never on a Swedish public holiday."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

# Public holidays plus the de facto days off (Midsummer Eve, Christmas Eve, New Year's Eve).
HOLIDAY_CATEGORIES = ("public", "de_facto")


@lru_cache(maxsize=32)
def _holidays_of_year(year: int) -> frozenset[dt.date]:
    # Imported here: loading the holidays package peaks at ~20 MB (every country's
    # calendars), which a process that never plans a date (an export worker) need not pay.
    import holidays

    calendar = holidays.Sweden(years=year, include_sundays=False, categories=HOLIDAY_CATEGORIES)
    return frozenset(calendar.keys())


def is_day_off(day: dt.date) -> bool:
    return day.weekday() >= 5 or day in _holidays_of_year(day.year)


def holiday_name(day: dt.date, language: str = "sv") -> str | None:
    import holidays

    calendar = holidays.Sweden(
        years=day.year,
        include_sundays=False,
        categories=HOLIDAY_CATEGORIES,
        language="sv" if language == "sv" else "en_US",
    )
    return calendar.get(day)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def plan_dates(start: dt.date, days: Iterable[tuple[int, int]]) -> list[dt.date]:
    """Dates for template days given as (week, weekday) pairs, in course order.

    Week 0 is the week of ``start``. A day that falls on a holiday or weekend, or on a
    date an earlier day already took, moves to the next free weekday, so the course keeps
    its length in days and its order.
    """
    first_monday = monday_of(start)
    taken: list[dt.date] = []
    for week, weekday in days:
        day = first_monday + dt.timedelta(weeks=week, days=weekday)
        if taken and day <= taken[-1]:
            day = taken[-1] + dt.timedelta(days=1)
        while day < start or is_day_off(day):
            day += dt.timedelta(days=1)
        taken.append(day)
    return taken


def is_public_holiday(day: dt.date) -> bool:
    """A Swedish public or de facto holiday (weekends as such are not)."""
    return day in _holidays_of_year(day.year)
