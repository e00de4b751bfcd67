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
PLAIN_SHARED = {"shared.errors"}


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
