"""Deploy tests: an in-process moto server (ThreadedMotoServer) that `chalice deploy` and the
deploy tools reach through AWS_ENDPOINT_URL, with fake credentials. Nothing reaches AWS. moto's
accounts live in the process, not in the server: each module starts from an empty account."""
from __future__ import annotations

import os
import urllib.request

import pytest

REGION = "ap-southeast-3"


@pytest.fixture(scope="module")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    reset = urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=30).close()     # noqa: S310 (our own local server)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def aws_env(moto_endpoint):
    """The environment a DevOps shell would have, pointed at moto; restored afterwards."""
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_ENDPOINT_URL": moto_endpoint,
           "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}
    with pytest.MonkeyPatch.context() as mp:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_DYNAMODB"):
            mp.delenv(name, raising=False)
        for name, value in env.items():
            mp.setenv(name, value)
        yield dict(os.environ)
