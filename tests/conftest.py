"""Suite-wide setup: the rules bundle the app loads is rebuilt when rules/ changed, so a test
never runs against a stale bundle (the app itself refuses one: StaleBundle)."""
from __future__ import annotations

import os

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")


def pytest_sessionstart(session):
    from chalicelib.rules.bundle import clear_cache, load_bundle
    from chalicelib.rules.model import StaleBundle

    try:
        load_bundle()
    except StaleBundle:
        from lampungin.rules.build import build
        build()
    clear_cache()
