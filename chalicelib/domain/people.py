"""A person's notification preferences (`/v1/me/preferences`): personal data, stored apart from
complaints, encrypted at rest, visible to nobody but the person (domain/policy says so)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CHANNELS = ("email", "sms", "whatsapp", "push")     # besides the in-app list, which is always on
# What the system delivers on: a person's CHANNELS, and `lapor` for a LAPOR! reporter (their
# updates go back to SP4N-LAPOR!; nobody chooses it in /v1/me/preferences)
DELIVERY_CHANNELS = (*CHANNELS, "lapor")
LAPOR_PREFIX = "lapor:"                             # domain/model.LAPOR_PREFIX
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Preferences:
    sub: str
    language: str = "id"
    channels: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None          # E.164, Indonesian: +62…
    push_token: str | None = None     # a device token of the Lampung In app (FCM or APNs)
    updated_at: datetime | None = None

    def address(self, channel: str) -> str | None:
        """Where `channel` delivers to this person, or None when they gave no address for it."""
        if channel not in self.channels:
            return None
        if channel == "lapor":            # the LAPOR! tracking number the reporter is known by
            return self.sub.removeprefix(LAPOR_PREFIX) if self.sub.startswith(LAPOR_PREFIX) else None
        return {"email": self.email, "sms": self.phone, "whatsapp": self.phone,
                "push": self.push_token}.get(channel)
