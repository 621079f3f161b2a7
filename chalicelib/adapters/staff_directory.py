"""The staff directory (services/ports.StaffDirectory): who is an operator or supervisor of which
OPD, who heads it, who inspects.

* `FileStaffDirectory` — locally: a JSON file under `.local/` (`{"staff": [{"sub", "role", "opd",
  "name", "email", "head"}]}`), seeded by `seed_local_staff` and edited by `lampungin staff`. It is
  read again whenever the file changes, so an edit reaches the running stack without a restart;
  a missing file is an empty directory.
* `CognitoStaffDirectory` — production: the user pool's role groups (`list_users_in_group`), the
  OPD from the custom attribute `custom:opd`, the OPD head from `custom:head` = "true". Read once
  per warm container and kept for `ttl_seconds`.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..domain.governments import PROVINCE, government_of, opd_code
from ..domain.staff import STAFF_DIRECTORY_ROLES, StaffMember

log = logging.getLogger("lampungin.staff")

OPD_ROLES = ("operator", "supervisor")
# What a member may look like (the same shapes auth.py accepts for `sub` and an OPD code).
SUB = re.compile(r"[\x21-\x7e]{1,128}")
OPD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}")
NAME_MAX = 256
# Cognito's own order of the role groups (resources.ROLES' precedence): the role a user in two
# groups has, as the token's first group would say.
PRECEDENCE = ("admin", "inspector", "supervisor", "operator")


class StaffDirectoryError(Exception):
    """The directory cannot be read or written (a file that is not the directory's JSON, …)."""


def check_member(member: StaffMember) -> StaffMember:
    """The member as given, or ValueError naming what is wrong with it."""
    if not isinstance(member.sub, str) or not SUB.fullmatch(member.sub):
        raise ValueError("sub must be 1-128 visible ASCII characters, no spaces")
    if member.role not in STAFF_DIRECTORY_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_DIRECTORY_ROLES)}")
    if member.opd is not None and not (isinstance(member.opd, str) and OPD.fullmatch(member.opd)):
        raise ValueError("opd must be an OPD code such as DINKES")
    if member.role in OPD_ROLES and not member.opd:
        raise ValueError(f"a {member.role} needs an opd")
    if member.head and member.role not in OPD_ROLES:
        raise ValueError("an OPD head is an operator or supervisor of the OPD")
    for field in ("name", "email"):
        value = getattr(member, field)
        if value is not None and not (isinstance(value, str) and 0 < len(value) <= NAME_MAX
                                      and value.isprintable()):
            raise ValueError(f"{field} must be 1-{NAME_MAX} printable characters")
    if member.email is not None and not EMAIL.fullmatch(member.email):
        raise ValueError("email must be an e-mail address")
    if not isinstance(member.head, bool):
        raise ValueError("head must be true or false")
    if member.government is not None:
        if member.role != "inspector":
            raise ValueError("government is for an inspector of a kabupaten/kota")
        if not (isinstance(member.government, str) and OPD.fullmatch(member.government)):
            raise ValueError("government must be a government code such as BANDARLAMPUNG")
    return member


def member_to_json(member: StaffMember) -> dict:
    row = {"sub": member.sub, "role": member.role, "opd": member.opd, "name": member.name,
           "email": member.email, "head": member.head}
    return {**row, "government": member.government} if member.government else row


def member_from_json(row: Any) -> StaffMember:
    """One entry of the file; ValueError when it is not a valid member."""
    if not isinstance(row, dict):
        raise ValueError("an entry must be an object")
    member = StaffMember(sub=row.get("sub", ""), role=row.get("role", ""), opd=row.get("opd") or None,
                         name=row.get("name") or None, email=row.get("email") or None,
                         head=row.get("head", False), government=row.get("government") or None)
    return check_member(member)


def _ordered(members: Iterable[StaffMember]) -> list[StaffMember]:
    return sorted(members, key=lambda m: (m.opd or "", PRECEDENCE.index(m.role), not m.head, m.sub))


class _Index:
    """Members by sub and by (role, opd): what the three questions of the port need."""

    def __init__(self, members: Iterable[StaffMember]):
        self.all = _ordered(members)
        self.by_sub: dict[str, StaffMember] = {}
        for m in self.all:       # a sub listed twice (two groups): the higher-precedence role wins
            held = self.by_sub.get(m.sub)
            if held is None or PRECEDENCE.index(m.role) < PRECEDENCE.index(held.role):
                self.by_sub[m.sub] = m

    def get(self, sub: str) -> StaffMember | None:
        return self.by_sub.get(sub) if isinstance(sub, str) else None

    def members(self, role: str, opd: str | None) -> list[StaffMember]:
        return [m for m in self.all if m.role == role and (opd is None or m.opd == opd)]

    def head(self, opd: str) -> StaffMember | None:
        return next((m for m in self.all if m.head and m.opd == opd), None)


