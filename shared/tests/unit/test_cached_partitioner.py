"""The producers' partitioner sends every key where aiokafka's default one does (intake groups its
records by that, and other clients of the topics partition by the same murmur2)."""

from __future__ import annotations

import uuid

from aiokafka.partitioner import DefaultPartitioner

from shared.kafka import CachedPartitioner


def test_every_key_goes_where_the_default_partitioner_sends_it() -> None:
    cached, default = CachedPartitioner(keys=50), DefaultPartitioner()
    keys = [str(uuid.UUID(int=n)).encode() for n in range(200)] + [b"", b"a", "客户".encode()]
    for partitions in ([0, 1, 2], list(range(6)), [3, 5, 7, 11]):
        for _ in range(2):  # the second time from the cache (or after eviction: 203 keys, 50 kept)
            assert [cached(key, partitions, partitions) for key in keys] == [
                default(key, partitions, partitions) for key in keys]


def test_a_message_without_a_key_goes_to_an_available_partition() -> None:
    assert {CachedPartitioner()(None, [0, 1, 2], [2]) for _ in range(20)} == {2}
