"""template.yaml as an operator relies on it: least privilege per function, every failure
ending in a dead-letter queue with an alarm, private data, and a site whose /{topic}/{date}/
URLs work. cfn-lint, checkov, `sam validate` and `sam build` (make test) check the rest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.decode import cfn_yaml  # type: ignore[import-untyped]
from samtranslator.translator.transform import transform  # type: ignore[import-untyped]

from newsprism.aws._observability import NAMESPACE

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE: dict[str, Any] = json.loads(json.dumps(cfn_yaml.load(str(ROOT / "template.yaml")),
                                                 default=str))
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
STAGES = ("Dispatch", "Fetch", "Classify", "Summarize", "Render")
# Every optional grant switched on: the topics file in S3, Bedrock, an API key parameter
# (for the summarizer and for the matcher).
ALL_ON = {"UseCloudFront": True, "UseWebsite": False, "TracingOn": True, "HasAlarmEmail": True,
          "HasTopicsConfig": True, "UseBedrock": True, "HasApiKeyParameter": True,
          "UseBedrockMatcher": True, "HasMatcherApiKeyParameter": True}
CONFIG_KEY = "data/config/topics.toml"


def resolve(value: Any, conditions: dict[str, bool] = ALL_ON) -> Any:
    """Intrinsics, readably: an ARN of ours becomes its logical id ("DataBucket/raw/*")."""
    if isinstance(value, list):
        items = [resolve(item, conditions) for item in value]
        return [item for item in items if item is not NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        [(key, argument)] = value.items()
        if key == "Fn::If":
            condition, yes, no = argument
            return resolve(yes if conditions[condition] else no, conditions)
        if key == "Ref":
            return NO_VALUE if argument == "AWS::NoValue" else argument
        if key == "Fn::GetAtt":
            resource, attribute = argument if isinstance(argument, list) else argument.split(".")
            return resource if attribute == "Arn" else f"{resource}.{attribute}"
        if key == "Fn::Sub":
            text = argument if isinstance(argument, str) else argument[0]
            text = text.replace("${DataBucket.Arn}/${TopicsConfigKey}", CONFIG_KEY)
            return re.sub(r"\$\{(\w+)\.Arn\}", r"\1", text)
    resolved = {key: resolve(item, conditions) for key, item in value.items()}
    return {key: item for key, item in resolved.items() if item is not NO_VALUE}


NO_VALUE = object()


def grants(role: str, conditions: dict[str, bool] = ALL_ON) -> set[tuple[str, str]]:
    """``(action, resource)`` for every Allow of a role's inline policies."""
    found = set()
    for policy in resolve(RESOURCES[role]["Properties"]["Policies"], conditions):
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"]
            resources = statement["Resource"]
            for action in [actions] if isinstance(actions, str) else actions:
                for resource in [resources] if isinstance(resources, str) else resources:
                    found.add((action, resource))
    return found


