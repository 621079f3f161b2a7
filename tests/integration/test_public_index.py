"""The public indexes and the support transaction on DynamoDB (moto, serialized as DynamoDB is, and
AWS's DynamoDB Local, the reference), and the same read contract on the fake the app tests use:

* only public complaints are in `public_feed`, only located public ones in `public_by_cell` (by
  their geohash cell): a private complaint writes neither, however often it is saved;
* one `public_chunk` is one query that evaluates at most `size` items, newest first, below
  `before`, filters after the Limit and reports how far it looked;
* pages merged from the cells of a circle are exactly the complaints inside it, newest first;
* twenty parallel supports by one citizen count once, by twenty citizens twenty, and the counter is
  always the number of support items.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain import geo
from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import Action, decide, file_complaint
from chalicelib.domain.model import Actor, Location, Role
from chalicelib.services.ports import PublicRead
from chalicelib.services.public_reads import position, read_merged
from chalicelib.services.support import supporter_key
from tests.app.test_no_5xx import send
from tests.app.test_public_tracking import NEAR_VALUES, OUR_ROUTES
from tests.generated_requests import FOCUS, assert_contract_error, requests
from tests.integration.conftest import STORES
from tests.integration.test_no_5xx_dynamodb_local import keys, local_api, wired  # noqa: F401  (fixtures)
from tests.races import all_at_once
from tests.unit.test_geo import destination

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
CITIZEN = Actor("warga-1", Role.CITIZEN)
OPERATOR = Actor("op-1", Role.OPERATOR, "DINKES")
CENTRE = (-5.4292, 105.2610)
RACERS = 20


def _on(request, kind: str, settings):
    """(boto3 client, DynamoComplaintRepository) on moto ("dynamo") or DynamoDB Local."""
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    if kind == "dynamo":
        request.getfixturevalue("serializable_moto")
    client = request.getfixturevalue("dynamodb" if kind == "dynamo" else "dynamodb_local_tables")
    return client, DynamoComplaintRepository(settings)


@pytest.fixture(params=STORES)
def store(request, settings):
    return _on(request, request.param, settings)


@pytest.fixture(params=["fake", *STORES])
def any_repo(request, settings):
    """The read contract on the fake the app tests use, and on both stores."""
    if request.param == "fake":
        from tests.fakes import FakeComplaintRepository
        return FakeComplaintRepository()
    return _on(request, request.param, settings)[1]


def filed(repo, n: int, *, public=True, where=(0.0, 0.0), category="jalan-provinsi", minutes=None):
    """Complaint n, `where` = (bearing, metres) from CENTRE, or None for no location."""
    location = None if where is None else Location(*destination(*CENTRE, *where), "Jl. Soekarno-Hatta")
    complaint, event = file_complaint(
        complaint_id=f"ADU-261127-PUB{n:04d}", actor=CITIZEN,
        at=T0 + timedelta(minutes=n if minutes is None else minutes),
        category=category, sector="lainnya", opd="DINKES", title="Jalan berlubang", description="Lubang besar",
        location=location, visibility="public" if public else "private", anonymous=False,
        routing_rule="r", rules_version="v")
    repo.add(complaint, event)
    return complaint


def raw(client, settings, complaint_id: str) -> dict:
    return client.get_item(TableName=settings.table_name("complaints"), Key={"id": {"S": complaint_id}},
                           ConsistentRead=True)["Item"]


def index_ids(client, settings, index: str, key: str, value: str) -> list[str]:
    out = client.query(TableName=settings.table_name("complaints"), IndexName=index,
                       KeyConditionExpression="#k = :v", ExpressionAttributeNames={"#k": key},
                       ExpressionAttributeValues={":v": {"S": value}}, ScanIndexForward=False)
    return [i["id"]["S"] for i in out["Items"]]


def test_only_public_complaints_are_in_the_public_indexes(store, settings):
    client, repo = store
    located, unlocated = filed(repo, 1), filed(repo, 2, where=None)
    private = filed(repo, 3, public=False)
    new, event = decide(private, Action.CLAIM, OPERATOR, T0, {})
    repo.save(new, event)                                          # a save rewrites the whole item
    cell = geo.cell_of(located.location)
    assert raw(client, settings, located.id)["public_feed"] == {"S": "public"}
    assert raw(client, settings, located.id)["public_cell"] == {"S": cell}
    assert "public_cell" not in raw(client, settings, unlocated.id)
    assert not {"public_feed", "public_cell"} & set(raw(client, settings, private.id))
    assert index_ids(client, settings, "public_feed", "public_feed", "public") == [unlocated.id, located.id]
    assert index_ids(client, settings, "public_by_cell", "public_cell", cell) == [located.id]


def test_one_chunk_is_one_bounded_query_newest_first(any_repo):
    repo = any_repo
    made = [filed(repo, n, category="banjir" if n % 2 else "jalan-provinsi") for n in range(6)]
    chunk = repo.public_chunk(PublicRead(size=4))
    assert [c.id for c in chunk.items] == [c.id for c in made[5:1:-1]]
    assert chunk.frontier == position(made[2])
    chunk = repo.public_chunk(PublicRead(category="banjir", size=4))   # the filter applies after the Limit
    assert [c.id for c in chunk.items] == [made[5].id, made[3].id] and chunk.frontier == position(made[2])
    chunk = repo.public_chunk(PublicRead(before=position(made[2]), size=4))
    assert [c.id for c in chunk.items] == [made[1].id, made[0].id] and chunk.frontier is None
    cell = geo.cell_of(made[0].location)
    assert len(repo.public_chunk(PublicRead(cell=cell, statuses=("assigned",), size=100)).items) == 6
    assert repo.public_chunk(PublicRead(cell=cell, statuses=("resolved", "closed"))).items == []
    assert repo.public_chunk(PublicRead(opd="BAPENDA")).items == []


def test_merged_pages_near_a_point_are_exactly_the_complaints_inside_it(any_repo):
    repo = any_repo
    spots = [(bearing, metres) for bearing in (0, 70, 150, 220, 300) for metres in (200, 2_500, 6_000, 11_000)]
    made = [filed(repo, n, where=spot, minutes=(n * 7) % 23) for n, spot in enumerate(spots)]
    filed(repo, 99, public=False)
    radius = 7_000
    cells = geo.covering_cells(*CENTRE, radius)
    assert len({geo.cell_of(c.location) for c in made} & set(cells)) > 3          # several partitions

    def inside(c):
        return geo.distance_m(*CENTRE, c.location.lat, c.location.lon) <= radius
    got, before = [], None
    for _ in range(20):
        merged = read_merged(repo, PublicRead(), cells, before=before, limit=4, budget=len(cells) + 3,
                             keep=inside, size=3)
        got += [c.id for c in merged.items]
        before = merged.next
        if before is None:
            break
    assert got == [c.id for c in sorted(filter(inside, made), key=position, reverse=True)] and len(got) == 15


def counted(client, settings, complaint_id: str) -> tuple[int, int]:
    """(support items, the counter) as stored."""
    items = client.query(TableName=settings.table_name("supports"), KeyConditionExpression="complaint_id = :c",
                         ExpressionAttributeValues={":c": {"S": complaint_id}}, ConsistentRead=True)["Items"]
    count = [i for i in items if i["supporter"]["S"] == "#count"]
    return len(items) - len(count), int(count[0]["supporters"]["N"]) if count else 0


def test_twenty_parallel_supports_of_one_citizen_count_once(store, settings):
    client, repo = store
    cid = filed(repo, 1).id
    key = supporter_key("warga-2")
    results = all_at_once([partial(repo.support, cid, key, T0) for _ in range(RACERS)], timeout=90)
    assert results == [1] * RACERS, results
    assert counted(client, settings, cid) == (1, 1)
    assert repo.support(cid, key, T0) == 1 and counted(client, settings, cid) == (1, 1)


def test_twenty_citizens_in_parallel_count_twenty(store, settings):
    client, repo = store
    cid, other = filed(repo, 1).id, filed(repo, 2).id
    results = all_at_once([partial(repo.support, cid, supporter_key(f"warga-{i}"), T0) for i in range(RACERS)],
                          timeout=120)
    assert all(isinstance(r, int) for r in results), results
    assert counted(client, settings, cid) == (RACERS, RACERS) and max(results) == RACERS
    assert repo.supporters([cid, other, "ADU-000000-0000000"]) == {cid: RACERS}


def test_supporters_of_more_than_a_batch(store, settings):
    _, repo = store
    ids = [f"ADU-261127-MANY{n:03d}" for n in range(130)]
    for cid in (ids[0], ids[99], ids[100], ids[129]):
        repo.support(cid, supporter_key("warga-2"), T0)
    repo.support(ids[129], supporter_key("warga-3"), T0)
    assert repo.supporters(ids + ids[:5]) == {ids[0]: 1, ids[99]: 1, ids[100]: 1, ids[129]: 2}
    assert repo.supporters([]) == {}


def test_a_support_contended_past_its_attempts_is_a_conflict_and_counts_nothing(settings, monkeypatch):
    from pynamodb.exceptions import CancellationReason, TransactWriteError

    from chalicelib.adapters.dynamo import support

    class Contended(TransactWriteError):
        cancellation_reasons = property(lambda self: [None, CancellationReason("TransactionConflict")])

    class Busy:
        tries = 0

        def __init__(self, connection):
            pass

        def __enter__(self):
            Busy.tries += 1
            return self

        def save(self, *a, **kw):
            pass

        def update(self, *a, **kw):
            pass

        def __exit__(self, *exc):
            raise Contended("cancelled")

    pauses: list[float] = []
    monkeypatch.setattr(support, "TransactWrite", Busy)
    store = support.DynamoSupportStore(settings, sleep=pauses.append)
    with pytest.raises(Conflict) as refused:
        store.add("ADU-261127-BUSY001", supporter_key("warga-2"), T0)
    assert refused.value.code == "support_contended"
    assert Busy.tries == support.ATTEMPTS and len(pauses) == support.ATTEMPTS - 1
    assert all(0 <= p <= support.BACKOFF_CAP for p in pauses)
    with pytest.raises(ValueError):
        store.add("ADU-261127-BUSY001", "#count", T0)


# --- never a 5xx on the public routes, on DynamoDB Local (which validates as DynamoDB does) ---------
@pytest.mark.slow
@pytest.mark.parametrize("focus", FOCUS + ("all",))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_the_public_routes_never_answer_5xx_on_dynamodb_local(local_api, focus, data):  # noqa: F811 (fixture)
    req = data.draw(requests(focus, OUR_ROUTES))
    if data.draw(st.booleans()):
        req.path += ("&" if "?" in req.path else "?") + data.draw(st.sampled_from(NEAR_VALUES))
    status, body, raw, auth = send(local_api, req)
    assert_contract_error(status, body, raw, auth)
