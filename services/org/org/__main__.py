"""``python -m org``: serve the API, run the relay, migrate, seed the first administrator."""

from __future__ import annotations

import asyncio

import click

from org.bootstrap import bootstrap
from org.config import MIGRATIONS_DIR, get_settings
from org.service_layer import attendance, commands, handlers
from org.service_layer.attendance_commands import SweepAttendance
from shared.cli import service_cli
from shared.errors import AppError, Conflict

# seed-admin's exit status when the login belongs to someone who is no longer a current admin:
# the dev stack then seeds a fresh login instead of refusing to start.
LOGIN_UNUSABLE = 3

cli = service_cli("org", get_settings, bootstrap, "org.entrypoints.api.app:create_app", MIGRATIONS_DIR)


@cli.command("seed-admin", help="Create the Administration department and an admin who can log in, once.")
@click.option("--login", required=True, help="Login name of the administrator.")
@click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters; prompted for when not given.")
@click.option("--name", default="Administrator", show_default=True, help="The administrator's name.")
def seed_admin(login: str, password: str, name: str) -> None:
    command = commands.SeedAdministrator(login=login, password=password, name=name)
    try:
        seeded = asyncio.run(_seed(command))
    except AppError as error:
        if isinstance(error, Conflict) and error.extra.get("field") == "login":
            click.echo(f"Error: {error.detail}", err=True)
            raise SystemExit(LOGIN_UNUSABLE) from error
        raise click.ClickException(error.detail) from error
    verb = "created" if seeded.created else "found"
    click.echo(f"{verb} administrator {seeded.employee.login or login!r} (employee {seeded.employee.id}) in "
               f"department {seeded.department.name!r}" + ("" if seeded.created else "; nothing changed"))


@cli.command("sweep-attendance", help="Classify every employee's working days that ended, up to yesterday.")
def sweep_attendance() -> None:
    result = asyncio.run(_sweep())
    click.echo(f"swept {result.employees} employee(s) through {result.through.isoformat()}: "
               f"{result.classified} day(s) classified or reclassified")


async def _sweep() -> attendance.SweepResult:
    runtime = bootstrap(get_settings())
    try:
        return await runtime.bus.handle(SweepAttendance())
    finally:
        await runtime.dispose()


async def _seed(command: commands.SeedAdministrator) -> handlers.SeededAdministrator:
    runtime = bootstrap(get_settings())
    try:
        return await runtime.bus.handle(command)
    finally:
        await runtime.dispose()


if __name__ == "__main__":
    cli()
