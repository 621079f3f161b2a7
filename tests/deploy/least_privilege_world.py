"""One stage on in-process moto with every resource the app uses, and the app's real adapters on it
(nothing faked but the clock and the token verifier), for tests/deploy/test_least_privilege.py.

Each function's part of a complaint's life runs as that function would run it, under
`recorder.running(<conventions.FUNCTIONS key>)`: the API files, works and reads complaints
(chalice.test.Client), the stream handler reconciles each change, the sweep fines missed clocks,
each delivery worker sends what the stream queued on its channel, the upload processor cleans an
uploaded photo, the user pool's triggers run for a citizen and a staff member. Test code only.
"""
from __future__ import annotations

import io
import json
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from lampungin.deploy import conventions
from tests.deploy.aws_calls import ACCOUNT, REGION, Recorder

STAGE = "dev"
PREFIX = conventions.table_prefix(STAGE)
BUCKET = f"{PREFIX}attachments-{ACCOUNT}-{REGION}"
SENDER = "Lampung In <noreply@lampungprov.go.id>"
NEW = {"category": "izin-berusaha", "title": "NIB tidak terbit",
       "description": "Sudah tiga minggu NIB saya belum terbit di OSS.",
       "location": {"lat": -5.43, "lon": 105.26, "address": "Jl. Wolter Monginsidi, Bandar Lampung"}}
OPD = "DPMPTSP"
TWILIO_SID, TWILIO_TOKEN, TWILIO_FROM = "AC" + "0" * 31 + "1", "twilio-token", "+15005550006"
WALK_IN_PHONE = "+6281234567890"            # the desk's walk-in person: Twilio fails (500), retried
LAPOR_TOKEN = "lapor-token"
LAPOR_ITEM = {"tracking_id": "LPR-2026-0001", "title": "Jalan rusak di Kedaton",
              "description": "Jalan berlubang besar di depan pasar Kedaton sejak sebulan.", "category": "izin-berusaha",
              "reporter_name": "Pelapor LAPOR"}
CITIZEN = ("warga-1", "citizen")
OPERATOR = (f"operator-{OPD.lower()}", "operator", OPD)        # Cognito gives each a sub: World.staff
SUPERVISOR = (f"supervisor-{OPD.lower()}", "supervisor", OPD)
ADMIN = ("admin-1", "admin")
INSPECTOR = ("insp-1", "inspector")


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


class World:
    """The moto resources of stage `dev` (names as the templates give them) and the app on them."""

    def __init__(self, keys, recorder: Recorder):
        import boto3

        from chalicelib.adapters.dynamo.tables import create_tables
        from chalicelib.config import from_env

        self.keys, self.recorder = keys, recorder
        s = boto3.session.Session(region_name=REGION)
        self.ddb, self.sqs, self.s3 = s.client("dynamodb"), s.client("sqs"), s.client("s3")
        idp, kms, sns, ses = s.client("cognito-idp"), s.client("kms"), s.client("sns"), s.client("sesv2")
        key = kms.create_key()["KeyMetadata"]
        kms.create_alias(AliasName=conventions.people_key_alias(STAGE), TargetKeyId=key["KeyId"])
        recorder.kms_keys[key["Arn"]] = (key["Arn"], (conventions.people_key_alias(STAGE),))
        topic = sns.create_topic(Name=f"{PREFIX}notifications")["TopicArn"]
        self.push_app = sns.create_platform_application(
            Name="lampungin-app", Platform="GCM", Attributes={"PlatformCredential": "x"})["PlatformApplicationArn"]
        self.s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        ses.create_email_identity(EmailIdentity="lampungprov.go.id")
        ses.create_configuration_set(ConfigurationSetName="lampungin-dev")
        self.pool = idp.create_user_pool(PoolName=f"lampungin-{STAGE}")["UserPool"]["Id"]
        for group in ("citizen", "operator", "supervisor", "inspector", "admin", "intake"):
            idp.create_group(UserPoolId=self.pool, GroupName=group)
        self.staff = {}                 # role -> the caller, by the sub Cognito gave them
        for name, role, opd in (OPERATOR, SUPERVISOR):
            user = idp.admin_create_user(UserPoolId=self.pool, Username=f"{name}@lampungprov.go.id", UserAttributes=[
                {"Name": "email", "Value": f"{name}@lampungprov.go.id"}, {"Name": "custom:opd", "Value": opd}])
            idp.admin_add_user_to_group(UserPoolId=self.pool, Username=f"{name}@lampungprov.go.id", GroupName=role)
            sub = next(a["Value"] for a in user["User"]["Attributes"] if a["Name"] == "sub")
            self.staff[role] = (sub, role, opd)
        self.idp = idp
        self.queues = {}
        for channel in conventions.DELIVERY_CHANNELS:
            name = f"{PREFIX}{conventions.notify_queue(channel)}"
            self.sqs.create_queue(QueueName=f"{name}-dlq")
            self.queues[channel] = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        self.env = {
            "STAGE": STAGE, "TABLE_PREFIX": PREFIX, "AWS_REGION": REGION, "NOTIFY_TOPIC_ARN": topic,
            "ATTACHMENTS_BUCKET": BUCKET, "USER_POOL_ID": self.pool, "PEOPLE_KMS_KEY": key["Arn"],
            "EMAIL_SENDER": SENDER, "SES_CONFIGURATION_SET": "lampungin-dev",
            "PUSH_PLATFORM_APPLICATION_ARN": self.push_app,
            "CLAIM_CODE_SECRET": "k" * 64, "AUTH_ISSUER": "https://issuer.test",
            "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_SMS_FROM": TWILIO_FROM,
            "TWILIO_WHATSAPP_FROM": f"whatsapp:{TWILIO_FROM}"}
        self.settings = from_env(self.env)
        create_tables(self.ddb, self.settings)
        self.clock = Clock(datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc))     # Friday 09:00 WIB

    # --- the app ------------------------------------------------------------------------------
    def start(self, monkeypatch, shadow_rules, twilio_url: str, lapor_url: str, lapor_dir):
        from app import app
        from chalicelib.config import from_env
        from chalicelib.wiring import container
        from tests.contract_client import ContractClient

        self.settings = from_env({**self.env, "TWILIO_BASE_URL": twilio_url, "LAPOR_BASE_URL": lapor_url,
                                  "LAPOR_TOKEN": LAPOR_TOKEN})
        self.monkeypatch, self.shadow_rules, self.container = monkeypatch, shadow_rules, container
        self.lapor_dir = lapor_dir
        self.client = ContractClient(app).__enter__()
        return self

    @contextmanager
    def running(self, which: str, **overrides):
        """`which` runs in a container of its own, as each Lambda has (nothing one function built
        or cached, an SQS queue URL or the staff directory, hides another function's calls)."""
        from chalicelib.adapters.auth import TokenVerifier
        from tests.keys import ISSUER

        self.container.reset()
        self.container.override(settings=self.settings, now=self.clock, shadow_rules=self.shadow_rules,
                                verifier=TokenVerifier(jwks_path=self.keys.jwks_path, issuer=ISSUER), **overrides)
        if which == "api":
            self.recorder.watch_presigning(self.monkeypatch, self.container.attachment_files._s3)
        with self.recorder.running(which):
            yield

    def stop(self):
        self.client.__exit__(None, None, None)
        self.container.reset()

    def call(self, method: str, path: str, who=None, body=None, expect: int | tuple = (200, 201, 202, 204),
             headers: dict | None = None):
        sent = dict(self.keys.headers(*who)) if who else {"Content-Type": "application/json"}
        return self.call_raw(method, path, json.dumps(body) if body is not None else None,
                             {**sent, **(headers or {})}, expect)

    def call_raw(self, method: str, path: str, body, headers: dict, expect: int | tuple = (200, 201, 202, 204)):
        with self.running("api"):
            resp = getattr(self.client.http, method.lower())(path, headers=headers, body=body)
        try:
            answer = json.loads(resp.body) if resp.body else None
        except ValueError:
            answer = resp.body
        wanted = expect if isinstance(expect, tuple) else (expect,)
        assert resp.status_code in wanted, (method, path, resp.status_code, answer)
        return answer

    # --- the other functions ----------------------------------------------------------------
    def stream(self, complaint_ids) -> dict:
        from chalicelib.handlers import on_complaint_changes

        records = [{"eventName": "MODIFY", "eventSourceARN": "arn:aws:dynamodb:stream",
                    "dynamodb": {"Keys": {"id": {"S": cid}}, "SequenceNumber": str(i + 1)}}
                   for i, cid in enumerate(complaint_ids)]
        with self.running("stream"):
            result = on_complaint_changes({"Records": records})
        assert result == {"batchItemFailures": []}, result
        return result

    def sweep(self) -> dict:
        from chalicelib.handlers import run_sweep

        with self.running("sweep"):
            return run_sweep({"time": self.clock.at.isoformat().replace("+00:00", "Z")}, 200_000)

    def deliver_all(self, **overrides) -> dict:
        """Each channel's worker takes what waits in its queue (as Lambda's SQS mapping would)."""
        from chalicelib.handlers import deliver

        outcomes: dict[str, list] = {}
        for channel, url in self.queues.items():
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            outcomes[channel] = []
            for m in messages:
                event = {"Records": [{"body": m["Body"], "receiptHandle": m["ReceiptHandle"],
                                      "attributes": {"ApproximateReceiveCount": "1"}}]}
                with self.running(f"deliver_{channel}", **overrides.get(channel, {})):
                    try:
                        outcomes[channel] += deliver(channel, event)["outcomes"]
                    except Exception as exc:              # RetryLater is raised after its retry is set
                        outcomes[channel].append(type(exc).__name__)
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return outcomes

    def upload(self, key: str, data: bytes) -> dict:
        from chalicelib.handlers import on_upload

        self.s3.put_object(Bucket=BUCKET, Key=key, Body=data, ContentType="image/png")
        event = {"detail-type": "Object Created", "source": "aws.s3",
                 "detail": {"bucket": {"name": BUCKET}, "object": {"key": key}}}
        with self.running("upload"):
            return on_upload(event)

    def upload_losing_its_slot(self, key: str, data: bytes) -> dict:
        """The upload processor when the attachment's slot expired and went to another upload
        while it worked (its cleaned copy is deleted again, the upload rejected)."""
        from chalicelib.adapters.dynamo.attachments import DynamoAttachmentStore
        from chalicelib.handlers import on_upload

        class SlotLost(DynamoAttachmentStore):
            def mark_ready(self, *args, **kwargs):
                return False

        self.s3.put_object(Bucket=BUCKET, Key=key, Body=data, ContentType="image/png")
        event = {"detail-type": "Object Created", "source": "aws.s3",
                 "detail": {"bucket": {"name": BUCKET}, "object": {"key": key}}}
        with self.running("upload", attachments=SlotLost(self.settings)):
            return on_upload(event)

    def lapor_inbox(self, item: dict) -> None:
        from lampungin.localstack.fake_lapor import dispose

        dispose(self.lapor_dir, item)

    def lapor(self) -> list[str]:
        """The SP4N-LAPOR! exchange's run; the ids of the complaints it filed."""
        from chalicelib.handlers import lapor_exchange

        before = self._complaint_ids()
        with self.running("lapor"):
            lapor_exchange({})
        return sorted(self._complaint_ids() - before)

    def _complaint_ids(self) -> set[str]:
        pages = self.ddb.get_paginator("scan").paginate(TableName=f"{PREFIX}complaints", ProjectionExpression="id")
        return {i["id"]["S"] for page in pages for i in page["Items"] if i["id"]["S"].startswith("ADU-")}

    def triggers(self) -> None:
        from chalicelib.adapters.cognito_triggers import on_post_confirmation, on_pre_token_generation

        self.idp.admin_create_user(UserPoolId=self.pool, Username="warga@example.id",
                                   UserAttributes=[{"Name": "email", "Value": "warga@example.id"}])
        base = {"region": REGION, "userPoolId": self.pool, "userName": "warga@example.id",
                "request": {"userAttributes": {"email": "warga@example.id"}}, "response": {}}
        with self.running("post_confirmation"):
            on_post_confirmation({**base, "triggerSource": "PostConfirmation_ConfirmSignUp"})
        staff = {**base, "userName": f"{OPERATOR[0]}@lampungprov.go.id",
                 "triggerSource": "TokenGeneration_Authentication",
                 "request": {"userAttributes": {}, "groupConfiguration": {"groupsToOverride": ["operator"]}}}
        with self.running("pre_token"):
            on_pre_token_generation(staff)

    def later(self, **delta) -> None:
        self.clock.at += timedelta(**delta)


