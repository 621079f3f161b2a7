"""A person's notification preferences (`/v1/me/preferences`): personal data, stored apart from
complaints, encrypted at rest, visible to nobody but the person (domain/policy says so)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CHANNELS = ("email", "sms", "whatsapp", "push")     # besides the in-app list, which is always on
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
        return {"email": self.email, "sms": self.phone, "whatsapp": self.phone,
                "push": self.push_token}.get(channel)
