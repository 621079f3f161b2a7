"""The composition root: builds the real dependencies once per Lambda container (warm starts
reuse them) and lets tests swap in fakes. Handlers ask it; nothing else constructs adapters."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime

from .config import Settings, settings
from .domain.attachments import attachment_id
from .domain.claims import claim_code
from .domain.ids import complaint_id
from .domain.times import UTC
from .services.attachments import AttachmentDeps
from .services.claims import ClaimDeps
from .services.clocks import ClockDeps
from .services.complaints import Deps
from .services.delivery import DeliveryDeps
from .services.notifications import NotifyDeps
from .services.public import PublicDeps
from .services.sanctions import SanctionDeps
from .services.shadow import ShadowDeps
from .services.support import SupportDeps
from .services.sweep import SweepDeps

log = logging.getLogger("lampungin.wiring")


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_complaint_id(at: datetime) -> str:
    return complaint_id(at, secrets.randbits(35))


class Container:
    def __init__(self):
        self._overrides: dict = {}
        self._built: dict = {}
        self.on_reset: list = []     # caches kept outside the container register here

    def override(self, **things) -> None:
        """Tests: replace any dependency (repo, rules, now, verifier, new_id, settings)."""
        self._overrides.update(things)
        self._built.clear()
        for hook in self.on_reset:
            hook()

    def reset(self) -> None:
        self._overrides.clear()
        self._built.clear()
        for hook in self.on_reset:
            hook()

    def _get(self, name: str, factory):
        if name in self._overrides:
            return self._overrides[name]
        if name not in self._built:
            self._built[name] = factory()
        return self._built[name]

    @property
    def settings(self) -> Settings:
        return self._get("settings", settings)

    @property
    def repo(self):
        def build():
            # lazy: pynamodb costs ~140 ms of cold start, paid only by a Lambda that reads the store
            from .adapters.dynamo.complaints import DynamoComplaintRepository
            return DynamoComplaintRepository(self.settings)
        return self._get("repo", build)

    @property
    def rules(self):
        def build():
            # lazy: reading and checking the bundle is cold start work only its users pay for
            from .rules.bundle import load_bundle
            return load_bundle()
        return self._get("rules", build)

    @property
    def shadow_rules(self):
        """The stage's shadow bundle (SHADOW_RULES; services/shadow.py), or None when shadow mode
        is off or its bundle cannot be read (logged: the rules in force go on regardless)."""
        def build():
            if not self.settings.shadow_rules:
                return None
            # lazy: reading the bundle is cold start work only its users pay for
            from .rules.bundle import load_bundle, shadow_bundle_path
            try:
                return load_bundle(shadow_bundle_path(self.settings.shadow_rules), check=False)
            except Exception:                # a broken shadow bundle must not stop the rules in force
                log.exception("shadow rules %s cannot be read: shadow mode off", self.settings.shadow_rules)
                return None
        return self._get("shadow_rules", build)

    @property
    def verifier(self):
        def build():
            # lazy: the JWT and crypto libraries are cold start cost for the HTTP Lambda only
            from .adapters.auth import TokenVerifier
            s = self.settings
            return TokenVerifier(jwks_url=s.auth_jwks_url, jwks_path=s.auth_jwks_path,
                                 issuer=s.auth_issuer, audience=s.auth_audience)
        return self._get("verifier", build)

    @property
    def throttle(self):
        """Request buckets per IP and per token, kept warm with the container (api/throttle.py)."""
        def build():
            # lazy: only the HTTP Lambda throttles; stream and sweep Lambdas never build it
            from .api.throttle import Rate, Throttle
            s = self.settings
            return Throttle(per_ip=Rate(s.throttle_ip_rate, s.throttle_ip_burst),
                            per_token=Rate(s.throttle_token_rate, s.throttle_token_burst),
                            max_keys=s.throttle_max_keys)
        return self._get("throttle", build)

    @property
    def now(self):
        return self._get("now", lambda: utc_now)

    @property
    def new_id(self):
        return self._get("new_id", lambda: new_complaint_id)

    @property
    def clocks(self):
        def build():
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.clocks import DynamoClockRepository
            return DynamoClockRepository(self.settings)
        return self._get("clocks", build)

    @property
    def sanctions(self):
        def build():
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.sanctions import DynamoSanctionRepository
            return DynamoSanctionRepository(self.settings)
        return self._get("sanctions", build)

    @property
    def audit(self):
        def build():
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.audit import DynamoAuditLog
            return DynamoAuditLog(self.settings)
        return self._get("audit", build)

    @property
    def notifier(self):
        def build():
            # lazy: only the stream and the sweep notify; the HTTP Lambda never loads it
            from .adapters import notify
            s = self.settings
            if s.notify_topic_arn:
                return notify.SnsNotifier(s.notify_topic_arn, s.region)
            return notify.LogNotifier()
        return self._get("notifier", build)

    @property
    def schedule(self):
        """Deadline arithmetic and clock rules over the bundle; kept warm (it memoises)."""
        def build():
            # lazy: only clock users need deadline arithmetic (and, with it, the bundle)
            from .rules.schedule import BundleSchedule
            return BundleSchedule(self.rules)
        return self._get("schedule", build)

    @property
    def notifications(self):
        def build():
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.notifications import DynamoNotificationStore
            return DynamoNotificationStore(self.settings)
        return self._get("notifications", build)

    @property
    def people(self):
        """Preferences (personal data): e-mail, phone and push token only ever stored encrypted
        with the KMS key PEOPLE_KMS_KEY (the local stack makes one in moto:
        lampungin/localstack/people_key.py). Without a key there is no store: refusing beats
        storing personal data in clear."""
        def build():
            # lazy: pynamodb and boto3 (cold start), paid only where preferences are read or written
            from .adapters.dynamo.people import DynamoPeopleStore
            from .adapters.kms_cipher import KmsCipher
            s = self.settings
            if not s.people_kms_key:
                raise RuntimeError("PEOPLE_KMS_KEY is not set: preferences are never stored unencrypted")
            return DynamoPeopleStore(s, KmsCipher(s.people_kms_key, s.region))
        return self._get("people", build)

    @property
    def staff(self):
        """The staff directory: the local file, else the Cognito user pool, else nobody."""
        def build():
            # lazy: only the stream and the sweep resolve staff; the directory may need boto3
            from .adapters import staff_directory as d
            s = self.settings
            if s.staff_directory_path:
                return d.FileStaffDirectory(s.staff_directory_path)
            if s.user_pool_id:
                return d.CognitoStaffDirectory(s.user_pool_id, s.region)
            return d.FileStaffDirectory(None)
        return self._get("staff", build)

    @property
    def channels(self):
        """The delivery channels this stage has configured (adapters/channels/factory.py)."""
        def build():
            # lazy: channel adapters are for the delivery Lambdas (and the stream, for their names)
            from .adapters.channels.factory import channels_from
            return channels_from(self.settings)
        return self._get("channels", build)

    @property
    def delivery_queue(self):
        def build():
            # lazy: boto3's SQS client only where deliveries are queued or retried
            from .adapters.delivery_queue import SqsDeliveryQueue
            return SqsDeliveryQueue(self.settings)
        return self._get("delivery_queue", build)

    @property
    def delivery_log(self):
        def build():
            # lazy: only the stream, the sweep and the delivery Lambdas note deliveries
            from .adapters.delivery_log import FileDeliveryLog, LogDeliveryLog
            path = self.settings.outbox_path
            return FileDeliveryLog(path) if path else LogDeliveryLog()
        return self._get("delivery_log", build)

    @property
    def evidence(self):
        """The index of follow-ups' texts and photos (services/evidence.py)."""
        def build():
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.evidence import DynamoEvidenceIndex
            return DynamoEvidenceIndex(self.settings)
        return self._get("evidence", build)

    @property
    def open311_keys(self):
        """Open311 client applications' API keys, stored hashed (services/open311_keys.py)."""
        def build():
            # lazy: pynamodb (cold start), paid only by an Open311 POST and the keys CLI
            from .adapters.dynamo.api_keys import DynamoApiKeyStore
            return DynamoApiKeyStore(self.settings)
        return self._get("open311_keys", build)

    @property
    def attachments(self):
        """The attachments table; None when this stage has no ATTACHMENTS_BUCKET (then it keeps
        no evidence: listings are empty and uploads are refused, 403 attachments_disabled)."""
        def build():
            if not self.settings.attachments_bucket:
                return None
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.attachments import DynamoAttachmentStore
            return DynamoAttachmentStore(self.settings)
        return self._get("attachments", build)

    @property
    def attachment_files(self):
        """The attachments bucket (presigned POSTs and GETs, the processor's reads and writes)."""
        def build():
            if not self.settings.attachments_bucket:
                return None
            # lazy: boto3's S3 client only where attachments are used
            from .adapters.s3_uploads import S3Files
            return S3Files(self.settings.attachments_bucket, self.settings.region)
        return self._get("attachment_files", build)

    @property
    def image_sanitiser(self):
        def build():
            # lazy: Pillow and the HEIC decoder are the upload processor's cold start only
            from .adapters.images import sanitise
            return sanitise
        return self._get("image_sanitiser", build)

    @property
    def new_attachment_id(self):
        return self._get("new_attachment_id", lambda: lambda at: attachment_id(secrets.randbits(130)))

    def attachment_deps(self, *, processing: bool = False) -> AttachmentDeps:
        return AttachmentDeps(complaints=self.repo, store=self.attachments, files=self.attachment_files,
                              audit=self.audit, now=self.now, new_id=self.new_attachment_id,
                              sanitise=self.image_sanitiser if processing else None)

    def claim_secret(self) -> bytes | None:
        secret = self.settings.claim_code_secret
        return secret.encode() if secret else None

    def notify_deps(self) -> NotifyDeps:
        secret = self.claim_secret()
        return NotifyDeps(notifications=self.notifications, staff=self.staff, people=self.people,
                          queue=self.delivery_queue, log=self.delivery_log, rules=self.rules,
                          channels=frozenset(self.channels), now=self.now,
                          claim_code=(lambda cid: claim_code(secret, cid)) if secret else None)

    @property
    def claim_attempts(self):
        def build():
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.claims import DynamoClaimAttempts
            return DynamoClaimAttempts(self.settings)
        return self._get("claim_attempts", build)

    def claim_deps(self) -> ClaimDeps:
        return ClaimDeps(repo=self.repo, people=lambda: self.people, attempts=self.claim_attempts,
                         secret=self.claim_secret(), now=self.now)

    def lapor_deps(self):
        """The SP4N-LAPOR! exchange (services/lapor.py), or None when this stage has none."""
        s = self.settings
        if not s.lapor_base_url:
            return None
        def build():
            # lazy: only the `lapor_exchange` schedule pulls from LAPOR!
            from .adapters.dynamo.lapor import DynamoLaporCursor
            from .adapters.lapor import LaporHttp, LaporInbox
            return LaporInbox(LaporHttp(s.lapor_base_url, s.lapor_token)), DynamoLaporCursor(s)
        # lazy: only the lapor_exchange Lambda needs the exchange
        from .services.lapor import LaporDeps
        inbox, cursor = self._get("lapor", build)
        return LaporDeps(complaints=self.deps(), inbox=inbox, cursor=cursor,
                         categories=lambda: frozenset(c.code for c in self.rules.categories))

    def delivery_deps(self) -> DeliveryDeps:
        return DeliveryDeps(notifications=self.notifications, people=self.people,
                            channels=self.channels, log=self.delivery_log, now=self.now)

    def clock_deps(self) -> ClockDeps:
        return ClockDeps(complaints=self.repo, clocks=self.clocks, schedule=self.schedule,
                         rules_version=self.rules.version, now=self.now)

    def sweep_deps(self) -> SweepDeps:
        return SweepDeps(complaints=self.repo, clocks=self.clocks, schedule=self.schedule,
                         rules_version=self.rules.version, now=self.now, sanctions=self.sanctions,
                         notifier=self.notifier, rules=self.rules, audit=self.audit,
                         notify=self.notify_deps())

    def shadow_sweep_deps(self) -> SweepDeps | None:
        """The sweep (and, as its ClockDeps, the stream) over the shadow rules' own clocks and
        decisions; never acting: no notifier, no audit, no notifications are touched."""
        rules = self.shadow_rules
        if rules is None:
            return None
        def build():
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.clocks import DynamoClockRepository
            from .adapters.dynamo.sanctions import DynamoSanctionRepository
            from .rules.schedule import BundleSchedule
            return (DynamoClockRepository(self.settings, shadow=True),
                    DynamoSanctionRepository(self.settings, shadow=True), BundleSchedule(rules))
        clocks, sanctions, schedule = self._get("shadow_stores", build)
        return SweepDeps(complaints=self.repo, clocks=clocks, schedule=schedule, rules_version=rules.version,
                         now=self.now, sanctions=sanctions, notifier=self.notifier, rules=rules,
                         audit=self.audit, notify=None, acting=False)

    def shadow_deps(self) -> ShadowDeps:
        def build():
            # lazy: pynamodb (cold start), as for the complaints repository
            from .adapters.dynamo.sanctions import DynamoSanctionRepository
            return DynamoSanctionRepository(self.settings, shadow=True)
        shadow = self.shadow_rules
        return ShadowDeps(decisions=self._get("shadow_decisions", build), active=self.sanctions,
                          opds=self.rules.opds, rules_version=shadow.version if shadow else None)

    def sanction_deps(self) -> SanctionDeps:
        return SanctionDeps(sanctions=self.sanctions, opds=self.rules.opds)

    def deps(self) -> Deps:
        s = self.settings
        return Deps(repo=self.repo, rules=self.rules, now=self.now, new_id=self.new_id,
                    daily_limit=s.daily_complaint_limit,
                    staff=self.staff if (s.staff_directory_path or s.user_pool_id or "staff" in self._overrides)
                    else None, evidence=self.evidence, people=lambda: self.people)

    def public_deps(self) -> PublicDeps:
        """Tracking, the public list and `similar` (services/public.py): the complaint repository
        answers for its public indexes and its supports too."""
        return PublicDeps(repo=self.repo, clocks=self.clock_deps(), rules=self.rules, now=self.now)

    def support_deps(self) -> SupportDeps:
        return SupportDeps(repo=self.repo, now=self.now)


container = Container()
