"""Lampung's Kemendagri regions, as the Lambda reads them from the rules bundle.

Why here: a complaint's location, a unit's area and a routing row all name Kemendagri codes
("18.71" Kota Bandar Lampung, "18.71.01" Kecamatan Kedaton, "18.71.01.1003" Kelurahan Kedaton);
the Lambda must tell a real code from a typo, name it, and find the kabupaten/kota it lies in,
without the build tooling (PyYAML, csv). lampungin/rules/regions.compile_regions writes the dict
this reads: `{"source": {...}, "rows": [[code, parent, level, name], ...], "boundaries": {...}}`.

Construction is one pass over ~2,900 rows into a dict (cold start); the children index and the
polygons' bounding boxes are built on first use. `locate` answers only where the bundle carries
kabupaten/kota polygons ({code: [ring, ...]}, each ring [[lon, lat], ...]); without them it is None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("provinsi", "kabupaten", "kota", "kecamatan", "desa", "kelurahan")
KABUPATEN_KOTA = ("kabupaten", "kota")

_DOTTED = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?", re.ASCII)
_PLAIN = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{4})?)?)?", re.ASCII)
_LONGEST = len("18.71.01.1001")


def normalise(text: object) -> str | None:
    """A Kemendagri code as written by a person or a form ("1871", "18.71", "1871011001", with
    spaces around) in dotted form ("18.71", "18.71.01.1001"); None for anything else (other
    digits than ASCII, partly dotted, wrong widths, too long). Says nothing of whether it exists."""
    if not isinstance(text, str) or len(text) > _LONGEST + 8:
        return None
    text = text.strip(" \t")
    if _DOTTED.fullmatch(text):
        return text
    if _PLAIN.fullmatch(text):
        return ".".join(p for p in (text[0:2], text[2:4], text[4:6], text[6:10]) if p)
    return None


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    parent: str | None
    level: str
    name: str


class Regions:
    """The regions of the compiled bundle: look-ups by code, the tree, and (with polygons) a point."""

    def __init__(self, compiled: dict):
        self.source: dict = dict(compiled.get("source") or {})
        self._by_code: dict[str, Region] = {
            code: Region(code, parent or None, level, name) for code, parent, level, name in compiled["rows"]}
        self._boundaries: dict[str, list] = dict(compiled.get("boundaries") or {})
        self._children: dict[str, list[Region]] | None = None
        self._boxes: list[tuple[float, float, float, float, str]] | None = None

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Region | None:
        normal = normalise(code)
        return None if normal is None else self._by_code.get(normal)

    def valid(self, code: str) -> bool:
        return self.get(code) is not None

    def name(self, code: str) -> str | None:
        region = self.get(code)
        return None if region is None else region.name

    def of_level(self, *levels: str) -> list[Region]:
        """Every region of these levels, by code (the 15 kabupaten/kota: of_level(*KABUPATEN_KOTA))."""
        return sorted((r for r in self._by_code.values() if r.level in levels), key=lambda r: r.code)

    def kabupaten_kota_of(self, code: str) -> str | None:
        """The kabupaten/kota ("18.xx") a region lies in, itself for one; None for the province or unknown."""
        region = self.get(code)
        if region is None:
            return None
        ancestor = self._by_code.get(region.code[:5])
        return ancestor.code if ancestor is not None and ancestor.level in KABUPATEN_KOTA else None

    def children(self, code: str) -> list[Region]:
        """The regions directly under `code`, by code; [] for a desa/kelurahan or an unknown code."""
        if self._children is None:
            index: dict[str, list[Region]] = {}
            for region in self._by_code.values():
                if region.parent is not None:
                    index.setdefault(region.parent, []).append(region)
            for kids in index.values():
                kids.sort(key=lambda r: r.code)
            self._children = index
        normal = normalise(code)
        return list(self._children.get(normal, ())) if normal is not None else []

    def contains(self, outer: str, inner: str) -> bool:
        """Whether region `inner` is `outer` or lies under it (both must exist)."""
        a, b = self.get(outer), self.get(inner)
        return a is not None and b is not None and (b.code == a.code or b.code.startswith(a.code + "."))

    def locate(self, lat: float, lon: float) -> str | None:
        """The kabupaten/kota whose polygon holds the point (even-odd over its rings, so holes and
        islands count right); None at sea, outside Lampung, or when the bundle has no polygons."""
        if not self._boundaries:
            return None
        if self._boxes is None:
            self._boxes = []
            for code, rings in sorted(self._boundaries.items()):
                points = [p for ring in rings for p in ring]
                if points:
                    self._boxes.append((min(p[0] for p in points), min(p[1] for p in points),
                                        max(p[0] for p in points), max(p[1] for p in points), code))
        for west, south, east, north, code in self._boxes:
            if west <= lon <= east and south <= lat <= north:
                inside = False
                for ring in self._boundaries[code]:
                    if _in_ring(lon, lat, ring):
                        inside = not inside
                if inside:
                    return code
        return None


def _in_ring(x: float, y: float, ring: list) -> bool:
    """Ray casting: a ray to the east crosses the ring's edges an odd number of times from inside."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside
