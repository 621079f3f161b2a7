"""The delivery channels (chalicelib/adapters/channels/) against stand-ins that speak the real
protocols: SES and SNS on moto, SMTP on the aiosmtpd sink, Twilio's Messages API on FakeTwilio
(lampungin/localstack/sinks.py). What matters to the delivery worker is checked each time: what
arrived, and whether a failure is retryable (try again) or not (dead-letter queue at once)."""
from __future__ import annotations

import base64
import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from chalicelib.adapters.channels.email import SesEmail, SmtpEmail, message_id
from chalicelib.adapters.channels.factory import channels_from
from chalicelib.adapters.channels.push import SnsPush
from chalicelib.adapters.channels.twilio import TwilioMessages
from chalicelib.config import from_env
from chalicelib.services.ports import DeliveryFailed, OutgoingMessage
from lampungin.localstack.sinks import FakeTwilio, SmtpSink
from tests.integration.conftest import REGION

SENDER = "Lampung In <noreply@lampungin.lampungprov.go.id>"
CITIZEN = "warga.lampung@example.com"
NOTICE = OutgoingMessage("ntf-LPG-2026-000123-1", "id", "Aduan Anda — ditindaklanjuti",
                         "Aduan LPG-2026-000123 sedang ditindaklanjuti oleh Dinas PU “Bina Marga”. Terima kasih 🙏")
SID, TOKEN = "AC" + "0" * 31 + "1", "s3cret-auth-token-never-logged"
PHONE, FROM = "+6281234567890", "+15005550006"


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def failure(send, *args) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as caught:
        send(*args)
    return caught.value


# --- SES on moto -----------------------------------------------------------------------------------
@pytest.fixture
def ses(aws_env):
    import boto3
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    with mock_aws():
        yield boto3.client("sesv2", region_name=REGION), ses_backends[DEFAULT_ACCOUNT_ID][REGION]


def test_ses_sends_the_utf8_subject_and_body_that_moto_records(ses):
    client, backend = ses
    client.create_email_identity(EmailIdentity="noreply@lampungin.lampungprov.go.id")
    sent_id = SesEmail(SENDER, REGION).send(CITIZEN, NOTICE)       # its own client, made lazily
    (sent,) = backend.sent_messages
    assert (sent.id, sent.source, sent.destinations) == (sent_id, SENDER, {"ToAddresses": [CITIZEN]})
    assert (sent.subject, sent.body) == (NOTICE.title, NOTICE.body)


def test_ses_refuses_an_unverified_sender_for_good_and_names_no_address(ses):
    error = failure(SesEmail(SENDER, REGION, client=ses[0]).send, CITIZEN, NOTICE)
    assert not error.retryable and "MessageRejected" in str(error)
    assert "@" not in str(error) and ses[1].sent_messages == []


def test_ses_request_carries_the_configuration_set_and_errors_map_to_retryable(aws_env):
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("sesv2", region_name=REGION)
    channel = SesEmail(SENDER, REGION, configuration_set="lampungin-events", client=client)
    with Stubber(client) as stub:
        stub.add_response("send_email", {"MessageId": "ses-1"}, {
            "FromEmailAddress": SENDER, "Destination": {"ToAddresses": [CITIZEN]},
            "Content": {"Simple": {"Subject": {"Data": NOTICE.title, "Charset": "UTF-8"},
                                   "Body": {"Text": {"Data": NOTICE.body, "Charset": "UTF-8"}}}},
            "ConfigurationSetName": "lampungin-events",
            "EmailTags": [{"Name": "notification_id", "Value": NOTICE.notification_id}]})
        assert channel.send(CITIZEN, NOTICE) == "ses-1"
        cases = [("TooManyRequestsException", 429, True), ("InternalFailure", 500, True),
                 ("LimitExceededException", 400, True), ("AccountSuspendedException", 400, False),
                 ("BadRequestException", 400, False), ("MessageRejected", 400, False)]
        for code, status, _ in cases:
            stub.add_client_error("send_email", code, f"{code} for {CITIZEN}", status)
        for code, _, retryable in cases:
            error = failure(channel.send, CITIZEN, NOTICE)
            assert (code in str(error), error.retryable, CITIZEN in str(error)) == (True, retryable, False)
        stub.assert_no_pending_responses()


