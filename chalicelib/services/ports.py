"""What the services need from the outside world, as protocols. Adapters implement them;
tests use hand-written fakes (tests/fakes.py). The same contract suite runs against both."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..domain.model import Complaint, Event


@dataclass(frozen=True)
class Page:
    items: list
    next: str | None = None      # opaque cursor for the next page, None on the last page


@dataclass(frozen=True)
class ListQuery:
    """A listing request after the caller's scope has been applied."""

    opd: str | None = None
    reporter: str | None = None
    status: str | None = None
    limit: int = 20
    cursor: str | None = None
    extra: dict = field(default_factory=dict)


class DuplicateRequest(Exception):
    """An Idempotency-Key was used before: carries the first complaint's id and request hash."""

    def __init__(self, complaint_id: str, request_hash: str):
        super().__init__(complaint_id)
        self.complaint_id = complaint_id
        self.request_hash = request_hash


class BadCursor(Exception):
    """The cursor was not one this repository produced (tampered, truncated, other query)."""


class ComplaintRepository(Protocol):
    def add(self, complaint: Complaint, event: Event, idempotency_key: str | None = None,
            request_hash: str | None = None) -> None:
        """Store a new complaint and its first event atomically. With an idempotency key (already
        scoped to the caller), a second use raises DuplicateRequest and stores nothing."""

    def get(self, complaint_id: str) -> Complaint | None: ...

    def save(self, complaint: Complaint, event: Event) -> None:
        """Store the complaint and one new event atomically, only if the stored version is
        `complaint.version - 1`; otherwise raise domain.errors.Conflict and store nothing."""

    def timeline(self, complaint_id: str) -> list[Event]:
        """Events oldest first."""

    def list(self, query: ListQuery) -> Page:
        """Newest first. Raises BadCursor for a cursor it did not produce."""
