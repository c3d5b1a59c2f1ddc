"""`make local-aws`: a moto server standing in for S3 and SQS, with the stack's buckets and
queues created, on http://127.0.0.1:5000 until Ctrl-C.

Point the handlers, the CLI or `sam local invoke` at it with AWS_ENDPOINT_URL (the lines this
prints); docs/operations.md, "Local AWS", walks through a run. tests/test_moto_server.py
starts the same server on a free port and runs the five handlers against it over HTTP.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

DATA_BUCKET = "newsprism-data"
SITE_BUCKET = "newsprism-site"
QUEUES = {"FETCH_QUEUE_URL": "newsprism-fetch", "CLASSIFY_QUEUE_URL": "newsprism-classify"}
REGION = "us-east-1"
FAKE_KEY = "testing"  # moto's fake credentials, for a local server
CREDENTIALS = {"AWS_ACCESS_KEY_ID": FAKE_KEY, "AWS_SECRET_ACCESS_KEY": FAKE_KEY,
               "AWS_DEFAULT_REGION": REGION}


def create_resources(endpoint: str) -> dict[str, str]:
    """Create the buckets and queues (again: it is idempotent); the environment the template
    would give the functions, pointed at ``endpoint``."""
    import boto3

    session = boto3.session.Session(aws_access_key_id=FAKE_KEY, aws_secret_access_key=FAKE_KEY,
                                    region_name=REGION)
    s3: Any = session.client("s3", endpoint_url=endpoint)
    sqs: Any = session.client("sqs", endpoint_url=endpoint)
    for bucket in (DATA_BUCKET, SITE_BUCKET):
        s3.create_bucket(Bucket=bucket)
    environment = {"AWS_ENDPOINT_URL": endpoint, **CREDENTIALS,
                   "DATA_URI": f"s3://{DATA_BUCKET}", "SITE_URI": f"s3://{SITE_BUCKET}"}
    for variable, name in QUEUES.items():
        environment[variable] = sqs.create_queue(QueueName=name)["QueueUrl"]
    return environment


def main() -> int:
    parser = argparse.ArgumentParser(description="S3 and SQS on 127.0.0.1 for newsprism")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port)
    server.start()
    try:
        environment = create_resources(f"http://127.0.0.1:{args.port}")
        print(f"moto server (S3, SQS) on http://127.0.0.1:{args.port} - Ctrl-C stops it. "
              "In another shell:")
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
