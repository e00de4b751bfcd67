"""Helpers for the end-to-end event-flow test: one HTTP client per person through the gateway, and
waiting, with a deadline, for what events make true asynchronously (never a fixed sleep)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")

# Events cross the broker in well under a second on the dev stack; this bounds a stuck consumer.
DEADLINE_SECONDS = 60.0


class Person:
    """Someone logged in through the gateway, calling ``/api/<service>/…`` with their own token."""

    def __init__(self, gateway: str, token: str, who: str) -> None:
        self.who = who
        self.http = httpx.Client(base_url=f"{gateway}/api", headers={"Authorization": f"Bearer {token}"},
                                 timeout=20)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def expect(self, status: int, method: str, path: str, **kwargs: Any) -> Any:
        """Send the request, insist on ``status`` (a refusal must be problem+json), return the JSON body."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == status, (
            f"{self.who}: {method} {path} answered {response.status_code}, expected {status}: {response.text}")
        if status >= 400:
            assert response.headers["content-type"].startswith("application/problem+json"), response.headers
        return response.json() if response.content else None

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.expect(200, "GET", path, **kwargs)

    def close(self) -> None:
        self.http.close()


def describe(value: Any) -> str:
    if isinstance(value, httpx.Response):
        return f"{value.request.method} {value.request.url.path} → {value.status_code} {value.text[:800]}"
    return repr(value)[:800]


def eventually(observe: Callable[[], T], until: Callable[[T], bool], what: str,
               timeout: float = DEADLINE_SECONDS) -> T:
    """Observe again and again until ``until`` holds of the observation, and return it; fail with the
    last observation once ``timeout`` seconds have passed. The pause between looks only grows to
    1 s: the wait ends as soon as the condition holds."""
    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        seen = observe()
        if until(seen):
            return seen
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}; last seen: {describe(seen)}")
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def time_clock_csv(days: dict[str, list], clock_in: str = "08:55", clock_out: str = "18:05") -> str:
    """A time-clock export (the columns org imports): each employee on time on each of their days.
    ``days`` maps an employee id to their dates; a date given as ``(date, in, out)`` overrides the
    times (None: that punch is missing)."""
    lines = ["employee_id,date,clock_in,clock_out"]
    for employee_id, dates in days.items():
        for item in dates:
            day, punch_in, punch_out = item if isinstance(item, tuple) else (item, clock_in, clock_out)
            lines.append(f"{employee_id},{day.isoformat()},{punch_in or ''},{punch_out or ''}")
    return "\n".join(lines) + "\n"
