"""The e2e suites share one way to run `lampungin dev`: a real process on a free port with its own
state directory, one per test module (a module that needs other settings, such as
test_limits_over_http.py, defines its own `stack`)."""
from __future__ import annotations

import pytest

from tests.e2e.test_dev_stack import Stack, free_port


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("lampungin-home"), free_port())
    try:
        running.wait_healthy()
        yield running
    finally:
        if running.proc.poll() is None:
            running.stop()
