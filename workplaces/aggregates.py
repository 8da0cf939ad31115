"""Counts of support sessions – what unit managers see instead of the sessions.

Outside the coordinator role the counts go through ``peersupport.smallnumbers``: a small
count is "<5", and no total gives one away.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats

from peersupport import smallnumbers
from peersupport.charts import Series, stacked_bar_chart
from peersupport.smallnumbers import Figure

from .models import SessionKind, Theme


@dataclass
class SessionAggregates:
    months: list[dt.date]
    by_month_and_kind: dict[tuple[dt.date, str], int] = field(default_factory=dict)
    by_theme: Counter = field(default_factory=Counter)
    sessions: int = 0
    minutes: int = 0
    people_reached: int = 0

    def add(
        self,
        *,
        month: dt.date,
        kind: str,
        sessions: int,
        minutes: int,
        participant_count: int,
        themes: dict[str, int],
    ):
        """Add ``sessions`` sessions of ``kind`` in ``month``, with their minutes, their
        participants and how many of them took up each theme."""
        key = (month, kind)
        self.by_month_and_kind[key] = self.by_month_and_kind.get(key, 0) + sessions
        self.by_theme.update({theme: count for theme, count in themes.items() if count})
        self.sessions += sessions
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
        """(theme label, sessions) by falling count; equal counts in ``Theme`` order."""
        counted = [(theme, self.by_theme[theme]) for theme in Theme if self.by_theme[theme]]
        return [
            (theme.label, count)
            for theme, count in sorted(counted, key=lambda pair: pair[1], reverse=True)
        ]

    def shown(self, *, protect: bool) -> ShownAggregates:
        """The figures as the viewer may see them: ``protect`` outside the coordinator role."""
        rows = list(self.kind_rows())
        table = smallnumbers.protect_table(
            [counts for _label, counts, _total in rows], protect=protect
        )
        sessions = table.total
        return ShownAggregates(
            months=self.months,
            has_sessions=bool(self.sessions),
            sessions=sessions,
            # Not counts of people, but they describe the few sessions a small count hides.
            hours=smallnumbers.hidden_with(sessions, self.hours),
            people_reached=smallnumbers.hidden_with(
                sessions, smallnumbers.figure(self.people_reached, protect=protect)
            ),
            kind_rows=[
                (label, cells, row_total)
                for (label, _counts, _total), cells, row_total in zip(
                    rows, table.cells, table.row_totals, strict=True
                )
            ],
            theme_rows=[
                (label, smallnumbers.figure(count, protect=protect))
                for label, count in self.theme_rows()
            ],
        )


@dataclass(frozen=True)
class ShownAggregates:
    """Support-session aggregates as they may be shown: the template's and the chart's."""

    months: list[dt.date]
    has_sessions: bool
    sessions: Figure
    hours: Figure | float
    people_reached: Figure
    kind_rows: list[tuple[str, list[Figure], Figure]]
    theme_rows: list[tuple[str, Figure]]

    @property
    def any_suppressed(self) -> bool:
        figures = [self.sessions, self.people_reached]
        figures += [figure for _label, cells, total in self.kind_rows for figure in [*cells, total]]
        figures += [figure for _label, figure in self.theme_rows]
        return any(figure.suppressed for figure in figures)

    def month_labels(self) -> list[str]:
        return [formats.date_format(month, "M Y") for month in self.months]

    def chart(self, title: str) -> str:
        return stacked_bar_chart(
            title=title,
            categories=[formats.date_format(month, "M") for month in self.months],
            series=[
                Series(str(label), cells)
                for label, cells, total in self.kind_rows
                if total.suppressed or total.value
            ],
        )


def last_months(count: int, today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _theme_ticked(theme: str) -> Q:
    return Q(themes__contains=[theme])


def aggregate_sessions_by_workplace(
    sessions, *, workplace_ids, months: int = 12, today: dt.date
) -> dict[int, SessionAggregates]:
    """Aggregates per workplace over the last ``months`` months, for all of them in one
    query, counted by the database: one row per workplace, month and kind, with the
    sessions, minutes, participants and each theme's sessions (a theme counts a session
    once)."""
    month_list = last_months(months, today)
    result = {pk: SessionAggregates(months=month_list) for pk in workplace_ids}
    in_period = sessions.filter(
        placement__workplace_id__in=list(result), date__gte=month_list[0], date__lte=today
    ).order_by()
    if connection.vendor != "postgresql":
        # JSON containment is PostgreSQL's (jsonb @>); elsewhere (the SQLite demo) the
        # sessions are counted here instead.
        return _aggregate_in_python(in_period, result)
    rows = (
        in_period.annotate(month=TruncMonth("date"))
        .values("placement__workplace_id", "month", "kind")
        .annotate(
            sessions=Count("pk"),
            total_minutes=Sum("minutes"),
            participants=Sum("participant_count"),
            **{
                f"theme_{index}": Count("pk", filter=_theme_ticked(theme))
                for index, theme in enumerate(Theme.values)
            },
        )
    )
    for row in rows:
        result[row["placement__workplace_id"]].add(
            month=row["month"],
            kind=row["kind"],
            sessions=row["sessions"],
            minutes=row["total_minutes"],
            participant_count=row["participants"],
            themes={theme: row[f"theme_{index}"] for index, theme in enumerate(Theme.values)},
        )
    return result


def _aggregate_in_python(sessions, result: dict[int, SessionAggregates]):
    rows = sessions.values_list(
        "placement__workplace_id", "date", "kind", "themes", "minutes", "participant_count"
    )
    for workplace_id, date, kind, themes, minutes, participant_count in rows:
        result[workplace_id].add(
            month=date.replace(day=1),
            kind=kind,
            sessions=1,
            minutes=minutes,
            participant_count=participant_count,
            themes=dict.fromkeys(set(themes or []), 1),
        )
    return result
