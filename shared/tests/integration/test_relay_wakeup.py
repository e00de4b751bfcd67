"""The relay sleeps while idle and is woken by the NOTIFY of a committed outbox write; its slow poll
is only the safety net (a lost notification, a listening connection that broke)."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text

from shared.relay import OutboxListener, OutboxRelay
from shared.tests.integration.conftest import CounterIncremented, outbox_unpublished

SLOW_POLL = 30.0  # far longer than any test waits: a row published sooner was woken, not polled


async def published_within(harness, seconds: float) -> float:
    """Seconds until nothing is left unpublished; fails after ``seconds``."""
    started = time.monotonic()
    while await outbox_unpublished(harness.sessions):
        if time.monotonic() - started > seconds:
            raise AssertionError(f"still unpublished after {seconds} s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def running_relay(harness, producer, listener):
    relay = OutboxRelay(harness.sessions, producer, idle_poll_seconds=SLOW_POLL, listener=listener)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    for _ in range(500):
        if listener.listening:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # the first round (rows written before it listened) is done
    return relay, stop, task


async def test_a_committed_event_wakes_the_idle_relay(harness, producer):
    listener = OutboxListener(harness.settings.database_url)
    relay, stop, task = await running_relay(harness, producer, listener)
    try:
        for n in range(3):
            await harness.emit(CounterIncremented(name="woken", by=n))
            assert await published_within(harness, 2.0) < 2.0
        assert relay.published_total == 3
    finally:
        stop.set()
        await task
    assert not listener.listening, "the relay closes its listening connection when it stops"


async def test_a_rolled_back_write_wakes_nobody_and_publishes_nothing(harness, producer):
    listener = OutboxListener(harness.settings.database_url)
    relay, stop, task = await running_relay(harness, producer, listener)
    try:
        async with harness.uow() as uow:
            uow.emit(CounterIncremented(name="never"))
        await asyncio.sleep(0.3)
        assert not listener.woken.is_set() and relay.published_total == 0
    finally:
        stop.set()
        await task


async def test_a_broken_listening_connection_is_reopened(harness, producer):
    listener = OutboxListener(harness.settings.database_url)
    _, stop, task = await running_relay(harness, producer, listener)
    try:
        async with harness.engine.begin() as connection:
            await connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"))
        # The break itself wakes the relay, which listens again before it sleeps.
        await harness.emit(CounterIncremented(name="after-break"))
        await published_within(harness, 5.0)
        deadline = time.monotonic() + 10
        while listener.connects < 2:
            assert time.monotonic() < deadline, "the listener was not reopened"
            await asyncio.sleep(0.05)
        await harness.emit(CounterIncremented(name="after-reopen"))
        await published_within(harness, 2.0)
    finally:
        stop.set()
        await task


async def listening(listener) -> None:
    for _ in range(500):
        if listener.listening:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the relay's listener never connected")


async def rounds_over(relay, seconds: float) -> int:
    before = relay.rounds
    await asyncio.sleep(seconds)
    return relay.rounds - before


async def test_a_listening_relay_polls_only_at_the_safety_rate(harness, producer):
    listener = OutboxListener(harness.settings.database_url)
    relay = OutboxRelay(harness.sessions, producer, idle_poll_seconds=0.05, safety_poll_seconds=SLOW_POLL,
                        listener=listener)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await listening(listener)
        await asyncio.sleep(0.1)
        assert await rounds_over(relay, 1.0) == 0, "an idle listening relay polled at the idle rate"
        await harness.emit(CounterIncremented(name="heard"))
        await published_within(harness, 2.0)
    finally:
        stop.set()
        await task


async def test_the_safety_poll_publishes_what_no_notification_announced(harness, producer):
    # Listening on another channel: every notification of this database is lost to it.
    listener = OutboxListener(harness.settings.database_url, channel="nobody_notifies_this")
    relay = OutboxRelay(harness.sessions, producer, idle_poll_seconds=SLOW_POLL, safety_poll_seconds=0.5,
                        listener=listener)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await listening(listener)
        await harness.emit(CounterIncremented(name="unannounced"))
        await published_within(harness, 3.0)
    finally:
        stop.set()
        await task


async def test_a_relay_that_cannot_listen_polls_at_the_idle_rate(harness, producer):
    # Nothing listens on port 9 (discard): the listener never connects.
    unreachable = harness.settings.database_url.replace(harness.settings.database_url.split("@")[1].split("/")[0],
                                                        "127.0.0.1:9")
    listener = OutboxListener(unreachable, connect_timeout=0.2)
    relay = OutboxRelay(harness.sessions, producer, idle_poll_seconds=0.05, safety_poll_seconds=SLOW_POLL,
                        listener=listener)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await asyncio.sleep(0.3)
        assert not listener.listening
        await harness.emit(CounterIncremented(name="polled"))
        assert await published_within(harness, 2.0) < 2.0
        assert await rounds_over(relay, 1.0) >= 3, "a relay that cannot listen must keep polling"
    finally:
        stop.set()
        await task
