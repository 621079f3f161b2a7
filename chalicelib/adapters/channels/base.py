"""The one interface every delivery channel implements (services/delivery.py calls it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: str          # deterministic; channels that can pass an idempotency key do
    language: str                 # "id" | "en": the text below is already in it
    title: str
    body: str


class DeliveryFailed(Exception):
    """The channel could not deliver now. `retryable` False: it never will (a malformed address,
    a number the provider refuses); the message goes to the dead-letter queue without retrying."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class Channel(Protocol):
    name: str                     # "email" | "sms" | "whatsapp" | "push"

    def send(self, to: str, message: OutgoingMessage) -> str | None:
        """Deliver `message` to the address `to` (an e-mail address, an E.164 phone number, a
        push device token). Returns the provider's message id when it gives one; raises
        DeliveryFailed on any failure (never another exception type)."""
