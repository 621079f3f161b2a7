"""Merging newest-first reads of several index partitions into pages (services/public_reads.py):
whatever the page size, the store's Limit, the read budget and the filters, the pages together
are exactly the matching complaints, newest first, each once — and no page costs more than its
budget of store requests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import geo
from chalicelib.domain.lifecycle import file_complaint
from chalicelib.domain.model import Actor, Location, Role
from chalicelib.services.ports import PublicRead
from chalicelib.services.public_reads import position, read_merged
from tests.fakes import FakeComplaintRepository

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
CENTRE = (-5.4292, 105.2610)
CITIZEN = Actor("warga-1", Role.CITIZEN)


def store_with(specs) -> FakeComplaintRepository:
    """specs: (minutes after T0, dlat, dlon, category, public) per complaint."""
    repo = FakeComplaintRepository()
    for n, (minutes, dlat, dlon, category, public) in enumerate(specs):
        complaint, event = file_complaint(
            complaint_id=f"ADU-261101-{n:07d}", actor=CITIZEN, at=T0 + timedelta(minutes=minutes),
            category=category, sector="lainnya", opd="BIRO-ORG", title="Jalan rusak", description="Berlubang",
            location=Location(CENTRE[0] + dlat, CENTRE[1] + dlon), visibility="public" if public else "private",
            anonymous=False, routing_rule=None, rules_version=None)
        repo.add(complaint, event)
    return repo


def pages(repo, template, cells, *, limit, size, budget, keep):
    out, before, reads = [], None, []
    for _ in range(500):
        merged = read_merged(repo, template, cells, before=before, limit=limit, budget=budget, keep=keep, size=size)
        assert len(merged.items) <= limit and merged.reads <= max(budget, len(set(cells)))
        out.append(merged.items)
        reads.append(merged.reads)
        if merged.next is None:
            return out, reads
        before = merged.next
    raise AssertionError("paging did not end")


SPECS = st.lists(st.tuples(st.integers(0, 50), st.floats(-0.12, 0.12), st.floats(-0.12, 0.12),
                           st.sampled_from(["jalan-rusak", "banjir"]), st.booleans()), max_size=40)


@settings(max_examples=120, deadline=None)
@given(specs=SPECS, limit=st.integers(1, 7), size=st.integers(1, 9), budget=st.integers(0, 12),
       radius=st.integers(50, 10_000), category=st.sampled_from([None, "jalan-rusak"]))
def test_pages_near_a_point_are_exactly_the_matches_newest_first(specs, limit, size, budget, radius, category):
    repo = store_with(specs)
    cells = geo.covering_cells(*CENTRE, radius)

    def keep(c):
        return geo.distance_m(*CENTRE, c.location.lat, c.location.lon) <= radius

    got, _ = pages(repo, PublicRead(category=category), cells, limit=limit, size=size, budget=budget, keep=keep)
    expected = sorted((c for c in repo.complaints.values() if c.visibility == "public" and keep(c)
                       and category in (None, c.category)), key=position, reverse=True)
    flat = [c.id for page in got for c in page]
    assert flat == [c.id for c in expected]


@settings(max_examples=60, deadline=None)
@given(specs=SPECS, limit=st.integers(1, 5), size=st.integers(1, 6))
def test_the_whole_feed_pages_like_one_partition(specs, limit, size):
    repo = store_with(specs)
    got, _ = pages(repo, PublicRead(), [None], limit=limit, size=size, budget=3, keep=lambda c: True)
    expected = sorted((c for c in repo.complaints.values() if c.visibility == "public"), key=position, reverse=True)
    assert [c.id for page in got for c in page] == [c.id for c in expected]


def test_a_page_that_runs_out_of_reads_continues_where_it_stopped():
    repo = store_with([(m, 0.0, 0.0, "banjir" if m % 5 else "jalan-rusak", True) for m in range(40)])
    template = PublicRead(category="jalan-rusak")
    merged = read_merged(repo, template, [None], before=None, limit=5, budget=2, keep=lambda c: True, size=4)
    assert merged.reads == 2 and merged.next is not None
    assert [c.category for c in merged.items] == ["jalan-rusak"] * len(merged.items)
    got, reads = pages(repo, template, [None], limit=5, size=4, budget=2, keep=lambda c: True)
    assert [c.id for page in got for c in page] == [f"ADU-261101-{m:07d}" for m in range(35, -1, -5)]
    assert max(reads) <= 2


def test_every_partition_is_read_at_least_once_whatever_the_budget():
    repo = store_with([(1, 0.0, 0.0, "banjir", True), (2, 0.2, 0.2, "banjir", True)])
    cells = [geo.encode(*CENTRE), geo.encode(CENTRE[0] + 0.2, CENTRE[1] + 0.2)]
    merged = read_merged(repo, PublicRead(), cells, before=None, limit=5, budget=0, keep=lambda c: True, size=10)
    assert merged.reads == 2 and [c.id for c in merged.items] == ["ADU-261101-0000001", "ADU-261101-0000000"]
    assert merged.next is None
    assert repo.calls["public_chunk"] == 2


def test_nonsense_arguments_are_refused():
    repo = FakeComplaintRepository()
    for kwargs in ({"limit": 0}, {"size": 0}):
        with pytest.raises(ValueError):
            read_merged(repo, PublicRead(), [None], before=None, budget=1, keep=lambda c: True,
                        **{"limit": 5, "size": 5, **kwargs})
    with pytest.raises(ValueError):
        read_merged(repo, PublicRead(), [], before=None, limit=5, budget=1, keep=lambda c: True, size=5)
