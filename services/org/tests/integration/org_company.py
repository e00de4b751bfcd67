"""Building an organisation through the HTTP API, as an admin would, for the integration tests.
Its people are hired a year before the company's today (the test's clock), so that any dated
change since is in the past."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from org.config import OrgSettings
from shared.auth import Role
from shared.clock import Clock
from shared.testing import auth_headers, principal


class Tokens:
    """Bearer headers for any principal, signed with the service's secret as the gateway signs them."""

    def __init__(self, settings: OrgSettings) -> None:
        self._secret, self._issuer = settings.jwt_secret, settings.jwt_issuer

    def headers(self, *roles: str, employee_id: uuid.UUID | str | None = None, group_id: uuid.UUID | str | None = None,
                department_id: uuid.UUID | str | None = None) -> dict[str, str]:
        who = principal(
            *roles,
            employee_id=uuid.UUID(str(employee_id)) if employee_id else None,
            group_id=uuid.UUID(str(group_id)) if group_id else None,
            department_id=uuid.UUID(str(department_id)) if department_id else None,
        )
        return auth_headers(who, secret=self._secret, issuer=self._issuer)

    def of(self, employee: dict[str, Any], *roles: str) -> dict[str, str]:
        """The token an employee record would log in with (their role, or the roles given)."""
        return self.headers(*(roles or (employee["role"],)), employee_id=employee["id"],
                            group_id=employee.get("group_id"), department_id=employee["department_id"])


class Company:
    def __init__(self, client: httpx.AsyncClient, tokens: Tokens, clock: Clock) -> None:
        self.client = client
        self.clock = clock
        self.admin = tokens.headers(Role.ADMIN)

    @property
    def today(self) -> date:
        return self.clock.today()

    @property
    def hired_on(self) -> date:
        return self.today - timedelta(days=365)

    def after_hire(self, days: int) -> str:
        """The ISO date ``days`` after the helper's hires (negative: before them)."""
        return (self.hired_on + timedelta(days=days)).isoformat()

    async def department(self, name: str = "Field sales", kind: str = "field_sales") -> dict[str, Any]:
        return await self._created("/departments", {"name": name, "kind": kind})

    async def plan(self, department: dict[str, Any], role: str, planned: int) -> None:
        response = await self.client.put(f"/departments/{department['id']}/headcount/{role}",
                                         json={"planned": planned}, headers=self.admin)
        assert response.status_code == 200, response.text

    async def hire(self, department: dict[str, Any], name: str, role: str = "sales_rep", **more: Any
                   ) -> dict[str, Any]:
        body = {"name": name, "role": role, "department_id": department["id"], "hired_on": self.hired_on.isoformat(),
                **more}
        return await self._created("/employees", body)

    async def group(self, name: str, leader: dict[str, Any], **more: Any) -> dict[str, Any]:
        return await self._created("/groups", {"name": name, "department_id": leader["department_id"],
                                               "leader_id": leader["id"], **more})

    async def employee(self, employee_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/employees/{employee_id}", headers=self.admin)
        assert response.status_code == 200, response.text
        return response.json()

    async def _created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=self.admin)
        assert response.status_code == 201, response.text
        return response.json()
