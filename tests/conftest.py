"""Suite-wide setup: the rules bundle the app loads is rebuilt when rules/ changed, so a test
never runs against a stale bundle (the app itself refuses one: StaleBundle)."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
# The suites send hundreds of requests a second from one address and one token: request throttling
# (chalicelib/api/throttle.py) is off for them, here and in the stacks they start; its own tests
# set the rates they need (tests/unit/test_throttle.py, tests/app/test_throttle_api.py).
for _rate in ("THROTTLE_IP_RATE", "THROTTLE_TOKEN_RATE"):
    os.environ.setdefault(_rate, "0")


@pytest.fixture(autouse=True)
def _unthrottled():
    """Also for apps whose settings do not come from the environment (tests/app's dynamo_api)."""
    from chalicelib.api.throttle import Throttle
    from chalicelib.wiring import container
    container.override(throttle=Throttle.unlimited())
    yield
    container.reset()


def pytest_sessionstart(session):
    from chalicelib.rules.bundle import clear_cache, load_bundle
    from chalicelib.rules.model import StaleBundle

    try:
        load_bundle()
    except StaleBundle:
        from lampungin.rules.build import build
        build()
    clear_cache()
