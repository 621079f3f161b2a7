"""Hand-written in-memory fakes of the notification store, the delivery queue and log, the staff
directory and the people store (services/ports.py). The same behaviour the DynamoDB adapters
promise: conditional puts, leases, newest-first pages with the one cursor codec."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from chalicelib.domain.people import Preferences
from chalicelib.domain.staff import StaffMember
from chalicelib.services.paging import check_limit, decode_cursor, encode_cursor, query_tag
from chalicelib.services.ports import Delivery, Page, StoredNotification


class FakeNotificationStore:
    def __init__(self):
        self.items: dict[tuple[str, str], StoredNotification] = {}
        self.leases: dict[tuple[str, str, str], datetime] = {}
        self.marks: dict[str, int] = {}
        self._lock = threading.RLock()

    def add(self, n: StoredNotification) -> bool:
        with self._lock:
            if (n.recipient, n.id) in self.items:
                return False
            self.items[(n.recipient, n.id)] = n
            return True

    def get(self, recipient, notification_id):
        return self.items.get((recipient, notification_id))

    def list(self, recipient, *, limit, cursor):
        check_limit(limit)
        tag = query_tag("notifications", recipient)
        mine = sorted((n for (r, _), n in self.items.items() if r == recipient),
                      key=lambda n: (n.at, n.id), reverse=True)
        if cursor:
            pos = decode_cursor(cursor, {"q": tag, "id": str, "at": str})
            mine = [n for n in mine if (n.at.isoformat(), n.id) < (pos["at"], pos["id"])]
        page = mine[:limit]
        nxt = encode_cursor({"q": tag, "id": page[-1].id, "at": page[-1].at.isoformat()}) if len(mine) > limit else None
        return Page(page, nxt)

    def _update(self, recipient, notification_id, **changes):
        n = self.items.get((recipient, notification_id))
        if n is not None:
            self.items[(recipient, notification_id)] = replace(n, **changes)

    def mark_read(self, recipient, notification_id, at):
        with self._lock:
            n = self.get(recipient, notification_id)
            if n is None:
                return None
            if n.read_at is None:
                self._update(recipient, notification_id, read_at=at)
            return self.get(recipient, notification_id)

    def mark_queued(self, recipient, notification_id, at):
        with self._lock:
            self._update(recipient, notification_id, queued_at=at)

    def lease(self, recipient, notification_id, channel, *, now, until):
        with self._lock:
            n = self.get(recipient, notification_id)
            held = self.leases.get((recipient, notification_id, channel))
            if n is None or channel in n.delivered or (held is not None and held >= now):
                return False
            self.leases[(recipient, notification_id, channel)] = until
            return True

    def delivered(self, recipient, notification_id, channel, at):
        with self._lock:
            n = self.get(recipient, notification_id)
            if n is not None:
                self._update(recipient, notification_id, delivered={**n.delivered, channel: at})
            self.leases.pop((recipient, notification_id, channel), None)

    def release(self, recipient, notification_id, channel):
        with self._lock:
            self.leases.pop((recipient, notification_id, channel), None)

    def progress(self, complaint_id):
        return self.marks.get(complaint_id, 0)

    def advance(self, complaint_id, seq):
        with self._lock:
            self.marks[complaint_id] = max(seq, self.marks.get(complaint_id, 0))

    def delete_all(self, recipient):
        with self._lock:
            mine = [k for k in self.items if k[0] == recipient]
            for k in mine:
                del self.items[k]
            return len(mine)

    def of(self, recipient):
        """Test helper: a person's notifications, oldest first."""
        return sorted((n for (r, _), n in self.items.items() if r == recipient), key=lambda n: (n.at, n.id))


class FakeDeliveryQueue:
    def __init__(self):
        self.queued: list[Delivery] = []
        self.dead: list[tuple[Delivery, str]] = []
        self.delays: list[tuple[str, str, int]] = []

    def enqueue(self, delivery):
        self.queued.append(delivery)

    def dead_letter(self, delivery, reason):
        self.dead.append((delivery, reason))

    def retry_after(self, channel, receipt_handle, seconds):
        self.delays.append((channel, receipt_handle, seconds))


class FakeDeliveryLog:
    def __init__(self):
        self.lines: list[dict] = []

    def record(self, **line):
        self.lines.append(line)


def seeded_staff(opds=("DINKES", "DISDIK", "BAPENDA", "DPMPTSP")) -> list[StaffMember]:
    """The directory the app tests run with: per OPD two operators, a supervisor and a head
    (subs as tests/app/conftest.staff makes them), and one inspector."""
    out = []
    for opd in opds:
        low = opd.lower()
        out += [StaffMember(f"operator-{low}", "operator", opd), StaffMember(f"operator2-{low}", "operator", opd),
                StaffMember(f"supervisor-{low}", "supervisor", opd),
                StaffMember(f"kepala-{low}", "supervisor", opd, head=True)]
    return out + [StaffMember("insp-1", "inspector")]


class FakeStaffDirectory:
    def __init__(self, members=None):
        self.members_ = list(seeded_staff() if members is None else members)

    def get(self, sub):
        return next((m for m in self.members_ if m.sub == sub), None)

    def members(self, *, role, opd=None):
        return [m for m in self.members_ if m.role == role and (opd is None or m.opd == opd)]

    def head(self, opd):
        return next((m for m in self.members_ if m.opd == opd and m.head), None)


class FakePeople:
    """Preferences in memory (the real store encrypts; see tests/integration/test_people_store.py)."""

    def __init__(self, *prefs: Preferences):
        self.prefs = {p.sub: p for p in prefs}

    def get(self, sub):
        return self.prefs.get(sub)

    def get_many(self, subs):
        return {s: self.prefs[s] for s in subs if s in self.prefs}

    def put(self, prefs):
        self.prefs[prefs.sub] = prefs

    def delete(self, sub):
        return self.prefs.pop(sub, None) is not None
