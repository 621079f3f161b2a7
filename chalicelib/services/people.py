"""A person's own data: notification preferences (GET/PUT/DELETE /v1/me/preferences) and the right
to be forgotten (DELETE /v1/me). Only ever the caller's own: no use case here takes another sub.

Preferences are validated here, every field at once (one 422 names each bad field): an e-mail
address as SES can send to (ASCII local part, a dotted domain that IDNA can encode), an
Indonesian mobile number stored as E.164 (+628…), a push token, the channels (each at most once,
each with its address) and the language.

Forgetting keeps the complaints (the OPD's work, the clocks, sanctions and statistics rest on
them) but cuts them loose from the person: each gets a random pseudonym as its reporter
(ports.ComplaintRepository.deidentify_reporter), so it leaves the person's listing and nothing
stored leads back to them. The pseudonym is random on purpose: a hash of sub and complaint id
would let anyone who once saw the sub (staff see a reporter's id) find all of the person's
complaints, anonymous ones included, by hashing every id.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ..domain.errors import Invalid
from ..domain.model import Actor, Role
from ..domain.people import CHANNELS, LANGUAGES, Preferences
from .ports import ComplaintRepository, ListQuery, NotificationStore, PeopleStore

EMAIL_MAX = 254                # RFC 5321's longest path, in its ASCII (IDNA) form
LOCAL_PART_MAX = 64
PHONE_MAX = 32                 # as typed, spaces and dashes included
PUSH_TOKEN_MAX = 4096          # FCM and APNs tokens are far shorter; KMS encrypts at most 4096 bytes
ADDRESS_OF = {"email": "email", "sms": "phone", "whatsapp": "phone", "push": "push_token"}
CHANNEL_NAMES = {"email": "e-mail", "sms": "SMS", "whatsapp": "WhatsApp", "push": "push"}
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_PHONE = re.compile(r"\+?[0-9 -]+")          # [0-9], not \d: "٠٨١٢" and "²" are digits to str, not to us
_PUSH_TOKEN = re.compile(r"[!-~]+")          # printable ASCII, no spaces


class InvalidPreferences(Invalid):
    """Some fields are not acceptable: `problems` holds (field, code, params) for each."""

    def __init__(self, problems: list[tuple[str, str, dict]]):
        field, code, params = problems[0]
        super().__init__(code, field=field, **params)
        self.problems = problems


class _Bad(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def preferences_of(store: PeopleStore, actor: Actor) -> Preferences:
    """The caller's preferences, or the defaults (Indonesian, no channel besides the in-app list)."""
    return store.get(actor.sub) or Preferences(sub=actor.sub)


def clear_preferences(store: PeopleStore, actor: Actor) -> Preferences:
    """Remove the caller's preferences (a repeat changes nothing); the defaults are in force."""
    store.delete(actor.sub)
    return Preferences(sub=actor.sub)


def set_preferences(store: PeopleStore, actor: Actor, body: Mapping, now: datetime) -> Preferences:
    """Replace the caller's preferences with `body` (a field left out or null is removed)."""
    problems: list[tuple[str, str, dict]] = []
    fields = {name: _parse(body, name, parse, problems)
              for name, parse in (("email", email), ("phone", phone), ("push_token", push_token))}
    channels = _channels(body.get("channels"), problems)
    language = body.get("language")
    if language not in LANGUAGES:
        problems.append(("language", "not_allowed_value", {"expected": ", ".join(LANGUAGES)}))
    for channel in channels:
        field = ADDRESS_OF[channel]
        if fields[field] is None and all(p[0] != field for p in problems):
            problems.append((field, "address_required", {"channel": CHANNEL_NAMES[channel]}))
    if problems:
        raise InvalidPreferences(problems)
    prefs = Preferences(sub=actor.sub, language=str(language), channels=channels, updated_at=now, **fields)
    store.put(prefs)
    return prefs


def parse_field(value, name: str, parse: Callable[[str], str], problems: list) -> str | None:
    """One address (`email`, `phone`) checked as in preferences, its problem appended under
    `name` (services/intake.py: a contact given at a desk)."""
    return _parse({name: value}, name, parse, problems)


def _parse(body: Mapping, name: str, parse: Callable[[str], str], problems: list) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise _Bad("wrong_type", expected="string")
        return parse(value)
    except _Bad as bad:
        problems.append((name, bad.code, bad.params))
        return None


def _channels(value, problems: list) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        problems.append(("channels", "wrong_type", {"expected": "array"}))
        return ()
    known = [c for c in value if c in CHANNELS]
    for i, c in enumerate(value):
        if c not in CHANNELS:
            problems.append((f"channels.{i}", "not_allowed_value", {"expected": ", ".join(CHANNELS)}))
    for c in sorted({c for c in known if known.count(c) > 1}, key=CHANNELS.index):
        problems.append(("channels", "duplicate", {"value": c}))
    return tuple(c for c in CHANNELS if c in known)


def email(text: str) -> str:
    """The address with its domain in lower-case Unicode form, or _Bad."""
    if len(text) > EMAIL_MAX:
        raise _Bad("too_long", limit=EMAIL_MAX)
    local, at, domain = text.partition("@")
    if not at or "@" in domain or len(local) > LOCAL_PART_MAX or not _LOCAL.fullmatch(local):
        raise _Bad("invalid_email")
    if not domain or any(c.isspace() or not c.isprintable() for c in domain):
        raise _Bad("invalid_email")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
        shown = ascii_domain.encode("ascii").decode("idna")     # a bad "xn--" label fails here
    except UnicodeError:
        raise _Bad("invalid_email") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise _Bad("invalid_email")
    if len(local) + 1 + len(ascii_domain) > EMAIL_MAX:
        raise _Bad("too_long", limit=EMAIL_MAX)
    return f"{local}@{shown}"


def phone(text: str) -> str:
    """An Indonesian mobile number (08…, 628…, +628…; spaces and dashes allowed) as +628…."""
    if len(text) > PHONE_MAX or not _PHONE.fullmatch(text):
        raise _Bad("invalid_phone")
    digits = text.replace(" ", "").replace("-", "")
    for prefix in ("+62", "62", "0"):
        if digits.startswith(prefix):
            national = digits[len(prefix):]
            break
    else:
        raise _Bad("invalid_phone")
    if not (national.startswith("8") and national.isascii() and national.isdigit() and 9 <= len(national) <= 13):
        raise _Bad("invalid_phone")
    return f"+62{national}"


def push_token(text: str) -> str:
    if len(text) > PUSH_TOKEN_MAX or not _PUSH_TOKEN.fullmatch(text):
        raise _Bad("invalid_push_token", limit=PUSH_TOKEN_MAX)
    return text


# --- the right to be forgotten ---------------------------------------------------------------------
def new_pseudonym() -> str:
    return "forgotten:" + secrets.token_hex(8)


@dataclass
class ForgetDeps:
    people: PeopleStore
    notifications: NotificationStore
    complaints: ComplaintRepository
    pseudonym: Callable[[], str] = new_pseudonym


@dataclass(frozen=True)
class Forgotten:
    complaints_deidentified: int
    notifications_deleted: int
    preferences_deleted: bool


def forget(deps: ForgetDeps, actor: Actor, now: datetime) -> Forgotten:
    """Delete the caller's preferences and notifications and de-identify every complaint they
    filed. Each step is idempotent, so a repeat (after a timeout, say) finishes what is left.
    Staff keep their name on what they did: only a citizen's own complaints are de-identified."""
    had_preferences = deps.people.delete(actor.sub)
    done, cursor = 0, None
    while actor.role == Role.CITIZEN:
        page = deps.complaints.list(ListQuery(reporter=actor.sub, limit=100, cursor=cursor))
        done += sum(deps.complaints.deidentify_reporter(c.id, actor.sub, deps.pseudonym(), at=now)
                    for c in page.items)
        if page.next is None:
            break
        cursor = page.next
    return Forgotten(done, deps.notifications.delete_all(actor.sub), had_preferences)
