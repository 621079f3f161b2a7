"""Delivery of one notification on one channel (e-mail, SMS, WhatsApp, push), from its queue.

At least once and never twice: the queue may hand the same delivery to two workers, or again
after a crash, so a worker first takes the channel's lease on the stored notification (a
conditional write) and sends only with it; after sending it records the delivery, which turns
every later copy into a no-op. A failure releases the lease and is raised: the queue retries
with backoff (handlers.py) and, after its last attempt, moves the delivery to the channel's
dead-letter queue. Other channels, and the in-app list, are not held up by it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .ports import Channel, Delivery, DeliveryFailed, DeliveryLog, NotificationStore, OutgoingMessage, PeopleStore

LEASE = timedelta(minutes=2)       # longer than one send may take (the adapters time out in ~5 s)


class Outcome(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"        # delivered before: this copy is dropped
    BUSY = "busy"                  # another worker holds the lease: retry later
    NO_ADDRESS = "no_address"      # the person turned the channel off or removed the address
    GONE = "gone"                  # the notification no longer exists (the person was forgotten)
    NO_CHANNEL = "no_channel"      # this stage has no such channel configured


class RetryLater(Exception):
    """The delivery did not happen and should be tried again (after a backoff)."""


class Undeliverable(Exception):
    """The delivery can never succeed (the provider refused the address): to the dead letters."""


@dataclass(kw_only=True)
class DeliveryDeps:
    notifications: NotificationStore
    people: PeopleStore
    channels: Mapping[str, Channel]
    log: DeliveryLog
    now: Callable[[], datetime]


def deliver(deps: DeliveryDeps, d: Delivery) -> Outcome:
    channel = deps.channels.get(d.channel)
    if channel is None:
        return Outcome.NO_CHANNEL
    n = deps.notifications.get(d.recipient, d.notification_id)
    if n is None:
        return Outcome.GONE
    if d.channel in n.delivered:
        return Outcome.DUPLICATE
    person = deps.people.get(d.recipient)
    address = person.address(d.channel) if person else None
    if not address:
        return Outcome.NO_ADDRESS
    now = deps.now()
    if not deps.notifications.lease(d.recipient, n.id, d.channel, now=now, until=now + LEASE):
        again = deps.notifications.get(d.recipient, n.id)
        if again is None or d.channel in again.delivered:
            return Outcome.DUPLICATE
        raise RetryLater(f"{d.channel} delivery of {n.id} is being sent by another worker")
    lang = person.language if person and person.language in n.title else "id"
    message = OutgoingMessage(notification_id=n.id, language=lang, title=n.title[lang], body=n.body[lang],
                              type=n.type)
    try:
        channel.send(address, message)
    except DeliveryFailed as failure:
        deps.notifications.release(d.recipient, n.id, d.channel)
        if not failure.retryable:
            raise Undeliverable(str(failure)) from None
        raise RetryLater(str(failure)) from None
    except Exception as exc:        # an adapter bug must not keep the lease for two minutes
        deps.notifications.release(d.recipient, n.id, d.channel)
        raise RetryLater(f"{type(exc).__name__}: {exc}"[:300]) from None
    at = deps.now()
    deps.notifications.delivered(d.recipient, n.id, d.channel, at)
    deps.log.record(channel=d.channel, recipient=d.recipient, address=address, notification_id=n.id,
                    type=n.type, complaint_id=n.complaint_id,
                    language=lang, title=message.title, body=message.body, at=at)
    return Outcome.SENT


def backoff_seconds(attempt: int, base: float = 30.0, cap: float = 900.0) -> int:
    """Exponential backoff for the `attempt`-th receive (1, 2, 3 …): base, 2×base, 4×base …"""
    return int(min(cap, base * 2 ** max(0, attempt - 1)))
