"""Where on Earth: geohash cells and great-circle distances, for "near me" and "similar nearby".

Why geohash: DynamoDB can only look up by key, never by distance. A geohash names the cell of a
fixed grid a point falls in, so complaints are indexed by their cell (a sparse GSI, tables.py
`public_by_cell`); a circle is answered by querying the few cells that touch it
(`covering_cells`) and keeping what lies within the exact distance (`distance_m`, haversine).

CELL_PRECISION 5: cells of 0.0439° x 0.0439° (≈ 4.9 km x 4.9 km in Lampung, 4-6° south), so a
radius of 50 m touches 1-4 cells and the largest radius the API takes (10 km) about 25-30. A finer
cell would multiply the queries for a large radius; a coarser one would make every small-radius
query read most of Bandar Lampung. Pure: no I/O, no clock.
"""
from __future__ import annotations

import math

BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"      # the geohash alphabet (no a, i, l, o)
CELL_PRECISION = 5                               # characters of the indexed cell
EARTH_RADIUS_M = 6_371_008.8                     # mean radius (IUGG)
MARGIN = 1.01                                    # covering over-includes slightly, never under
MAX_CELLS = 48                                   # a circle needing more cells is refused


def _bits(precision: int) -> tuple[int, int]:
    """(latitude bits, longitude bits): geohash interleaves from longitude, so it gets the odd one."""
    if not 1 <= precision <= 12:
        raise ValueError("geohash precision must be 1..12")
    return 5 * precision // 2, (5 * precision + 1) // 2


def _check(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("latitude must be -90..90 and longitude -180..180")


def _bisect(value: float, lo: float, hi: float, bits: int) -> int:
    """The standard geohash halving: each step keeps the half that holds `value` (upper on a tie)."""
    index = 0
    for _ in range(bits):
        mid = (lo + hi) / 2
        if value >= mid:
            index, lo = index * 2 + 1, mid
        else:
            index, hi = index * 2, mid
    return index


def _cell(lat_i: int, lon_i: int, precision: int) -> str:
    lat_bits, lon_bits = _bits(precision)
    chars, word = [], 0
    for k in range(5 * precision):            # even bits from longitude, odd from latitude, MSB first
        bit = (lon_i >> (lon_bits - 1 - k // 2)) & 1 if k % 2 == 0 else (lat_i >> (lat_bits - 1 - k // 2)) & 1
        word = word * 2 + bit
        if k % 5 == 4:
            chars.append(BASE32[word])
            word = 0
    return "".join(chars)


def _indices(cell: str) -> tuple[int, int]:
    lat_i = lon_i = 0
    for k, ch in enumerate(c for char in cell for c in format(BASE32.index(char), "05b")):
        if k % 2 == 0:
            lon_i = lon_i * 2 + int(ch)
        else:
            lat_i = lat_i * 2 + int(ch)
    return lat_i, lon_i


def encode(lat: float, lon: float, precision: int = CELL_PRECISION) -> str:
    """The geohash of a point (as every geohash library computes it)."""
    _check(lat, lon)
    lat_bits, lon_bits = _bits(precision)
    return _cell(_bisect(lat, -90, 90, lat_bits), _bisect(lon, -180, 180, lon_bits), precision)


def bounds(cell: str) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a cell, in degrees."""
    if not cell or any(ch not in BASE32 for ch in cell):
        raise ValueError("not a geohash")
    lat_bits, lon_bits = _bits(len(cell))
    lat_i, lon_i = _indices(cell)
    h, w = 180 / 2 ** lat_bits, 360 / 2 ** lon_bits
    return -90 + lat_i * h, -90 + (lat_i + 1) * h, -180 + lon_i * w, -180 + (lon_i + 1) * w


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine; within 0.5 % of the ellipsoid's)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def _nearest(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def _lon_nearest(lon: float, west: float, east: float) -> float:
    if west <= lon <= east:
        return lon
    to_west, to_east = (west - lon) % 360, (lon - east) % 360        # eastwards / westwards gaps
    return west if to_west <= to_east else east


def covering_cells(lat: float, lon: float, radius_m: float, precision: int = CELL_PRECISION,
                   max_cells: int = MAX_CELLS) -> list[str]:
    """The cells that hold every point within `radius_m` of (lat, lon), nearest first (a few
    extra at the rim: MARGIN). ValueError when that takes more than `max_cells` cells (near the
    poles, where cells narrow), so no request can ask for thousands of queries."""
    _check(lat, lon)
    if not (math.isfinite(radius_m) and radius_m > 0):
        raise ValueError("radius must be positive")
    reach = radius_m * MARGIN + 1
    angle = reach / EARTH_RADIUS_M
    dlat = math.degrees(angle)
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cap = math.sin(angle) / max(math.cos(math.radians(lat)), 1e-12)   # the circle's widest spread
    full = north >= 90 or south <= -90 or cap >= 1
    lat_bits, lon_bits = _bits(precision)
    rows = range(_bisect(south, -90, 90, lat_bits), _bisect(north, -90, 90, lat_bits) + 1)
    n = 2 ** lon_bits
    if full:
        columns = list(range(n))
    else:
        dlon = math.degrees(math.asin(cap))
        first, last = (_bisect(((x + 180) % 360) - 180, -180, 180, lon_bits) for x in (lon - dlon, lon + dlon))
        columns = [(first + i) % n for i in range((last - first) % n + 1)]
    if len(rows) * len(columns) > 4 * max_cells:        # refuse before enumerating a huge grid
        raise ValueError("too many cells for this circle")
    found = []
    for lat_i in rows:
        for lon_i in columns:
            cell = _cell(lat_i, lon_i, precision)
            s, nn, w, e = bounds(cell)
            d = distance_m(lat, lon, _nearest(lat, s, nn), _lon_nearest(lon, w, e))
            if d <= reach:
                found.append((d, cell))
    if len(found) > max_cells:
        raise ValueError("too many cells for this circle")
    return [cell for _, cell in sorted(found)]


def cell_of(location) -> str | None:
    """The indexed cell of a complaint's location (a domain.model.Location), None without both
    coordinates."""
    if location is None or location.lat is None or location.lon is None:
        return None
    return encode(float(location.lat), float(location.lon), CELL_PRECISION)
