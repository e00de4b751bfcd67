"""``python -m telesales``: serve the API or the call intake, run the relay and consumers, migrate."""

from __future__ import annotations

import click

from shared.cli import service_cli
from shared.logs import configure_logging
from telesales.bootstrap import bootstrap
from telesales.config import MIGRATIONS_DIR, get_settings

cli = service_cli("telesales", get_settings, bootstrap, "telesales.entrypoints.api.app:create_app", MIGRATIONS_DIR)


@cli.command(help="Serve the call intake (HTTP in, intake topic out); scales apart from the API and workers.")
@click.option("--port", type=int, default=None, help="Overrides the configured intake port.")
def intake(port: int | None) -> None:
    from shared.serve import serve

    settings = get_settings()
    configure_logging("telesales-intake", settings.log_level)
    serve("telesales.entrypoints.intake.app:create_app", host=settings.host, port=port or settings.intake_port)


if __name__ == "__main__":
    cli()
