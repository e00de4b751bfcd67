"""``python -m appraisal``: serve the API, run the relay and consumers, migrate."""

from __future__ import annotations

import asyncio

import click

from appraisal.bootstrap import bootstrap
from appraisal.config import MIGRATIONS_DIR, get_settings
from appraisal.service_layer.commands import SweepPlanExecution
from appraisal.service_layer.plan_execution_sweep import PlanExecutionSwept
from shared.cli import service_cli

cli = service_cli("appraisal", get_settings, bootstrap, "appraisal.entrypoints.api.app:create_app", MIGRATIONS_DIR)


@cli.command("sweep-plan-execution",
             help="Rescore the open months' plan-execution scores for the company day, unless swept already.")
def sweep_plan_execution() -> None:
    result = asyncio.run(_sweep())
    if result.swept:
        click.echo(f"swept {result.day.isoformat()}: {result.scores} live score(s) rescored")
    else:
        click.echo(f"{result.day.isoformat()} was swept already; nothing done")


async def _sweep() -> PlanExecutionSwept:
    runtime = bootstrap(get_settings())
    try:
        return await runtime.bus.handle(SweepPlanExecution())
    finally:
        await runtime.dispose()


if __name__ == "__main__":
    cli()
