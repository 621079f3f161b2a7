"""Geohash cells and distances (chalicelib/domain/geo.py): the same cells as every geohash library,
and a covering of a circle that never misses a point inside it — the public list's `near=` and a
filing's `similar` find complaints only through it."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import geo
from chalicelib.domain.model import Location

BANDAR_LAMPUNG = (-5.4292, 105.2610)


def destination(lat: float, lon: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """The point `distance_m` from (lat, lon) along `bearing_deg`, on the same sphere as geo."""
    d = distance_m / geo.EARTH_RADIUS_M
    p1, l1, b = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def test_known_geohashes():
    assert geo.encode(57.64911, 10.40744, 11) == "u4pruydqqvj"      # Wikipedia's example
    assert geo.encode(42.6, -5.6, 5) == "ezs42"
    assert geo.encode(*BANDAR_LAMPUNG, 5) == "qr4c5" and geo.encode(*BANDAR_LAMPUNG) == "qr4c5"
    south, north, west, east = geo.bounds("ezs42")
    assert (south, north, west, east) == (42.5830078125, 42.626953125, -5.625, -5.5810546875)
    assert geo.encode(90, 180, 5) == "zzzzz" and geo.encode(-90, -180, 5) == "00000"


def test_a_precision_5_cell_is_about_five_kilometres_in_lampung():
    south, north, west, east = geo.bounds(geo.encode(*BANDAR_LAMPUNG))
    width = geo.distance_m(south, west, south, east)
    height = geo.distance_m(south, west, north, west)
    assert 4_800 < width < 4_900 and 4_850 < height < 4_900


@pytest.mark.parametrize("lat, lon", [(math.nan, 0), (0, math.inf), (91, 0), (-90.0001, 0), (0, 180.5), (0, -181)])
def test_points_off_the_globe_are_refused(lat, lon):
    with pytest.raises(ValueError):
        geo.encode(lat, lon)
    with pytest.raises(ValueError):
        geo.covering_cells(lat, lon, 100)


@pytest.mark.parametrize("bad", ["", "ab!", "ai", "x" * 13])
def test_bounds_refuse_what_is_not_a_geohash(bad):
    with pytest.raises(ValueError):
        geo.bounds(bad)


def test_precision_and_radius_must_be_sensible():
    for precision in (0, 13):
        with pytest.raises(ValueError):
            geo.encode(0, 0, precision)
    for radius in (0, -5, math.nan, math.inf):
        with pytest.raises(ValueError):
            geo.covering_cells(0, 0, radius)


def test_distances():
    assert geo.distance_m(0, 0, 0, 1) == pytest.approx(111_195, rel=1e-4)
    assert geo.distance_m(*BANDAR_LAMPUNG, *BANDAR_LAMPUNG) == 0
    a, b = BANDAR_LAMPUNG, (-5.1136, 105.3067)                   # Metro, about 35 km
    assert geo.distance_m(*a, *b) == geo.distance_m(*b, *a)
    assert 34_000 < geo.distance_m(*a, *b) < 36_500
    assert geo.distance_m(0, 179.9995, 0, -179.9995) == pytest.approx(111.2, rel=1e-3)   # across 180°
    assert geo.distance_m(90, 0, -90, 0) == pytest.approx(math.pi * geo.EARTH_RADIUS_M)


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180), precision=st.integers(1, 11))
def test_a_point_lies_in_its_cell_and_a_finer_cell_inside_the_coarser(lat, lon, precision):
    cell = geo.encode(lat, lon, precision)
    south, north, west, east = geo.bounds(cell)
    assert south <= lat <= north and west <= lon <= east
    assert geo.encode(lat, lon, precision + 1).startswith(cell)


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(-50, 50), lon=st.floats(-180, 180), radius=st.integers(50, 10_000),
       bearing=st.floats(0, 360), share=st.floats(0, 1))
def test_the_covering_holds_every_point_within_the_radius(lat, lon, radius, bearing, share):
    cells = geo.covering_cells(lat, lon, radius)
    point = destination(lat, lon, bearing, radius * share)
    assert geo.encode(*point) in cells
    assert len(cells) == len(set(cells)) <= geo.MAX_CELLS
    assert geo.encode(lat, lon) in cells


@pytest.mark.parametrize("radius, most", [(50, 4), (500, 4), (1_000, 4), (5_000, 16), (10_000, 30)])
def test_few_cells_for_lampung_radii(radius, most):
    assert 1 <= len(geo.covering_cells(*BANDAR_LAMPUNG, radius)) <= most


def test_the_covering_keeps_only_cells_that_touch_the_circle():
    cells = geo.covering_cells(*BANDAR_LAMPUNG, 10_000)
    lat, lon = BANDAR_LAMPUNG
    for cell in cells:
        s, n, w, e = geo.bounds(cell)
        nearest = (min(max(lat, s), n), min(max(lon, w), e))
        assert geo.distance_m(lat, lon, *nearest) <= 10_000 * geo.MARGIN + 1
    box = {geo.encode(la, lo) for la in (lat - 0.09, lat + 0.09) for lo in (lon - 0.09, lon + 0.09)}
    assert box - set(cells), "the corners of the bounding box are outside the circle"


def test_a_circle_across_the_antimeridian_takes_cells_of_both_sides():
    cells = geo.covering_cells(0.0, 179.999, 2_000)
    assert {c[0] for c in cells} >= {"r", "2"} or {c[0] for c in cells} >= {"x", "8"}
    assert geo.encode(*destination(0.0, 179.999, 90, 1_500)) in cells


def test_near_a_pole_a_large_circle_is_refused_instead_of_thousands_of_cells():
    with pytest.raises(ValueError):
        geo.covering_cells(89.99, 0, 10_000)
    assert geo.covering_cells(85.0, 0, 50)                         # a small one is fine


def test_the_cell_of_a_location():
    assert geo.cell_of(Location(*BANDAR_LAMPUNG, "Bandar Lampung")) == "qr4c5"
    assert geo.cell_of(Location(-5, 105)) == geo.encode(-5, 105)   # stored integers too
    assert geo.cell_of(None) is None
    assert geo.cell_of(Location(lat=-5.4, lon=None)) is None and geo.cell_of(Location(None, 105.2)) is None
