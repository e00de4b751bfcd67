"""``python -m devstack.tail TOPIC…``: print the events on the dev broker, one JSON line each.

Debian's kcat (librdkafka 2.0.2) cannot parse tansu's ApiVersions v3 answer, so this is the
way to look at the embedded broker; against Apache Kafka, kcat works as usual.
"""

from __future__ import annotations

import asyncio
import json

import click
from aiokafka import AIOKafkaConsumer, TopicPartition


async def _tail(bootstrap: str, topics: tuple[str, ...], follow: bool) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        if not partitions:
            raise click.ClickException(f"no such topic: {', '.join(topics)}")
        consumer.assign(partitions)
        quiet_polls = 0
        while follow or quiet_polls < 3:
            batches = await consumer.getmany(timeout_ms=500)
            quiet_polls = 0 if batches else quiet_polls + 1
            for records in batches.values():
                for record in records:
                    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
                    click.echo(json.dumps({"topic": record.topic, "partition": record.partition,
                                           "offset": record.offset, "key": (record.key or b"").decode(),
                                           "headers": headers, "value": json.loads(record.value)},
                                          ensure_ascii=False))
    finally:
        await consumer.stop()


@click.command(help=__doc__)
@click.argument("topics", nargs=-1, required=True)
@click.option("--bootstrap", default="127.0.0.1:9092", show_default=True)
@click.option("--follow", "-f", is_flag=True, help="Keep waiting for new events.")
def main(topics: tuple[str, ...], bootstrap: str, follow: bool) -> None:
    asyncio.run(_tail(bootstrap, topics, follow))


if __name__ == "__main__":
    main()
