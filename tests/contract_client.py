"""chalice.test.Client with the local stack's gateway (lampungin/localstack/httpserver.py): a path
no route matches answers 404 in the contract's shape, as over HTTP and (with its gateway
responses) in production, instead of chalice.local's 403 "Missing Authentication Token"."""
from __future__ import annotations

from chalice.test import Client, TestHTTPClient

from lampungin.localstack.httpserver import ContractGateway


class ContractClient(Client):
    @property
    def http(self) -> TestHTTPClient:
        if self._http_client is None:
            client = TestHTTPClient(self._app, self._chalice_config)
            client._local_gateway = ContractGateway(self._app, self._chalice_config)
            self._http_client = client
        return self._http_client
