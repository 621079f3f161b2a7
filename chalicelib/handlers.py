"""Entry points for the non-HTTP Lambdas: the complaints stream and the scheduled sweep.

Stream delivery is at-least-once and may be out of order: each record is handled on its own and
a failure is reported per record (`batchItemFailures`, Lambda's ReportBatchItemFailures), so one
poison record does not make the whole batch retry; after bounded retries the event source mapping
sends it to the dead-letter queue (infra/), and the local stack does the same.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime

from .adapters.telemetry import log_context, sweep_metrics
from .domain.times import parse_iso
from .wiring import container

log = logging.getLogger("lampungin.stream")
SWEEP_SAFETY_MS = 20_000      # stop taking new clocks this long before the Lambda's timeout


def complaint_id_of(record: dict) -> str:
    return record["dynamodb"]["Keys"]["id"]["S"]


def on_complaint_changes(event: dict) -> dict:
    failures, done = [], set()
    for record in event.get("Records", []):
        seq = (record.get("dynamodb") or {}).get("SequenceNumber")
        complaint_id = None
        try:
            complaint_id = complaint_id_of(record)
            if complaint_id not in done:        # one batch often holds several changes of one complaint
                with log_context(complaint_id=complaint_id, sequence_number=seq):
                    catch_up(complaint_id)
                done.add(complaint_id)
        except Exception:
            log.exception("stream record failed",
                          extra={"sequence_number": seq, "complaint_id": complaint_id})
            failures.append({"itemIdentifier": seq})
    return {"batchItemFailures": failures}


def catch_up(complaint_id: str) -> int:
    """Everything a change of the complaint implies, from its timeline read now (images go stale;
    the stream carries keys only): the audit trail of each change, its clocks (and the shadow
    rules' clocks), the follow-ups filed for comparison, who is told. Idempotent, so a record
    delivered twice, or `lampungin reconcile` after a lost one, repeats nothing. Returns how many
    clocks the complaint has."""
    # lazy: app.py imports this module in every Lambda; only the stream one needs these services
    from .services.audit import record_timeline
    from .services.clocks import reconcile
    from .services.evidence import file_follow_ups
    from .services.notifications import notify_timeline

    deps, audit, notify = container.clock_deps(), container.audit, container.notify_deps()
    shadow = container.shadow_sweep_deps()          # None unless the stage runs shadow rules
    events = deps.complaints.timeline(complaint_id)
    record_timeline(audit, events)
    clocks = reconcile(deps, complaint_id, events)
    if shadow is not None:
        reconcile_shadow(shadow, complaint_id, events)
    complaint = deps.complaints.get(complaint_id)
    if complaint is not None and events:
        done_seq = notify.notifications.progress(complaint_id)
        # follow-ups' texts and photos, for comparing later ones with them
        file_follow_ups(container.evidence, [e for e in events if e.seq > done_seq])
        notify_timeline(notify, complaint, events, done_seq)     # who is told of it
    return len(clocks)


def reconcile_shadow(shadow, complaint_id: str, events) -> None:
    """The shadow rules' clocks of this complaint (services/shadow.py). A failure is logged and
    never fails the record: the rules in force must not wait for a draft; the shadow clocks
    catch up with the complaint's next change."""
    # lazy: only the stream Lambda needs it
    from .services.clocks import reconcile
    try:
        reconcile(shadow, complaint_id, events)
    except Exception:
        log.exception("shadow rules %s: reconcile failed", shadow.rules_version,
                      extra={"complaint_id": complaint_id})


def sweep_time(event: dict) -> datetime:
    """EventBridge's scheduled time (or `lampungin sweep --at`); now if absent."""
    text = (event or {}).get("time")
    if not text:
        return container.now()
    return parse_iso(text)          # EventBridge sends `2026-03-02T01:00:00Z`; no offset means UTC


def run_sweep(event: dict, remaining_ms: int | None = None) -> dict:
    # lazy: only the sweep Lambda pays for the sweep service at cold start
    from .services.sweep import sweep

    deadline = None
    if remaining_ms is not None:
        budget_ms = max(remaining_ms - SWEEP_SAFETY_MS, remaining_ms // 2)   # short timeouts: half
        deadline = time.monotonic() + budget_ms / 1000
    at = sweep_time(event)
    report = sweep(container.sweep_deps(), at, deadline=deadline)
    log.info("sweep done", extra={"report": report.as_dict()})
    sweep_metrics(report.as_dict())
    out = report.as_dict()
    shadow = container.shadow_sweep_deps()
    if shadow is not None:              # after the rules in force, in what is left of the budget
        out["shadow"] = shadow_sweep(shadow, at, deadline, skip=not report.complete)
    return out


def shadow_sweep(shadow, at: datetime, deadline: float | None, *, skip: bool) -> dict:
    """The shadow rules' sweep (services/shadow.py): its report, with its rules version; skipped
    while the rules in force did not finish (they come first); a failure is logged, never raised."""
    # lazy: only the sweep Lambda needs it
    from .services.sweep import sweep
    if skip:
        return {"rules_version": shadow.rules_version, "skipped": True}
    try:
        report = sweep(shadow, at, deadline=deadline).as_dict()
    except Exception as exc:
        log.exception("shadow rules %s: sweep failed", shadow.rules_version)
        return {"rules_version": shadow.rules_version, "error": f"{type(exc).__name__}: {exc}"[:300]}
    log.info("shadow sweep done", extra={"report": report})
    return {"rules_version": shadow.rules_version, **report}


def deliver(channel: str, event: dict) -> dict:
    """One channel's delivery queue (SQS, batch size 1). A delivery that fails and may succeed
    later is raised after its message is set to come back with exponential backoff; SQS moves it
    to the channel's dead-letter queue after the last attempt. One that never can (the provider
    refused the address) goes to the dead-letter queue at once. Either way no other delivery,
    and no other channel, waits for it."""
    # lazy: only the delivery Lambdas load the delivery service and the channel adapters
    from .adapters.delivery_queue import delivery_from_body
    from .services.delivery import RetryLater, Undeliverable, backoff_seconds
    from .services.delivery import deliver as deliver_one

    deps, queue, outcomes = container.delivery_deps(), container.delivery_queue, []
    for record in event.get("Records", []):
        try:
            delivery = delivery_from_body(record.get("body") or "")
        except ValueError:
            log.error("not a delivery message on the %s queue: dropped", channel)
            outcomes.append("malformed")
            continue
        try:
            outcomes.append(deliver_one(deps, delivery).value)
        except Undeliverable as why:
            log.warning("undeliverable on %s: %s", channel, why)
            queue.dead_letter(delivery, str(why))
            outcomes.append("dead_letter")
        except RetryLater as why:
            attempt = int((record.get("attributes") or {}).get("ApproximateReceiveCount") or 1)
            delay = backoff_seconds(attempt, base=container.settings.delivery_retry_seconds)
            log.warning("delivery on %s failed (attempt %d, again in %d s): %s", channel, attempt, delay, why)
            if record.get("receiptHandle"):
                queue.retry_after(channel, record["receiptHandle"], delay)
            raise
    return {"outcomes": outcomes}


def lapor_exchange(event: dict) -> dict:
    """Every 5 minutes: complaints disposed to the province on SP4N-LAPOR! come in (services/
    lapor.py). Their updates go back through the `lapor` delivery queue, not here. A stage without
    LAPOR_BASE_URL has no exchange: nothing is pulled. A LAPOR! outage fails this run only; the
    next one goes on from the cursor."""
    # lazy: only the lapor_exchange Lambda needs the exchange
    from .services.lapor import pull
    deps = container.lapor_deps()
    if deps is None:
        return {"lapor": "off"}
    result = pull(deps)
    log.info("LAPOR! exchange: %s", result)
    return result


def on_upload(event: dict) -> dict:
    """Objects created under uploads/ in the attachments bucket (EventBridge "Object Created"; S3's
    own notification shape is read too): each is checked, cleaned and kept, or rejected and
    deleted (services/attachments.process_upload). An error raises, so Lambda retries the event;
    processing an object twice changes nothing."""
    # lazy: only the upload processor loads the attachments service (and, through it, Pillow)
    from .adapters.s3_uploads import created_objects
    from .domain.attachments import parse_upload_key
    from .services.attachments import process_upload

    deps, bucket, outcomes = container.attachment_deps(processing=True), container.settings.attachments_bucket, []
    for where, key in created_objects(event):
        ids = parse_upload_key(key) if where == bucket else None
        if ids is None:
            log.warning("not an upload of this stage's attachments bucket: ignored")
            outcomes.append("ignored")
            continue
        with log_context(complaint_id=ids[0], attachment_id=ids[1]):
            outcomes.append(process_upload(deps, ids[0], ids[1], key))
            log.info("upload processed", extra={"outcome": outcomes[-1]})
    return {"outcomes": outcomes}
