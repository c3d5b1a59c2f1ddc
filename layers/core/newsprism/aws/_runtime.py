"""What a Lambda handler reads from its environment: the configuration and the stores.

``NEWSPRISM_CONFIG`` names the topics file: empty for the ``topics.toml`` bundled in the
layer, a path inside the deployment, or ``s3://bucket/key``. The template always sets the
last (``TopicsConfigKey``, ``topics.toml`` by default), so no deploy can switch a stack back to
the bundled topics: topics change with an upload, and the bucket's versioning keeps every
earlier file. Until a file is uploaded there, the bundled topics are used, with a warning
naming the key on every load. It is read on every invocation: one small GET, and a change
applies from the next run.

``NEWSPRISM_SUMMARIZER_GRANTED`` and ``NEWSPRISM_MATCHER_GRANTED`` say which model providers
the template let the function call (``bedrock`` or ``none``). A configuration that asks the
function for a model it may not call fails the load with one line naming the setting and the
template parameter to set: otherwise every model call would be refused and the stage would
quietly fall back to its offline method.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from newsprism.config import Config, ConfigError, environment_names, load_config, parse_config
from newsprism.store import NotFound, Store, open_store

# A child of "newsprism": under a handler its lines go out through Powertools, as JSON.
log = logging.getLogger(__name__)

# The model tables a function may be granted, and the template parameter that grants each.
GRANTS = {"summarizer": "Summarizer", "matcher": "Matcher"}


def load_runtime_config(environ: Mapping[str, str] = os.environ) -> Config:
    """The configuration ``NEWSPRISM_CONFIG`` names; ``ConfigError`` names the file and why.
    A topics file missing from S3 gives the bundled topics and a warning. Its warnings
    (``Config.warnings``) are logged, one line each."""
    location = environ.get("NEWSPRISM_CONFIG", "").strip()
    if location.startswith("s3://"):
        config = _load_s3(location)
        if config is None:
            log.warning("configuration: no topics file at %s, so the topics bundled in the "
                        "layer are used; upload one there to choose the topics", location)
            config = load_config(None)
    else:
        config = load_config(location or None)
    for table in GRANTS:
        check_grant(config, environ, table)
    for warning in config.warnings:
        log.warning("configuration: %s", warning)
    return config


def check_grant(config: Config, environ: Mapping[str, str], table: str) -> None:
    """Raise ``ConfigError`` when ``table``'s model (after the environment's overrides) needs
    a permission the function was not given: Bedrock, or an SSM key parameter. Only where
    ``NEWSPRISM_{TABLE}_GRANTED`` says what was given (the template's functions)."""
    granted = environ.get(f"NEWSPRISM_{table.upper()}_GRANTED")
    if granted is None:
        return
    parameter = GRANTS[table]
    kind_name, _, _, key_name = environment_names(table)
    override = environ.get(kind_name, "").strip()
    kind = override or str(getattr(config.settings, table))
    if kind == "bedrock" and granted.strip() != "bedrock":
        where = f"environment: {kind_name}" if override else f"{config.source}: settings.{table}"
        raise ConfigError(
            f"{where} = \"bedrock\", but this function may not invoke Bedrock: deploy with "
            f"the parameters {parameter}=bedrock and {parameter}Model=<model id>, or choose "
            f"another {table}")
    # The template's key parameter wins over the file's and is the one the role may read.
    file_key = str(getattr(config, table).api_key_parameter)
    if kind == "openai" and file_key and not environ.get(key_name, "").strip():
        raise ConfigError(
            f"{config.source}: {table}.api_key_parameter = {file_key!r}, but this function "
            f"may not read it: deploy with the parameter {parameter}ApiKeyParameter={file_key}")


def data_store(environ: Mapping[str, str] = os.environ) -> Store:
    return open_store(_required(environ, "DATA_URI"))


def site_store(environ: Mapping[str, str] = os.environ) -> Store:
    return open_store(_required(environ, "SITE_URI"))


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment: {name} is not set (a directory or s3://bucket/prefix)")
    return value


def _load_s3(uri: str) -> Config | None:
    """The configuration at ``uri``; None when there is no such object."""
    bucket, _, key = uri[len("s3://"):].partition("/")
    if not bucket or not key or key.endswith("/"):
        raise ConfigError(f"NEWSPRISM_CONFIG: {uri!r} names no object (s3://bucket/key)")
    from botocore.exceptions import BotoCoreError, ClientError  # with boto3: S3 users only

    store = open_store(f"s3://{bucket}")
    try:
        data = store.read(key)
    except NotFound:
        return None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        # Without s3:ListBucket S3 answers a missing key with 403, like a refused read (a
        # KMS key the role may not use): a listing of that one key tells the two apart.
        if code in ("AccessDenied", "403") and not _listed(store, key):
            return None
        raise ConfigError(f"{uri}: cannot read ({code})") from exc
    except BotoCoreError as exc:
        raise ConfigError(f"{uri}: cannot read ({exc})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{uri}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_config(text, name=uri, is_json=key.lower().endswith(".json"))


def _listed(store: Store, key: str) -> bool:
    """Whether a listing shows ``key``; True when the listing is refused too (so the read's
    own error is reported, never taken for a missing file)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return key in store.list(key)
    except (ClientError, BotoCoreError):
        return True
