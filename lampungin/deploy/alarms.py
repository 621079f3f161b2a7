"""The CloudWatch alarms of one stage, all on the stage's on-call topic (AlarmTopic: e-mail and an
optional HTTPS endpoint, resources.py). Both deployment paths get the same alarms; only the way a
function is named differs (`names`): path (a) by the name `chalice deploy` gives it, path (b) by a
reference to the function in the same stack, so an alarm can never watch a function that does not
exist (tests/deploy/test_consistency.py checks both templates).

What pages someone, and why it is worth a page:
* every function: Errors (a crash or timeout: handled errors are answered or reported, not
  raised), Throttles (the account's concurrency ran out: work waits or, for the API, is refused)
  and Duration near its timeout (the next invocation times out);
* the API: 5XX answers (the contract says no request gets one) and p99 latency;
* the stream: iterator age (clocks start late), records in its dead-letter queue;
* the sweep: not running, incomplete (the SweepIncomplete metric: the budget ran out before every
  due clock was handled), due clocks it could not handle (SweepClockErrors);
* DynamoDB throttling of any table; notifications: failed SNS deliveries and each channel's
  dead-letter queue.

Every alarm's description ends with its runbook, `docs/runbooks.md#<section>` (RUNBOOKS below;
tests/deploy/test_runbooks.py checks that each section exists and names the alarm), and every
alarm is named `lampungin-<stage>-<logical id>` so the page's subject says which one fired.
infra.py puts them in the stack.
"""
from __future__ import annotations

from chalicelib.adapters.dynamo.tables import TABLES

from .conventions import (
    API_STAGE,
    APP_NAME,
    DELIVERY_CHANNELS,
    FUNCTIONS,
    METRICS_NAMESPACE,
    REST_API_NAME,
    logical_function,
    logical_table,
    sub,
)
from .resources import logical_queue

API_LATENCY_P99_MS = 3000         # well above the app's ~100 ms; API Gateway's hard limit is 29 s
DURATION_ALARM_SHARE = 0.8        # of the function's timeout (.chalice/config.json, per stage)
RUNBOOK_FILE = "docs/runbooks.md"

# which -> (what its errors mean, how many in 5 minutes page, its runbook section)
ERRORS = {
    "api": ("The API Lambda crashed or timed out (handled errors are answered, not raised)", 5, "api-errors"),
    "stream": ("The complaints stream handler raised (the batch is retried, bisected, then dead-lettered)",
               1, "stream-errors"),
    "sweep": ("The sanctions sweep Lambda failed", 1, "sweep-errors"),
    "post_confirmation": ("A citizen who confirmed their sign-up could not be put in the citizen group "
                          "(their tokens have no role until an admin adds it)", 1, "post-confirmation-errors"),
    "pre_token": ("Sign-ins failed in the pre-token trigger (it could not read a user's MFA settings)", 5,
                  "pre-token-errors"),
    "upload": ("Uploaded attachments could not be processed (each event is retried; an upload left "
               "unprocessed stays pending and its uploader sees no download)", 3, "upload-errors"),
    "lapor": ("The SP4N-LAPOR! exchange failed (complaints disposed on LAPOR! wait; the next run goes on "
              "from its cursor)", 3, "lapor-exchange-errors"),
    **{f"deliver_{ch}": (f"{ch} deliveries keep failing (each is retried from its queue; the dead-letter "
                         "alarm fires when one gives up)", 10, "delivery-errors") for ch in DELIVERY_CHANNELS},
}
THROTTLES_RUNBOOK = "lambda-throttles"
DURATION_RUNBOOK = "lambda-duration"


# What a bad release trips within minutes: release.py watches these while it shifts traffic (path
# a) and CodeDeploy does (path b, DeploymentPreference.Alarms); any in ALARM moves every function
# back to the version it served.
RELEASE_ALARMS = (*(f"{logical_function(which)}ErrorsAlarm" for which in FUNCTIONS), "Api5xxAlarm",
                  "SweepClockErrorsAlarm", "DeadLetterAlarm")


def release_alarm_names(stage: str) -> list[str]:
    """The release alarms' names in a stage (alarm_name with the stage filled in)."""
    return [alarm_name(logical)["Fn::Sub"].replace("${Stage}", stage) for logical in RELEASE_ALARMS]


def runbook(section: str) -> str:
    return f" Runbook: {RUNBOOK_FILE}#{section}"


def alarm_name(logical: str) -> dict:
    """`lampungin-${Stage}-APIHandlerErrors` for the resource `APIHandlerErrorsAlarm`."""
    return sub(f"{APP_NAME}-${{Stage}}-{logical.removesuffix('Alarm')}")


