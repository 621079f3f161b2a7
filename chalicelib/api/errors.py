"""Errors in the contract's shape: {"error": {"code", "message", "details"}}."""
from __future__ import annotations

from ..domain import errors as domain
from .messages import FIELD_MESSAGES, MESSAGES, render


class ApiError(Exception):
    def __init__(self, http_status: int, code: str, details: list | None = None, **params):
        super().__init__(code)
        self.http_status, self.code, self.details, self.params = http_status, code, details or [], params


def field_error(field: str, code: str, **params) -> dict:
    return {"field": field, "code": code, "params": params}


def invalid(field: str, code: str, **params) -> ApiError:
    return ApiError(422, "validation_failed", [field_error(field, code, **params)])


DOMAIN_STATUS = {
    domain.NotFound: 404,
    domain.Forbidden: 403,
    domain.WrongState: 409,
    domain.Conflict: 409,
    domain.RateLimited: 429,
}


def from_domain(exc: domain.DomainError) -> ApiError:
    if isinstance(exc, domain.Invalid):
        field = exc.details.get("field", "")
        return invalid(field, exc.code, **{k: v for k, v in exc.details.items() if k != "field"})
    status = next((s for cls, s in DOMAIN_STATUS.items() if isinstance(exc, cls)), 422)
    return ApiError(status, exc.code, **exc.details)


def body(err: ApiError, lang: str) -> dict:
    details = [
        {"field": d["field"], "code": d["code"],
         "message": render(FIELD_MESSAGES, d["code"], lang, **d.get("params", {}))}
        for d in err.details
    ]
    message = render(MESSAGES, err.code, lang, **err.params)
    if err.code not in MESSAGES:
        message = render(FIELD_MESSAGES, err.code, lang, **err.params)
    return {"error": {"code": err.code, "message": message, "details": details}}
