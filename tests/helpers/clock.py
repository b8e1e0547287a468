"""The test clock: stores and the app read the time from it, the test sets it."""

from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    """``clock.at(2022, 6, 20)`` (in the start's time zone), ``clock.advance(days=1)``."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, year: int, month: int, day: int, hour: int = 9) -> None:
        self.now = datetime(year, month, day, hour, tzinfo=self.now.tzinfo)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
