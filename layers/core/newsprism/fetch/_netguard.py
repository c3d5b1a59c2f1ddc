"""The SSRF guard: feeds and their redirects must not reach private networks (issue #4).

A feed URL, or a redirect a feed server answers with, could point at the machine's own
services (the Lambda runtime API on 127.0.0.1, link-local metadata endpoints, a VPC's private
addresses). Before every hop the fetch stage resolves the host and refuses it when any of its
addresses is not a public unicast address, unless ``allow_private_networks`` is set.

Checking a name and then letting the HTTP client resolve it again would leave a gap: a DNS
server may answer the second lookup differently (DNS rebinding). So the vetted addresses are
pinned per host, and ``PinnedTransport`` connects only to them; TLS still verifies the
certificate against the host name.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host (IDNA-encoded, as it is sent on the wire), port -> its addresses
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

# RFC 6052 §2.1: the well-known NAT64 prefix carries an IPv4 address in its last 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """The host may not be fetched; the message is the short reason for the report."""


class Unresolvable(Exception):
    """The host name has no address; ``temporary`` when trying again later may help."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


async def system_resolve(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver, in its order, each once."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        temporary = exc.errno not in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None))
        raise Unresolvable(f"cannot resolve {host}: {exc.strerror}", temporary=temporary) from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched ("loopback", "private", ...), or None if public."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        address = embedded
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        # e.g. 100.64.0.0/10, the carrier-grade NAT space: neither private nor public
        ("non-public", not address.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: IPv4-mapped (``::ffff:127.0.0.1``,
    RFC 4291 §2.5.5.2), 6to4 (RFC 3056) or NAT64 (RFC 6052)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def vet(host: str, port: int, resolve: Resolver | None, *,
              allow_private: bool) -> tuple[str, ...]:
    """The addresses ``host`` may be reached at; raises ``Refused`` or ``Unresolvable``.

    Every address of the host must be public: a name answering with one public and one
    private address could otherwise be steered to the private one. ``resolve=None`` checks
    IP literals only (for a caller-supplied transport, which is the whole network).
    """
    literal = ip_literal(host)
    if literal is not None:
        addresses: Sequence[str] = [host.strip("[]")]
    elif resolve is None:
        return ()
    else:
        addresses = await resolve(host, port)
        if not addresses:
            raise Unresolvable(f"cannot resolve {host}: no address", temporary=True)
    if not allow_private:
        for text in addresses:
            kind = refusal(ipaddress.ip_address(text))
            if kind is not None:
                where = "" if literal is not None else f"{host}: "
                raise Refused(f"refused {where}{kind} address {text}")
    return tuple(addresses)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to a host only at the addresses ``pins`` holds for it (filled by ``vet``'s
    caller), never resolving a name itself."""

    def __init__(self, pins: dict[str, tuple[str, ...]]) -> None:
        self.pins = pins
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        addresses = self.pins.get(host.lower())
        if not addresses:
            raise httpcore.ConnectError(f"{host} was not checked before connecting")
        error: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:  # in the resolver's order, as a client would try them
            try:
                return await self._backend.connect_tcp(address, port, timeout, local_address,
                                                       socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None  # narrows the type: always set  # nosec B101
        raise error

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for feeds")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's CA bundle), made once per process: loading the
    bundle costs tens of milliseconds, and a warm Lambda runs the stage many times."""
    return httpx.create_ssl_context()


class PinnedTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose connections go only to pinned addresses, with one small
    connection pool per origin.

    httpx has no public switch for httpcore's network backend, so each pool is built here
    with a ``PinnedBackend`` (tests/test_fetch_guard.py proves the pin is used over a real
    socket). Environment proxies are bypassed: they would resolve names themselves.

    One pool per origin rather than one for all: httpcore scans every connection of a pool
    whenever a request starts or ends, so a single pool of ``concurrency`` connections costs
    more CPU than the parsing of the feeds (bench/fetch_bench.py); a pool per publisher holds
    at most ``per_host`` connections, the politeness limit anyway.
    """

    def __init__(self, pins: dict[str, tuple[str, ...]], per_host: int,
                 keepalive_expiry: float = 5.0) -> None:
        self._backend = PinnedBackend(pins)
        self._per_host = per_host
        self._keepalive_expiry = keepalive_expiry
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}

    def _pool(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        origin = (url.raw_scheme, url.raw_host.lower(), url.port)
        transport = self._pools.get(origin)
        if transport is None:
            ssl_context = tls_context()
            transport = httpx.AsyncHTTPTransport(verify=ssl_context)
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=ssl_context,
                max_connections=self._per_host,
                max_keepalive_connections=self._per_host,
                keepalive_expiry=self._keepalive_expiry,
                network_backend=self._backend,
            )
            self._pools[origin] = transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request.url).handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for transport in pools:
            await transport.aclose()