LOGS = {("logs:CreateLogStream", "{stage}LogGroup"), ("logs:PutLogEvents", "{stage}LogGroup")}
BEDROCK = "arn:${AWS::Partition}:bedrock:"
EXPECTED = {
    "Dispatch": {("sqs:SendMessage", "FailedQueue"), ("sqs:SendMessage", "FetchQueue"),
                 ("sqs:SendMessage", "ClassifyQueue"), ("s3:GetObject", CONFIG_KEY)},
    # fetch: read and write state/, write raw/ (and HEAD its run key), list for 404s.
    "Fetch": {("sqs:ReceiveMessage", "FetchQueue"), ("sqs:DeleteMessage", "FetchQueue"),
              ("sqs:ChangeMessageVisibility", "FetchQueue"),
              ("sqs:GetQueueAttributes", "FetchQueue"),
              ("s3:GetObject", "DataBucket/state/*"), ("s3:PutObject", "DataBucket/state/*"),
              ("s3:DeleteObject", "DataBucket/state/*"), ("s3:PutObject", "DataBucket/raw/*"),
              ("s3:GetObject", "DataBucket/raw/*"), ("s3:ListBucket", "DataBucket"),
              ("s3:GetObject", CONFIG_KEY)},
    # classify: read raw/ and digests/, write classified/; the matcher and its key when chosen.
    "Classify": {("sqs:ReceiveMessage", "ClassifyQueue"), ("sqs:DeleteMessage", "ClassifyQueue"),
                 ("sqs:ChangeMessageVisibility", "ClassifyQueue"),
                 ("sqs:GetQueueAttributes", "ClassifyQueue"),
                 ("s3:GetObject", "DataBucket/raw/*"), ("s3:GetObject", "DataBucket/digests/*"),
                 ("s3:ListBucket", "DataBucket"), ("s3:PutObject", "DataBucket/classified/*"),
                 ("s3:GetObject", CONFIG_KEY),
                 ("bedrock:InvokeModel",
                  BEDROCK + "${AWS::Region}::foundation-model/${MatcherModel}"),
                 ("bedrock:InvokeModel", BEDROCK + "${AWS::Region}:${AWS::AccountId}:"
                  "inference-profile/${MatcherModel}"),
                 ("bedrock:InvokeModel", BEDROCK + "*::foundation-model/*"),
                 ("ssm:GetParameter", "arn:${AWS::Partition}:ssm:${AWS::Region}:"
                  "${AWS::AccountId}:parameter${MatcherApiKeyParameter}")},
    # summarize: read classified/, write digests/; the model and its key when chosen.
    "Summarize": {("sqs:SendMessage", "FailedQueue"),
                  ("s3:GetObject", "DataBucket/classified/*"),
                  ("s3:PutObject", "DataBucket/digests/*"), ("s3:GetObject", CONFIG_KEY),
                  ("bedrock:InvokeModel",
                   BEDROCK + "${AWS::Region}::foundation-model/${SummarizerModel}"),
                  ("bedrock:InvokeModel", BEDROCK + "${AWS::Region}:${AWS::AccountId}:"
                   "inference-profile/${SummarizerModel}"),
                  ("bedrock:InvokeModel", BEDROCK + "*::foundation-model/*"),
                  ("ssm:GetParameter", "arn:${AWS::Partition}:ssm:${AWS::Region}:"
                   "${AWS::AccountId}:parameter${SummarizerApiKeyParameter}")},
    # render: read digests/, read and write the site (its manifests live there too).
    "Render": {("sqs:ReceiveMessage", "RenderQueue"), ("sqs:DeleteMessage", "RenderQueue"),
               ("sqs:ChangeMessageVisibility", "RenderQueue"),
               ("sqs:GetQueueAttributes", "RenderQueue"),
               ("s3:GetObject", "DataBucket/digests/*"), ("s3:ListBucket", "DataBucket"),
               ("s3:GetObject", "SiteBucket/*"), ("s3:PutObject", "SiteBucket/*"),
               ("s3:DeleteObject", "SiteBucket/*"), ("s3:ListBucket", "SiteBucket")},
}


@pytest.mark.parametrize("stage", STAGES)
def test_each_function_may_do_only_what_its_stage_does(stage: str) -> None:
    expected = EXPECTED[stage] | {(action, resource.format(stage=stage))
                                  for action, resource in LOGS}
    assert grants(f"{stage}Role") == expected
    function = RESOURCES[f"{stage}Function"]["Properties"]
    assert function["Role"] == {"Fn::GetAtt": [f"{stage}Role", "Arn"]}


def test_optional_grants_exist_only_when_their_parameter_is_set() -> None:
    off = dict.fromkeys(ALL_ON, False)
    assert not any(action.startswith(("bedrock:", "ssm:")) or resource == CONFIG_KEY
                   for stage in STAGES for action, resource in grants(f"{stage}Role", off))


def test_the_matcher_and_the_summarizer_grant_their_own_function_only() -> None:
    def models(role: str, conditions: dict[str, bool]) -> set[tuple[str, str]]:
        return {(action, resource) for action, resource in grants(role, conditions)
                if action.startswith(("bedrock:", "ssm:"))}

    summarizer = {**ALL_ON, "UseBedrockMatcher": False, "HasMatcherApiKeyParameter": False}
    matcher = {**ALL_ON, "UseBedrock": False, "HasApiKeyParameter": False}
    assert models("ClassifyRole", summarizer) == set() != models("SummarizeRole", summarizer)
    assert models("SummarizeRole", matcher) == set() != models("ClassifyRole", matcher)
    variables = RESOURCES["ClassifyFunction"]["Properties"]["Environment"]["Variables"]
    assert variables == {"NEWSPRISM_MATCHER": {"Ref": "Matcher"},
                         "NEWSPRISM_MATCHER_MODEL": {"Ref": "MatcherModel"},
                         "NEWSPRISM_MATCHER_BASE_URL": {"Ref": "MatcherBaseUrl"},
                         "NEWSPRISM_MATCHER_API_KEY_PARAMETER": {"Ref": "MatcherApiKeyParameter"}}


