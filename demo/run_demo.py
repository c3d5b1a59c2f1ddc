"""`make demo`: the whole pipeline, offline, on the bundled sample feeds.

The sample feeds are two real days of the earlier system's us-china digests in Google News
RSS form: demo/feeds/*.xml the 20 articles of 2026-02-12 (the seed), demo/feeds/2026-01-01/
those of 2026-01-01, rebuilt from the shared corpus by tests/conformance.py (titles, links,
outlets and days as listed; the outlets' home pages are not in the digests). 2026-01-01 is
one of the few corpus days where both sides' own outlets reported one event. The feeds are
served from a loopback HTTP server for the duration of the run, so the real fetch path runs;
then classify, summarize and render run with the product defaults, at each day's clock.
"""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from newsprism import cli
from newsprism.serve import running

HERE = Path(__file__).resolve().parent
# (feeds under demo/feeds, the day's clock), oldest first: the site gets both days.
DAYS = (("2026-01-01", "2026-01-01T04:00:16.384Z"), ("", "2026-02-12T04:00:51.254Z"))
NOW = DAYS[-1][1]
WORK = Path(".newsprism")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    handler = functools.partial(QuietHandler, directory=str(HERE / "feeds"))
    with running(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as base_url:
        print(f"serving the sample feeds at {base_url}/ for this run", file=sys.stderr)
        for folder, now in DAYS:
            status = _run_day(f"{base_url}/{folder}".rstrip("/"), now)
            if status != 0:
                return status
    if status == 0:
        site = WORK / "site"
        print(f"""
The digest of 2026-02-12 is ready:
  Markdown: {site}/us-china/2026-02-12.md
  HTML:     {site}/us-china/2026-02-12/index.html
  2026-01-01, a day both sides' outlets reported one event: {site}/us-china/2026-01-01/
View the site with `make serve`, then open http://127.0.0.1:8000/us-china/2026-02-12/""")
    return status


def _run_day(feeds_url: str, now: str) -> int:
    config = WORK / "demo-topics.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    template = (HERE / "topics.toml").read_text(encoding="utf-8")
    config.write_text(template.replace("{base_url}", feeds_url), encoding="utf-8")
    return cli.main(["run", "--config", str(config), "--topic", "us-china", "--now", now,
                     "--data", str(WORK / "data"), "--site", str(WORK / "site")])


if __name__ == "__main__":
    sys.exit(main())
