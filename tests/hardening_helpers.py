"""What the hardening tests (issue 9) share: a loopback feed server, store snapshots, and
checks of a whole site — hostile markup and links that do not resolve — with an HTML parser.

The checks parse, never match text: ``<script>`` split by a newline or an entity-encoded
``javascript:`` fool a regular expression, not a parser (html.parser decodes attribute
values as a browser does).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from newsprism.config import Config, load_config
from newsprism.serve import running
from newsprism.store import Store
from tests.conftest import REPO, SEED_NOW

DEMO_FEEDS = REPO / "demo" / "feeds"
DEMO_CONFIG = REPO / "demo" / "topics.toml"
NOW = SEED_NOW
DAY = SEED_NOW[:10]
# Attributes whose value a browser follows or loads (HTML Living Standard, "URL" attributes).
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "data", "cite",
                            "background", "xlink:href", "srcset", "ping", "manifest"})
# Tags that run or embed active content however their attributes look.
ACTIVE_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "applet",
                         "base"})
# Browsers drop ASCII whitespace and C0 controls inside a scheme ("java\tscript:").
_SCHEME_NOISE = re.compile(r"[\x00-\x20\x7f]")
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


def snapshot(store: Store) -> dict[str, bytes]:
    """Every object in the store, by key."""
    return {key: store.read(key) for key in store.list("")}


# -- a feed server on 127.0.0.1 --------------------------------------------------------------


@dataclass
class FeedServer:
    """Serves ``feeds`` (path -> body) on 127.0.0.1 while in a ``serving`` block."""

    feeds: dict[str, bytes] = field(default_factory=dict)
    content_type: str = "application/rss+xml; charset=utf-8"
    base: str = ""

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"


class _Handler(BaseHTTPRequestHandler):
    server_state: FeedServer

    def do_GET(self) -> None:
        body = self.server_state.feeds.get(self.path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        # A validator, as real feeds send: a second fetch of an unchanged feed is a 304.
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", self.server_state.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(state: FeedServer) -> Iterator[FeedServer]:
    """The server runs for the block and is stopped after it, whatever happens."""
    handler = type("Handler", (_Handler,), {"server_state": state})
    with running(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as base_url:
        state.base = base_url
        yield state


def demo_server() -> FeedServer:
    """The demo's two sample feeds (us.xml, china.xml)."""
    return FeedServer({path.name: path.read_bytes() for path in DEMO_FEEDS.glob("*.xml")})


def demo_config(directory: Path, server: FeedServer) -> Path:
    """demo/topics.toml pointed at ``server``, written into ``directory``."""
    config = directory / "topics.toml"
    config.write_text(DEMO_CONFIG.read_text(encoding="utf-8").replace("{base_url}", server.base),
                      encoding="utf-8")
    return config


def demo_transport() -> httpx.MockTransport:
    """The demo feeds at the URLs of ``offline_demo_config``, without a socket."""
    feeds = {path.name: path.read_bytes() for path in DEMO_FEEDS.glob("*.xml")}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=feeds[request.url.path.lstrip("/")],
                              headers={"Content-Type": "application/rss+xml"})
    return httpx.MockTransport(answer)


def offline_demo_config(directory: Path) -> Config:
    """The demo configuration with its feeds at http://feeds.example (``demo_transport``)."""
    return load_config(demo_config(directory, FeedServer(base="http://feeds.example")))


def parse_now(text: str = NOW) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# -- HTML checks -----------------------------------------------------------------------------


class _Collector(HTMLParser):
    """Every start tag with its attributes (values decoded as a browser would) and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def page_text(html: str) -> str:
    return "".join(parse_html(html).text)


def hostile_markup(html: str) -> list[str]:
    """What in ``html`` could run script: active tags, ``on*`` handlers, ``javascript:``
    (and ``vbscript:``, ``data:text/html``) URLs, a refresh to one; [] for a clean page."""
    found = []
    for tag, attrs in parse_html(html).tags:
        if tag in ACTIVE_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES or (tag == "meta" and name == "content"):
                plain = _SCHEME_NOISE.sub("", value or "").lower()
                if tag == "meta":  # <meta http-equiv="refresh" content="0;url=javascript:…">
                    plain = plain.partition("url=")[2]
                if plain.startswith(_DANGEROUS_SCHEMES):
                    found.append(f"<{tag} {name}={value!r}>")
    return found


def html_keys(site: Store) -> list[str]:
    return [key for key in site.list("") if key.endswith(".html")]


def site_problems(site: Store) -> list[str]:
    """Every link or resource of every page that leads nowhere in the site, and every page
    with hostile markup; [] for a consistent site."""
    keys = set(site.list(""))
    problems = []
    for key in sorted(k for k in keys if k.endswith(".html")):
        html = site.read(key).decode()
        problems += [f"{key}: {found}" for found in hostile_markup(html)]
        if key == "404.html":  # served at any path: its links start at the host's root
            continue
        page = parse_html(html)
        anchors = {value for _, attrs in page.tags for name, value in attrs
                   if name == "id" and value}
        for tag, attrs in page.tags:
            for name, value in attrs:
                if name in ("href", "src") and value:
                    problem = _dead_link(key, value, keys, anchors)
                    if problem:
                        problems.append(f"{key}: <{tag} {name}={value!r}> {problem}")
    return problems


def _dead_link(page: str, link: str, keys: set[str], anchors: set[str]) -> str:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:  # another site's page (an article): not ours to check
        return ""
    if not parts.path:  # "#a-…" on the page itself
        return "" if not parts.fragment or parts.fragment in anchors else "no such anchor"
    target = PurePosixPath(page).parent / unquote(parts.path)
    resolved: list[str] = []
    for part in target.parts:
        if part == "..":
            if not resolved:
                return "leaves the site"
            resolved.pop()
        elif part != ".":
            resolved.append(part)
    key = "/".join(resolved)
    if parts.path.endswith("/") or not key:
        key = f"{key}/index.html".lstrip("/")
    return "" if key in keys else f"-> {key}, which the site lacks"


def newest_digests(site: Store) -> dict[str, str]:
    """The newest dated page of each topic in the site: topic -> date."""
    newest: dict[str, str] = {}
    for key in site.list(""):
        match = re.fullmatch(r"([a-z0-9-]+)/(\d{4}-\d{2}-\d{2})/index\.html", key)
        if match:
            topic, date = match.groups()
            newest[topic] = max(date, newest.get(topic, date))
    return newest


def index_links(site: Store) -> set[str]:
    return {value for _, attrs in parse_html(site.read("index.html").decode()).tags
            for name, value in attrs if name == "href" and value}


def assert_consistent_site(site: Store) -> None:
    """Every page's links resolve, no page carries hostile markup, and the index links to
    each topic's newest digest."""
    assert site_problems(site) == []
    links = index_links(site)
    for topic, date in newest_digests(site).items():
        assert f"{topic}/{date}/index.html" in links or f"{topic}/{date}/" in links, (
            f"index.html does not name {topic}/{date}")


def differing(first: Mapping[str, bytes], second: Mapping[str, bytes]) -> list[str]:
    """Keys whose bytes differ, or that only one side has."""
    return sorted(key for key in first.keys() | second.keys()
                  if first.get(key) != second.get(key))


def together(*jobs: Callable[[], object]) -> None:
    """Run the jobs in threads released at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
