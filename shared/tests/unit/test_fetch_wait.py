"""The consumer's fetch wait: short while events flow, long once idle, back to short at the first batch."""

from __future__ import annotations

from types import SimpleNamespace

from shared.consumer import FetchWait


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_wait_is_short_while_events_flow_and_long_once_idle() -> None:
    fetcher = SimpleNamespace(_fetch_max_wait_ms=500)
    clock = Clock()
    wait = FetchWait(SimpleNamespace(_fetcher=fetcher), busy_ms=100, idle_ms=2000, idle_after_seconds=10,
                     clock=clock)
    wait.after_poll(False)
    assert fetcher._fetch_max_wait_ms == 100
    clock.now = 9.9
    wait.after_poll(False)
    assert fetcher._fetch_max_wait_ms == 100
    clock.now = 10.0
    wait.after_poll(False)
    assert fetcher._fetch_max_wait_ms == 2000
    clock.now = 30.0
    wait.after_poll(True)
    assert fetcher._fetch_max_wait_ms == 100
    clock.now = 39.0
    wait.after_poll(False)
    assert fetcher._fetch_max_wait_ms == 100


def test_without_settings_or_a_fetcher_the_clients_wait_stays() -> None:
    fetcher = SimpleNamespace(_fetch_max_wait_ms=500)
    FetchWait(SimpleNamespace(_fetcher=fetcher), busy_ms=None, idle_ms=None, idle_after_seconds=0).after_poll(False)
    assert fetcher._fetch_max_wait_ms == 500
    not_started = FetchWait(SimpleNamespace(_fetcher=None), busy_ms=100, idle_ms=2000, idle_after_seconds=0)
    not_started.after_poll(False)
    assert not_started.current is None
