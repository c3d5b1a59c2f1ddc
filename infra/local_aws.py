"""`make local-aws`: a moto server standing in for S3, SQS and EventBridge, with the stack's
buckets, queues and event rules, on http://127.0.0.1:5000 until Ctrl-C.

What it creates is read from template.yaml at start, so what runs here is what the template
says, not a copy of it:

* the buckets, versioned where the template versions them, the data bucket sending its
  events to EventBridge (``EventBridgeConfiguration``), as S3 does in AWS;
* every queue with the template's FIFO, deduplication, visibility, retention and redrive
  settings, dead-letter queues included;
* every EventBridge rule on the default bus with the template's own ``EventPattern``
  (``!Ref DataBucket`` becomes the local bucket's name) and its targets.

moto's S3 emits the "Object Created" events itself and its EventBridge matches them against
the rules (prefix and wildcard patterns alike), so a digest written to the data bucket lands
in the render FIFO queue as it would in AWS. What moto cannot do is run our functions: a rule
whose target is a function (summarize's ``Classified``) delivers instead to a stand-in queue,
``newsprism-summarize-events``, whose bodies are the events EventBridge would invoke the
function with; and the queues' triggers (event source mappings) are whoever reads the queues.
tests/aws/test_moto_server.py is such a driver: it drives a day through this stack.
docs/operations.md, "Local AWS", walks through a run by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import yaml

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"
# Local names for the template's buckets (CloudFormation would generate them).
BUCKETS = {"DataBucket": "newsprism-data", "SiteBucket": "newsprism-site"}
DATA_BUCKET = BUCKETS["DataBucket"]
SITE_BUCKET = BUCKETS["SiteBucket"]
REGION = "us-east-1"
FAKE_KEY = "testing"  # moto's fake credentials, for a local server
CREDENTIALS = {"AWS_ACCESS_KEY_ID": FAKE_KEY, "AWS_SECRET_ACCESS_KEY": FAKE_KEY,
               "AWS_DEFAULT_REGION": REGION}
# Queue properties that are SQS attributes of the same name (SqsManagedSseEnabled is left
# out: encryption at rest means nothing in a local server).
QUEUE_ATTRIBUTES = ("FifoQueue", "ContentBasedDeduplication", "VisibilityTimeout",
                    "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds")


# -- reading the template (pure: tests import these) --------------------------------------

class TemplateLoader(yaml.SafeLoader):
    """Safe YAML plus CloudFormation's short forms, read as their long forms: ``!Ref X`` is
    ``{"Ref": "X"}``, ``!GetAtt A.Arn`` is ``{"Fn::GetAtt": ["A", "Arn"]}``, ``!Sub s`` is
    ``{"Fn::Sub": "s"}``, and so on."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


TemplateLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    loader = TemplateLoader(path.read_text(encoding="utf-8"))
    try:
        template: dict[str, Any] = loader.get_single_data()
        return template
    finally:
        loader.dispose()


class Rule(NamedTuple):  # not a dataclass: tests load this file without registering it
    """An EventBridge rule of the template, as written there (intrinsics unresolved)."""

    name: str  # the logical id: SAM names a function's rule after the function and event
    pattern: dict[str, Any]
    targets: list[dict[str, Any]]  # PutTargets entries; Arn names a queue or a function


def template_rules(template: Mapping[str, Any]) -> list[Rule]:
    """Every EventBridge rule: the ``AWS::Events::Rule`` resources, and the
    ``EventBridgeRule`` events of SAM functions (whose target is the function)."""
    rules = []
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Events::Rule":
            rules.append(Rule(name, properties["EventPattern"], properties["Targets"]))
        elif resource["Type"] == "AWS::Serverless::Function":
            for event_name, event in properties.get("Events", {}).items():
                if event["Type"] != "EventBridgeRule":
                    continue
                target = {"Id": name, "Arn": {"Fn::GetAtt": [name, "Arn"]}}
                for option in ("RetryPolicy", "DeadLetterConfig"):
                    if option in event["Properties"]:
                        target[option] = event["Properties"][option]
                rules.append(Rule(f"{name}{event_name}", event["Properties"]["Pattern"],
                                  [target]))
    return rules


def resolve(node: Any, refs: Mapping[str, str], arns: Mapping[str, str]) -> Any:
    """``node`` with ``Ref`` and ``GetAtt <resource>.Arn`` replaced by the local resources'
    names and ARNs; a KeyError for a resource with no local stand-in."""
    if isinstance(node, list):
        return [resolve(item, refs, arns) for item in node]
    if isinstance(node, dict):
        if set(node) == {"Ref"}:
            return refs[node["Ref"]]
        if set(node) == {"Fn::GetAtt"} and node["Fn::GetAtt"][1] == "Arn":
            return arns[node["Fn::GetAtt"][0]]
        return {key: resolve(value, refs, arns) for key, value in node.items()}
    return node


def event_patterns(template: Mapping[str, Any] | None = None,
                   bucket: str = DATA_BUCKET) -> dict[str, dict[str, Any]]:
    """Each rule's name -> the template's own pattern, ``!Ref DataBucket`` being ``bucket``."""
    template = load_template() if template is None else template
    return {rule.name: resolve(rule.pattern, {"DataBucket": bucket}, {})
            for rule in template_rules(template)}


