"""Every door leads in: intake staff file a complaint for a person who came to a desk, phoned, or
wrote to the province's social-media accounts or e-mail (CONTRACT.md, Intake channels).

The person has no account. They are the complaint's reporter under a pseudonymous sub of the
complaint itself ("contact:<complaint id>"), and how to reach them (a phone number, an e-mail
address) is kept where every person's contact details are kept: the people store, encrypted by
its adapter, never on the complaint item or in the stream. So the notification pipeline tells
them of every change through those channels, exactly as it tells a citizen who set preferences,
and nothing else in the system needs to know that they have no account.

Intake staff are staff of a desk of one government (their token's `opd`, the desk's OPD): the
complaint is routed by that government's own table, so a kabupaten/kota's desk files into its
own OPDs. They see only what they filed (domain/policy: the `filer` audience). The clocks start
when the desk files it, as for an app complaint. The daily filing limit is a citizen's: a desk
files for many people, so it does not apply to intake staff.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.commands import Contact, FileComplaint
from ..domain.errors import Invalid
from ..domain.model import (
    CITIZEN_CHANNELS,
    CONTACT_PREFIX,
    INTAKE_CHANNELS,
    LAPOR_FILER,
    LAPOR_PREFIX,
    Actor,
    Reporter,
    Role,
)
from ..domain.people import Preferences
from . import people


@dataclass(frozen=True)
class Filing:
    """Who the complaint is filed for, and how it came in."""

    channel: str
    reporter: Reporter | None            # None: the calling citizen themself
    contact: Preferences | None          # the person's channels, stored before the complaint


def filing_for(actor: Actor, command: FileComplaint, complaint_id: str) -> Filing:
    """The channel and reporter of a filing by `actor`; Invalid for a field their role may not
    use or a contact that cannot be reached."""
    if actor.role == Role.CITIZEN:
        if command.contact is not None:
            raise Invalid("intake_only", field="contact")
        channel = command.channel or "app"
        if channel not in CITIZEN_CHANNELS:
            raise Invalid("not_allowed_value", field="channel", expected=", ".join(CITIZEN_CHANNELS))
        return Filing(channel, None, None)
    if actor.sub == LAPOR_FILER and actor.role == Role.INTAKE:      # services/lapor.py, never a token
        return lapor_filing(command)
    if command.channel not in INTAKE_CHANNELS:
        raise Invalid("not_allowed_value", field="channel", expected=", ".join(INTAKE_CHANNELS))
    sub = f"{CONTACT_PREFIX}{complaint_id}"
    contact = command.contact or Contact()
    name = contact.name.strip() if contact.name and contact.name.strip() else None
    if command.anonymous and name is not None:
        raise Invalid("anonymous_with_name", field="contact.name")
    return Filing(command.channel, Reporter(sub, name), reachable(sub, contact))


def lapor_filing(command: FileComplaint) -> Filing:
    """A complaint disposed to the province on SP4N-LAPOR!: its reporter is known to us only by the
    LAPOR! tracking number, and every change goes back to LAPOR! (the `lapor` delivery channel)."""
    if command.channel != "lapor" or not command.lapor_id:
        raise Invalid("not_allowed_value", field="channel", expected="lapor")
    sub = f"{LAPOR_PREFIX}{command.lapor_id}"
    name = command.contact.name.strip() if command.contact and command.contact.name else None
    return Filing("lapor", Reporter(sub, None if command.anonymous else name or None),
                  Preferences(sub=sub, channels=("lapor",)))


def reachable(sub: str, contact: Contact) -> Preferences | None:
    """The person's channels (SMS to a phone, e-mail to an address), validated as a citizen's own
    preferences are (services/people.py); None when they left neither."""
    problems: list = []
    phone = people.parse_field(contact.phone, "contact.phone", people.phone, problems)
    email = people.parse_field(contact.email, "contact.email", people.email, problems)
    if problems:
        raise people.InvalidPreferences(problems)
    if phone is None and email is None:
        return None
    channels = (*(("sms",) if phone else ()), *(("email",) if email else ()))
    return Preferences(sub=sub, channels=channels, phone=phone, email=email)
