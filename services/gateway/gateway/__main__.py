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
    import uvicorn

    settings = GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)
    uvicorn.run("gateway.app:create_app", factory=True, host=settings.host, port=port or settings.port,
                log_config=None, access_log=False)


if __name__ == "__main__":
    cli(prog_name="gateway")
