"""Signed tokens and the caller's identity.

The gateway signs a token at login; every service verifies it and checks, per object, that
the caller may see or change it. The token says who the caller is; what they may do follows the
organisation as it is now: each service's :class:`PrincipalSource` (its directory replica, or
org's own tables) re-reads the caller's role, group and department, and refuses a token of
someone who has left, within seconds of the event rather than at the token's expiry.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Annotated, Protocol

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.clock import WALL_CLOCK
from shared.config import ServiceSettings
from shared.errors import Forbidden, Unauthorized
from shared.scope import DataScope


class Role:
    """Roles (O2). ``system`` is for service-to-service calls, never a person."""

    SALES_DIRECTOR = "sales_director"
    REGIONAL_MANAGER = "regional_manager"
    DEPARTMENT_MANAGER = "department_manager"
    SUPERVISOR = "supervisor"
    GROUP_LEADER = "group_leader"
    SALES_REP = "sales_rep"
    TELESALES_AGENT = "telesales_agent"
    SALES_ASSISTANT = "sales_assistant"
    HR = "hr"
    FINANCE = "finance"
    ADMIN = "admin"
    SYSTEM = "system"

    ALL = (
        SALES_DIRECTOR, REGIONAL_MANAGER, DEPARTMENT_MANAGER, SUPERVISOR, GROUP_LEADER,
        SALES_REP, TELESALES_AGENT, SALES_ASSISTANT, HR, FINANCE, ADMIN,
    )
    # Roles that see the whole company.
    COMPANY_WIDE = (SALES_DIRECTOR, HR, FINANCE, ADMIN, SYSTEM)
    # Roles that see their whole department.
    DEPARTMENT_WIDE = (DEPARTMENT_MANAGER, REGIONAL_MANAGER, SUPERVISOR)


@dataclass(frozen=True)
class Principal:
    employee_id: uuid.UUID
    roles: frozenset[str]
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    name: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_company_wide(self) -> bool:
        return self.has_any(*Role.COMPANY_WIDE)

    @property
    def is_department_wide(self) -> bool:
        return self.has_any(*Role.DEPARTMENT_WIDE)

    def may_see(self, *, employee_id: uuid.UUID | None, group_id: uuid.UUID | None,
                department_id: uuid.UUID | None) -> bool:
        """Data scope: a rep their own, a leader their group's, a manager their department's,
        company-wide functions everything."""
        return scope_of(self).sees(employee_id=employee_id, group_id=group_id, department_id=department_id)


def scope_of(principal: Principal, led_group_ids: Iterable[uuid.UUID] = ()) -> DataScope:
    """The caller's data scope. ``led_group_ids``: the groups a service's directory replica says the
    caller leads, which may be newer than the token's group claim."""
    if principal.is_company_wide:
        return DataScope(everything=True)
    departments = (frozenset({principal.department_id})
                   if principal.is_department_wide and principal.department_id else frozenset())
    groups: frozenset[uuid.UUID] = frozenset()
    if principal.has_any(Role.GROUP_LEADER):
        groups = frozenset({*led_group_ids, *([principal.group_id] if principal.group_id else [])})
    return DataScope(department_ids=departments, group_ids=groups, employee_ids=frozenset({principal.employee_id}))


# The claim naming the only routes a limited token may call; a token without it is unlimited.
SCOPE_CLAIM = "scp"


def token_scope(principal: Principal) -> str | None:
    return principal.extra.get("scope")


