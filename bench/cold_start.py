"""Cold start: how long each Lambda handler module takes to import, in a fresh process.

Lambda imports ``app.py`` in its INIT phase before the first event; whatever the module
imports at top level is paid on every cold start. Each figure is the median of ``--runs``
fresh interpreters (``.pyc`` files warmed by one discarded run, as a deployed layer ships
them compiled), timed around the import alone, with the environment the template gives
(tracing disabled, S3 URIs, no network touched).

Each figure is given twice: CPU time (``time.process_time``) and wall time. On an idle
machine they agree; on a shared one the wall time also counts waiting for a core, so the
bound is checked on CPU time.

Two more rows put them in proportion, measured in the same run:
  * ``<stage> +stage``: the handler module and then the stage module it defers to its first
    invocation (what a cold start that runs an event pays in all);
  * ``eager``: Powertools' Logger, Metrics and Tracer with the X-Ray SDK, boto3 and every
    stage module imported up front — what a handler that imports everything would pay.

    .venv/bin/python bench/cold_start.py [--runs 7]

Exit status 1 when the fetch handler module is over the bound (issue 8: 200 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess  # runs this interpreter only  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("dispatch", "fetch", "classify", "summarize", "render")
FETCH_BOUND_MS = 200.0

# The stage module each handler imports on its first invocation.
DEFERRED = {
    "dispatch": "newsprism.aws._fanout",
    "fetch": "newsprism.fetch._stage",
    "classify": "newsprism.classify._stage",
    "summarize": "newsprism.summarize._stage",
    "render": "newsprism.render._stage",
}
EAGER = ("aws_lambda_powertools", "aws_lambda_powertools.metrics",
         "aws_lambda_powertools.tracing", "aws_xray_sdk.core", "boto3",
         *DEFERRED.values())

TIMER = """
import importlib, sys, time
names = sys.argv[1:]
cpu, wall = time.process_time(), time.perf_counter()
for name in names:
    importlib.import_module(name)
print((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000)
"""


def environment(stage: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": os.pathsep.join([str(ROOT / "functions" / stage),
                                       str(ROOT / "layers" / "core")]),
        "POWERTOOLS_SERVICE_NAME": "newsprism",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "DATA_URI": "s3://bench-data",
        "SITE_URI": "s3://bench-site",
        "AWS_DEFAULT_REGION": "us-east-1",
    })
    return env


def import_ms(modules: list[str], stage: str, runs: int) -> tuple[float, float]:
    """Median CPU and wall ms to import ``modules`` (in order), over ``runs`` interpreters."""
    cpu, wall = [], []
    for attempt in range(runs + 1):
        result = subprocess.run([sys.executable, "-c", TIMER, *modules], env=environment(stage),
                                capture_output=True, text=True, check=True)  # nosec B603
        if attempt:  # the first run writes the .pyc files
            sample = result.stdout.strip().splitlines()[-1].split()
            cpu.append(float(sample[0]))
            wall.append(float(sample[1]))
    return statistics.median(cpu), statistics.median(wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per figure")
    args = parser.parse_args()

    eager, eager_wall = import_ms(list(EAGER), "fetch", args.runs)
    print(f"{'handler module':<22}{'cpu ms':>9}{'wall ms':>9}{'cpu vs eager':>14}")

    def row(name: str, cpu: float, wall: float) -> None:
        print(f"{name:<22}{cpu:>9.1f}{wall:>9.1f}{cpu / eager:>14.2f}")

    figures = {}
    for stage in STAGES:
        figures[stage] = import_ms(["app"], stage, args.runs)
        row(stage, *figures[stage])
    for stage in STAGES:
        row(stage + " +stage", *import_ms(["app", DEFERRED[stage]], stage, args.runs))
    row("eager (everything)", eager, eager_wall)

    fetch = figures["fetch"][0]
    verdict = "ok" if fetch < FETCH_BOUND_MS else "OVER"
    print(f"fetch handler import: {fetch:.1f} ms CPU, bound {FETCH_BOUND_MS:.0f} ms: {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
