"""Request throttling (chalicelib/api/throttle.py) with an injected clock: token buckets per IP and
per token, a refused request takes nothing, and memory stays bounded however many keys come."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.api.throttle import Rate, Throttle, TokenBuckets, source_ip, token_key
from chalicelib.config import from_env


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


def throttle(clock, ip=Rate(50, 100), token=Rate(10, 30), max_keys=10_000) -> Throttle:
    return Throttle(per_ip=ip, per_token=token, max_keys=max_keys, clock=clock)


def test_a_token_gets_its_burst_then_its_rate(clock):
    t = throttle(clock)
    assert all(t.admit("10.0.0.1", "Bearer a") == 0 for _ in range(30))
    wait = t.admit("10.0.0.1", "Bearer a")
    assert wait == pytest.approx(0.1)                    # one token at 10 a second
    clock.t += 0.1
    assert t.admit("10.0.0.1", "Bearer a") == 0
    assert t.admit("10.0.0.1", "Bearer a") > 0
    assert t.admit("10.0.0.1", "Bearer b") == 0          # another token has its own bucket


def test_an_address_is_limited_whatever_tokens_it_sends(clock):
    t = throttle(clock, ip=Rate(1, 5))
    assert [t.admit("10.0.0.2", f"Bearer {i}") for i in range(5)] == [0] * 5
    assert t.admit("10.0.0.2", "Bearer new") == pytest.approx(1.0)
    assert t.admit("10.0.0.2", None) > 0                 # and without one
    assert t.admit("10.0.0.3", None) == 0


def test_a_refused_request_takes_nothing(clock):
    t = throttle(clock, ip=Rate(1, 3), token=Rate(1, 1))
    assert t.admit("10.0.0.4", "Bearer a") == 0
    for _ in range(5):                                   # refused by the token bucket ...
        assert t.admit("10.0.0.4", "Bearer a") > 0
    assert t.admit("10.0.0.4", "Bearer b") == 0          # ... so the address still has tokens
    assert t.admit("10.0.0.4", "Bearer c") == 0
    assert t.admit("10.0.0.4", "Bearer d") > 0


def test_a_rate_of_zero_turns_a_throttle_off(clock):
    t = throttle(clock, ip=Rate(0, 100), token=Rate(10, 0))
    assert all(t.admit("10.0.0.5", "Bearer a") == 0 for _ in range(1000))
    assert Throttle.unlimited().admit("10.0.0.5", "Bearer a") == 0


def test_memory_is_bounded_by_max_keys(clock):
    t = throttle(clock, max_keys=100)
    for i in range(5000):
        assert t.admit(f"10.1.{i // 256}.{i % 256}", f"Bearer {i}") == 0
    assert len(t.per_ip) <= 100 and len(t.per_token) <= 100


def test_refilled_buckets_are_dropped_as_they_age(clock):
    buckets = TokenBuckets(Rate(10, 30), max_keys=10_000)
    for i in range(50):
        buckets.take(f"k{i}", clock.t)
    clock.t += 3.0                                       # 30 tokens at 10 a second: all full again
    buckets.take("late", clock.t)
    assert len(buckets) == 1
    assert buckets.tokens("k0", clock.t) == 30           # forgetting a full bucket changes nothing


def test_the_least_recently_used_goes_first(clock):
    buckets = TokenBuckets(Rate(1, 10), max_keys=2)
    buckets.take("a", clock.t)
    buckets.take("b", clock.t)
    buckets.take("a", clock.t)                           # a is the most recent now
    buckets.take("c", clock.t)
    assert buckets.tokens("a", clock.t) == 8 and buckets.tokens("b", clock.t) == 10   # b was dropped


def test_tokens_are_kept_as_digests_and_the_address_is_the_gateways():
    assert "secret" not in token_key("Bearer secret") and len(token_key("Bearer secret")) == 32
    assert token_key("Bearer \udcff") != token_key("Bearer x")          # any header text
    request = SimpleNamespace(context={"identity": {"sourceIp": "203.0.113.9"}},
                              headers={"x-forwarded-for": "1.2.3.4"})
    assert source_ip(request) == "203.0.113.9"
    assert source_ip(SimpleNamespace(context=None)) == "unknown"
    assert source_ip(SimpleNamespace(context={"identity": {"sourceIp": 7}})) == "unknown"


def test_settings_have_provincial_defaults_and_can_be_set():
    s = from_env({})
    assert (s.throttle_token_rate, s.throttle_token_burst) == (10, 30)
    assert (s.throttle_ip_rate, s.throttle_ip_burst, s.throttle_max_keys) == (50, 100, 10_000)
    s = from_env({"THROTTLE_TOKEN_RATE": "2.5", "THROTTLE_IP_BURST": "0", "THROTTLE_MAX_KEYS": "0"})
    assert (s.throttle_token_rate, s.throttle_ip_burst, s.throttle_max_keys) == (2.5, 0, 1)
