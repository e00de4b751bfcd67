"""The command line every service exposes as ``python -m <service> …``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import click

from shared.config import ServiceSettings
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

    if migrations is not None:

        @cli.command(help="Apply this service's migrations up to head.")
        def migrate() -> None:
            from shared.migrations import upgrade

            settings = settings_factory()
            upgrade(migrations, settings.database_url)
            click.echo(f"{name}: migrations applied")

    return cli


async def _with_dispose(runtime: ServiceRuntime, work) -> None:
    try:
        await work
    finally:
        await runtime.dispose()
