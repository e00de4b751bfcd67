"""``python -m gateway api``: serve the gateway."""

from __future__ import annotations

import click

from gateway.config import GatewaySettings
from shared.logs import configure_logging


@click.group(help="The API gateway.")
def cli() -> None:
    pass


@cli.command(help="Serve the gateway's HTTP API.")
@click.option("--port", type=int, default=None, help="Overrides the configured port.")
def api(port: int | None) -> None:
    from shared.serve import serve

    settings = GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)
    serve("gateway.app:create_app", host=settings.host, port=port or settings.port)


if __name__ == "__main__":
    cli(prog_name="gateway")
