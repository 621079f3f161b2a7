"""GIVEN SP4N-LAPOR! disposing complaints to the province (the local fake LAPOR! over real HTTP,
localstack/fake_lapor.py, read by the real adapter, adapters/lapor.py), WHEN the exchange pulls
(services/lapor.py) — twice, after a crash, with changed or broken items — THEN each LAPOR!
complaint is one complaint with channel `lapor` and its tracking number, and every change to it
goes back to LAPOR! once (docs/lapor.md)."""
from __future__ import annotations

import pytest

from chalicelib.adapters.lapor import LaporChannel, LaporHttp, LaporInbox, parse_item
from chalicelib.domain.model import LAPOR_FILER, LAPOR_PREFIX
from chalicelib.handlers import lapor_exchange
from chalicelib.services import lapor as exchange
from chalicelib.services.delivery import Outcome, deliver
from chalicelib.services.lapor import LaporDeps, pull
from chalicelib.services.ports import DeliveryFailed, OutgoingMessage
from chalicelib.wiring import container
from lampungin.localstack import fake_lapor
from lampungin.localstack.fake_lapor import FakeLapor, dispose
from tests.app.conftest import staff
from tests.app.test_sanctions_api import invoke, stream_event

TOKEN = "test-lapor-token"
ROADS_OPERATOR = staff("operator", "BMBK", "operator-bmbk")
ROAD = {"tracking_id": "LAPOR-1", "title": "Jalan provinsi berlubang", "category": "jalan-provinsi",
        "description": "Jalan provinsi di Natar berlubang besar sejak dua bulan.", "reporter_name": "Rahmat"}


class Cursor:
    def __init__(self, fail_puts: int = 0):
        self.value, self.fail_puts, self.puts = None, fail_puts, 0

    def get(self):
        return self.value

    def put(self, cursor):
        self.puts += 1
        if self.fail_puts:
            self.fail_puts -= 1
            raise RuntimeError("killed before the cursor was written")
        self.value = cursor


@pytest.fixture
def lapor(tmp_path):
    fake = FakeLapor(tmp_path / "lapor", TOKEN)
    url = fake.start()
    yield fake, url
    fake.stop()


def deps_for(url, cursor=None, token=TOKEN):
    return LaporDeps(complaints=container.deps(), inbox=LaporInbox(LaporHttp(url, token)),
                     cursor=cursor or Cursor(),
                     categories=lambda: frozenset(c.code for c in container.rules.categories))


def lapor_complaints(api):
    admin = ("admin-1", "admin")
    return [c for c in api.get("/v1/complaints?limit=100", admin)[1]["items"] if c["channel"] == "lapor"]


def test_the_same_lapor_complaint_twice_is_one_complaint_with_its_tracking_number(api, lapor):
    fake, url = lapor
    dispose(fake.directory, ROAD)
    dispose(fake.directory, ROAD)
    cursor = Cursor()
    assert pull(deps_for(url, cursor)) == {"filed": 1, "again": 1, "skipped": 0, "pages": 2}
    [c] = lapor_complaints(api)
    assert (c["lapor_id"], c["channel"], c["opd"], c["status"]) == ("LAPOR-1", "lapor", "BMBK", "assigned")
    assert c["reporter"] == {"id": f"{LAPOR_PREFIX}LAPOR-1", "name": "Rahmat"}
    assert api.get(f"/v1/complaints/{c['id']}", ("insp-1", "inspector"))[1]["filed_by"] == LAPOR_FILER
    assert c["deadlines"]["followup_due"] is not None           # the clocks start as for an app complaint
    assert cursor.value == "2"
    # LAPOR! sends it once more, later: still one complaint; a run with nothing new files nothing
    assert pull(deps_for(url, cursor)) == {"filed": 0, "again": 0, "skipped": 0, "pages": 1}
    dispose(fake.directory, ROAD)
    assert pull(deps_for(url, cursor))["again"] == 1
    assert len(lapor_complaints(api)) == 1
    assert api.get(f"/v1/track/{c['id']}")[1]["status"] == "assigned"


def test_changed_content_does_not_make_a_second_complaint_and_the_first_stays(api, lapor):
    fake, url = lapor
    dispose(fake.directory, ROAD)
    dispose(fake.directory, {**ROAD, "title": "Jalan provinsi rusak parah sekali"})
    assert pull(deps_for(url)) == {"filed": 1, "again": 1, "skipped": 0, "pages": 2}
    [c] = lapor_complaints(api)
    assert c["title"] == ROAD["title"]


def test_a_crash_before_the_cursor_moved_replays_the_page_without_doubling(api, lapor):
    fake, url = lapor
    for n in range(3):
        dispose(fake.directory, {**ROAD, "tracking_id": f"LAPOR-{n}"})
    crashing = Cursor(fail_puts=1)
    with pytest.raises(RuntimeError):
        pull(deps_for(url, crashing))
    assert crashing.value is None and len(lapor_complaints(api)) == 3     # filed, cursor not yet moved
    assert pull(deps_for(url, crashing)) == {"filed": 0, "again": 3, "skipped": 0, "pages": 2}
    assert sorted(c["lapor_id"] for c in lapor_complaints(api)) == ["LAPOR-0", "LAPOR-1", "LAPOR-2"]


def test_pages_are_followed_up_to_a_limit_and_the_next_run_goes_on(api, lapor, monkeypatch):
    fake, url = lapor
    monkeypatch.setattr(fake_lapor, "PAGE", 1)
    monkeypatch.setattr(exchange, "MAX_PAGES", 2)
    for n in range(3):
        dispose(fake.directory, {**ROAD, "tracking_id": f"LAPOR-{n}"})
    cursor = Cursor()
    assert pull(deps_for(url, cursor))["filed"] == 2 and cursor.value == "2"
    assert pull(deps_for(url, cursor))["filed"] == 1 and cursor.value == "3"
    assert len(lapor_complaints(api)) == 3


