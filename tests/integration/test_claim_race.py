"""Twenty operators of one OPD claim the same complaint at the same instant, with real threads on
DynamoDB (moto, serialized as DynamoDB is, and AWS's DynamoDB Local, the reference): exactly one
becomes the assignee, the nineteen others get 409 (`conflict` when they lost the race on the
version, `already_claimed` when they read the complaint after the winner wrote), the timeline has
one claim, and nobody claims over a claim afterwards.

Regression for issue 10 part 2 (twenty parallel claims gave one to three "winners").
"""
from __future__ import annotations

from functools import partial

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import Action, file_complaint
from chalicelib.domain.model import Actor, Role
from chalicelib.services import complaints as service
from chalicelib.services.complaints import Deps
from tests.integration.conftest import STORES, use_store
from tests.integration.test_concurrency import CITIZEN, RULES, T0, ReadTogether
from tests.races import all_at_once

RACERS = 20
OPERATORS = [Actor(f"op-{i:02d}", Role.OPERATOR, "DINKES") for i in range(RACERS)]


@pytest.fixture(params=STORES)
def claim_repo(request, settings):
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    if request.param == "dynamo":
        request.getfixturevalue("serializable_moto")
    use_store(request, request.param)
    return DynamoComplaintRepository(settings)


def filed(repo, n: int) -> str:
    complaint, event = file_complaint(
        complaint_id=f"ADU-261127-CLAIM{n:02d}", actor=CITIZEN, at=T0, category="rs-layanan",
        sector="kesehatan", opd="DINKES", title="Antrean", description="Antrean terlalu lama",
        location=None, visibility="private", anonymous=False, routing_rule="r", rules_version="v")
    repo.add(complaint, event)
    return complaint.id


def race(repo, cid: str, *, read_together: bool) -> list:
    """Every operator claims in its own thread, released together; returns result or error each."""
    store = ReadTogether(repo, RACERS) if read_together else repo
    deps = Deps(repo=store, rules=RULES, now=lambda: T0, new_id=lambda at: "unused")
    return all_at_once([partial(service.act, deps, op, cid, Action.CLAIM, {}) for op in OPERATORS[:RACERS]],
                       timeout=90)


@pytest.mark.parametrize("read_together", [True, False], ids=["all-read-first", "free-running"])
def test_twenty_parallel_claims_give_one_claimer_and_nineteen_409(claim_repo, read_together):
    repo = claim_repo
    rounds = 3
    for n in range(rounds):
        cid = filed(repo, n + (10 if read_together else 0))
        results = race(repo, cid, read_together=read_together)
        winners = [r for r in results if not isinstance(r, Exception)]
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(winners) == 1, results
        assert len(losers) == RACERS - 1
        assert all(isinstance(e, Conflict) and e.code in ("conflict", "already_claimed") for e in losers), losers
        stored = repo.get(cid)
        assert stored.assignee == winners[0].assignee and stored.version == 2
        assert [e.type for e in repo.timeline(cid)] == ["submitted", "claimed"]
        loser = next(a for a in OPERATORS if a.sub != stored.assignee)
        deps = Deps(repo=repo, rules=RULES, now=lambda: T0, new_id=lambda at: "unused")
        with pytest.raises(Conflict) as late:
            service.act(deps, loser, cid, Action.CLAIM, {})
        assert late.value.code == "already_claimed"
