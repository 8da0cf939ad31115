"""Counts of support sessions – what unit managers see instead of the sessions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import formats

from peersupport.charts import Series, stacked_bar_chart

from .models import SessionKind, Theme


@dataclass
class SessionAggregates:
    months: list[dt.date]
    by_month_and_kind: dict[tuple[dt.date, str], int] = field(default_factory=dict)
    by_theme: Counter = field(default_factory=Counter)
    sessions: int = 0
    minutes: int = 0
    people_reached: int = 0

    def add(self, *, date: dt.date, kind: str, themes, minutes: int, participant_count: int):
        key = (date.replace(day=1), kind)
        self.by_month_and_kind[key] = self.by_month_and_kind.get(key, 0) + 1
        self.by_theme.update(themes or [])
        self.sessions += 1
        self.minutes += minutes
        self.people_reached += participant_count

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    def kind_rows(self):
        """(kind label, counts per month, total) for every kind."""
        for kind in SessionKind:
            counts = [self.by_month_and_kind.get((month, kind.value), 0) for month in self.months]
            yield kind.label, counts, sum(counts)

    def theme_rows(self):
        return [
            (Theme(theme).label, count)
            for theme, count in self.by_theme.most_common()
            if theme in Theme.values
        ]

    def month_labels(self) -> list[str]:
        return [formats.date_format(month, "M Y") for month in self.months]

    def chart(self, title: str) -> str:
        return stacked_bar_chart(
            title=title,
            categories=[formats.date_format(month, "M") for month in self.months],
            series=[
                Series(str(label), counts) for label, counts, total in self.kind_rows() if total
            ],
        )


def last_months(count: int, today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def aggregate_sessions(sessions, *, months: int = 12, today: dt.date) -> SessionAggregates:
    """Aggregate a queryset of support sessions over the last ``months`` months (one query)."""
    month_list = last_months(months, today)
    result = SessionAggregates(months=month_list)
    rows = sessions.filter(date__gte=month_list[0], date__lte=today).values_list(
        "date", "kind", "themes", "minutes", "participant_count"
    )
    for date, kind, themes, minutes, participant_count in rows:
        result.add(
            date=date,
            kind=kind,
            themes=themes,
            minutes=minutes,
            participant_count=participant_count,
        )
    return result


def aggregate_sessions_by_workplace(
    sessions, *, workplace_ids, months: int = 12, today: dt.date
) -> dict[int, SessionAggregates]:
    """Aggregates per workplace over the last ``months`` months, for all of them in one query."""
    month_list = last_months(months, today)
    result = {pk: SessionAggregates(months=month_list) for pk in workplace_ids}
    rows = sessions.filter(
        placement__workplace_id__in=list(result), date__gte=month_list[0], date__lte=today
    ).values_list(
        "placement__workplace_id", "date", "kind", "themes", "minutes", "participant_count"
    )
    for workplace_id, date, kind, themes, minutes, participant_count in rows:
        result[workplace_id].add(
            date=date,
            kind=kind,
            themes=themes,
            minutes=minutes,
            participant_count=participant_count,
        )
    return result
