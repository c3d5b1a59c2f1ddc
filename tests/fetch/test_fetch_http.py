"""One bounded GET (fetch_http): body caps, decompression, redirects, Retry-After."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from newsprism.config import FetchSettings
from newsprism.fetch._http import Fetcher, FetchError, Response, _Inflater, retry_after

SETTINGS = FetchSettings(timeout=2.0, max_bytes=10_000, allow_private_networks=True)


def get(handler: httpx.MockTransport | None, url: str = "https://a.example/rss",
        settings: FetchSettings = SETTINGS, **kwargs: object) -> Response:
    async def main() -> Response:
        async with httpx.AsyncClient(transport=handler) as client:
            return await Fetcher(client=client, settings=settings, resolve=None,
                                 pins={}).get(url, **kwargs)  # type: ignore[arg-type]
    return asyncio.run(main())


def streamed(body: bytes, **headers: str) -> httpx.MockTransport:
    """A response read from the network in chunks, as a real one is (not pre-read)."""

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 4096):
            yield body[start:start + 4096]

    return httpx.MockTransport(lambda request: httpx.Response(200, headers=headers,
                                                              content=chunks()))


def test_a_gzip_bomb_is_never_inflated_past_the_cap() -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    inflater = _Inflater("gzip", 200)
    produced = [len(inflater.inflate(bomb, 5_001))]
    assert produced == [5_001]  # asked for one byte more than the cap: the cap is exceeded
    with pytest.raises(FetchError, match="body exceeds 10000 bytes"):
        get(streamed(bomb, **{"content-encoding": "gzip"}))


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "raw-deflate", "identity"])
def test_compressed_bodies_are_inflated(encoding: str) -> None:
    body = b"<rss>" + b"x" * 9000 + b"</rss>"
    if encoding in ("gzip", "x-gzip"):
        wire = gzip.compress(body)
    elif encoding == "deflate":
        wire = zlib.compress(body)
    elif encoding == "raw-deflate":  # what some servers send for "deflate"
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        wire, encoding = compressor.compress(body) + compressor.flush(), "deflate"
    else:
        wire = body
    assert get(streamed(wire, **{"content-encoding": encoding})).body == body


def test_corrupt_and_unknown_encodings_are_errors() -> None:
    with pytest.raises(FetchError, match="cannot decompress the gzip body"):
        get(streamed(b"not gzip at all", **{"content-encoding": "gzip"}))
    with pytest.raises(FetchError, match="unsupported content-encoding br"):
        get(streamed(b"...", **{"content-encoding": "br"}))


def test_an_announced_oversized_body_is_not_downloaded() -> None:
    read: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        read.append(1)
        yield b"x"

    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, headers={"content-length": "50000000"}, content=chunks()))
    with pytest.raises(FetchError, match="body exceeds 10000 bytes"):
        get(transport)
    assert read == []


def test_redirects_resolve_relative_locations_and_stay_on_http() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/dir/old":
            return httpx.Response(301, headers={"location": "../new?x=1"})
        if request.url.path == "/new":
            return httpx.Response(200, content=b"<rss/>")
        return httpx.Response(307, headers={"location": "ftp://a.example/feed"})

    response = get(httpx.MockTransport(handler), "https://a.example/dir/old")
    assert (response.url, response.body) == ("https://a.example/new?x=1", b"<rss/>")
    assert seen == ["https://a.example/dir/old", "https://a.example/new?x=1"]
    with pytest.raises(FetchError, match=r"redirect to a non-http\(s\) URL: ftp://a.example/feed"):
        get(httpx.MockTransport(handler), "https://a.example/elsewhere")


def test_a_redirect_without_location_is_an_error_not_a_body() -> None:
    with pytest.raises(FetchError, match="HTTP 302 Found") as caught:
        get(httpx.MockTransport(lambda request: httpx.Response(302)))
    assert not caught.value.retryable


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 5 ", 5.0), ("0", 0.0),
    ("Thu, 12 Feb 2026 04:01:00 GMT", 60.0), ("Thu, 12 Feb 2026 03:00:00 GMT", 0.0),
    ("soon", None), ("-5", None), ("1.5", None), (None, None),
])
def test_retry_after_is_read_as_seconds_or_a_date(value: str | None,
                                                  seconds: float | None) -> None:
    now = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)
    assert retry_after(value, now) == seconds


def test_429_and_5xx_are_retryable_with_their_retry_after() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        status = int(request.url.path.strip("/"))
        return httpx.Response(status, headers={"retry-after": "7"})

    for status, retryable in ((429, True), (500, True), (503, True), (404, False),
                              (403, False), (408, False)):
        with pytest.raises(FetchError) as caught:
            get(httpx.MockTransport(handler), f"https://a.example/{status}")
        assert (caught.value.http_status, caught.value.retryable) == (status, retryable)
        assert caught.value.retry_after == 7.0
