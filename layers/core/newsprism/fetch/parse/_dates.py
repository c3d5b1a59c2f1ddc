"""Entry dates for the lxml reader, as feedparser reads them, through its public API only.

Nearly every feed writes its dates in one of two shapes: RFC 822 as RSS 2.0 asks
("Thu, 12 Feb 2026 04:00:00 GMT", or with a numeric zone) and RFC 3339 as Atom asks
("2026-02-12T04:00:00Z"). ``read`` reads those here, as feedparser's ``_parse_date`` does
(its W3C-DTF handler, first in its list, takes the RFC 3339 shape and refuses the RFC 822
one, which its RFC 822 handler, second, then takes). Any other value, and any impossible
date in those shapes, is read by feedparser itself: all of a document's such values in one
``feedparser.parse`` of a small RSS document that holds them as ``pubDate``s, so that no
private name of feedparser's is needed (issue 18) and the answer is feedparser's own.
tests/fetch/parse/test_feeds_fast.py holds both to feedparser's reading of whole feeds.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import feedparser

from newsprism.fetch.parse._entries import utc_datetime
from newsprism.fetch.parse._fast_values import Unsure

# (ASCII ranges only: the patterns never match text that feedparser's C1 and mojibake
# repairs, which change only non-ASCII text, would change.)
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
    r"([0-9]{2}:[0-9]{2}:[0-9]{2}) (?:GMT|([+-][0-9]{4}))")
_MONTHS = {name: f"{number:02d}" for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
# feedparser's W3C-DTF handler drops a fraction of a second, and reads "z" and "t" in either
# case (it lower-cases the value).
_RFC3339 = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
                      r"(?:\.[0-9]+)?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})

# A date as read: a datetime (UTC) where read here, feedparser's struct_time (UTC) where it
# read it, None where it found no date.
Moment = datetime | time.struct_time | None


def read(values: Sequence[str | None]) -> list[Moment]:
    """Each value (an element's stripped text; None: no such element) as feedparser reads
    it, in order; feedparser reads all the odd ones in one call."""
    moments: list[Moment] = []
    odd: list[int] = []
    for index, value in enumerate(values):
        moment = None if not value else _common(value)
        if moment is None and value:
            odd.append(index)
        moments.append(moment)
    if odd:
        for index, parsed in zip(odd, _read_by_feedparser([values[i] or "" for i in odd]),
                                 strict=True):
            moments[index] = parsed
    return moments


def utc(moment: Moment) -> datetime | None:
    """The datetime of a moment as ``Entry.published`` holds it."""
    return moment if isinstance(moment, datetime) or moment is None else utc_datetime(moment)


def _common(value: str) -> datetime | None:
    """The moment of a possible date in one of the two common shapes; None for any other
    value, and for an impossible date (feedparser decides what that is)."""
    rfc822 = _RFC822.fullmatch(value)
    if rfc822 is not None:
        day, month, year, clock, zone = rfc822.groups()
        # One C call instead of six int()s; it refuses the same impossible dates. An aware
        # datetime is built directly: .replace(tzinfo=) would cost four times as much.
        stamp = f"{year}-{_MONTHS[month]}-{day if len(day) == 2 else '0' + day}T{clock}"
        try:
            if zone is None:
                return datetime.fromisoformat(f"{stamp}+00:00")
            return datetime.fromisoformat(f"{stamp}{zone[:3]}:{zone[3:]}").astimezone(UTC)
        except (ValueError, OverflowError):
            return None
    rfc3339 = _RFC3339.fullmatch(value)
    if rfc3339 is not None:
        year, month, day, hour, minute, second, sign, zone_hours, zone_minutes = (
            rfc3339.groups())
        # As feedparser computes it: the local time less the offset (any offset, even one
        # past 24 hours, which datetime.timezone would refuse).
        offset = timedelta(hours=int(zone_hours or 0), minutes=int(zone_minutes or 0))
        try:
            local = datetime(int(year), int(month), int(day), int(hour), int(minute),
                             int(second), tzinfo=UTC)
            return local + offset if sign == "-" else local - offset
        except (ValueError, OverflowError):
            return None
    return None


def _read_by_feedparser(values: Sequence[str]) -> list[time.struct_time | None]:
    """feedparser's ``published_parsed`` of each value, read as an RSS 2.0 ``pubDate``.

    The value is the element's text as the document held it: feedparser applies its own
    steps (white space, C1 and mojibake repairs) before its date handlers, as it would have
    in the document the value came from.
    """
    items = "".join(f"<item><pubDate>{value.translate(_XML_ESCAPES)}</pubDate></item>"
                    for value in values)
    document = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"{items}</channel></rss>").encode()
    # A BytesIO, never bytes (which feedparser first tries as a file name).
    entries = feedparser.parse(io.BytesIO(document), sanitize_html=False,
                               resolve_relative_uris=False).get("entries", [])
    if len(entries) != len(values):
        raise Unsure  # not one entry a value (never seen): feedparser reads the document
    return [dict.get(entry, "published_parsed") for entry in entries]
