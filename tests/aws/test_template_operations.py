"""template.yaml as an operator relies on it day to day: queues that retry only what failed,
alarms that page on a real failure and not on one transient error, schedules that build
a digest after the day's last fetch, and event rules that hear only their stage's keys."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from newsprism.aws._observability import NAMESPACE
from newsprism.config import load_config
from tests.aws.template_helpers import RESOURCES, STAGES, TEMPLATE


def test_a_queue_hides_a_message_for_six_times_its_consumers_timeout() -> None:
    mappings = {name: resource["Properties"] for name, resource in RESOURCES.items()
                if resource["Type"] == "AWS::Lambda::EventSourceMapping"}
    assert {m["FunctionName"]["Ref"] for m in mappings.values()} == {
        "FetchFunction", "ClassifyFunction", "RenderFunction"}
    for mapping in mappings.values():
        queue = RESOURCES[mapping["EventSourceArn"]["Fn::GetAtt"][0]]["Properties"]
        timeout = RESOURCES[mapping["FunctionName"]["Ref"]]["Properties"]["Timeout"]
        assert queue["VisibilityTimeout"] >= 6 * timeout


def test_every_queue_retries_only_the_messages_the_function_reports_failed() -> None:
    # The handlers answer with Powertools' partial batch response (newsprism/aws/_runner.py);
    # without this setting Lambda would ignore it and delete the whole batch.
    for name in ("FetchTopics", "ClassifyTopics", "RenderDigests"):
        properties = RESOURCES[name]["Properties"]
        assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name


def test_one_topic_per_fetch_and_classify_invocation_and_renders_one_at_a_time() -> None:
    for name in ("FetchTopics", "ClassifyTopics"):
        mapping = RESOURCES[name]["Properties"]
        assert mapping["BatchSize"] == 1
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "TopicConcurrency"}}
    render_queue = RESOURCES["RenderQueue"]["Properties"]
    assert render_queue["FifoQueue"] is True
    [target] = RESOURCES["DigestWrittenRule"]["Properties"]["Targets"]
    assert target["SqsParameters"] == {"MessageGroupId": "site"}  # a single group: serial


def test_every_failure_ends_in_a_dead_letter_queue() -> None:
    for stage in ("Dispatch", "Summarize"):  # invoked asynchronously
        config = RESOURCES[f"{stage}Function"]["Properties"]["EventInvokeConfig"]
        assert config["MaximumRetryAttempts"] == 2
        assert config["DestinationConfig"]["OnFailure"] == {
            "Type": "SQS", "Destination": {"Fn::GetAtt": ["FailedQueue", "Arn"]}}
    for queue, dead in (("FetchQueue", "FailedQueue"), ("ClassifyQueue", "FailedQueue"),
                        ("RenderQueue", "RenderFailedQueue")):
        policy = RESOURCES[queue]["Properties"]["RedrivePolicy"]
        assert policy == {"deadLetterTargetArn": {"Fn::GetAtt": [dead, "Arn"]},
                          "maxReceiveCount": 3}
    # Delivery failures of the schedules and rules, before any function ran.
    events = [event["Properties"] for stage in STAGES
              for event in RESOURCES[f"{stage}Function"]["Properties"].get("Events", {}).values()]
    events += [target for target in RESOURCES["DigestWrittenRule"]["Properties"]["Targets"]]
    assert len(events) == 4
    for event in events:
        assert event["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["FailedQueue", "Arn"]}}
        assert event["RetryPolicy"]["MaximumRetryAttempts"] >= 1


def alarms() -> dict[str, dict[str, Any]]:
    return {name: resource["Properties"] for name, resource in RESOURCES.items()
            if resource["Type"] == "AWS::CloudWatch::Alarm"}


def dimension(alarm: dict[str, Any]) -> str:
    """The function or queue an AWS/Lambda or AWS/SQS alarm watches, by logical id."""
    [value] = [d["Value"] for d in alarm["Dimensions"]]
    return str(value["Ref"] if "Ref" in value else value["Fn::GetAtt"][0])


def test_alarms_cover_errors_throttles_queue_age_dead_letters_fallbacks_and_no_digest() -> None:
    found = alarms()
    for alarm in found.values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    watched: dict[str, set[str]] = {}
    for alarm in found.values():
        if "MetricName" in alarm and alarm["Namespace"].startswith("AWS/"):
            watched.setdefault(alarm["MetricName"], set()).add(dimension(alarm))
    functions = {f"{stage}Function" for stage in STAGES}
    assert watched == {"Errors": functions, "Throttles": functions,
                       "ApproximateAgeOfOldestMessage": {"FetchQueue", "ClassifyQueue",
                                                         "RenderQueue"},
                       "ApproximateNumberOfMessagesVisible": {"FailedQueue",
                                                              "RenderFailedQueue"}}
    metrics = [query["MetricStat"]["Metric"] for query in
               found["SummarizerFallbacksAlarm"]["Metrics"] if "MetricStat" in query]
    assert {(m["Namespace"], m["MetricName"]) for m in metrics} == {
        (NAMESPACE, "SummarizerFallbacks"), (NAMESPACE, "ItemsOk")}
    for metric in metrics:  # where functions/summarize/app.py emits them (_runner.py)
        assert metric["Dimensions"] == [{"Name": "service", "Value": {"Ref": "AWS::StackName"}},
                                        {"Name": "stage", "Value": "summarize"}]

    digest = found["NoDigestAlarm"]
    # What the render function emits (tests/test_lambda.py checks it does), where it emits it.
    assert (digest["Namespace"], digest["MetricName"]) == (NAMESPACE, "DigestsPublished")
    assert digest["Dimensions"] == [{"Name": "service", "Value": {"Ref": "AWS::StackName"}},
                                    {"Name": "stage", "Value": "render"}]
    service = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert service["POWERTOOLS_SERVICE_NAME"] == {"Ref": "AWS::StackName"}
    # Missing data is a day without a digest; a day's run plus grace, within CloudWatch's 7 days.
    assert digest["TreatMissingData"] == "breaching"
    window = digest["Period"] * digest["EvaluationPeriods"]
    assert 24 * 3600 < window <= 7 * 24 * 3600
    assert digest["DatapointsToAlarm"] == digest["EvaluationPeriods"]
    assert (digest["ComparisonOperator"], digest["Threshold"]) == ("LessThanThreshold", 1)


# Lambda's own retry of a failed asynchronous invocation: after 1 minute, then 2 more.
ASYNC_RETRY_WAITS = (60, 120)


def tries(stage: str) -> tuple[int, int, int]:
    """How a failing message or event of ``stage`` is tried: ``(tries, shortest wait between
    two tries' starts, seconds from the first try's start to the last one's end)``."""
    function = RESOURCES[f"{stage}Function"]["Properties"]
    if "EventInvokeConfig" in function:  # invoked asynchronously
        count = function["EventInvokeConfig"]["MaximumRetryAttempts"] + 1
        return count, ASYNC_RETRY_WAITS[0], sum(ASYNC_RETRY_WAITS) + count * function["Timeout"]
    [queue] = [RESOURCES[m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]]["Properties"]
               for m in RESOURCES.values() if m["Type"] == "AWS::Lambda::EventSourceMapping"
               and m["Properties"]["FunctionName"] == {"Ref": f"{stage}Function"}]
    count = queue["RedrivePolicy"]["maxReceiveCount"]
    visibility = queue["VisibilityTimeout"]
    return count, visibility, (count - 1) * visibility + function["Timeout"]


