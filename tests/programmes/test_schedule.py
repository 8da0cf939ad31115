import datetime as dt

import pytest

from programmes.models import CourseTemplate
from programmes.schedule import is_day_off, plan_dates

NSPH_DAYS = [(week, weekday) for week in (0, 2, 4) for weekday in range(5)]


def test_plain_five_weeks_has_three_teaching_weeks_with_breaks():
    """Fifteen days: weeks one, three and five, Monday to Friday."""
    dates = plan_dates(dt.date(2027, 9, 6), NSPH_DAYS)
    assert len(dates) == 15
    assert {d.isocalendar().week for d in dates} == {36, 38, 40}
    assert all(d.weekday() < 5 for d in dates)


def test_a_holiday_moves_the_day_and_keeps_fifteen_days_within_five_weeks():
    """Ascension Day (Thu 6 May 2027) is skipped; the course still fits five weeks."""
    start = dt.date(2027, 5, 3)
    dates = plan_dates(start, NSPH_DAYS)
    assert len(dates) == 15 == len(set(dates))
    assert dt.date(2027, 5, 6) not in dates
    assert dates == sorted(dates)
    assert dates[-1] < start + dt.timedelta(weeks=5)
    assert not any(is_day_off(d) for d in dates)


@pytest.mark.parametrize(
    "day,off",
    [
        (dt.date(2027, 6, 25), True),  # Midsommarafton (de facto holiday)
        (dt.date(2027, 12, 24), True),  # Julafton
        (dt.date(2027, 3, 29), True),  # Annandag påsk
        (dt.date(2027, 6, 5), True),  # a Saturday
        (dt.date(2027, 6, 7), False),  # an ordinary Monday
    ],
)
def test_days_off(day, off):
    assert is_day_off(day) is off


def test_a_start_mid_week_never_schedules_before_the_start():
    dates = plan_dates(dt.date(2027, 9, 8), NSPH_DAYS)
    assert dates[0] == dt.date(2027, 9, 8)
    assert len(dates) == 15


@pytest.mark.django_db
def test_default_template_is_nsph_course():
    """The default template is data: 15 days over weeks 0, 2 and 4, 80 % attendance."""
    template = CourseTemplate.objects.get(is_default=True)
    days = list(template.days.values_list("week", "weekday"))
    assert days == NSPH_DAYS
    assert template.min_attendance_percent == 80
    assert template.modules.filter(required=True).exists()
