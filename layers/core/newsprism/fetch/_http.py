"""One polite, bounded GET of a feed: the request policy of the fetch stage (issue #4).

- A total deadline per request (``timeout``) around resolution, every redirect hop and the
  body: httpx's own timeouts bound each read, so a server dripping a byte a second would
  never trip them.
- The body is decompressed here, never by httpx, so that inflating stops at ``max_bytes``:
  a few kilobytes of gzip can stand for gigabytes.
- Redirects are followed by hand, at most ``MAX_REDIRECTS``, so that each hop's host goes
  through the SSRF guard (``netguard``) before anything connects to it.
- At most ``PER_HOST`` requests to one host at a time: httpx's limits are per pool, and
  every Google News feed lives on one host.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from newsprism.config import FetchSettings
from newsprism.fetch import _netguard as netguard

ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, "
          "text/xml;q=0.9, */*;q=0.1")
# Only what can be inflated under the body cap (not br or zstd, whose decoders httpx may
# pick up from whatever happens to be installed).
ACCEPT_ENCODING = "gzip, deflate"
MAX_REDIRECTS = 5
PER_HOST = 4
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A feed could not be downloaded; ``reason`` is the short text the report shows.

    ``retryable`` marks failures that may pass (timeouts, connection errors, 429, 5xx);
    ``retry_after`` is the server's ``Retry-After`` in seconds, when it sent one.
    """

    def __init__(self, reason: str, http_status: int | None = None, *,
                 retryable: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class Response:
    url: str  # after redirects: the base for relative links in the body
    status: int  # 200-299, or 304 to a conditional request
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", ""))


@dataclass
class Fetcher:
    """Makes the requests of one fetch run; shared by all its feeds."""

    client: httpx.AsyncClient
    settings: FetchSettings
    # None: only IP literals are checked (a caller-supplied transport is the whole network)
    resolve: netguard.Resolver | None
    pins: dict[str, tuple[str, ...]]  # vetted addresses by host, for netguard.PinnedBackend
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    async def get(self, url: str, conditional: Mapping[str, str] | None = None) -> Response:
        """GET ``url`` within ``settings.timeout`` overall; raises ``FetchError``.

        ``conditional`` holds the ``If-None-Match`` / ``If-Modified-Since`` headers, if any:
        only then is a 304 an answer (with an empty body).
        """
        status: int | None = None
        timeout = self.settings.timeout
        try:
            async with asyncio.timeout(timeout):
                seen = {url}
                for _ in range(MAX_REDIRECTS + 1):
                    async with self._request(url, conditional or {}) as response:
                        status = response.status_code
                        location = response.headers.get("location")
                        if status not in REDIRECTS or location is None:
                            return await _answer(response, self.settings.max_bytes,
                                                 conditional=bool(conditional))
                    url = _redirect(response, location)
                    if url in seen:
                        raise FetchError(f"redirect loop at {url}", status)
                    seen.add(url)
                raise FetchError(f"more than {MAX_REDIRECTS} redirects", status)
        except TimeoutError:
            raise FetchError(f"timeout after {timeout:g}s", status, retryable=True) from None
        except httpx.TimeoutException:
            raise FetchError(f"timeout after {timeout:g}s", status, retryable=True) from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise FetchError(_describe(exc), status, retryable=True) from None
        except httpx.HTTPError as exc:
            raise FetchError(_describe(exc), status) from None
        except netguard.Refused as exc:
            raise FetchError(str(exc), status) from None
        except netguard.Unresolvable as exc:
            raise FetchError(str(exc), status, retryable=exc.temporary) from None

    @contextlib.asynccontextmanager
    async def _request(self, url: str,
                       headers: Mapping[str, str]) -> AsyncIterator[httpx.Response]:
        """One hop: vet the host, take one of its slots, send, close the response after."""
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL: {shorten(str(exc))}") from None
        if target.scheme not in ("http", "https") or not target.raw_host:
            raise FetchError(f"not an http(s) URL: {shorten(url)}")
        host = target.raw_host.decode("ascii").lower()
        port = target.port or (443 if target.scheme == "https" else 80)
        addresses = await netguard.vet(host, port, self.resolve,
                                       allow_private=self.settings.allow_private_networks)
        if addresses:
            self.pins[host] = addresses
        async with self._hosts.setdefault(host, asyncio.Semaphore(PER_HOST)):
            request = self.client.build_request("GET", target, headers=headers)
            try:
                response = await self.client.send(request, stream=True)
            except httpx.InvalidURL:
                # httpx prepares the request of a redirect even when it is not to follow it,
                # and fails on a Location with a scheme and no host ("javascript:…",
                # "data:…", "mailto:…"): no http(s) URL, so refused like one of another scheme.
                raise FetchError("redirect to a non-http(s) URL refused") from None
            try:
                yield response
            finally:
                await response.aclose()


def _redirect(response: httpx.Response, location: str) -> str:
    try:
        target = response.url.join(location.strip())
    except httpx.InvalidURL:
        raise FetchError(f"redirect to an invalid URL: {shorten(location)}",
                         response.status_code) from None
    if target.scheme not in ("http", "https"):
        raise FetchError(f"redirect to a non-http(s) URL: {shorten(str(target))}",
                         response.status_code)
    return str(target)


async def _answer(response: httpx.Response, max_bytes: int, *, conditional: bool) -> Response:
    """The final answer, or the ``FetchError`` its status stands for."""
    status = response.status_code
    if status == 304 and conditional:
        return Response(url=str(response.url), status=status, headers=response.headers,
                        body=b"")
    if not 200 <= status < 300:
        reason = f"HTTP {status} {response.reason_phrase}".strip()
        # RFC 9110 §15.6: 5xx may pass; §15.5.20 (RFC 6585 §4): 429 asks us to slow down.
        # Any other status (including a 3xx without Location) will answer the same again.
        retryable = status == 429 or status >= 500
        raise FetchError(reason, status, retryable=retryable,
                         retry_after=retry_after(response.headers.get("retry-after")))
    body = await read_capped(response, max_bytes)
    return Response(url=str(response.url), status=status, headers=response.headers, body=body)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 §10.2.3: delay-seconds or an
    HTTP-date), or None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The body, decompressed, refusing it as soon as it grows past ``max_bytes``."""
    too_big = FetchError(f"body exceeds {max_bytes} bytes", response.status_code)
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise too_big  # no point downloading it
    if response.is_stream_consumed:
        # An in-memory response (httpx.MockTransport given `content=`): httpx has already
        # read and decoded it, so only its size can be checked.
        if len(response.content) > max_bytes:
            raise too_big
        return response.content
    inflater = _Inflater(response.headers.get("content-encoding", ""), response.status_code)
    chunks = []
    size = 0
    async for raw in response.aiter_raw():
        chunk = inflater.inflate(raw, max_bytes - size + 1)
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)
    chunk = inflater.flush()
    if size + len(chunk) > max_bytes:
        raise too_big
    chunks.append(chunk)
    return b"".join(chunks)


class _Inflater:
    """Undo ``Content-Encoding`` (RFC 9110 §8.4.1) without ever producing more than asked."""

    def __init__(self, encoding: str, status: int) -> None:
        self.encoding = encoding.strip().lower()
        self.status = status
        self._zlib: zlib._Decompress | None = None
        self._first = True
        if self.encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif self.encoding not in ("", "identity"):
            raise FetchError(f"unsupported content-encoding {shorten(self.encoding, 40)}", status)

    def inflate(self, data: bytes, limit: int) -> bytes:
        """At most ``limit`` bytes of output; hitting the limit means the cap is exceeded,
        so input left over (``unconsumed_tail``) never matters."""
        if self._zlib is None:
            return data
        first, self._first = self._first, False
        try:
            return self._zlib.decompress(data, limit)
        except zlib.error as exc:
            if first and self.encoding == "deflate":
                # "deflate" is meant to be zlib-wrapped (RFC 9110 §8.4.1.2); some servers
                # send a raw deflate stream, as httpx's own decoder allows for.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.inflate(data, limit)
            raise FetchError(f"cannot decompress the {self.encoding} body: {exc}",
                             self.status) from None

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        try:
            return self._zlib.flush()
        except zlib.error as exc:
            raise FetchError(f"cannot decompress the {self.encoding} body: {exc}",
                             self.status) from None


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return shorten(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def shorten(text: str, limit: int = 200) -> str:
    """One line of at most ``limit`` characters, for a report."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