@pytest.mark.parametrize("stage", STAGES)
def test_an_errors_alarm_fires_on_a_message_failing_every_try_not_on_one_error(
        stage: str) -> None:
    alarm = alarms()[f"{stage}ErrorsAlarm"]
    count, wait, span = tries(stage)
    assert (alarm["Statistic"], alarm["Threshold"]) == ("Sum", 1)
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    # One breaching period per try: a single error (one period) stays quiet ...
    assert alarm["DatapointsToAlarm"] == count > 1
    # ... and the tries of one message land in different periods, all inside the window.
    assert alarm["Period"] <= wait
    assert alarm["Period"] * alarm["EvaluationPeriods"] >= span
    assert alarm["TreatMissingData"] == "notBreaching"


@pytest.mark.parametrize("stage", STAGES)
def test_a_throttles_alarm_wants_throttling_that_persists(stage: str) -> None:
    alarm = alarms()[f"{stage}ThrottlesAlarm"]
    assert (alarm["Statistic"], alarm["Threshold"]) == ("Sum", 1)
    assert 1 < alarm["DatapointsToAlarm"] <= alarm["EvaluationPeriods"]
    assert alarm["Period"] * alarm["DatapointsToAlarm"] >= 15 * 60


@pytest.mark.parametrize("stage", ["Fetch", "Classify", "Render"])
def test_a_queue_age_alarm_lets_a_message_use_its_retries_first(stage: str) -> None:
    alarm = alarms()[f"{stage}QueueAgeAlarm"]
    queue = RESOURCES[f"{stage}Queue"]["Properties"]
    count, wait, span = tries(stage)
    # In a FIFO queue's single group a failing message holds back every later one until
    # its last try: they wait its whole redelivery cycle, then their own run.
    longest = count * wait + RESOURCES[f"{stage}Function"]["Properties"]["Timeout"] if \
        queue.get("FifoQueue") else span
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert longest < alarm["Threshold"] < queue["MessageRetentionPeriod"]
    assert alarm["Statistic"] == "Maximum"