# --- locally: a JSON file ---------------------------------------------------------------------
class FileStaffDirectory:
    """The local directory file. Reads are cheap (one `stat` per call; the file is parsed again only
    when its mtime or size changed); writes replace the file atomically (temp file + os.replace),
    so a reader never sees half of it."""

    def __init__(self, path: str | os.PathLike | None):
        self.path = Path(path) if path is not None else None      # None: nobody, and read-only
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._index = _Index(())

    # reading
    def _read_file(self) -> list[StaffMember]:
        """Every valid member of the file (invalid entries are skipped with a warning); [] when
        the file does not exist; StaffDirectoryError when it is not the directory's JSON."""
        if self.path is None:
            return []
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StaffDirectoryError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise StaffDirectoryError(f"{self.path} is not JSON: {exc}") from None
        rows = data.get("staff") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise StaffDirectoryError(f'{self.path} must hold {{"staff": [...]}}')
        members = []
        for number, row in enumerate(rows, 1):
            try:
                members.append(member_from_json(row))
            except ValueError as why:
                log.warning("staff directory %s: entry %d skipped: %s", self.path, number, why)
        return members

    def _current(self) -> _Index:
        try:
            if self.path is None:
                raise FileNotFoundError
            st = self.path.stat()
            # os.replace gives every rewrite a new inode: a change is seen even where mtime is coarse
            stamp: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or stamp is None:
                self._index = _Index(self._read_file()) if stamp is not None else _Index(())
                self._stamp = stamp
            return self._index

    def get(self, sub: str) -> StaffMember | None:
        return self._current().get(sub)

    def members(self, *, role: str, opd: str | None = None) -> list[StaffMember]:
        return self._current().members(role, opd)

    def head(self, opd: str) -> StaffMember | None:
        return self._current().head(opd)

    def all(self) -> list[StaffMember]:
        """Every member, ordered by OPD, role and sub (what `lampungin staff list` prints)."""
        return list(self._current().all)

    # writing (the CLI)
    def add(self, member: StaffMember) -> bool:
        """Put `member` in the directory, replacing an entry with the same sub. True when the sub
        is new, False when an entry was replaced. ValueError for an invalid member."""
        check_member(member)
        with self._lock:
            members = self._read_file()
            kept = [m for m in members if m.sub != member.sub]
            self._write(kept + [member])
            return len(kept) == len(members)

    def remove(self, sub: str) -> bool:
        """Take `sub` out of the directory; False when it was not in it (the file is untouched)."""
        with self._lock:
            members = self._read_file()
            kept = [m for m in members if m.sub != sub]
            if len(kept) == len(members):
                return False
            self._write(kept)
            return True

    def _write(self, members: list[StaffMember]) -> None:
        if self.path is None:
            raise StaffDirectoryError("this staff directory has no file (STAFF_DIRECTORY_PATH)")
        write_directory(self.path, members)
        self._stamp = None                   # the next read parses what was just written


