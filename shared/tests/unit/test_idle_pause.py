"""An intake consumer stops fetching once idle and resumes when its writer announces records."""

from __future__ import annotations

import asyncio

from shared.consumer import IdlePause


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Consumer:
    """The part of AIOKafkaConsumer IdlePause uses."""

    def __init__(self, partitions: set[str]) -> None:
        self.partitions = set(partitions)
        self.paused_partitions: set[str] = set()

    def assignment(self) -> set[str]:
        return set(self.partitions)

    def paused(self) -> set[str]:
        return self.paused_partitions & self.partitions

    def pause(self, *partitions: str) -> None:
        self.paused_partitions |= set(partitions)

    def resume(self, *partitions: str) -> None:
        self.paused_partitions -= set(partitions)


class Listener:
    def __init__(self, listening: bool = True) -> None:
        self.listening = listening
        self.woken = asyncio.Event()

    async def ensure(self) -> bool:
        return self.listening

    async def close(self) -> None:
        self.listening = False


def pause_over(consumer: Consumer, listener: Listener, clock: Clock) -> IdlePause:
    return IdlePause(consumer, listener, idle_after_seconds=10, check_seconds=30, clock=clock)  # type: ignore[arg-type]


def test_an_idle_consumer_pauses_and_an_announcement_resumes_it() -> None:
    consumer, listener, clock = Consumer({"p0", "p1"}), Listener(), Clock()
    idle = pause_over(consumer, listener, clock)
    clock.now = 9.9
    idle.after_poll(False)
    assert not consumer.paused() and idle.waiter() is None
    clock.now = 10.0
    idle.after_poll(False)
    assert consumer.paused() == {"p0", "p1"} and idle.paused
    assert not listener.woken.is_set()
    listener.woken.set()
    idle.wake()
    assert not consumer.paused() and not idle.paused and idle.wakes == 1 and not listener.woken.is_set()
    clock.now = 19.9
    idle.after_poll(False)
    assert not consumer.paused(), "a woken consumer stays fetching for the idle time"


def test_records_keep_a_consumer_fetching() -> None:
    consumer, listener, clock = Consumer({"p0"}), Listener(), Clock()
    idle = pause_over(consumer, listener, clock)
    for second in range(0, 60, 5):
        clock.now = second
        idle.after_poll(True)
    assert idle.pauses == 0 and not consumer.paused()


def test_a_paused_consumer_looks_anyway_after_the_check_interval() -> None:
    consumer, listener, clock = Consumer({"p0"}), Listener(), Clock()
    idle = pause_over(consumer, listener, clock)
    clock.now = 10
    idle.after_poll(False)
    clock.now = 39.9
    idle.after_poll(False)
    assert consumer.paused()
    clock.now = 40
    idle.after_poll(False)
    assert not consumer.paused(), "a lost announcement is found at the check"
    clock.now = 50
    idle.after_poll(False)
    assert consumer.paused() and idle.pauses == 2


def test_a_consumer_that_cannot_listen_never_pauses_and_a_deaf_one_resumes() -> None:
    consumer, listener, clock = Consumer({"p0"}), Listener(listening=False), Clock()
    idle = pause_over(consumer, listener, clock)
    clock.now = 100
    idle.after_poll(False)
    assert not consumer.paused()

    listener.listening = True
    idle.after_poll(False)
    assert consumer.paused()
    listener.listening = False  # the listening connection broke while paused
    asyncio.run(idle.ensure())
    assert not consumer.paused() and idle.waiter() is None


def test_partitions_from_a_rebalance_start_fetching_and_pause_once_idle() -> None:
    consumer, listener, clock = Consumer({"p0"}), Listener(), Clock()
    idle = pause_over(consumer, listener, clock)
    clock.now = 10
    idle.after_poll(False)
    assert consumer.paused() == {"p0"}
    consumer.partitions = {"p1", "p2"}  # rebalanced: new partitions, unpaused
    clock.now = 11
    idle.after_poll(False)
    assert not consumer.paused() and not idle.paused
    clock.now = 21
    idle.after_poll(False)
    assert consumer.paused() == {"p1", "p2"}


def test_the_waiter_is_done_at_the_announcement() -> None:
    async def scenario() -> None:
        consumer, listener, clock = Consumer({"p0"}), Listener(), Clock()
        idle = pause_over(consumer, listener, clock)
        clock.now = 10
        idle.after_poll(False)
        waiting = idle.waiter()
        assert waiting is not None
        await asyncio.sleep(0)
        assert not waiting.done()
        listener.woken.set()
        await asyncio.wait_for(waiting, 1)

    asyncio.run(scenario())


def test_an_announcement_before_the_pause_wakes_the_paused_consumer_at_once() -> None:
    """Records announced while the last empty fetch was already on its way: the pause must not
    swallow the announcement, or they would wait for the next check."""

    async def scenario() -> None:
        consumer, listener, clock = Consumer({"p0"}), Listener(), Clock()
        idle = pause_over(consumer, listener, clock)
        clock.now = 9.9
        listener.woken.set()
        clock.now = 10.0
        idle.after_poll(False)
        assert consumer.paused()
        waiting = idle.waiter()
        assert waiting is not None
        await asyncio.wait_for(waiting, 1)

    asyncio.run(scenario())


def test_records_settle_what_was_announced_before_them() -> None:
    consumer, listener, clock = Consumer({"p0"}), Listener(), Clock()
    idle = pause_over(consumer, listener, clock)
    listener.woken.set()
    clock.now = 1
    idle.after_poll(True)
    assert not listener.woken.is_set()
    clock.now = 11
    idle.after_poll(False)
    assert consumer.paused() and idle.paused and not listener.woken.is_set()