def test_the_fallbacks_alarm_ignores_a_transient_failure_at_any_scale() -> None:
    [expression] = [query["Expression"] for query in
                    alarms()["SummarizerFallbacksAlarm"]["Metrics"] if "Expression" in query]
    # The metric math, in Python: IF(c, 1, 0) -> int(c); FILL(m, 0) -> m (no data is none).
    condition = re.fullmatch(r"IF\((.+), 1, 0\)", expression)
    assert condition
    python = re.sub(r"FILL\((\w+), 0\)", r"\1", condition.group(1)).replace(" AND ", " and ")

    def pages(fallbacks: int, digests: int) -> bool:
        return bool(eval(python, {}, {"fallbacks": fallbacks, "digests": digests}))

    assert not pages(0, 0) and not pages(1, 5) and not pages(2, 2)  # one bad answer or two
    assert pages(3, 5) and pages(5, 5)  # a model that fails (almost) every digest
    assert not pages(3, 500) and pages(60, 500)  # a few transient failures among hundreds


def test_the_event_rules_match_only_the_stages_keys() -> None:
    summarize = RESOURCES["SummarizeFunction"]["Properties"]["Events"]["Classified"]
    patterns = {"summarize": summarize["Properties"]["Pattern"],
                "render": RESOURCES["DigestWrittenRule"]["Properties"]["EventPattern"]}
    assert {stage: pattern["detail"]["object"]["key"] for stage, pattern in patterns.items()} == {
        "summarize": [{"wildcard": "classified/*/*.json"}],
        "render": [{"wildcard": "digests/*/*.json"}]}


def cron_times(expression: str, day: date) -> list[datetime]:
    """When a daily EventBridge Scheduler ``cron(minutes hours * * ? *)`` fires on ``day``."""
    match = re.fullmatch(r"cron\((\S+) (\S+) \* \* \? \*\)", expression)
    assert match, f"{expression}: not a daily cron expression"
    return sorted(datetime.combine(day, time(hour, minute), UTC)
                  for hour in cron_field(match[2], 23) for minute in cron_field(match[1], 59))


def cron_field(text: str, highest: int) -> set[int]:
    """The values of a cron field: ``*``, ``5``, ``1-5``, ``1/2``, ``*/15``, lists of them."""
    values: set[int] = set()
    for part in text.split(","):
        base, _, step = part.partition("/")
        first, _, last = base.partition("-")
        start = 0 if base == "*" else int(first)
        stop = int(last) if last else highest if step or base == "*" else start
        values.update(range(start, stop + 1, int(step or 1)))
    return values


def test_classify_starts_after_the_last_fetch_of_its_day_has_spent_its_retries() -> None:
    parameters = TEMPLATE["Parameters"]
    day = date(2026, 2, 12)
    fetch = parameters["FetchSchedule"]["Default"]
    fetches = cron_times(fetch, day - timedelta(days=1)) + cron_times(fetch, day)
    [classify] = cron_times(parameters["ClassifySchedule"]["Default"], day)
    # A fetch run is stored, or has spent its retries, at most this long after its tick: the
    # dispatcher's run, then the topic message's tries, VisibilityTimeout apart.
    dispatch = RESOURCES["DispatchFunction"]["Properties"]["Timeout"]
    settled = timedelta(seconds=dispatch + tries("Fetch")[2])
    last = max(tick for tick in fetches if tick <= classify)
    assert classify - last >= settled
    # The queue's age alarm says so before classify would start without a run.
    age = alarms()["FetchQueueAgeAlarm"]
    assert timedelta(seconds=age["Threshold"] + age["Period"]) <= classify - last
    # The digest dated ``day`` lists the fetches of the max_age before its clock: a whole
    # day's runs, each in one digest only.
    window = load_config(None).settings.max_age
    assert len([tick for tick in fetches if classify - window < tick <= classify]) == len(
        cron_times(fetch, day)) > 1
