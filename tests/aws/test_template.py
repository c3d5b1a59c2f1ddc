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
from typing import Any

import boto3
import pytest
from samtranslator.translator.transform import transform  # type: ignore[import-untyped]

from tests.aws.template_helpers import (
    ALL_ON,
    CONFIG_KEY,
    RESOURCES,
    ROOT,
    STAGES,
    TEMPLATE,
    grants,
    resolve,
)

LOGS = {("logs:CreateLogStream", "{stage}LogGroup"), ("logs:PutLogEvents", "{stage}LogGroup")}
BEDROCK = "arn:${AWS::Partition}:bedrock:"
EXPECTED = {
    # dispatch and summarize list the topics file's key alone (see the config key's test).
    "Dispatch": {("sqs:SendMessage", "FailedQueue"), ("sqs:SendMessage", "FetchQueue"),
                 ("sqs:SendMessage", "ClassifyQueue"), ("s3:GetObject", CONFIG_KEY),
                 ("s3:ListBucket", "DataBucket")},
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
                 ("s3:GetObject", "DataBucket/classified/*"),  # equal bytes: not written again
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
                  ("s3:GetObject", "DataBucket/digests/*"),  # the same input: no model call
                  ("s3:PutObject", "DataBucket/digests/*"), ("s3:GetObject", CONFIG_KEY),
                  ("s3:ListBucket", "DataBucket"),
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
    assert not any(action.startswith(("bedrock:", "ssm:"))
                   for stage in STAGES for action, resource in grants(f"{stage}Role", off))


def test_every_function_reads_the_topics_file_in_the_data_bucket_by_default() -> None:
    # No deploy can switch a stack back to the bundled topics: the key always has a value.
    parameter = TEMPLATE["Parameters"]["TopicsConfigKey"]
    assert parameter["Default"] == "topics.toml"
    pattern = re.compile(parameter["AllowedPattern"])
    assert all(pattern.fullmatch(key) for key in ("topics.toml", "config/topics.json"))
    assert not any(pattern.fullmatch(key) for key in ("", "/topics.toml", "topics.yaml"))
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["NEWSPRISM_CONFIG"] == {"Fn::Sub": "s3://${DataBucket}/${TopicsConfigKey}"}
    off = dict.fromkeys(ALL_ON, False)
    for stage in ("Dispatch", "Fetch", "Classify", "Summarize"):
        assert ("s3:GetObject", CONFIG_KEY) in grants(f"{stage}Role", off)
    # Dispatch, which needs no other listing, lists that one key only: a missing file reads
    # as missing (newsprism/aws/_runtime.py), and no other key name is revealed. (Summarize
    # lists the bucket: a day's first digest is missing too.)
    for stage in ("Dispatch",):
        [policy] = resolve(RESOURCES[f"{stage}Role"]["Properties"]["Policies"])
        [listing] = [s for s in policy["PolicyDocument"]["Statement"]
                     if s["Action"] == "s3:ListBucket"]
        assert listing["Condition"] == {"StringEquals": {"s3:prefix": "TopicsConfigKey"}}


@pytest.mark.parametrize(("function", "variable", "condition"), [
    ("ClassifyFunction", "NEWSPRISM_MATCHER_GRANTED", "UseBedrockMatcher"),
    ("SummarizeFunction", "NEWSPRISM_SUMMARIZER_GRANTED", "UseBedrock")])
def test_a_function_is_told_which_model_provider_its_role_may_call(
        function: str, variable: str, condition: str) -> None:
    # The runtime refuses a topics file asking for Bedrock without the grant (test_lambda_runtime).
    value = RESOURCES[function]["Properties"]["Environment"]["Variables"][variable]
    assert resolve(value, {condition: True}) == "bedrock"
    assert resolve(value, {condition: False}) == "none"


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
                         "NEWSPRISM_MATCHER_API_KEY_PARAMETER": {"Ref": "MatcherApiKeyParameter"},
                         "NEWSPRISM_MATCHER_GRANTED": {
                             "Fn::If": ["UseBedrockMatcher", "bedrock", "none"]}}


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


# boto3 1.35.69 (botocore 1.35.69) is the first whose S3 model has IfMatch on PutObject.
CONDITIONAL_WRITES = (1, 35, 69)


def test_the_boto3_floor_has_the_conditional_writes_the_store_makes() -> None:
    # An older botocore refuses IfMatch / IfNoneMatch before sending anything
    # (ParamValidationError), so every compare-and-swap of the store would fail.
    import botocore.session

    model = botocore.session.get_session().get_service_model("s3")
    shape = model.operation_model("PutObject").input_shape
    assert shape is not None and {"IfMatch", "IfNoneMatch"} <= set(shape.members)

    def floor(lines: list[str]) -> tuple[int, ...]:
        [line] = [line for line in lines if re.match(r"\s*boto3\s*>=", line)]
        return tuple(int(part) for part in re.findall(r">=\s*([\d.]+)", line)[0].split("."))

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = (ROOT / "layers" / "core" / "requirements.txt").read_text(encoding="utf-8")
    assert floor(project["dependencies"]) == floor(requirements.splitlines()) >= CONDITIONAL_WRITES