class TokenCodec:
    algorithm = "HS256"

    @classmethod
    def for_settings(cls, settings: ServiceSettings) -> TokenCodec:
        return cls(settings.jwt_secret, settings.jwt_issuer, settings.jwt_ttl_seconds)

    def __init__(self, secret: str, issuer: str, ttl_seconds: int = 3600) -> None:
        self._secret = secret
        self._issuer = issuer
        self._ttl = ttl_seconds

    def issue(self, principal: Principal, ttl_seconds: int | None = None, *,
              scope: str | None = None) -> tuple[str, int]:
        """``scope`` limits the token to the routes that accept it (:func:`principal_accepting`);
        a service account's token carries one, so it cannot act as a company-wide ``system`` caller."""
        ttl = ttl_seconds or self._ttl
        now = WALL_CLOCK.now()
        claims = {
            "sub": str(principal.employee_id),
            "roles": sorted(principal.roles),
            "grp": str(principal.group_id) if principal.group_id else None,
            "dept": str(principal.department_id) if principal.department_id else None,
            "name": principal.name,
            "iss": self._issuer,
            "iat": now,
            "exp": now + timedelta(seconds=ttl),
            "jti": uuid.uuid4().hex,
        }
        if scope:
            claims[SCOPE_CLAIM] = scope
        return jwt.encode(claims, self._secret, algorithm=self.algorithm), ttl

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[self.algorithm], issuer=self._issuer,
                options={"require": ["sub", "exp", "iss", "roles"]},
            )
            return Principal(
                employee_id=uuid.UUID(claims["sub"]),
                roles=frozenset(claims["roles"]),
                group_id=uuid.UUID(claims["grp"]) if claims.get("grp") else None,
                department_id=uuid.UUID(claims["dept"]) if claims.get("dept") else None,
                name=claims.get("name") or "",
                extra={"scope": str(claims[SCOPE_CLAIM])} if claims.get(SCOPE_CLAIM) else {},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("the token has expired; log in again") from error
        except (jwt.InvalidTokenError, ValueError, KeyError, TypeError) as error:
            raise Unauthorized("the token is not valid") from error


class PrincipalSource(Protocol):
    """The organisation as a service knows it now, applied to a verified token."""

    async def refresh(self, principal: Principal) -> Principal:
        """The caller with their current roles and scope; Unauthorized when they have left."""
        ...


@dataclass(frozen=True)
class Standing:
    """What the organisation says of an employee now: enough to rebuild their roles and scope."""

    employed: bool
    role: str
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    leads_a_group: bool


def principal_as_of(principal: Principal, standing: Standing | None) -> Principal:
    """The token's caller, as the organisation stands. ``None``: the organisation does not know
    them yet (a hire whose event has not arrived), and the signed claims stand."""
    if standing is None or principal.has_any(Role.SYSTEM):
        return principal
    if not standing.employed:
        raise Unauthorized("this employee has left the company; the token no longer counts")
    # Leading a group gives its scope whatever the primary role (as at login, in org).
    roles = frozenset({standing.role, *([Role.GROUP_LEADER] if standing.leads_a_group else [])})
    return replace(principal, roles=roles, group_id=standing.group_id, department_id=standing.department_id)


class CachedPrincipalSource:
    """A :class:`PrincipalSource` that looks each caller up at most once per ``refresh_seconds``:
    a leaving or a transfer counts within that many seconds of reaching the service, and a busy
    caller costs one indexed read per interval, not one per request."""

    max_entries = 10_000

    def __init__(self, refresh_seconds: float) -> None:
        self._refresh_seconds = refresh_seconds
        self._cache: dict[uuid.UUID, tuple[float, Standing | None]] = {}

    async def look_up(self, employee_id: uuid.UUID) -> Standing | None:
        raise NotImplementedError

    async def refresh(self, principal: Principal) -> Principal:
        if principal.has_any(Role.SYSTEM):
            return principal
        return principal_as_of(principal, await self._standing(principal.employee_id))

    async def _standing(self, employee_id: uuid.UUID) -> Standing | None:
        now = time.monotonic()
        cached = self._cache.get(employee_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        standing = await self.look_up(employee_id)
        if len(self._cache) >= self.max_entries:
            self._cache.clear()
        self._cache[employee_id] = (now + self._refresh_seconds, standing)
        return standing


_bearer = HTTPBearer(auto_error=False)


async def _verified(request: Request, credentials: HTTPAuthorizationCredentials | None,
                    accepted_scopes: frozenset[str]) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    codec: TokenCodec = request.app.state.token_codec
    principal = codec.verify(credentials.credentials)
    scope = token_scope(principal)
    if scope is not None and scope not in accepted_scopes:
        raise Forbidden(f"this token is limited to '{scope}' and cannot be used here", token_scope=scope)
    source: PrincipalSource | None = getattr(request.app.state, "principal_source", None)
    return principal if source is None else await source.refresh(principal)


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller of an ordinary route: any unlimited token; a scoped token is refused."""
    return await _verified(request, credentials, frozenset())


def principal_accepting(*scopes: str):
    """Dependency for a route that scoped tokens of ``scopes`` may call, besides unlimited ones."""
    accepted = frozenset(scopes)

    async def verified(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> Principal:
        return await _verified(request, credentials, accepted)

    return verified


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str):
    """Dependency factory: the caller must hold one of ``roles``."""

    def check(user: CurrentUser) -> Principal:
        if not user.has_any(*roles):
            raise Forbidden(f"this action needs one of the roles: {', '.join(roles)}", required_roles=list(roles))
        return user

    return Depends(check)
