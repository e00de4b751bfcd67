"""``python -m appraisal``: serve the API, run the relay and consumers, migrate."""

from __future__ import annotations

from appraisal.bootstrap import bootstrap
from appraisal.config import MIGRATIONS_DIR, get_settings
from shared.cli import service_cli

cli = service_cli("appraisal", get_settings, bootstrap, "appraisal.entrypoints.api.app:create_app", MIGRATIONS_DIR)


if __name__ == "__main__":
    cli()