def transformed(parameters: dict[str, str]) -> dict[str, Any]:
    """The template after the SAM transform, as CloudFormation would deploy it."""
    template = json.loads(json.dumps(TEMPLATE))
    for resource in template["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = "s3://bucket/key"  # what `sam package` leaves

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    result: dict[str, Any] = transform(template, parameters, NoManagedPolicies())
    return result


@pytest.mark.parametrize("tracing", ["Disabled", "Active"])
def test_no_role_has_a_wildcard_action_or_resource_but_xray(tracing: str) -> None:
    roles = {name: resource["Properties"] for name, resource
             in transformed({"Tracing": tracing})["Resources"].items()
             if resource["Type"] == "AWS::IAM::Role"}
    assert set(roles) >= {f"{stage}Role" for stage in STAGES}
    conditions = {**ALL_ON, "TracingOn": tracing == "Active"}
    for name, role in roles.items():
        managed = resolve({"arns": role.get("ManagedPolicyArns", [])}, conditions).get("arns", [])
        xray = ['arn:${AWS::Partition}:iam::aws:policy/AWSXrayWriteOnlyAccess']
        assert managed == (xray if tracing == "Active" and name in
                           {f"{stage}Role" for stage in STAGES} else []), name
        for policy in resolve(role.get("Policies", []), conditions):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"]
                for action in [actions] if isinstance(actions, str) else actions:
                    assert "*" not in action, (name, action)
                resources = statement["Resource"]
                # Prefixes ("DataBucket/raw/*") are scoped; a bare "*" is every resource.
                assert "*" not in ([resources] if isinstance(resources, str) else resources), name


def test_tracing_is_one_parameter_for_lambda_and_powertools() -> None:
    globals_ = TEMPLATE["Globals"]["Function"]
    assert globals_["Tracing"] == {"Ref": "Tracing"}
    variables = globals_["Environment"]["Variables"]
    assert resolve(variables["POWERTOOLS_TRACE_DISABLED"], {"TracingOn": True}) == "false"
    assert resolve(variables["POWERTOOLS_TRACE_DISABLED"], {"TracingOn": False}) == "true"
    # Powertools' Tracer needs the X-Ray SDK in the layer when tracing is on.
    requirements = (ROOT / "layers" / "core" / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^aws-xray-sdk\b", requirements, re.M)


def test_every_function_is_arm64_and_logs_to_a_group_that_expires() -> None:
    assert TEMPLATE["Globals"]["Function"]["Architectures"] == ["arm64"]
    for stage in STAGES:
        function = RESOURCES[f"{stage}Function"]["Properties"]
        assert "Architectures" not in function
        assert function["MemorySize"] >= 128 and 0 < function["Timeout"] <= 900
        group = function["LoggingConfig"]["LogGroup"]["Ref"]
        assert RESOURCES[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


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


def test_alarms_cover_errors_dead_letters_and_a_day_without_a_digest() -> None:
    found = alarms()
    for alarm in found.values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    errors = {a["Dimensions"][0]["Value"]["Ref"] for a in found.values()
              if a["MetricName"] == "Errors"}
    assert errors == {f"{stage}Function" for stage in STAGES}
    depth = {a["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for a in found.values()
             if a["MetricName"] == "ApproximateNumberOfMessagesVisible"}
    assert depth == {"FailedQueue", "RenderFailedQueue"}

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


def test_alarms_mail_the_address_the_parameter_gives() -> None:
    subscription = RESOURCES["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert subscription["Properties"]["TopicArn"] == {"Ref": "AlarmTopic"}


def test_the_data_bucket_is_private_encrypted_tls_only_versioned_and_expires_raw_runs() -> None:
    bucket = RESOURCES["DataBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    [rule] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    [raw] = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r.get("Prefix") == "raw/"]
    assert raw["ExpirationInDays"] == {"Ref": "RawRetentionDays"}
    [deny] = RESOURCES["DataBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Action"], deny["Condition"]) == (
        "Deny", "s3:*", {"Bool": {"aws:SecureTransport": False}})
    assert RESOURCES["DataBucket"]["DeletionPolicy"] == "Retain"


def site_policy(mode: str) -> list[dict[str, Any]]:
    conditions = {"UseCloudFront": mode == "CloudFront", "UseWebsite": mode == "S3Website"}
    statements: list[dict[str, Any]] = resolve(
        RESOURCES["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"], conditions)
    return statements


def test_cloudfront_mode_keeps_the_site_bucket_private_behind_origin_access_control() -> None:
    on = {"UseCloudFront": True, "UseWebsite": False}
    site = resolve(RESOURCES["SiteBucket"]["Properties"], on)
    assert set(site["PublicAccessBlockConfiguration"].values()) == {True}
    assert "WebsiteConfiguration" not in site
    read, deny = site_policy("CloudFront")
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "SiteDistribution" in read["Condition"]["StringEquals"]["aws:SourceArn"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": False}}
    for name in ("SiteDistribution", "SiteOriginAccessControl", "SiteIndexFunction"):
        assert RESOURCES[name]["Condition"] == "UseCloudFront"
    config = RESOURCES["SiteDistribution"]["Properties"]["DistributionConfig"]
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["FunctionAssociations"][0]["EventType"] == "viewer-request"
    assert config["DefaultRootObject"] == "index.html"
    for response in config["CustomErrorResponses"]:
        assert (response["ResponseCode"], response["ResponsePagePath"]) == (404, "/404.html")


def test_website_mode_serves_index_and_error_documents_publicly() -> None:
    site = resolve(RESOURCES["SiteBucket"]["Properties"], {"UseCloudFront": False,
                                                            "UseWebsite": True})
    assert site["WebsiteConfiguration"] == {"IndexDocument": "index.html",
                                            "ErrorDocument": "404.html"}
    [read] = site_policy("S3Website")
    assert (read["Principal"], read["Action"]) == ("*", "s3:GetObject")
    assert site["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True


def edge(uri: str) -> dict[str, Any]:
    """What the CloudFront viewer-request function does with ``uri`` (run by node)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the CloudFront function cannot be run")
    code = RESOURCES["SiteIndexFunction"]["Properties"]["FunctionCode"]
    script = code + f"\nconsole.log(JSON.stringify(handler({{request: {{uri: {json.dumps(uri)}}}}})));"
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30,
                            check=True)
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@pytest.mark.parametrize(("uri", "origin_key"), [
    ("/", "/index.html"),
    ("/us-china/", "/us-china/index.html"),
    ("/us-china/2026-02-12/", "/us-china/2026-02-12/index.html"),
    ("/us-china/2026-02-12.md", "/us-china/2026-02-12.md"),
    ("/feed.xml", "/feed.xml"),
    ("/assets/style.css", "/assets/style.css"),
])
def test_cloudfront_maps_directory_urls_to_their_index(uri: str, origin_key: str) -> None:
    assert edge(uri) == {"uri": origin_key}


def test_cloudfront_redirects_a_digest_url_without_its_slash() -> None:
    answer = edge("/us-china/2026-02-12")
    assert answer["statusCode"] == 301
    assert answer["headers"]["location"]["value"] == "/us-china/2026-02-12/"


def test_the_schedules_hand_the_dispatcher_the_shape_of_the_sample_events() -> None:
    events = RESOURCES["DispatchFunction"]["Properties"]["Events"]
    for stage, name in (("fetch", "FetchSchedule"), ("classify", "ClassifySchedule")):
        schedule = events[name]
        assert schedule["Type"] == "ScheduleV2"
        scheduled = json.loads(schedule["Properties"]["Input"])
        assert scheduled == {"stage": stage, "id": "<aws.scheduler.execution-id>",
                             "time": "<aws.scheduler.scheduled-time>"}
        sample = json.loads((ROOT / "infra" / "events" / f"dispatch-{stage}.json").read_text())
        assert set(sample) == set(scheduled) and sample["stage"] == stage


def test_an_empty_endpoint_url_leaves_boto3_on_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    # The template declares AWS_ENDPOINT_URL="" so sam local can override it.
    assert TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["AWS_ENDPOINT_URL"] == ""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "")
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name="us-east-1")
    assert session.client("s3").meta.endpoint_url == "https://s3.amazonaws.com"
    assert session.client("sqs").meta.endpoint_url == "https://sqs.us-east-1.amazonaws.com"


def test_the_layer_installs_what_the_package_depends_on() -> None:
    # The Lambda layer is built from requirements.txt, local installs from pyproject.toml; a
    # dependency missing from the layer (sniffio: without it httpcore searches the file
    # system for it on every request) would only show in AWS.
    def names(lines: list[str]) -> set[str]:
        return {re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0].lower()
                for line in lines if line.strip() and not line.lstrip().startswith("#")}

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = (ROOT / "layers" / "core" / "requirements.txt").read_text(encoding="utf-8")
    assert names(requirements.splitlines()) == names(project["dependencies"])
    assert "sniffio" in names(project["dependencies"])