def test_ses_unreachable_is_retryable_and_a_malformed_address_never_calls(aws_env):
    import boto3
    from botocore.config import Config

    client = boto3.client("sesv2", region_name=REGION, endpoint_url=f"http://127.0.0.1:{closed_port()}",
                          config=Config(retries={"max_attempts": 1}, connect_timeout=1))
    assert failure(SesEmail(SENDER, REGION, client=client).send, CITIZEN, NOTICE).retryable
    assert not failure(SesEmail(SENDER, REGION, client=object()).send, "not-an-address", NOTICE).retryable


# --- SMTP on the sink ------------------------------------------------------------------------------
class PickySink(SmtpSink):
    """A sink that refuses some recipients as real servers do: 550 (never) and 451 (later)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("busy"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def sink(tmp_path):
    server = PickySink(tmp_path / "mail")
    yield server, *server.start()
    server.stop()


def test_smtp_mail_arrives_intact_with_a_deterministic_message_id(sink):
    server, host, port = sink
    channel = SmtpEmail(host, port, SENDER)
    first, again = channel.send(CITIZEN, NOTICE), channel.send(CITIZEN, NOTICE)
    assert first == again == "<ntf-LPG-2026-000123-1@lampungin>"
    got = server.messages()
    assert [m["message_id"] for m in got] == [first, first]        # a receiver can drop the repeat
    assert (got[0]["to"], got[0]["header_from"], got[0]["language"]) == ([CITIZEN], SENDER, "id")
    assert (got[0]["subject"], got[0]["body"].strip()) == (NOTICE.title, NOTICE.body)
    eml = BytesParser(policy=policy.default).parsebytes(Path(got[0]["path"]).read_bytes())
    assert (eml["Subject"], eml.get_body().get_content().strip()) == (NOTICE.title, NOTICE.body)
    assert eml["Auto-Submitted"] == "auto-generated"


def test_smtp_failures_say_whether_to_retry_and_name_no_address(sink):
    _, host, port = sink
    channel = SmtpEmail(host, port, SENDER)
    gone, busy = failure(channel.send, "gone@example.com", NOTICE), failure(channel.send, "busy@example.com", NOTICE)
    assert (gone.retryable, busy.retryable) == (False, True)
    assert "550" in str(gone) and "example.com" not in str(gone) + str(busy)
    assert failure(SmtpEmail("127.0.0.1", closed_port(), SENDER, timeout=2).send, CITIZEN, NOTICE).retryable
    assert not failure(channel.send, "warga@example.com\r\nBcc: all@example.com", NOTICE).retryable


def test_a_message_id_stays_deterministic_for_ids_a_header_cannot_hold():
    odd = message_id("ntf <1>@x y")
    assert odd == message_id("ntf <1>@x y") != message_id("ntf <2>@x y")
    assert re.fullmatch(r"<[0-9a-f]{32}@lampungin>", odd)


# --- Twilio on the fake ----------------------------------------------------------------------------
@pytest.fixture
def twilio(tmp_path):
    fake = FakeTwilio(tmp_path / "twilio", SID, TOKEN)
    yield fake, fake.start()
    fake.stop()


def test_sms_reaches_twilio_and_is_logged(twilio):
    fake, url = twilio
    sid = TwilioMessages("sms", SID, TOKEN, FROM, url).send(PHONE, NOTICE)
    assert re.fullmatch(r"SM[0-9a-f]{32}", sid or "")
    (got,) = fake.messages()
    assert (got["sid"], got["to"], got["from"], got["status"]) == (sid, PHONE, FROM, "queued")
    assert got["body"] == f"{NOTICE.title}\n{NOTICE.body}"
    lines = (fake.directory / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["sid"] for line in lines] == [sid]


def test_whatsapp_prefixes_both_numbers_and_a_messaging_service_replaces_from(twilio):
    fake, url = twilio
    TwilioMessages("whatsapp", SID, TOKEN, FROM, url).send(PHONE, NOTICE)
    TwilioMessages("sms", SID, TOKEN, "MG" + "a" * 32, url).send(PHONE, NOTICE)
    whatsapp, service = fake.messages()
    assert (whatsapp["to"], whatsapp["from"]) == (f"whatsapp:{PHONE}", f"whatsapp:{FROM}")
    assert (service["from"], service["messaging_service_sid"]) == (None, "MG" + "a" * 32)


def test_a_long_body_is_cut_to_twilio_limit_with_an_ellipsis(twilio):
    fake, url = twilio
    long = OutgoingMessage("n-2", "id", "Judul", "🙏 Aduan " * 400)
    TwilioMessages("sms", SID, TOKEN, FROM, url).send(PHONE, long)
    body = fake.messages()[0]["body"]
    assert body.endswith("…") and 1590 <= len(body.encode("utf-16-le")) // 2 <= 1600


def test_twilio_failures_are_classified_and_never_show_the_token(twilio):
    fake, url = twilio
    bad_auth = failure(TwilioMessages("sms", SID, "wrong-token-xyz", FROM, url).send, PHONE, NOTICE)
    assert (bad_auth.retryable, "20003" in str(bad_auth), "wrong-token-xyz" in str(bad_auth)) == (False, True, False)
    channel = TwilioMessages("sms", SID, TOKEN, FROM, url)
    invalid = failure(channel.send, "+62-12", NOTICE)
    assert (invalid.retryable, "21211" in str(invalid)) == (False, True)
    fake.fail_numbers.add(PHONE)
    outage = failure(channel.send, PHONE, NOTICE)
    assert (outage.retryable, "HTTP 500" in str(outage)) == (True, True)
    fake.fail_numbers.clear()
    assert channel.send(PHONE, NOTICE) and len(fake.messages()) == 1
    refused = failure(TwilioMessages("sms", SID, TOKEN, FROM, f"http://127.0.0.1:{closed_port()}").send,
                      PHONE, NOTICE)
    assert refused.retryable
    for error in (bad_auth, invalid, outage, refused):
        assert TOKEN not in str(error) and PHONE not in str(error)


def test_the_fake_answers_like_twilio(twilio):
    _, url = twilio
    auth = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()

    def call(form, path=f"/2010-04-01/Accounts/{SID}/Messages.json", method="POST", header=auth):
        data = urllib.parse.urlencode(form).encode() if method == "POST" else None
        request = urllib.request.Request(url + path, data=data, method=method,  # noqa: S310 (the loopback fake)
                                         headers={"Authorization": header})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    assert call({"From": FROM, "Body": "x"}) == (400, {
        "code": 21604, "message": "A 'To' phone number is required.",
        "more_info": "https://www.twilio.com/docs/errors/21604", "status": 400})
    assert call({"To": f"whatsapp:{PHONE}", "From": FROM, "Body": "x"})[1]["code"] == 21910
    assert call({"To": "+62١٢٣٤٥٦٧٨٩", "From": FROM, "Body": "x"})[1]["code"] == 21211   # ASCII digits only
    assert call({"To": PHONE, "From": FROM, "Body": "x"}, header="Basic eA==")[0:1] == (401,)
    status, created = call({"To": PHONE, "From": FROM, "Body": "Halo"})
    assert status == 201 and created["num_segments"] == "1" and created["direction"] == "outbound-api"
    assert call({}, path=created["uri"], method="GET") == (200, created)


# --- push on moto's SNS -----------------------------------------------------------------------------
@pytest.fixture
def sns(aws_env):
    import boto3
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    with mock_aws():
        client = boto3.client("sns", region_name=REGION)
        app = client.create_platform_application(Name="lampungin-android", Platform="GCM",
                                                 Attributes={"PlatformCredential": "fcm-server-key"})
        yield client, app["PlatformApplicationArn"], sns_backends[DEFAULT_ACCOUNT_ID][REGION]


def test_push_registers_the_token_once_and_the_message_reaches_the_endpoint(sns):
    client, app_arn, backend = sns
    registrations = []
    client.meta.events.register("before-call.sns.CreatePlatformEndpoint", lambda **_: registrations.append(1))
    channel = SnsPush(app_arn, REGION, client=client)
    first, second = channel.send("fcm-token-1", NOTICE), channel.send("fcm-token-1", NOTICE)
    assert first and second and first != second and len(registrations) == 1
    (endpoint,) = backend.platform_endpoints.values()
    assert endpoint.token == "fcm-token-1" and list(endpoint.messages) == [first, second]
    sent = json.loads(endpoint.messages[first])
    fcm, apns = json.loads(sent["GCM"]), json.loads(sent["APNS"])
    assert fcm["notification"] == {"title": NOTICE.title, "body": NOTICE.body}
    assert fcm["data"]["notification_id"] == NOTICE.notification_id
    assert apns["aps"]["alert"]["title"] == NOTICE.title and sent["default"].startswith(NOTICE.title)


def test_push_reuses_an_endpoint_that_exists_with_other_attributes(sns):
    client, app_arn, backend = sns
    existing = client.create_platform_endpoint(PlatformApplicationArn=app_arn, Token="fcm-token-2",
                                               CustomUserData="citizen-42")["EndpointArn"]
    SnsPush(app_arn, REGION, client=client).send("fcm-token-2", NOTICE)
    assert list(backend.platform_endpoints) == [existing] and len(backend.platform_endpoints[existing].messages) == 1


def test_push_failures_dead_tokens_are_final_and_a_deleted_endpoint_is_registered_again(sns):
    client, app_arn, backend = sns
    channel = SnsPush(app_arn, REGION, client=client)
    channel.send("fcm-token-3", NOTICE)
    (arn,) = backend.platform_endpoints
    client.delete_endpoint(EndpointArn=arn)
    assert failure(channel.send, "fcm-token-3", NOTICE).retryable       # forgets the deleted ARN
    assert channel.send("fcm-token-3", NOTICE) and len(backend.platform_endpoints) == 1
    (arn,) = backend.platform_endpoints
    client.set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "false"})
    disabled = failure(channel.send, "fcm-token-3", NOTICE)
    assert not disabled.retryable and "EndpointDisabled" in str(disabled) and "fcm-token-3" not in str(disabled)
    missing_app = app_arn.replace("lampungin-android", "no-such-app")
    assert not failure(SnsPush(missing_app, REGION, client=client).send, "fcm-token-4", NOTICE).retryable
    assert not failure(channel.send, "  ", NOTICE).retryable


# --- which channels a deployment has ---------------------------------------------------------------
def test_the_factory_picks_providers_from_settings():
    base = {"AWS_REGION": REGION}
    assert {k: type(v) for k, v in channels_from(from_env(base)).items()} == {"email": SesEmail}
    local = channels_from(from_env({**base, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "2525",
                                    "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN,
                                    "TWILIO_SMS_FROM": FROM}))
    assert {k: type(v) for k, v in local.items()} == {"email": SmtpEmail, "sms": TwilioMessages}
    full = channels_from(from_env({**base, "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN,
                                   "TWILIO_WHATSAPP_FROM": FROM,
                                   "PUSH_PLATFORM_APPLICATION_ARN": "arn:aws:sns:ap-southeast-3:1:app/GCM/x"}))
    assert sorted(full) == ["email", "push", "whatsapp"] and full["whatsapp"].name == "whatsapp"
    no_token = channels_from(from_env({**base, "TWILIO_ACCOUNT_SID": SID, "TWILIO_SMS_FROM": FROM}))
    assert sorted(no_token) == ["email"]
