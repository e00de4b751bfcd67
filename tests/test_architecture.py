"""The conventions that keep five services one shape (CONTRIBUTING.md), checked on every service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SERVICE_PACKAGES = sorted(p for p in REPO.glob("services/*/*") if (p / "__init__.py").exists())
SERVICE_NAMES = {p.name for p in SERVICE_PACKAGES}
FRAMEWORKS = {"fastapi", "starlette", "sqlalchemy", "asyncpg", "aiokafka", "httpx", "pydantic", "alembic"}
# Only plain-Python parts of shared may reach a domain (shared.auth pulls in FastAPI).
# shared.calendar is the one working-day rule (plain Python over shared.clock) every domain counts with.
PLAIN_SHARED = {"shared.errors", "shared.scope", "shared.clock", "shared.calendar"}
# Reading the wall clock: only shared/clock.py may (the one clock every service is given).
WALL_CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                    ("time", "time"), ("time", "time_ns")}
CLOCK_MODULE = REPO / "shared" / "clock.py"
WIRED_SERVICES = sorted(p for p in SERVICE_PACKAGES if (p / "bootstrap.py").exists())


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def python_files(root: Path):
    return [p for p in root.rglob("*.py") if "tests" not in p.relative_to(root).parts]


def test_there_are_services_to_check():
    assert {"org", "gateway"} <= SERVICE_NAMES


@pytest.mark.parametrize("package", [p for p in SERVICE_PACKAGES if (p / "domain").is_dir()], ids=lambda p: p.name)
def test_a_domain_imports_no_framework_and_only_plain_shared_modules(package: Path):
    offenders = {
        f"{path.relative_to(REPO)}: {module}"
        for path in python_files(package / "domain")
        for module in imported_modules(path)
        if module.split(".")[0] in FRAMEWORKS or (module.startswith("shared") and module not in PLAIN_SHARED)
    }
    assert offenders == set()


@pytest.mark.parametrize("package", SERVICE_PACKAGES, ids=lambda p: p.name)
def test_services_never_import_each_other(package: Path):
    others = SERVICE_NAMES - {package.name}
    offenders = {
        f"{path.relative_to(REPO)}: {module}"
        for path in python_files(package)
        for module in imported_modules(path)
        if module.split(".")[0] in others
    }
    assert offenders == set()


def test_shared_imports_no_service():
    offenders = {
        f"{path.relative_to(REPO)}: {module}"
        for path in python_files(REPO / "shared")
        for module in imported_modules(path)
        if module.split(".")[0] in SERVICE_NAMES
    }
    assert offenders == set()


def test_the_import_check_notices_a_framework_import(tmp_path: Path):
    leaking = tmp_path / "leaky.py"
    leaking.write_text("from sqlalchemy import select\nimport fastapi.routing\nfrom . import sibling\n")
    assert imported_modules(leaking) == {"sqlalchemy", "fastapi.routing"}


def wall_clock_reads(path: Path, root: Path = REPO) -> list[str]:
    """``datetime.now()``, ``date.today()``, ``time.time()``… called in ``path``, with their lines."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in WALL_CLOCK_READS:
                found.append(f"{path.relative_to(root)}:{node.lineno}: {name}.{node.func.attr}()")
    return found


def test_no_service_or_shared_code_reads_the_wall_clock_outside_the_clock():
    roots = [*SERVICE_PACKAGES, REPO / "shared"]
    offenders = [read for root in roots for path in python_files(root) if path != CLOCK_MODULE
                 for read in wall_clock_reads(path)]
    assert offenders == []


def test_the_clock_check_notices_each_way_of_reading_the_wall_clock(tmp_path: Path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("import datetime, time\nfrom datetime import date\n"
                      "a = datetime.datetime.now()\nb = date.today()\nc = time.time()\nd = datetime.utcnow()\n")
    reads = wall_clock_reads(sneaky, root=tmp_path)
    assert [read.split(": ")[1] for read in reads] == [
        "datetime.now()", "date.today()", "time.time()", "datetime.utcnow()"]


def calls_in(path: Path) -> set[str]:
    return {node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path)))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)}


@pytest.mark.parametrize("package", WIRED_SERVICES, ids=lambda p: p.name)
def test_every_service_is_wired_one_way(package: Path):
    """bootstrap() builds the runtime and its bus; the HTTP app is the shared one around it; inbound
    events are adapted in entrypoints/consumers.py only."""
    assert "build_runtime" in calls_in(package / "bootstrap.py")
    assert "service_app" in calls_in(package / "entrypoints" / "api" / "app.py")
    assert "asynccontextmanager" not in (package / "entrypoints" / "api" / "app.py").read_text()
    consumer_specs = [path.relative_to(REPO) for path in python_files(package) if "ConsumerSpec" in calls_in(path)]
    assert consumer_specs in ([], [(package / "entrypoints" / "consumers.py").relative_to(REPO)])