def write_directory(path: Path, members: Iterable[StaffMember]) -> None:
    """The whole file, atomically: a sibling temp file, then os.replace over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    doc = {"staff": [member_to_json(m) for m in _ordered(members)]}
    try:
        tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StaffDirectoryError(f"cannot write {path}: {exc.strerror or exc}") from None


def seed_local_staff(path: str | os.PathLike, opds: dict[str, str]) -> bool:
    """Write the local directory with a small staff for every OPD (`opds`: code -> name), only when
    the file does not exist yet (a developer's edits are kept). True when it wrote the file.

    Per OPD: `operator.<code>`, `operator2.<code>`, `supervisor.<code>` and the head
    `kepala.<code>` (a supervisor); one `inspektorat` (inspector) and one `admin`; and per
    onboarded kabupaten/kota an inspector `inspektorat.<government>` of that government. The subs are
    what `lampungin token --sub` takes, e-mail addresses `<sub>@lampungin.local`."""
    target = Path(path)
    if target.exists():
        return False
    members = []
    for code, name in sorted(opds.items()):
        low = code.lower()
        members += [
            StaffMember(f"operator.{low}", "operator", code, f"Operator {code}", f"operator.{low}@lampungin.local"),
            StaffMember(f"operator2.{low}", "operator", code, f"Operator 2 {code}",
                        f"operator2.{low}@lampungin.local"),
            StaffMember(f"supervisor.{low}", "supervisor", code, f"Supervisor {code}",
                        f"supervisor.{low}@lampungin.local"),
            StaffMember(f"kepala.{low}", "supervisor", code, f"Kepala {name or code}",
                        f"kepala.{low}@lampungin.local", head=True),
        ]
    members += [
        StaffMember("inspektorat", "inspector", None, "Inspektorat Provinsi Lampung", "inspektorat@lampungin.local"),
        StaffMember("admin", "admin", None, "Admin Lampung In", "admin@lampungin.local"),
    ]
    # every onboarded kabupaten/kota (its OPDs carry its code, domain/governments) has its own
    # inspector, `inspektorat.<code>`, who hears of that government's reports
    for government in sorted({government_of(code) for code in opds} - {PROVINCE}):
        low = government.lower()
        members.append(StaffMember(f"inspektorat.{low}", "inspector", None,
                                   opds.get(opd_code(government, "INSPEKTORAT")) or f"Inspektorat {government}",
                                   f"inspektorat.{low}@lampungin.local", government=government))
    for member in members:
        check_member(member)
    write_directory(target, members)
    return True


# --- production: the Cognito user pool -------------------------------------------------------
class CognitoStaffDirectory:
    """The user pool's staff groups, cached per warm container for `ttl_seconds` (a new colleague
    is known within that time; 0 reads the pool on every call). When a refresh fails and an older
    read exists, that one is used (and the failure logged) rather than nobody being notified."""

    PAGE = 60                 # ListUsersInGroup's largest page

    def __init__(self, user_pool_id: str, region: str, client: Any = None, ttl_seconds: float = 300,
                 clock: Callable[[], float] = time.monotonic):
        self.user_pool_id, self.region = user_pool_id, region
        self.ttl_seconds = ttl_seconds
        self._client = client
        self._clock = clock
        self._lock = threading.Lock()
        self._index: _Index | None = None
        self._read_at = 0.0

    def _cognito(self) -> Any:
        if self._client is None:
            import boto3  # lazy: boto3 costs ~150 ms at cold start; only a directory read pays it
            self._client = boto3.client("cognito-idp", region_name=self.region)
        return self._client

    def _current(self) -> _Index:
        with self._lock:
            now = self._clock()
            if self._index is not None and now - self._read_at < self.ttl_seconds:
                return self._index
            try:
                self._index = _Index(self._read_pool())
            except Exception:
                if self._index is None:
                    raise
                log.exception("staff directory: reading user pool %s failed; keeping the last read",
                              self.user_pool_id)
            self._read_at = now
            return self._index

    def _read_pool(self) -> list[StaffMember]:
        members = []
        for role in STAFF_DIRECTORY_ROLES:
            for user in self._users_in_group(role):
                member = member_from_cognito(user, role)
                if member is not None:
                    members.append(member)
        return members

    def _users_in_group(self, group: str) -> Iterable[dict]:
        token = None
        while True:
            kwargs = {"UserPoolId": self.user_pool_id, "GroupName": group, "Limit": self.PAGE}
            if token:
                kwargs["NextToken"] = token
            page = self._cognito().list_users_in_group(**kwargs)
            yield from page.get("Users", [])
            token = page.get("NextToken")
            if not token:
                return

    def refresh(self) -> None:
        """Forget the cached read: the next question reads the pool."""
        with self._lock:
            self._index = None

    def get(self, sub: str) -> StaffMember | None:
        return self._current().get(sub)

    def members(self, *, role: str, opd: str | None = None) -> list[StaffMember]:
        return self._current().members(role, opd)

    def head(self, opd: str) -> StaffMember | None:
        return self._current().head(opd)

    def all(self) -> list[StaffMember]:
        return list(self._current().all)


def attributes(user: dict) -> dict[str, str]:
    """Cognito's `[{"Name", "Value"}]` (Attributes in ListUsers*, UserAttributes in AdminGetUser)."""
    rows = user.get("Attributes") or user.get("UserAttributes") or []
    return {a["Name"]: a.get("Value", "") for a in rows if isinstance(a, dict) and "Name" in a}


def member_from_cognito(user: dict, role: str) -> StaffMember | None:
    """A user of the `role` group as a StaffMember; None for a disabled user or one whose
    attributes make no valid member (an operator without `custom:opd`: logged, not notified)."""
    if user.get("Enabled") is False:
        return None
    attrs = attributes(user)
    in_opd = role in OPD_ROLES            # an inspector's or admin's custom:opd means nothing
    member = StaffMember(
        sub=attrs.get("sub") or user.get("Username", ""), role=role,
        opd=(attrs.get("custom:opd") or None) if in_opd else None,
        name=attrs.get("name") or None, email=attrs.get("email") or None,
        head=in_opd and attrs.get("custom:head", "").strip().lower() == "true",
        government=(attrs.get("custom:government") or None) if role == "inspector" else None)
    try:
        return check_member(member)
    except ValueError as why:
        log.warning("staff directory: user %s of group %s left out: %s", member.sub, role, why)
        return None
