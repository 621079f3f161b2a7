"""Typed commands: what a caller asks the services to do, validated at the HTTP edge.

Why: a `dict` payload between the API and the services leaves every service to guess keys and
defaults (`request.get("visibility", "private")`); a command says it once. Modelled on cosmicpython's
domain/commands.py. Lifecycle actions keep their small payload (one text field, a target), whose
required fields the transition table itself declares.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .model import Location


@dataclass(frozen=True)
class Contact:
    """How to reach a person intake staff filed for: they have no account (yet)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class FileComplaint:
    """A citizen files a complaint, or intake staff file one for a person (POST /v1/complaints)."""

    category: str
    title: str
    description: str
    location: Location | None = None
    visibility: str = "private"         # "private" | "public"
    anonymous: bool = False
    channel: str | None = None          # domain/model.CHANNELS; None: "app" for a citizen
    contact: Contact | None = None      # intake only: the person filed for (no account)
    lapor_id: str | None = None         # from SP4N-LAPOR! only (services/lapor.py): its tracking number

    @classmethod
    def from_request(cls, request: dict) -> FileComplaint:
        loc, contact = request.get("location"), request.get("contact")
        return cls(category=request["category"], title=request["title"], description=request["description"],
                   location=Location(**loc) if loc else None,
                   visibility=request.get("visibility", "private"), anonymous=request.get("anonymous", False),
                   channel=request.get("channel"), contact=Contact(**contact) if contact else None)

    def as_request(self) -> dict:
        """The request as filed, without empty fields: what an Idempotency-Key is bound to."""
        out: dict = {"category": self.category, "title": self.title, "description": self.description,
                     "visibility": self.visibility, "anonymous": self.anonymous}
        if self.channel is not None:
            out["channel"] = self.channel
        if self.lapor_id is not None:
            out["lapor_id"] = self.lapor_id
        if self.contact is not None:
            out["contact"] = {k: v for k, v in asdict(self.contact).items() if v is not None}
        if self.location is not None:
            loc = {"lat": self.location.lat, "lon": self.location.lon, "address": self.location.address,
                   "region": self.location.region}
            out["location"] = {k: v for k, v in loc.items() if v is not None}
        return out
