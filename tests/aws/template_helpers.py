"""template.yaml read as the template tests see it: intrinsics resolved readably, one
role's grants as (action, resource) pairs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cfnlint.decode import cfn_yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE: dict[str, Any] = json.loads(json.dumps(cfn_yaml.load(str(ROOT / "template.yaml")),
                                                 default=str))
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
STAGES = ("Dispatch", "Fetch", "Classify", "Summarize", "Render")
# Every optional grant switched on: Bedrock, an API key parameter (for the summarizer and
# for the matcher).
ALL_ON = {"UseCloudFront": True, "UseWebsite": False, "TracingOn": True, "HasAlarmEmail": True,
          "UseBedrock": True, "HasApiKeyParameter": True,
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
