"""PeopleStore on DynamoDB: one item per person (`people`, hash key `sub`; see tables.py).

E-mail, phone and push token are stored only as ciphertexts (`*_enc`, from the cipher: KMS in
production, adapters/kms_cipher.py), each bound to the person and the field, so nothing in the
table reads as an address and a value copied to another item does not decrypt. Language,
channels and updated_at are plain: they say nothing about who the person is, and the
notification fan-out needs them.

A value that does not decrypt (tampered, copied from another item) is read as absent and logged
without the person or the value: the person sees the field empty and can set it again. The model
is built per (table prefix, region) and cached, as models.py does for the other tables.
"""
from __future__ import annotations

import logging
from functools import cache
from typing import Any, Protocol

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError
from pynamodb.models import Model

from ...domain.people import Preferences
from ..kms_cipher import CipherError
from .batch import MAX_KEYS, batch_get
from .conditional import FAILED
from .models import UTCTimeAttribute

log = logging.getLogger("lampungin.people")
SECRET_FIELDS = ("email", "phone", "push_token")       # encrypted; everything else is plain


class Cipher(Protocol):
    def encrypt(self, plaintext: str, *, sub: str, field: str) -> str: ...

    def decrypt(self, ciphertext: str, *, sub: str, field: str) -> str: ...


def people_model(settings) -> Any:
    """The PynamoDB model of the `people` table for these settings (a Model class)."""
    return _build(settings.table_prefix, settings.region)


@cache
def _build(prefix: str, region: str) -> Any:
    meta = type("Meta", (), {"table_name": f"{prefix}people", "region": region})
    return type("PersonItem", (Model,), {
        "Meta": meta,
        "sub": UnicodeAttribute(hash_key=True),
        "language": UnicodeAttribute(),
        "channels": ListAttribute(of=UnicodeAttribute, default=list),
        "updated_at": UTCTimeAttribute(null=True),
        **{f"{name}_enc": UnicodeAttribute(null=True) for name in SECRET_FIELDS},
    })


class DynamoPeopleStore:
    def __init__(self, settings, cipher: Cipher):
        self._M = people_model(settings)
        self._cipher = cipher

    def get(self, sub: str) -> Preferences | None:
        try:
            return self._from_item(self._M.get(sub, consistent_read=True))
        except self._M.DoesNotExist:
            return None

    def get_many(self, subs: list[str]) -> dict[str, Preferences]:
        """Preferences of those among `subs` who have stored any, one BatchGetItem per 100 people;
        what stays unprocessed after batch.py's bounded retry is read one by one."""
        unique = list(dict.fromkeys(subs))
        found: dict[str, Preferences] = {}
        for start in range(0, len(unique), MAX_KEYS):
            keys = [{"sub": {"S": s}} for s in unique[start:start + MAX_KEYS]]
            items, unprocessed = batch_get(self._M, keys, consistent_read=True)
            for item in items:
                found[item.sub] = self._from_item(item)
            for key in unprocessed:
                prefs = self.get(key["sub"]["S"])
                if prefs is not None:
                    found[prefs.sub] = prefs
        return found

    def put(self, prefs: Preferences) -> None:
        """Replace the person's preferences (their own, from PUT /v1/me/preferences: the last
        write wins). Every personal field is encrypted before the item is built."""
        sealed = {f"{name}_enc": self._seal(prefs, name) for name in SECRET_FIELDS}
        self._M(prefs.sub, language=prefs.language, channels=list(prefs.channels),
                updated_at=prefs.updated_at, **sealed).save()

    def delete(self, sub: str) -> bool:
        try:
            self._M(sub).delete(condition=self._M.sub.exists())
        except DeleteError as exc:
            if exc.cause_response_code == FAILED:
                return False
            raise
        return True

    def _seal(self, prefs: Preferences, name: str) -> str | None:
        value = getattr(prefs, name)
        return self._cipher.encrypt(value, sub=prefs.sub, field=name) if value else None

    def _open(self, item, name: str) -> str | None:
        sealed = getattr(item, f"{name}_enc")
        if not sealed:
            return None
        try:
            return self._cipher.decrypt(sealed, sub=item.sub, field=name)
        except CipherError:
            log.warning("a stored %s did not decrypt for its person: read as absent", name)
            return None

    def _from_item(self, item) -> Preferences:
        return Preferences(sub=item.sub, language=item.language, channels=tuple(item.channels or ()),
                           updated_at=item.updated_at,
                           **{name: self._open(item, name) for name in SECRET_FIELDS})
