"""The command line every service exposes as ``python -m <service> …``."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from pathlib import Path

import click

from shared.config import ServiceSettings
from shared.dead_letters import UnknownConsumer, consumer_spec, list_dead_letters, replay_dead_letters
from shared.logs import configure_logging
from shared.runtime import ServiceRuntime, run_consumers, run_periodic, run_relay, run_until_signalled


def service_cli(
    name: str,
    settings_factory: Callable[[], ServiceSettings],
    runtime_factory: Callable[[ServiceSettings], ServiceRuntime],
    app_path: str,
    migrations: Path | None,
) -> click.Group:
    @click.group(help=f"The {name} service.")
    def cli() -> None:
        pass

    def prepared() -> tuple[ServiceSettings, ServiceRuntime]:
        settings = settings_factory()
        configure_logging(name, settings.log_level)
        return settings, runtime_factory(settings)

    @cli.command(help="Serve the HTTP API.")
    @click.option("--port", type=int, default=None, help="Overrides the configured port.")
    def api(port: int | None) -> None:
        from shared.serve import serve

        settings = settings_factory()
        configure_logging(name, settings.log_level)
        serve(app_path, host=settings.host, port=port or settings.port)

    @cli.command(help="Publish the outbox to Kafka.")
    def relay() -> None:
        _, runtime = prepared()
        run_until_signalled(lambda stop: _with_dispose(runtime, run_relay(runtime, stop)))

    @cli.command(help="Run the Kafka consumers (all, or those named); with none named, the periodic tasks too.")
    @click.argument("names", nargs=-1)
    def consume(names: tuple[str, ...]) -> None:
        _, runtime = prepared()

        async def consumers(stop: asyncio.Event) -> None:
            # The deployed process that runs "everything but the API and the relay": periodic tasks
            # live here so that no deployment needs a process of its own for them. They are safe to
            # run in every replica (a sweep takes turns under a lock and repeats nothing).
            work = [run_consumers(runtime, stop, names)] + ([] if names else [run_periodic(runtime, stop)])
            await _with_dispose(runtime, asyncio.gather(*work))

        run_until_signalled(consumers)

    @cli.command(help="Relay, every consumer and the periodic tasks in one process.")
    def worker() -> None:
        _, runtime = prepared()

        async def both(stop: asyncio.Event) -> None:
            await _with_dispose(runtime, asyncio.gather(run_relay(runtime, stop), run_consumers(runtime, stop),
                                                        run_periodic(runtime, stop)))

        run_until_signalled(both)

    @cli.group("dead-letters", help="List and replay what the consumers dead-lettered (deadletter.<consumer>).")
    def dead_letters() -> None:
        pass

    @dead_letters.command("list", help="Every dead letter, oldest first; reads only, commits no offset.")
    @click.option("--consumer", default=None, help="Only this consumer's (one of the service's consumers).")
    @click.option("--json", "as_json", is_flag=True, help="One JSON array, for machines.")
    def list_command(consumer: str | None, as_json: bool) -> None:
        runtime = _tool_runtime(settings_factory, runtime_factory)
        _known_consumer(runtime, consumer)
        found = asyncio.run(_disposing(runtime, list_dead_letters(runtime.settings, runtime.consumers, consumer)))
        if as_json:
            click.echo(json.dumps([letter.as_json() for letter in found], indent=2))
            return
        click.echo(_table(["consumer", "dead letter", "source", "event id", "type", "reason", "when", "replayed"],
                          [[letter.consumer, f"{letter.partition}/{letter.offset}", letter.source,
                            str(letter.event_id or "-"), letter.event_type or "-", _short(letter.reason),
                            letter.dead_lettered_at.isoformat(timespec="seconds"), "yes" if letter.replayed else "no"]
                           for letter in found]))
        click.echo(f"{len(found)} dead letter(s)")

    @dead_letters.command("replay", help="Publish a consumer's dead letters not replayed yet to their source "
                                         "partitions, releasing their dead_lettered inbox rows first.")
    @click.option("--consumer", required=True, help="The consumer whose dead letters to replay.")
    @click.option("--event-id", "event_ids", multiple=True, help="Only this event (repeatable).")
    @click.option("--dry-run", is_flag=True, help="Say what would be replayed; change nothing.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON array, for machines.")
    def replay_command(consumer: str, event_ids: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
        ids = [_event_id(value) for value in event_ids]
        runtime = _tool_runtime(settings_factory, runtime_factory)
        _known_consumer(runtime, consumer)
        done = asyncio.run(_disposing(runtime, replay_dead_letters(
            runtime.settings, runtime.sessions, runtime.consumers, consumer, ids or None, dry_run)))
        if as_json:
            click.echo(json.dumps([item.as_json() for item in done], indent=2))
        else:
            for item in done:
                letter = item.letter
                released = ", inbox row released" if item.released else ""
                click.echo(f"{item.outcome}: {letter.event_id or '-'} {letter.event_type or '-'} "
                           f"(dead letter {letter.partition}/{letter.offset}) -> {letter.source}{released}")
            replayed = sum(1 for item in done if item.outcome in ("replayed", "would replay"))
            click.echo(f"{replayed} dead letter(s) {'would be ' if dry_run else ''}replayed of {len(done)} read")
        missing = set(ids) - {item.letter.event_id for item in done}
        if missing:
            # Named but not among the letters left to replay: a typo, or replayed by an earlier run —
            # said, but not a failure, so that a run killed and started again with the same ids succeeds.
            click.echo(f"no dead letter of {consumer!r} left to replay for event id(s) "
                       f"{', '.join(sorted(map(str, missing)))}", err=True)

    if migrations is not None:

        @cli.command(help="Apply this service's migrations up to head.")
        def migrate() -> None:
            from shared.migrations import upgrade

            settings = settings_factory()
            upgrade(migrations, settings.database_url)
            click.echo(f"{name}: migrations applied")

    return cli


def _tool_runtime(settings_factory: Callable[[], ServiceSettings],
                  runtime_factory: Callable[[ServiceSettings], ServiceRuntime]) -> ServiceRuntime:
    # No configure_logging: its handler writes to stdout, where --json must print nothing else;
    # warnings still reach stderr through logging's last-resort handler.
    return runtime_factory(settings_factory())


def _known_consumer(runtime: ServiceRuntime, name: str | None) -> None:
    if name is None:
        return
    try:
        consumer_spec(runtime.consumers, name)
    except UnknownConsumer as error:
        raise click.BadParameter(str(error), param_hint="'--consumer'") from error


def _event_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an event id (a UUID)", param_hint="'--event-id'") from error


def _short(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in [header, *rows])


async def _disposing(runtime: ServiceRuntime, work):
    try:
        return await work
    finally:
        await runtime.dispose()


async def _with_dispose(runtime: ServiceRuntime, work) -> None:
    try:
        await work
    finally:
        await runtime.dispose()
