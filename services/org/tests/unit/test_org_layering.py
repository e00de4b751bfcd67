"""The domain stays plain Python (STYLE.md): no web framework, database or broker client in it."""

from __future__ import annotations

import ast
from pathlib import Path

import org.domain

FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "asyncpg", "aiokafka", "httpx", "pydantic")
# shared.auth pulls FastAPI in; only the plain-Python parts of shared are allowed.
ALLOWED_SHARED = ("shared.errors",)


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_domain_imports_no_framework_and_only_plain_shared_modules() -> None:
    domain_dir = Path(org.domain.__file__).parent
    offenders = {
        f"{path.name}: {module}"
        for path in domain_dir.glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
        or (module.startswith("shared") and module not in ALLOWED_SHARED)
    }
    assert offenders == set()


def test_the_check_would_notice_a_framework_import(tmp_path: Path) -> None:
    leaking = tmp_path / "leaky.py"
    leaking.write_text("from sqlalchemy import select\nimport fastapi.routing\n")
    assert {"sqlalchemy", "fastapi.routing"} <= imported_modules(leaking)
