"""What a Lambda handler reads from its environment: the configuration and the stores.

``NEWSPRISM_CONFIG`` names the topics file: empty for the ``topics.toml`` bundled in the
layer, a path inside the deployment, or ``s3://bucket/key`` — the template's
``TopicsConfigKey`` parameter points it at an object in the data bucket, so topics change
with an upload instead of a redeploy (and the bucket's versioning keeps every earlier file).
It is read on every invocation: one small GET, and a change applies from the next run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from newsprism.config import Config, ConfigError, load_config, parse_config
from newsprism.store import NotFound, Store, open_store

# A child of "newsprism": under a handler its lines go out through Powertools, as JSON.
log = logging.getLogger(__name__)


def load_runtime_config(environ: Mapping[str, str] = os.environ) -> Config:
    """The configuration ``NEWSPRISM_CONFIG`` names; ``ConfigError`` names the file and why.
    Its warnings (``Config.warnings``) are logged, one line each."""
    location = environ.get("NEWSPRISM_CONFIG", "").strip()
    config = _load_s3(location) if location.startswith("s3://") else load_config(location or None)
    for warning in config.warnings:
        log.warning("configuration: %s", warning)
    return config


def data_store(environ: Mapping[str, str] = os.environ) -> Store:
    return open_store(_required(environ, "DATA_URI"))


def site_store(environ: Mapping[str, str] = os.environ) -> Store:
    return open_store(_required(environ, "SITE_URI"))


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment: {name} is not set (a directory or s3://bucket/prefix)")
    return value


def _load_s3(uri: str) -> Config:
    bucket, _, key = uri[len("s3://"):].partition("/")
    if not bucket or not key or key.endswith("/"):
        raise ConfigError(f"NEWSPRISM_CONFIG: {uri!r} names no object (s3://bucket/key)")
    from botocore.exceptions import BotoCoreError, ClientError  # with boto3: S3 users only

    try:
        data = open_store(f"s3://{bucket}").read(key)
    except NotFound:
        raise ConfigError(f"{uri}: no such object") from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        raise ConfigError(f"{uri}: cannot read ({code})") from exc
    except BotoCoreError as exc:
        raise ConfigError(f"{uri}: cannot read ({exc})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{uri}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_config(text, name=uri, is_json=key.lower().endswith(".json"))
