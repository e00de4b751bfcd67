"""``python -m crm``: serve the API, run the relay and the directory consumer, migrate."""

from __future__ import annotations

from crm.bootstrap import bootstrap
from crm.config import MIGRATIONS_DIR, get_settings
from shared.cli import service_cli

cli = service_cli("crm", get_settings, bootstrap, "crm.entrypoints.api.app:create_app", MIGRATIONS_DIR)


if __name__ == "__main__":
    cli()
