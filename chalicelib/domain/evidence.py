"""Honest follow-ups: is this follow-up's evidence a near-copy of evidence used elsewhere?

JAKI's 2025 scandal was officers "following up" complaints with photos reused from other
complaints. A follow-up whose text is a near-copy of another complaint's follow-up, or whose
photo is a near-match of a photo used on another complaint, is flagged to the supervisor before
it can be approved (rules/parameters/evidence.yaml sets the thresholds and whether a flag also
refuses approval).

Finding near matches without comparing against everything (locality-sensitive indexes):

* Photos: the 64-bit dHash (adapters/images.py, computed on upload), compared by Hamming
  distance. The 64 bits are cut into 4 bands of 16; a photo is indexed under each band's value and
  every value one bit away (4 × 17 keys), a lookup reads the 4 exact bands: two hashes at distance
  ≤ 7 share a band within one bit (pigeonhole), so every match up to MAX_DISTANCE is found.
* Texts: the set of word pairs (2-shingles), compared by Jaccard similarity. A MinHash signature
  of 16 values in 8 bands of 2 files the text under 8 keys; a text with similarity s shares a band
  with probability 1 − (1 − s²)⁸ (99.5 % at 0.7, 99.99 % at 0.8). Candidates carry their words,
  so the similarity compared with the rules is exact, not estimated. (SimHash was tried first: on
  follow-ups of 15 words, one changed word moved it 10–17 bits while unrelated texts were 23–31
  apart — too close to tell apart.)
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

BITS, BANDS = 64, 4
BAND_BITS = BITS // BANDS
MAX_DISTANCE = 7                 # what the photo index guarantees to find (rules check caps the rules at it)
MINHASH, ROWS = 16, 2            # text signature: 16 values, bands of 2
MIN_WORDS = 6
TEXT, PHOTO = "text", "photo"
_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased words, accents folded: "Sudah DIPERBAIKI!" and "sudah diperbaiki" agree."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(ch for ch in folded if not unicodedata.combining(ch)))


def shingles(text: str) -> frozenset[str]:
    """The text's word pairs; empty for a text too short to say anything ("sudah selesai")."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return frozenset()
    return frozenset(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def _h(salt: int, item: str) -> int:
    return int.from_bytes(hashlib.blake2b(item.encode(), digest_size=8, salt=salt.to_bytes(16, "big")).digest(), "big")


def text_keys(grams: frozenset[str]) -> list[str]:
    """Where a text is filed and where its near copies are looked for (8 MinHash bands)."""
    if not grams:
        return []
    signature = [min(_h(i, g) for g in grams) for i in range(MINHASH)]
    keys = []
    for band in range(MINHASH // ROWS):
        rows = signature[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(repr(rows).encode(), digest_size=6).hexdigest()
        keys.append(f"{TEXT}:{band}:{digest}")
    return keys


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def bands(h: int) -> list[int]:
    return [(h >> (band * BAND_BITS)) & 0xFFFF for band in range(BANDS)]


def photo_index_keys(h: int) -> list[str]:
    """Where a photo hash is filed: each band's value and its 16 one-bit neighbours."""
    kind = PHOTO
    keys = []
    for band, value in enumerate(bands(h)):
        keys.append(_key(kind, band, value))
        keys += [_key(kind, band, value ^ (1 << bit)) for bit in range(BAND_BITS)]
    return keys


def photo_lookup_keys(h: int) -> list[str]:
    """Where to look for near matches of a photo hash: its 4 exact bands."""
    return [_key(PHOTO, band, value) for band, value in enumerate(bands(h))]


def _key(kind: str, band: int, value: int) -> str:
    return f"{kind}:{band}:{value:04x}"


@dataclass(frozen=True)
class Evidence:
    """One piece of a follow-up's evidence: its text (as shingles) or one photo (its dHash)."""

    kind: str                        # TEXT | PHOTO
    complaint_id: str
    ref: str                         # "text" for the follow-up's words, else the attachment id
    photo_hash: int | None = None
    grams: frozenset[str] = frozenset()

    def keys(self, *, filing: bool) -> list[str]:
        if self.kind == PHOTO and self.photo_hash is not None:
            return photo_index_keys(self.photo_hash) if filing else photo_lookup_keys(self.photo_hash)
        return text_keys(self.grams)


@dataclass(frozen=True)
class Flag:
    """One reason a supervisor should look twice at a follow-up."""

    kind: str                 # TEXT: a copied text; PHOTO: a reused photo
    ref: str                  # what of this follow-up (its text, or an attachment id)
    matches_complaint: str    # the other complaint where it was used
    score: int                # photo: bits apart (0 identical); text: similarity in percent

    def as_dict(self) -> dict:
        return {"kind": self.kind, "ref": self.ref, "matches_complaint": self.matches_complaint,
                "score": self.score}


@dataclass(frozen=True)
class Thresholds:
    photo_max_distance: int        # bits (0..MAX_DISTANCE); below 0: photos are not compared
    text_min_similarity: int       # percent (1..100); above 100: texts are not compared


def flags(mine: list[Evidence], candidates: list[Evidence], limits: Thresholds) -> list[Flag]:
    """Near matches of this follow-up's evidence among evidence of *other* complaints (a re-done
    follow-up on the same complaint may show the same place again)."""
    best: dict[tuple[str, str, str], Flag] = {}
    for e in mine:
        for other in candidates:
            if other.kind != e.kind or other.complaint_id == e.complaint_id:
                continue
            if e.kind == PHOTO and e.photo_hash is not None and other.photo_hash is not None:
                d = distance(e.photo_hash, other.photo_hash)
                hit, score, better = d <= min(limits.photo_max_distance, MAX_DISTANCE), d, lambda a, b: a < b
            elif e.kind == TEXT:
                pct = int(similarity(e.grams, other.grams) * 100)
                hit, score, better = pct >= limits.text_min_similarity, pct, lambda a, b: a > b
            else:
                continue
            key = (e.kind, e.ref, other.complaint_id)
            if hit and (key not in best or better(score, best[key].score)):
                best[key] = Flag(e.kind, e.ref, other.complaint_id, score)
    return sorted(best.values(), key=lambda f: (f.kind, f.matches_complaint, f.ref))
