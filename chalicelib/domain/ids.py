"""Complaint ids people can read over the phone: ADU-YYMMDD-XXXXXXX (Crockford base32)."""
from __future__ import annotations

from datetime import datetime

from .times import WIB

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"   # Crockford: no I, L, O, U


def complaint_id(at: datetime, random_bits: int) -> str:
    """`random_bits` is a 35-bit random integer supplied by the caller (the domain has no RNG)."""
    chars = []
    for _ in range(7):
        chars.append(ALPHABET[random_bits & 31])
        random_bits >>= 5
    return f"ADU-{at.astimezone(WIB):%y%m%d}-{''.join(reversed(chars))}"


def plausible_id(text: str) -> bool:
    """Short printable ASCII: anything else cannot be a complaint id, and is not worth a read
    (DynamoDB would reject an empty or over-long key with an error, not an absence)."""
    return 0 < len(text) <= 64 and text.isascii() and text.isprintable() and "/" not in text
