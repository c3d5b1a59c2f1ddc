"""The template's EventBridge rules, loaded from template.yaml into moto's EventBridge by
infra/local_aws.py, against the keys S3 announces (issue 21).

No pattern is copied here: the rules are read from the template at run time, and the test
states only which keys each stage must hear about. moto's S3 sends the "Object Created"
events itself (the bucket has EventBridgeConfiguration, as the template's data bucket does);
moto's EventBridge matches them against the rules and delivers to SQS targets, read back
here. (moto has no TestEventPattern: it answers an empty 200.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.lambda_harness import LOCAL_AWS, drain, moto_server

OTHER_BUCKET = "newsprism-elsewhere"  # another bucket that sends its events to EventBridge
DATA = LOCAL_AWS.DATA_BUCKET

# Which stage must hear of each object: the summarize rule, the render rule, or neither.
EXPECTED: dict[tuple[str, str], set[str]] = {
    (DATA, "classified/us-china/2026-02-12.json"): {"summarize"},
    (DATA, "digests/us-china/2026-02-12.json"): {"render"},
    (DATA, "digests/us-china/notes.txt"): set(),  # a stray upload blocked renders (issue 21)
    (DATA, "classified/us-china/2026-02-12.json.bak"): set(),  # and failed summarize
    (DATA, "raw/us-china/2026-02-12/fetch-20260212T040000Z.json"): set(),
    (DATA, "state/feeds.json"): set(),
    (OTHER_BUCKET, "digests/us-china/2026-02-12.json"): set(),
    (OTHER_BUCKET, "classified/us-china/2026-02-12.json"): set(),
}
# The queue each rule delivers to (local_aws's environment), by stage.
TARGETS = {"summarize": "SUMMARIZE_EVENTS_QUEUE_URL", "render": "RENDER_QUEUE_URL"}


@pytest.fixture
def stack(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The local stack on a moto server; boto3 clients point at it."""
    with moto_server() as endpoint:
        environment: dict[str, str] = LOCAL_AWS.create_resources(endpoint)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        yield environment


def test_the_template_has_two_rules_on_the_data_bucket() -> None:
    rules = {rule.name: rule for rule in LOCAL_AWS.template_rules(LOCAL_AWS.load_template())}
    assert sorted(rules) == ["DigestWrittenRule", "SummarizeFunctionClassified"]
    targets = {name: [target["Arn"] for target in rule.targets] for name, rule in rules.items()}
    assert targets == {"DigestWrittenRule": [{"Fn::GetAtt": ["RenderQueue", "Arn"]}],
                       "SummarizeFunctionClassified": [
                           {"Fn::GetAtt": ["SummarizeFunction", "Arn"]}]}
    for name, pattern in LOCAL_AWS.event_patterns(bucket="bucket-x").items():
        assert pattern["source"] == ["aws.s3"], name
        assert pattern["detail-type"] == ["Object Created"], name
        assert pattern["detail"]["bucket"]["name"] == ["bucket-x"], name


def test_the_local_stack_mirrors_the_template(stack: dict[str, str]) -> None:
    template = LOCAL_AWS.load_template()
    resources = template["Resources"]
    s3, sqs, events = boto3.client("s3"), boto3.client("sqs"), boto3.client("events")
    for logical, bucket in LOCAL_AWS.BUCKETS.items():
        wanted = resources[logical]["Properties"].get("VersioningConfiguration", {})
        assert s3.get_bucket_versioning(Bucket=bucket).get("Status") == wanted.get("Status")
    assert resources["DataBucket"]["Properties"]["VersioningConfiguration"]["Status"] == "Enabled"

    render = sqs.get_queue_attributes(QueueUrl=stack["RENDER_QUEUE_URL"],
                                      AttributeNames=["All"])["Attributes"]
    assert (render["FifoQueue"], render["ContentBasedDeduplication"]) == ("true", "true")
    assert json.loads(render["RedrivePolicy"])["deadLetterTargetArn"].endswith(
        ":newsprism-render-failed.fifo")

    patterns = LOCAL_AWS.event_patterns(template)
    for rule in events.list_rules()["Rules"]:
        assert json.loads(rule["EventPattern"]) == patterns[rule["Name"]]
    [target] = events.list_targets_by_rule(Rule="DigestWrittenRule")["Targets"]
    assert target["Arn"].endswith(":newsprism-render.fifo")
    assert target["SqsParameters"] == (
        resources["DigestWrittenRule"]["Properties"]["Targets"][0]["SqsParameters"])


def delivered(stack: dict[str, str]) -> dict[tuple[str, str], set[str]]:
    """(bucket, key) -> the stages whose rule delivered an event for it."""
    heard: dict[tuple[str, str], set[str]] = {}
    for stage, variable in TARGETS.items():
        for message in drain(stack[variable]):
            event: dict[str, Any] = json.loads(message["Body"])
            where = (event["detail"]["bucket"]["name"], event["detail"]["object"]["key"])
            heard.setdefault(where, set()).add(stage)
    return heard


def test_the_rules_match_exactly_the_keys_of_their_stage(stack: dict[str, str]) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=OTHER_BUCKET)
    s3.put_bucket_notification_configuration(
        Bucket=OTHER_BUCKET, NotificationConfiguration={"EventBridgeConfiguration": {}})
    for bucket, key in EXPECTED:
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps({"key": key}).encode())

    heard = delivered(stack)
    assert {where: heard.get(where, set()) for where in EXPECTED} == EXPECTED
    assert heard.keys() <= EXPECTED.keys()


def test_the_render_rule_delivers_in_the_templates_message_group(
        stack: dict[str, str]) -> None:
    key = "digests/us-china/2026-02-12.json"
    boto3.client("s3").put_object(Bucket=DATA, Key=key, Body=b"{}")
    [message] = drain(stack["RENDER_QUEUE_URL"])
    rule = LOCAL_AWS.load_template()["Resources"]["DigestWrittenRule"]["Properties"]
    assert message["Attributes"]["MessageGroupId"] == (
        rule["Targets"][0]["SqsParameters"]["MessageGroupId"])
    event = json.loads(message["Body"])
    assert (event["source"], event["detail-type"]) == ("aws.s3", "Object Created")
    # A versioned bucket, as the template's: the event names the write.
    version = boto3.client("s3").head_object(Bucket=DATA, Key=key)["VersionId"]
    assert event["detail"]["object"]["version-id"] == version


def test_loading_tolerates_the_templates_tags(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n"
                        "  A: {Type: X, Properties: {B: !Ref C, D: !GetAtt E.Arn,"
                        " F: !Sub 's3://${G}', H: !If [I, !Ref J, !Ref 'AWS::NoValue']}}\n",
                        encoding="utf-8")
    assert LOCAL_AWS.load_template(template)["Resources"]["A"]["Properties"] == {
        "B": {"Ref": "C"}, "D": {"Fn::GetAtt": ["E", "Arn"]}, "F": {"Fn::Sub": "s3://${G}"},
        "H": {"Fn::If": ["I", {"Ref": "J"}, {"Ref": "AWS::NoValue"}]}}
