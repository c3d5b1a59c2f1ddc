"""Lambda sizing: CPU time, wall time and peak memory of one topic through each stage.

The template's MemorySize and Timeout values are justified from these figures (issue 8).
Each stage runs in a fresh interpreter (imports included, as in a cold start) on local
storage, so what is measured is the stage's own work, not S3 latency:

  fetch      one topic, two Google-News-style feeds of 100 items each (a real search feed's
             size), served from 127.0.0.1
  classify   a 5-day window of that topic: 60 stored runs (12 a day), 200 items each,
             with a rolling overlap as real runs have
  summarize  the extractive summarizer on that selection
  render     the digest's pages, Markdown, JSON, feeds and the site-wide pages

    .venv/bin/python bench/lambda_sizing.py

Lambda gives a function CPU in proportion to its memory (1,769 MB = one vCPU), so CPU time
here at 1 vCPU becomes roughly ``cpu_s * 1769 / MemorySize`` on Lambda.
"""

from __future__ import annotations

import json
import subprocess  # runs this interpreter only  # nosec B404
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
END = datetime(2026, 2, 12, 4, 10, tzinfo=UTC)
RUNS, ITEMS, STEP = 60, 100, 8  # runs in 5 days; items per feed; new items per run
OUTLETS = {"us": [("Reuters", "https://www.reuters.com"),
                  ("The New York Times", "https://www.nytimes.com")],
           "cn": [("Global Times", "https://www.globaltimes.cn"),
                  ("South China Morning Post", "https://www.scmp.com")]}
WORDS = ["trade", "talks", "tariff", "chips", "export", "rules", "summit", "military",
         "drills", "economy", "growth", "rare", "earth", "minerals", "sanctions", "envoy"]

CONFIG = """
[settings]
max_age = "5d"
[fetch]
allow_private_networks = true
[[topics]]
id = "us-china"
name = "US vs China"
keywords = [["US", "Washington"], ["China", "Beijing"]]
[[topics.perspectives]]
id = "us"
name = "United States"
countries = ["US"]
[[topics.perspectives]]
id = "china"
name = "China"
countries = ["CN", "HK"]
[[topics.feeds]]
type = "rss"
url = "{base}/us.xml"
perspective = "us"
[[topics.feeds]]
type = "rss"
url = "{base}/cn.xml"
perspective = "china"
"""

STAGE = """
import json, resource, sys, time
start = time.perf_counter()
from datetime import datetime
from newsprism.config import load_config
from newsprism.store import FileStore
config, data = load_config(sys.argv[2]), FileStore(__import__("pathlib").Path(sys.argv[3]))
now = datetime.fromisoformat(sys.argv[4])
topic = config.topic("us-china")
stage = sys.argv[1]
if stage == "fetch":
    from newsprism.fetch._stage import fetch_topics
    fetch_topics(config, [topic], data, now)
elif stage == "classify":
    from newsprism.classify._stage import classify_topic
    classify_topic(config, topic, data, now)
elif stage == "summarize":
    from newsprism.summarize._stage import summarize_topic
    summarize_topic(config, "us-china", now.date().isoformat(), data)
else:
    from newsprism.render._stage import render_digest
    render_digest(data, FileStore(__import__("pathlib").Path(sys.argv[3]) / "site"),
                  "us-china", now.date().isoformat())
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024}))
"""


def feed(side: str, run: int) -> bytes:
    """The feed as run ``run`` sees it: the newest ITEMS items, STEP of them new."""
    items = []
    for number in range(run * STEP, run * STEP + ITEMS):
        outlet, url = OUTLETS[side][number % 2]
        published = END - timedelta(days=5) + timedelta(minutes=12 * number)
        words = " ".join(WORDS[(number * 7 + k) % len(WORDS)] for k in range(5))
        place = "Washington" if side == "us" else "Beijing"
        title = f"{place} and China {words} report {side}{number} - {outlet}"
        items.append(f"<item><title>{title}</title>"
                     f"<link>https://news.google.com/rss/articles/{side}{number}?oc=5</link>"
                     f"<guid isPermaLink=\"false\">{side}{number}</guid>"
                     f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate>"
                     f"<source url=\"{url}\">{outlet}</source></item>")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
            f"<title>Google News</title>{''.join(items)}</channel></rss>").encode()


class Feeds(BaseHTTPRequestHandler):
    run = 0

    def do_GET(self) -> None:
        body = feed(self.path.strip("/").split(".")[0], Feeds.run)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def stage(name: str, config: Path, data: Path, now: datetime) -> dict[str, float]:
    env = {"PYTHONPATH": str(ROOT / "layers" / "core"), "PATH": "/usr/bin:/bin"}
    argv = [sys.executable, "-c", STAGE, name, str(config), str(data), now.isoformat()]
    result = subprocess.run(argv, capture_output=True, text=True, env=env)  # nosec B603
    if result.returncode:
        raise SystemExit(f"{name} failed:\n{result.stderr}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            config = work / "topics.toml"
            config.write_text(CONFIG.replace("{base}", f"http://127.0.0.1:"
                                             f"{server.server_address[1]}"), encoding="utf-8")
            data = work / "data"
            fetches = []
            for run in range(RUNS):
                Feeds.run = run
                now = END - timedelta(hours=2 * (RUNS - 1 - run))
                fetches.append(stage("fetch", config, data, now))
            rows = {"fetch (2 feeds x 100)": max(fetches, key=lambda f: f["cpu"])}
            rows["classify (5 days, 60 runs)"] = stage("classify", config, data, END)
            rows["summarize (extractive)"] = stage("summarize", config, data, END)
            rows["render (one digest)"] = stage("render", config, data, END)
    finally:
        server.shutdown()
        server.server_close()
    print(f"{'stage':<28}{'wall s':>8}{'cpu s':>8}{'peak MB':>9}{'@256MB s':>10}"
          f"{'@512MB s':>10}")
    for name, f in rows.items():
        print(f"{name:<28}{f['wall']:>8.2f}{f['cpu']:>8.2f}{f['rss_mb']:>9.0f}"
              f"{f['cpu'] * 1769 / 256:>10.1f}{f['cpu'] * 1769 / 512:>10.1f}")
    print("(fetch: the slowest of the 60 runs; @N MB: the CPU time scaled to Lambda's share "
          "of a vCPU at that memory)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
