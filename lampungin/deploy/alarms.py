"""The CloudWatch alarms of one stage, all on the stage's AlarmTopic: dead letters, stream handler
errors and lag, sweep failures and silence, API crashes, the user pool's triggers failing, and
notifications that could not be delivered. infra.py puts them in the stack.
"""
from __future__ import annotations

from .conventions import APP_NAME, DELIVERY_CHANNELS, FUNCTIONS, METRICS_NAMESPACE, sub
from .resources import logical_queue


def _alarm(description: str, namespace: str, metric: str, dimensions: dict, *, stat="Sum",
           threshold=1, periods=1, period=300, comparison="GreaterThanOrEqualToThreshold",
           missing="notBreaching") -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        "Statistic": stat, "Period": period, "EvaluationPeriods": periods, "Threshold": threshold,
        "ComparisonOperator": comparison, "TreatMissingData": missing,
        "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}]}}


def alarms() -> dict:
    fn = {k: sub(f"{APP_NAME}-${{Stage}}{suffix}") for k, suffix in FUNCTIONS.items()}
    return {
        "DeadLetterAlarm": _alarm(
            "A complaint stream record failed 3 retries and went to the dead-letter queue",
            "AWS/SQS", "ApproximateNumberOfMessagesVisible",
            {"QueueName": {"Fn::GetAtt": ["StreamDeadLetterQueue", "QueueName"]}}, stat="Maximum"),
        "StreamHandlerErrorsAlarm": _alarm(
            "The complaints stream handler raised", "AWS/Lambda", "Errors",
            {"FunctionName": fn["stream"]}),
        "StreamIteratorAgeAlarm": _alarm(
            "The complaints stream is more than 10 minutes behind", "AWS/Lambda", "IteratorAge",
            {"FunctionName": fn["stream"]}, stat="Maximum", threshold=600000,
            comparison="GreaterThanThreshold"),
        "SweepErrorsAlarm": _alarm(
            "The sanctions sweep Lambda failed", "AWS/Lambda", "Errors", {"FunctionName": fn["sweep"]}),
        "SweepClockErrorsAlarm": _alarm(
            "The sweep could not handle a due clock (report.errors)", METRICS_NAMESPACE,
            "SweepClockErrors", {"Stage": {"Ref": "Stage"}}),
        "SweepNotRunningAlarm": _alarm(
            "The sanctions sweep has not run for 15 minutes (schedule disabled or not deployed)",
            "AWS/Lambda", "Invocations", {"FunctionName": fn["sweep"]}, periods=3,
            threshold=1, comparison="LessThanThreshold", missing="breaching"),
        "ApiErrorsAlarm": _alarm(
            "The API Lambda crashed or timed out (handled errors are answered, not raised)",
            "AWS/Lambda", "Errors", {"FunctionName": fn["api"]}, threshold=5),
        "PostConfirmationErrorsAlarm": _alarm(
            "A citizen who confirmed their sign-up could not be put in the citizen group (their "
            "tokens have no role until an admin adds it)", "AWS/Lambda", "Errors",
            {"FunctionName": fn["post_confirmation"]}),
        "PreTokenErrorsAlarm": _alarm(
            "Sign-ins failed in the pre-token trigger (it could not read a user's MFA settings)",
            "AWS/Lambda", "Errors", {"FunctionName": fn["pre_token"]}, threshold=5),
        "ProcessUploadErrorsAlarm": _alarm(
            "Uploaded attachments could not be processed (each event is retried; an upload left "
            "unprocessed stays pending and its uploader sees no download)", "AWS/Lambda", "Errors",
            {"FunctionName": fn["upload"]}, threshold=3),
        **{f"Deliver{ch.capitalize()}ErrorsAlarm": _alarm(
            f"{ch} deliveries keep failing (each is retried from its queue; the dead-letter alarm "
            "fires when one gives up)", "AWS/Lambda", "Errors", {"FunctionName": fn[f"deliver_{ch}"]},
            threshold=10) for ch in DELIVERY_CHANNELS},
        **{f"{logical_queue(ch, dead_letter=True)}Alarm": _alarm(
            f"A {ch} notification failed 3 deliveries and waits in its dead-letter queue (14 days)",
            "AWS/SQS", "ApproximateNumberOfMessagesVisible",
            {"QueueName": {"Fn::GetAtt": [logical_queue(ch, dead_letter=True), "QueueName"]}}, stat="Maximum")
           for ch in DELIVERY_CHANNELS},
    }
