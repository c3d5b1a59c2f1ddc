"""`make demo`: the whole pipeline, offline, on the bundled sample feeds.

The sample feeds (demo/feeds/*.xml) are the 20 articles of the earlier system's digest of
2026-02-12 in Google News RSS form. They are served from a loopback HTTP server for the
duration of the run, so the real fetch path (httpx, feedparser) runs; then classify,
summarize and render run with the product defaults, at the seed's clock.
"""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from newsprism import cli
from newsprism.serve import running

HERE = Path(__file__).resolve().parent
NOW = "2026-02-12T04:00:51.254Z"
WORK = Path(".newsprism")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    handler = functools.partial(QuietHandler, directory=str(HERE / "feeds"))
    with running(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as base_url:
        config = WORK / "demo-topics.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        template = (HERE / "topics.toml").read_text(encoding="utf-8")
        config.write_text(template.replace("{base_url}", base_url), encoding="utf-8")
        print(f"serving the sample feeds at {base_url}/ for this run", file=sys.stderr)
        status = cli.main(["run", "--config", str(config), "--topic", "us-china", "--now", NOW,
                           "--data", str(WORK / "data"), "--site", str(WORK / "site")])
    if status == 0:
        site = WORK / "site"
        print(f"""
The digest of 2026-02-12 is ready:
  Markdown: {site}/us-china/2026-02-12.md
  HTML:     {site}/us-china/2026-02-12/index.html
View the site with `make serve`, then open http://127.0.0.1:8000/us-china/2026-02-12/""")
    return status


if __name__ == "__main__":
    sys.exit(main())
