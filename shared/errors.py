"""One error family carrying its HTTP status, raised by domain and service layer alike and
rendered once, as RFC 9457 problem+json, by :mod:`shared.web`."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status: int = 400
    title: str = "Bad request"
    slug: str = "bad-request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def type_uri(self, base: str) -> str:
        """The problem type: ``base`` (the ``problem_type_base`` setting) and this error's slug."""
        return f"{base}{self.slug}"


class NotFound(AppError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(AppError):
    """The request conflicts with current state; ``extra`` should say with what."""

    status, title, slug = 409, "Conflict", "conflict"


class RuleViolation(AppError):
    """A business rule refuses the change (hire beyond plan, reporting-line cycle…)."""

    status, title, slug = 409, "Business rule violated", "rule-violation"


class Forbidden(AppError):
    status, title, slug = 403, "Forbidden", "forbidden"


class Unauthorized(AppError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class InvalidInput(AppError):
    """Input that passed schema validation but is wrong in context; names the field."""

    status, title, slug = 422, "Invalid input", "invalid-input"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", errors=[{"field": field, "reason": reason}])


class UpstreamUnavailable(AppError):
    status, title, slug = 503, "Upstream unavailable", "upstream-unavailable"