def local_queue_name(logical_id: str, fifo: bool = False) -> str:
    """``RenderFailedQueue`` -> ``newsprism-render-failed.fifo``; ``SummarizeFunction`` ->
    ``newsprism-summarize-events`` (the stand-in for a function target)."""
    if logical_id.endswith("Function"):
        stem = logical_id.removesuffix("Function") + "Events"
    else:
        stem = logical_id.removesuffix("Queue")
    name = "newsprism-" + re.sub(r"(?<!^)(?=[A-Z])", "-", stem).lower()
    return name + ".fifo" if fifo else name


def _attribute(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# -- creating the stack -------------------------------------------------------------------

def create_resources(endpoint: str, template_path: Path = TEMPLATE) -> dict[str, str]:
    """Create the buckets, queues and rules (again: it is idempotent); the environment the
    template gives the functions, pointed at ``endpoint``, plus the URLs of the queues a
    driver reads in place of Lambda: ``RENDER_QUEUE_URL`` (render's trigger) and
    ``SUMMARIZE_EVENTS_QUEUE_URL`` (summarize's rule target)."""
    import boto3

    session = boto3.session.Session(aws_access_key_id=FAKE_KEY, aws_secret_access_key=FAKE_KEY,
                                    region_name=REGION)
    s3: Any = session.client("s3", endpoint_url=endpoint)
    sqs: Any = session.client("sqs", endpoint_url=endpoint)
    events: Any = session.client("events", endpoint_url=endpoint)
    template = load_template(template_path)
    resources = template["Resources"]
    refs = dict(BUCKETS)  # Ref: a bucket's name, a queue's URL
    arns = {logical: f"arn:aws:s3:::{bucket}" for logical, bucket in BUCKETS.items()}

    for logical, bucket in BUCKETS.items():
        properties = resources[logical]["Properties"]
        s3.create_bucket(Bucket=bucket)
        if properties.get("VersioningConfiguration", {}).get("Status") == "Enabled":
            s3.put_bucket_versioning(Bucket=bucket,
                                     VersioningConfiguration={"Status": "Enabled"})
        bridge = properties.get("NotificationConfiguration", {}).get("EventBridgeConfiguration")
        if bridge and bridge.get("EventBridgeEnabled"):
            s3.put_bucket_notification_configuration(
                Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})

    queues = {name: resource.get("Properties", {}) for name, resource in resources.items()
              if resource["Type"] == "AWS::SQS::Queue"}
    rules = template_rules(template)
    targeted = {target["Arn"]["Fn::GetAtt"][0] for rule in rules for target in rule.targets}
    for name in sorted(targeted - queues.keys()):  # functions: a stand-in queue each
        queues[name] = {}
    # Dead-letter queues (no redrive policy of their own) first: the others name their ARNs.
    for name, properties in sorted(queues.items(), key=lambda item: "RedrivePolicy" in item[1]):
        attributes = {key: _attribute(properties[key]) for key in QUEUE_ATTRIBUTES
                      if key in properties}
        if "RedrivePolicy" in properties:
            attributes["RedrivePolicy"] = json.dumps(resolve(properties["RedrivePolicy"],
                                                             refs, arns))
        url = sqs.create_queue(QueueName=local_queue_name(name, properties.get("FifoQueue",
                                                                               False)),
                               Attributes=attributes)["QueueUrl"]
        refs[name] = url
        arns[name] = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    for rule in rules:
        events.put_rule(Name=rule.name, State="ENABLED",
                        EventPattern=json.dumps(resolve(rule.pattern, refs, arns)))
        events.put_targets(Rule=rule.name, Targets=resolve(rule.targets, refs, arns))

    environment = {"AWS_ENDPOINT_URL": endpoint, **CREDENTIALS,
                   "DATA_URI": f"s3://{DATA_BUCKET}", "SITE_URI": f"s3://{SITE_BUCKET}"}
    # The functions' queue variables, as the template sets them (FETCH_QUEUE_URL: !Ref ...).
    for resource in resources.values():
        variables = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
        for variable, value in variables.items():
            if isinstance(value, dict) and value.get("Ref") in queues:
                environment[variable] = refs[value["Ref"]]
    environment["RENDER_QUEUE_URL"] = refs["RenderQueue"]
    environment["SUMMARIZE_EVENTS_QUEUE_URL"] = refs["SummarizeFunction"]
    return environment


def main() -> int:
    parser = argparse.ArgumentParser(description="S3, SQS and EventBridge on 127.0.0.1 for "
                                                 "newsprism, built from template.yaml")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port)
    server.start()
    try:
        environment = create_resources(f"http://127.0.0.1:{args.port}")
        print(f"moto server (S3, SQS, EventBridge) on http://127.0.0.1:{args.port} - Ctrl-C "
              "stops it. Rules (the template's patterns):")
        for name, pattern in event_patterns().items():
            print(f"#   {name}: {json.dumps(pattern)}")
        print("In another shell:")
        for name, value in environment.items():
            print(f"export {name}={value}")
        sys.stdout.flush()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
