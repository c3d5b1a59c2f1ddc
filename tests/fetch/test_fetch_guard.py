"""The SSRF guard: no feed, and no redirect, reaches a private address (issue #4)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from newsprism.config import Config, Feed, FetchSettings, Perspective, Topic
from newsprism.documents._raw import RawRun
from newsprism.fetch import _netguard as netguard
from newsprism.fetch._stage import fetch_topics
from newsprism.store import FileStore
from tests.conftest import DATA

NOW = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)
RSS = (DATA / "feeds" / "rss2.xml").read_bytes()
# A made-up DNS: names to addresses
DNS = {
    "news.example": ["93.184.215.14"],
    "cdn.example": ["2606:4700::6810:84e5", "104.16.132.229"],
    "intranet.example": ["10.1.2.3"],
    "metadata.example": ["169.254.169.254"],
    "sneaky.example": ["93.184.215.14", "127.0.0.1"],  # one public, one loopback
    "mapped.example": ["::ffff:192.168.1.1"],
}


def run(tmp_path: Path, urls: Sequence[str], *, allow_private: bool = False,
        redirects: dict[str, str] | None = None) -> tuple[RawRun, list[str], list[str]]:
    """Fetch ``urls`` through a fake network: the run, the hosts resolved, the URLs requested."""
    resolved: list[str] = []
    requested: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        resolved.append(host)
        if host not in DNS:
            raise netguard.Unresolvable(f"cannot resolve {host}: Name or service not known",
                                        temporary=False)
        return DNS[host]

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if redirects and str(request.url) in redirects:
            return httpx.Response(302, headers={"location": redirects[str(request.url)]})
        return httpx.Response(200, content=RSS)

    topic = Topic(id="t", name="T", perspectives=(Perspective("p", "P"),),
                  feeds=tuple(Feed(type="rss", perspective="p", url=url) for url in urls))
    settings = FetchSettings(allow_private_networks=allow_private, retries=0)
    config = Config(source="test", fetch=settings, topics=(topic,))
    [raw] = fetch_topics(config, [topic], FileStore(tmp_path), NOW,
                         transport=httpx.MockTransport(handler), resolve=resolve)
    return raw, resolved, requested


def test_private_targets_are_refused_before_any_request(tmp_path: Path) -> None:
    urls = ["https://news.example/rss", "https://intranet.example/rss",
            "http://metadata.example/latest/meta-data/", "https://sneaky.example/rss",
            "https://mapped.example/rss", "http://127.0.0.1:8080/rss", "http://[::1]/rss",
            "http://169.254.169.254/", "http://0.0.0.0/", "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/", "https://cdn.example/rss"]
    raw, resolved, requested = run(tmp_path, urls)
    assert [(r.status, r.error) for r in raw.feeds] == [
        ("ok", ""),
        ("error", "refused intranet.example: private address 10.1.2.3"),
        ("error", "refused metadata.example: link-local address 169.254.169.254"),
        ("error", "refused sneaky.example: loopback address 127.0.0.1"),
        ("error", "refused mapped.example: private address ::ffff:192.168.1.1"),
        ("error", "refused loopback address 127.0.0.1"),
        ("error", "refused loopback address ::1"),
        ("error", "refused link-local address 169.254.169.254"),
        ("error", "refused unspecified address 0.0.0.0"),
        ("error", "refused link-local address fe80::1"),
        ("error", "refused loopback address ::ffff:127.0.0.1"),
        ("ok", ""),
    ]
    assert sorted(requested) == ["https://cdn.example/rss", "https://news.example/rss"]
    assert sorted(resolved) == sorted(["news.example", "intranet.example", "metadata.example",
                                       "sneaky.example", "mapped.example", "cdn.example"])
    assert all(r.attempts == 1 for r in raw.feeds)  # a refusal is not retried


def test_every_redirect_hop_is_checked_before_it_is_requested(tmp_path: Path) -> None:
    redirects = {"https://news.example/rss": "https://cdn.example/feed",
                 "https://cdn.example/feed": "http://metadata.example/latest/",
                 "https://news.example/moved": "http://10.0.0.1/admin"}
    raw, resolved, requested = run(tmp_path, ["https://news.example/rss",
                                              "https://news.example/moved"],
                                   redirects=redirects)
    assert [(r.status, r.error, r.http_status) for r in raw.feeds] == [
        ("error", "refused metadata.example: link-local address 169.254.169.254", 302),
        ("error", "refused private address 10.0.0.1", 302)]
    assert sorted(requested) == ["https://cdn.example/feed", "https://news.example/moved",
                                 "https://news.example/rss"]
    assert "metadata.example" in resolved


def test_allow_private_networks_lets_them_through(tmp_path: Path) -> None:
    raw, _, requested = run(tmp_path, ["https://intranet.example/rss", "http://127.0.0.1/rss"],
                            allow_private=True)
    assert [r.status for r in raw.feeds] == ["ok", "ok"] and len(requested) == 2


def test_unknown_hosts_are_reported(tmp_path: Path) -> None:
    raw, _, requested = run(tmp_path, ["https://nowhere.example/rss"])
    assert (raw.feeds[0].status, raw.feeds[0].error) == (
        "error", "cannot resolve nowhere.example: Name or service not known")
    assert requested == []


@pytest.mark.parametrize(("address", "kind"), [
    ("93.184.215.14", None), ("2606:4700::6810:84e5", None), ("::ffff:8.8.8.8", None),
    ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.0.1", "private"),
    ("fc00::1", "private"), ("fd12:3456::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("100.64.0.1", "non-public"), ("192.0.2.1", "private"),
    # IPv6 forms that carry an IPv4 address
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::1", "loopback"), ("2002:a9fe:a9fe::", "link-local"),
    ("64:ff9b::a00:1", "private"), ("64:ff9b::808:808", None),
])
def test_address_classes(address: str, kind: str | None) -> None:
    assert netguard.refusal(ipaddress.ip_address(address)) == kind


def test_system_resolver_answers_for_an_address_without_dns() -> None:
    assert asyncio.run(netguard.system_resolve("127.0.0.1", 80)) == ["127.0.0.1"]


def test_pinned_connections_go_only_to_vetted_addresses() -> None:
    # A loopback socket stands in for a server; the client asks for a name nobody resolves.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        pins: dict[str, tuple[str, ...]] = {"feeds.test": ("127.0.0.1",)}
        backend = netguard.PinnedBackend(pins)

        async def connect(host: str) -> None:
            stream = await backend.connect_tcp(host, port, timeout=2)
            await stream.aclose()

        asyncio.run(connect("feeds.test"))
        with pytest.raises(Exception, match="was not checked before connecting"):
            asyncio.run(connect("other.test"))


def test_a_failure_nobody_foresaw_costs_one_feed(tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        if host == "broken.example":
            raise RuntimeError("resolver bug")
        return DNS["news.example"]

    topic = Topic(id="t", name="T", perspectives=(Perspective("p", "P"),), feeds=tuple(
        Feed(type="rss", perspective="p", url=url)
        for url in ("https://broken.example/rss", "http://[::1/", "https://news.example/rss")))
    config = Config(source="test", fetch=FetchSettings(retries=0), topics=(topic,))
    [raw] = fetch_topics(config, [topic], FileStore(tmp_path), NOW, resolve=resolve,
                         transport=httpx.MockTransport(lambda r: httpx.Response(200, content=RSS)))
    assert [(r.status, r.error) for r in raw.feeds] == [
        ("error", "internal error: RuntimeError: resolver bug"),
        ("error", "invalid URL: Invalid port: ':1'"),
        ("ok", "")]
    assert "fetching https://broken.example/rss failed unexpectedly" in caplog.text
