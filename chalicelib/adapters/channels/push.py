"""Mobile push through Amazon SNS mobile push: one platform endpoint per device token.

SNS wants an endpoint ARN, the app knows only the device token (FCM's or APNs'), so the token is
registered with `CreatePlatformEndpoint` on first use and the ARN kept for the life of the
container. The call is idempotent for the same token and attributes; when the endpoint exists
with other attributes SNS refuses and names the existing ARN in the message, which AWS's own
guidance says to parse and use.
"""
from __future__ import annotations

import json
import re
import threading
from typing import Any

from chalicelib.services.ports import DeliveryFailed, OutgoingMessage

MAX_PUSH_BODY = 1000        # APNs and FCM cap the whole payload at 4 KB; a notice is a summary
_EXISTING = re.compile(r"Endpoint (arn:aws[-a-z]*:sns:\S+) already exists with the same [Tt]oken")
_RETRYABLE = {"Throttled", "Throttling", "ThrottlingException", "InternalError", "InternalFailure",
              "ServiceUnavailable", "KMSThrottling", "RequestTimeout", "ExpiredToken"}


def payload(message: OutgoingMessage) -> str:
    """The `MessageStructure="json"` message: one text per platform, each a JSON string itself.
    GCM is SNS's key for FCM; APNS_SANDBOX serves development builds of the iOS app."""
    body = message.body if len(message.body) <= MAX_PUSH_BODY else message.body[:MAX_PUSH_BODY - 1] + "…"
    data = {"notification_id": message.notification_id, "language": message.language}
    fcm = {"notification": {"title": message.title, "body": body}, "data": data}
    apns = {"aps": {"alert": {"title": message.title, "body": body}, "sound": "default"}, **data}
    return json.dumps({"default": f"{message.title}\n{body}" if message.title else body,
                       "GCM": json.dumps(fcm, ensure_ascii=False),
                       "APNS": json.dumps(apns, ensure_ascii=False),
                       "APNS_SANDBOX": json.dumps(apns, ensure_ascii=False)}, ensure_ascii=False)


class SnsPush:
    """`send(device_token, message)` → the SNS MessageId. A disabled endpoint (the platform said
    the token is dead: app uninstalled) or an invalid token is not retryable."""

    name = "push"

    def __init__(self, platform_application_arn: str, region: str, client: Any = None) -> None:
        self._application = platform_application_arn
        self._region = region
        self._client = client
        self._endpoints: dict[str, str] = {}      # device token -> endpoint ARN
        self._lock = threading.Lock()

    def _sns(self) -> Any:
        with self._lock:
            if self._client is None:
                # lazy: boto3 and botocore are imported here, not at module level (cold start)
                import boto3
                from botocore.config import Config
                self._client = boto3.client("sns", region_name=self._region, config=Config(
                    connect_timeout=3, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"}))
            return self._client

    def endpoint(self, token: str) -> str:
        """The endpoint ARN of `token`, registering it once per container."""
        with self._lock:
            known = self._endpoints.get(token)
        if known:
            return known
        try:
            arn = self._sns().create_platform_endpoint(
                PlatformApplicationArn=self._application, Token=token)["EndpointArn"]
        except Exception as error:
            found = _EXISTING.search(_error(error)[2])
            if not found:
                raise failure("register", error) from error
            arn = found.group(1)
        with self._lock:
            self._endpoints[token] = arn
        return arn

    def send(self, to: str, message: OutgoingMessage) -> str | None:
        if not to.strip():
            raise DeliveryFailed("push: empty device token", retryable=False)
        arn = self.endpoint(to.strip())
        try:
            answer = self._sns().publish(TargetArn=arn, MessageStructure="json", Message=payload(message))
        except Exception as error:
            code = _error(error)[0]
            if code == "NotFound":      # the endpoint was deleted: register again on the retry
                with self._lock:
                    self._endpoints.pop(to.strip(), None)
                raise DeliveryFailed("push: endpoint deleted; registering it again on retry") from error
            raise failure("publish", error) from error
        return answer.get("MessageId")


def _error(error: Exception) -> tuple[str, int, str]:
    """(code, HTTP status, message) of a botocore ClientError; ("", 0, text) for anything else."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return "", 0, str(error)
    detail = response.get("Error", {})
    return (str(detail.get("Code", "")), int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)),
            str(detail.get("Message", "")))


def failure(step: str, error: Exception) -> DeliveryFailed:
    code, status, _ = _error(error)
    if not code:                 # BotoCoreError (connection, timeout, credentials) or a bug
        return DeliveryFailed(f"push ({step}): {type(error).__name__}: {error}", retryable=True)
    retryable = code in _RETRYABLE or status == 429 or status >= 500
    # the SNS message can quote the device token: only the code and status are kept
    return DeliveryFailed(f"push ({step}): {code} (HTTP {status})", retryable=retryable)