def _idem() -> dict:
    import uuid
    return {"Idempotency-Key": uuid.uuid4().hex}


def a_complaints_life(w: World) -> None:
    """Every kind of store access each function has, in one story (the scenario of
    test_least_privilege.py): each step is there because some grant needs a caller."""
    from urllib.parse import urlencode

    from chalicelib.adapters.channels.twilio import TwilioMessages
    from chalicelib.services.open311_keys import issue

    citizen_2 = ("warga-2", "citizen")
    operator, supervisor = w.staff["operator"], w.staff["supervisor"]
    w.call("PUT", "/v1/me/preferences", CITIZEN, {"email": "warga@example.id", "channels": ["email", "push"],
                                                   "push_token": "fcm-token-1", "language": "id"})
    w.call("PUT", "/v1/me/preferences", citizen_2,
           {"phone": "0813-1111-2222", "channels": ["whatsapp"], "language": "id"})
    for who in (operator, supervisor):      # staff hear of their work, and of sanctions, on every channel
        w.call("PUT", "/v1/me/preferences", who, {
            "email": f"{who[0]}@lampungprov.go.id", "phone": "0813-1111-3333", "push_token": f"fcm-{who[0]}",
            "channels": ["email", "sms", "whatsapp", "push"], "language": "id"})
    w.call("GET", "/v1/me/preferences", CITIZEN)
    c = w.call("POST", "/v1/complaints", CITIZEN, {**NEW, "visibility": "public"})
    cid = c["id"]
    desk = w.call("POST", "/v1/complaints", ("petugas-p4", "intake", OPD), {
        "category": "izin-berusaha", "title": "NIB belum terbit", "channel": "desk",
        "description": "Datang ke loket P4: permohonan NIB sudah tiga minggu.",
        "contact": {"name": "Ibu Sari", "phone": "0812-3456-7890"}}, headers=_idem())
    w.lapor_inbox(LAPOR_ITEM)
    (from_lapor,) = w.lapor()
    w.stream([cid, desk["id"], from_lapor])
    data = png()
    att = w.call("POST", f"/v1/complaints/{cid}/attachments", CITIZEN,
                 {"filename": "jalan.png", "content_type": "image/png", "size": len(data)})
    assert w.upload(att["upload"]["fields"]["key"], data) == {"outcomes": ["ready"]}
    late = w.call("POST", f"/v1/complaints/{cid}/attachments", CITIZEN,
                  {"filename": "lagi.png", "content_type": "image/png", "size": len(data)})
    assert w.upload_losing_its_slot(late["upload"]["fields"]["key"], data) == {"outcomes": ["rejected:limit_reached"]}
    w.call("GET", f"/v1/complaints/{cid}/attachments", CITIZEN)
    w.call("POST", f"/v1/complaints/{cid}/support", citizen_2)
    w.call("POST", f"/v1/complaints/{cid}/assign", supervisor, {"operator": operator[0]})
    w.call("POST", f"/v1/complaints/{cid}/claim", operator)
    w.call("POST", f"/v1/complaints/{cid}/notes", operator, {"note": "Cek berkas di loket."})
    w.call("POST", f"/v1/complaints/{cid}/request-info", operator, {"question": "Nomor NIB?"})
    w.stream([cid])
    w.call("POST", f"/v1/complaints/{cid}/replies", CITIZEN, {"message": "1234"})
    w.stream([cid])
    # WhatsApp refuses the stage's credentials (401: never retried, to its dead-letter queue at
    # once); SMS to the walk-in person fails at Twilio (500: back to the queue later)
    refused = TwilioMessages("whatsapp", TWILIO_SID, "wrong-token", f"whatsapp:{TWILIO_FROM}",
                             w.settings.twilio_base_url)
    outcomes = w.deliver_all(whatsapp={"channels": {"whatsapp": refused}})
    assert "dead_letter" in outcomes["whatsapp"] and "RetryLater" in outcomes["sms"], outcomes
    w.later(days=10)
    w.sweep()
    w.stream([cid])
    w.call("POST", f"/v1/complaints/{cid}/followups", operator, {"message": "NIB sudah terbit hari ini, cek OSS."})
    w.call("POST", f"/v1/complaints/{cid}/approve", supervisor, {"note": "ok"})
    w.call("POST", f"/v1/complaints/{from_lapor}/claim", operator)
    w.stream([cid, from_lapor])
    w.call("POST", f"/v1/complaints/{cid}/rating", CITIZEN, {"stars": 5, "comment": "Cepat"})
    w.stream([cid])
    w.deliver_all()
    reads: list[tuple[str, tuple | None]] = [("/v1/complaints", operator), (f"/v1/complaints/{cid}", operator),
                      (f"/v1/complaints/{cid}/timeline", CITIZEN), ("/v1/me/notifications", CITIZEN),
                      ("/v1/sanctions", INSPECTOR), ("/v1/sanctions/shadow", INSPECTOR), ("/v1/audit", ADMIN),
                      ("/v1/stats/opds", None), ("/v1/public/complaints", None), (f"/v1/track/{cid}", None),
                      (f"/v1/public/complaints/{cid}/photos/{att['id']}", None), ("/open311/v2/requests.json", None)]
    for path, caller in reads:
        w.call("GET", path, caller, expect=(200, 302, 307))
    notes = w.call("GET", "/v1/me/notifications", CITIZEN)
    w.call("POST", f"/v1/me/notifications/{notes['items'][0]['id']}/read", CITIZEN)
    with w.recorder.running("cli"):
        _, key = issue(w.container.open311_keys, "fixmystreet", w.clock())
    w.call_raw("POST", "/open311/v2/requests.json", urlencode({
        "api_key": key, "service_code": "izin-berusaha", "address_string": "Jl. Raden Intan, Bandar Lampung",
        "description": "Lampu jalan mati di depan kantor sejak seminggu lalu."}),
        {"Content-Type": "application/x-www-form-urlencoded", **_idem()})
    w.call("POST", f"/v1/complaints/{desk['id']}/claim-ownership", ("warga-baru", "citizen"), {"code": "000000"},
           expect=(400, 403, 409, 422))
    w.call("DELETE", "/v1/me/preferences", CITIZEN)
    w.call("DELETE", "/v1/me", citizen_2)
    w.triggers()
    w.call("DELETE", "/v1/me", CITIZEN)          # last: the citizen's complaints de-identified
