"""``python -m payroll``: serve the API, run the relay and consumers, migrate."""

from __future__ import annotations

from payroll.bootstrap import bootstrap
from payroll.config import MIGRATIONS_DIR, get_settings
from shared.cli import service_cli

cli = service_cli("payroll", get_settings, bootstrap, "payroll.entrypoints.api.app:create_app", MIGRATIONS_DIR)


if __name__ == "__main__":
    cli()