def _actions(logical: str, props: dict) -> dict:
    return {"AlarmName": alarm_name(logical), **props,
            "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}]}


def alarm(logical: str, description: str, section: str, namespace: str, metric: str, dimensions: dict, *,
          stat="Sum", threshold=1, periods=1, period=300, comparison="GreaterThanOrEqualToThreshold",
          missing="notBreaching") -> dict:
    props = {
        "AlarmDescription": description + runbook(section), "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        "Period": period, "EvaluationPeriods": periods, "Threshold": threshold,
        "ComparisonOperator": comparison, "TreatMissingData": missing}
    if stat.startswith("p"):
        props["ExtendedStatistic"] = stat
    else:
        props["Statistic"] = stat
    return {logical: {"Type": "AWS::CloudWatch::Alarm", "Properties": _actions(logical, props)}}


def _metric(id_: str, namespace: str, metric: str, dimensions: dict, stat: str = "Sum") -> dict:
    return {"Id": id_, "ReturnData": False, "MetricStat": {
        "Metric": {"Namespace": namespace, "MetricName": metric,
                   "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]},
        "Period": 300, "Stat": stat}}


def table_throttles(short: str) -> dict:
    """Reads and writes DynamoDB refused for capacity on one table (on-demand tables throttle at
    a hot partition or the account's table limit); the SDK retries them, so a page means many."""
    logical = f"{logical_table(short)}ThrottlesAlarm"
    table = {"TableName": {"Ref": logical_table(short)}}
    props = {
        "AlarmDescription": f"DynamoDB throttled 10 or more requests to the {short} table in 5 minutes "
                            "(hot key or account limit)." + runbook("table-throttles"),
        "Metrics": [_metric("r", "AWS/DynamoDB", "ReadThrottleEvents", table),
                    _metric("w", "AWS/DynamoDB", "WriteThrottleEvents", table),
                    {"Id": "t", "Expression": "FILL(r, 0) + FILL(w, 0)", "Label": f"{short} throttled requests",
                     "ReturnData": True}],
        "EvaluationPeriods": 1, "Threshold": 10, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching"}
    return {logical: {"Type": "AWS::CloudWatch::Alarm", "Properties": _actions(logical, props)}}


def _stage(name: str) -> dict:
    return {"Fn::FindInMap": ["StageSettings", {"Ref": "Stage"}, name]}


def duration_setting(which: str) -> str:
    """The StageSettings key of a function's duration alarm threshold (ms)."""
    return f"{logical_function(which)}DurationAlarmMs"


def function_alarms(which: str, name) -> dict:
    logical = logical_function(which)
    what, errors, section = ERRORS[which]
    dims = {"FunctionName": name}
    return {
        **alarm(f"{logical}ErrorsAlarm", f"{what}: {errors} or more errors in 5 minutes.", section,
                "AWS/Lambda", "Errors", dims, threshold=errors),
        **alarm(f"{logical}ThrottlesAlarm",
                f"{logical} was throttled: the account's Lambda concurrency ran out.", THROTTLES_RUNBOOK,
                "AWS/Lambda", "Throttles", dims, threshold=5 if which == "api" else 1),
        **alarm(f"{logical}DurationAlarm",
                f"{logical} ran for more than {int(DURATION_ALARM_SHARE * 100)} % of its timeout: the next "
                "run may time out.", DURATION_RUNBOOK, "AWS/Lambda", "Duration", dims, stat="Maximum",
                threshold=_stage(duration_setting(which))),
    }


def alarms(names: dict) -> dict:
    """Every alarm; `names` maps each conventions.FUNCTIONS key to the template expression of
    that function's name."""
    out: dict = {}
    for which in FUNCTIONS:
        out.update(function_alarms(which, names[which]))
    stream, sweep = {"FunctionName": names["stream"]}, {"FunctionName": names["sweep"]}
    api = {"ApiName": REST_API_NAME, "Stage": API_STAGE}
    stage = {"Stage": {"Ref": "Stage"}}
    out.update({
        **alarm("DeadLetterAlarm",
                "A complaint stream record failed 3 retries and went to the stream's dead-letter queue.",
                "stream-dead-letters", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                {"QueueName": {"Fn::GetAtt": ["StreamDeadLetterQueue", "QueueName"]}}, stat="Maximum"),
        **alarm("StreamIteratorAgeAlarm",
                "The complaints stream is more than 10 minutes behind (clocks start late).",
                "stream-iterator-age", "AWS/Lambda", "IteratorAge", stream, stat="Maximum",
                threshold=600000, comparison="GreaterThanThreshold"),
        **alarm("SweepNotRunningAlarm",
                "The sanctions sweep has not run for 15 minutes (schedule disabled or not deployed).",
                "sweep-not-running", "AWS/Lambda", "Invocations", sweep, periods=3,
                threshold=1, comparison="LessThanThreshold", missing="breaching"),
        **alarm("SweepIncompleteAlarm",
                "Two sweeps in a row ran out of time before every due clock was handled (SweepIncomplete).",
                "sweep-incomplete", METRICS_NAMESPACE, "SweepIncomplete", stage, stat="Maximum", periods=2),
        **alarm("SweepClockErrorsAlarm", "The sweep could not handle a due clock (SweepClockErrors).",
                "sweep-clock-errors", METRICS_NAMESPACE, "SweepClockErrors", stage),
        **alarm("Api5xxAlarm",
                "The API answered 5XX 3 or more times in 5 minutes (the contract allows none: a crash, a "
                "timeout or Lambda throttling).", "api-5xx", "AWS/ApiGateway", "5XXError", api, threshold=3),
        **alarm("ApiLatencyAlarm", f"The API's p99 latency stayed above {API_LATENCY_P99_MS} ms for 15 minutes.",
                "api-latency", "AWS/ApiGateway", "Latency", api, stat="p99", threshold=API_LATENCY_P99_MS,
                periods=3, comparison="GreaterThanThreshold"),
        **alarm("NotificationsFailedAlarm", "SNS could not deliver messages of the notifications topic.",
                "notifications-failed", "AWS/SNS", "NumberOfNotificationsFailed",
                {"TopicName": {"Fn::GetAtt": ["NotificationsTopic", "TopicName"]}}),
    })
    for ch in DELIVERY_CHANNELS:
        dlq = logical_queue(ch, dead_letter=True)
        out.update(alarm(
            f"{dlq}Alarm", f"A {ch} notification failed 3 deliveries and waits in its dead-letter queue (14 days).",
            "delivery-dead-letters", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
            {"QueueName": {"Fn::GetAtt": [dlq, "QueueName"]}}, stat="Maximum"))
    for short in TABLES:
        out.update(table_throttles(short))
    return out

