"""Domain errors. Each carries a stable code; the API maps codes to HTTP statuses and messages."""


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, code: str | None = None, **details):
        self.code = code or self.code
        self.details = details
        super().__init__(self.code, details)


class NotFound(DomainError):
    """The thing does not exist, or the caller may not see it (never reveal which)."""

    code = "not_found"


class Forbidden(DomainError):
    """The caller sees the complaint but their role may not take this action."""

    code = "forbidden"


class WrongState(DomainError):
    """The action is not allowed in the complaint's current status."""

    code = "wrong_state"


class Conflict(DomainError):
    """Somebody else changed the complaint first (optimistic concurrency)."""

    code = "conflict"


class Invalid(DomainError):
    """The command is well-formed but its content is not acceptable."""

    code = "invalid"


class RateLimited(DomainError):
    """Too many requests from one caller in a period (anti-spam, not a security boundary)."""

    code = "rate_limited"