def test_broken_items_are_skipped_and_the_others_come_in(api, lapor):
    fake, url = lapor
    dispose(fake.directory, {**ROAD, "tracking_id": "LAPOR-ok-1"})
    dispose(fake.directory, {**ROAD, "tracking_id": "../../etc"})
    dispose(fake.directory, {**ROAD, "tracking_id": "LAPOR-short", "title": "x"})
    dispose(fake.directory, {**ROAD, "tracking_id": "LAPOR-long", "description": "d" * 5001})
    (fake.directory / fake_lapor.INBOX).open("a").write("not json at all\n")
    dispose(fake.directory, {**ROAD, "tracking_id": "LAPOR-other", "category": "nothing-we-know",
                             "anonymous": True, "title": "Pelayanan kurang ramah"})
    result = pull(deps_for(url))
    assert (result["filed"], result["skipped"]) == (2, 4)
    got = {c["lapor_id"]: c for c in lapor_complaints(api)}
    assert sorted(got) == ["LAPOR-ok-1", "LAPOR-other"]
    assert got["LAPOR-other"]["category"] == "lainnya"           # an unknown category: what nothing else covers
    assert got["LAPOR-other"]["reporter"] is None                 # anonymous on LAPOR!: anonymous here


@pytest.mark.parametrize("raw, why", [
    ([], "not an object"), ({"title": "x"}, "tracking_id"), ({**ROAD, "tracking_id": "A" * 65}, "tracking_id"),
    ({**ROAD, "tracking_id": "LAPOR-١٢"}, "tracking_id"), ({**ROAD, "title": 5}, "title"),
    ({**ROAD, "description": "   short   "}, "description")])
def test_an_item_outside_the_limits_is_not_read(raw, why):
    item, problem = parse_item(raw)
    assert item is None and why in problem


def test_the_exchange_with_a_wrong_token_fails_the_run_and_files_nothing(api, lapor):
    fake, url = lapor
    dispose(fake.directory, ROAD)
    cursor = Cursor()
    with pytest.raises(DeliveryFailed, match="401"):
        pull(deps_for(url, cursor, token="wrong"))
    assert cursor.value is None and lapor_complaints(api) == []


def test_a_stage_without_lapor_has_no_exchange(api):
    assert lapor_exchange({}) == {"lapor": "off"}


def test_every_change_goes_back_to_lapor_once(api, lapor):
    fake, url = lapor
    dispose(fake.directory, ROAD)
    pull(deps_for(url))
    [c] = lapor_complaints(api)
    channel = LaporChannel(LaporHttp(url, TOKEN))
    container.override(channels={"lapor": channel})

    def send_queued():
        queued = [d for d in container.delivery_queue.queued if d.channel == "lapor"]
        container.delivery_queue.queued.clear()
        return [deliver(container.delivery_deps(), d) for d in queued]

    assert invoke(api, "complaint_changes", stream_event(c["id"])) == {"batchItemFailures": []}
    assert send_queued() == [Outcome.SENT]
    status, body = api.post(f"/v1/complaints/{c['id']}/followups", ROADS_OPERATOR,
                            {"message": "Lubang sudah ditambal, silakan dicek."})
    assert status == 200, body
    assert invoke(api, "complaint_changes", stream_event(c["id"])) == {"batchItemFailures": []}
    assert send_queued() == [Outcome.SENT]
    assert [(u["tracking_id"], u["status"]) for u in fake.updates()] == [("LAPOR-1", "diterima"),
                                                                          ("LAPOR-1", "ditindaklanjuti")]
    assert "sudah ditambal" in fake.updates()[1]["message"] and fake.updates()[1]["language"] == "id"
    # the stream delivers the same record again: nothing goes twice
    assert invoke(api, "complaint_changes", stream_event(c["id"])) == {"batchItemFailures": []}
    for d in [d for d in container.delivery_queue.queued if d.channel == "lapor"]:
        assert deliver(container.delivery_deps(), d) == Outcome.DUPLICATE
    assert len(fake.updates()) == 2


def test_the_lapor_channel_keeps_one_update_per_notification_and_refuses_what_lapor_does_not_know(lapor):
    fake, url = lapor
    dispose(fake.directory, ROAD)
    channel = LaporChannel(LaporHttp(url, TOKEN))
    message = OutgoingMessage(notification_id="ntf-1", language="id", title="Ada tanggapan", body="Sudah.",
                              type="citizen.approved")
    channel.send("LAPOR-1", message)
    channel.send("LAPOR-1", message)                              # a retried delivery
    assert [(u["update_id"], u["status"]) for u in fake.updates()] == [("ntf-1", "selesai")]
    with pytest.raises(DeliveryFailed) as unknown:
        channel.send("LAPOR-404", message)
    assert not unknown.value.retryable
    with pytest.raises(DeliveryFailed) as bad:
        channel.send("../x", message)
    assert not bad.value.retryable
    with pytest.raises(DeliveryFailed, match="401") as refused:
        LaporChannel(LaporHttp(url, "wrong")).send("LAPOR-1", message)
    assert "wrong" not in str(refused.value)


def test_a_lapor_reporter_is_reached_only_through_lapor():
    from chalicelib.domain.people import Preferences
    prefs = Preferences(sub=f"{LAPOR_PREFIX}LAPOR-9", channels=("lapor",))
    assert prefs.address("lapor") == "LAPOR-9" and prefs.address("sms") is None
    assert Preferences(sub="warga-1", channels=("lapor",)).address("lapor") is None

