"""When a made-up service meets: its own weekdays and times, closed on holidays.

Real services do not all meet on the same two hundred days: one meets on Tuesday and
Thursday mornings, another every weekday afternoon with a second group on Wednesdays, one
shuts for August. Each service draws its pattern from its own seeded generator, and its
year loses the bank holidays (England and Wales), a Christmas closure and a few days lost
to snow or illness. Benchmarks and reports that group by day therefore see services that
overlap the way real ones do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

SLOTS = ((10, 0), (10, 30), (11, 0), (13, 30), (14, 0), (18, 0))
#: Where a second or third group of the day goes: at least two and a half hours apart.
DAY_SLOTS = ((9, 30), (13, 0), (15, 30), (18, 30), (20, 0))


@dataclass(frozen=True)
class Pattern:
    """How one service's year looks."""

    weekdays: tuple[int, ...]  # Monday is 0
    slot: tuple[int, int]  # the usual start, hours and minutes
    summer_break: bool


def easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus, as in the Book of Common Prayer tables)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _monday(year: int, month: int, last: bool) -> date:
    if last:
        day = date(year, month + 1, 1) - timedelta(days=1)
        return day - timedelta(days=day.weekday())
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def bank_holidays(year: int) -> set[date]:
    sunday = easter(year)
    return {date(year, 1, 1), sunday - timedelta(days=2), sunday + timedelta(days=1),
            _monday(year, 5, last=False), _monday(year, 5, last=True),
            _monday(year, 8, last=True), date(year, 12, 25), date(year, 12, 26)}


def service_pattern(rng: random.Random, runs_per_year: int) -> Pattern:
    """A service's weekdays, usual time and summer break; a busy service (many sessions a
    year) meets on at least enough weekdays for three groups a day."""
    fewest = max(1, -(-runs_per_year // 140))
    count = max(fewest, rng.choices((1, 2, 3, 4, 5), (2, 4, 3, 2, 1))[0])
    weekdays = tuple(sorted(rng.sample(range(5), count)))
    if rng.random() < 0.15:
        weekdays += (5,)  # a Saturday group
    return Pattern(weekdays, rng.choice(SLOTS), rng.random() < 0.3)


def closed_days(rng: random.Random, pattern: Pattern, year: int) -> set[date]:
    closed = bank_holidays(year)
    closed |= {date(year, 12, 31) - timedelta(days=n) for n in range(9)}  # Christmas week
    closed |= {date(year, 1, 1) + timedelta(days=n) for n in range(3)}
    if pattern.summer_break:
        start = _monday(year, 8, last=False) + timedelta(days=7 * rng.randrange(0, 2))
        closed |= {start + timedelta(days=n) for n in range(14)}
    start_of_year = date(year, 1, 1)
    closed |= {start_of_year + timedelta(days=rng.randrange(365))
               for _ in range(rng.randrange(3, 8))}  # snow, illness, a burst pipe
    return closed


def meeting_times(rng: random.Random, pattern: Pattern, year: int, count: int
                  ) -> list[datetime]:
    """``count`` session start times in ``year``, on the service's open days, in order. When
    there are more sessions than open days, some days have a second group later on."""
    closed = closed_days(rng, pattern, year)
    day, end = date(year, 1, 1), date(year, 12, 31)
    open_days = []
    while day <= end:
        if day.weekday() in pattern.weekdays and day not in closed:
            open_days.append(day)
        day += timedelta(days=1)
    chosen: list[tuple[date, int]] = []
    if count <= len(open_days):
        chosen = [(d, 0) for d in rng.sample(open_days, count)]
    else:
        rounds, rest = divmod(count, len(open_days))
        chosen = [(d, n) for n in range(rounds) for d in open_days]
        chosen += [(d, rounds) for d in rng.sample(open_days, rest)]
    usual = pattern.slot[0] * 60 + pattern.slot[1]
    slots = sorted([pattern.slot, *(s for s in DAY_SLOTS if abs(s[0] * 60 + s[1] - usual) >= 150)],
                   key=lambda s: (s != pattern.slot, s))
    times = []
    for day, later in sorted(chosen):
        hour, minute = slots[min(later, len(slots) - 1)]
        times.append(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                     + timedelta(minutes=rng.choice((0, 0, 5, -5))))
    return sorted(times)
