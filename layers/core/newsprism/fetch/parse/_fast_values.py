"""How feedparser leaves each value it reads (``mixin.py`` ``pop()``), for the lxml fast path.

Every rule here copies feedparser 6, or calls its own helper, so that ``fastfeed`` yields the
values feedparser would; tests/test_feeds_fast.py checks them against feedparser.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.datetimes.rfc822 import _parse_date_rfc822
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri

from newsprism.fetch.parse._entries import Entry, utc_datetime
from newsprism.fetch.parse._links import google_news_article

LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# feedparser's repair of "&amp;name;" left in links by double escaping
AMPERSAND_NAME = re.compile("&([A-Za-z0-9_]+);")
_C1 = re.compile("[\x80-\x9f]")
_TEXT_TYPES = {"text": "text/plain", "html": "text/html", "text/plain": "text/plain",
               "text/html": "text/html"}


class Unsure(Exception):
    """The document is outside the fast path's shape: feedparser decides."""


def base_uri(feed_url: str) -> str:
    """The base feedparser resolves links against: the content-location, passed through
    ``make_safe_absolute_uri`` once per element level (stable after a few)."""
    base = feed_url
    for _ in range(4):
        following = (make_safe_absolute_uri(base, base) or base) if base else _urljoin("", "")
        if following == base:
            break
        base = following
    return base


# An absolute http(s) URL that urllib's urljoin returns unchanged: printable ASCII, no
# params (";"), no fragment, no empty query, nothing urlsplit strips or rejects. (Ranges of
# ASCII, not "[^\s…]": the regex engine tests those twice as fast as a Unicode category.)
_SIMPLE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?"
                         r'(?:/[!"$-:<->@-Z^-~]*)?'  # path: no ? # ; [ \ ]
                         r'(?:\?[!"$-\[\]-~]+)?')  # query: no # \


def feedparser_join(base: str, uri: str) -> str:
    """feedparser's ``_urljoin(base, uri)`` for a link (an empty one is left alone), without
    the cost of urllib for the common absolute URL it would not change."""
    if not uri or google_news_article(uri) is not None or _SIMPLE_URL.fullmatch(uri):
        return uri
    return str(_urljoin(base, uri))


# The RFC 822 date as nearly every RSS feed writes it ("Thu, 12 Feb 2026 04:00:00 GMT", or
# with a numeric zone), read without feedparser's general parser, which costs several times
# more; any other spelling goes to feedparser.
_RFC822_COMMON = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
    r"([0-9]{2}:[0-9]{2}:[0-9]{2}) (?:GMT|([+-][0-9]{4}))")
_MONTHS = {name: f"{number:02d}" for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def feedparser_date(value: str) -> Any:
    """feedparser's ``_parse_date``. Its first handler (W3C-DTF) rejects any value starting
    with a letter, so RFC 822 dates ("Thu, 12 Feb 2026 …") go straight to its second."""
    common = _rfc822_common(value)
    return _any_date(value) if common is None else utc_struct_time(common)


def feedparser_moment(value: str) -> datetime | None:
    """``feedparser_date`` as ``Entry.published`` holds it, without the detour through a
    ``struct_time`` for the common RFC 822 date."""
    common = _rfc822_common(value)
    if common is not None:
        return common
    parsed = _any_date(value)
    return None if parsed is None else utc_datetime(parsed)


def _any_date(value: str) -> Any:
    """``feedparser_date`` of a value outside the common RFC 822 shape."""
    if value[:1].isalpha():
        try:
            parsed = _parse_date_rfc822(value)
        except (KeyError, OverflowError, ValueError, AttributeError):
            parsed = None
        if parsed and len(parsed) == 9:
            return parsed
    return _parse_date(value)


def _rfc822_common(value: str) -> datetime | None:
    """The UTC moment of a date in the common RFC 822 shape; None for any other shape, and
    for an impossible date (feedparser decides what that is)."""
    common = _RFC822_COMMON.fullmatch(value)
    if common is None:
        return None
    day, month, year, clock, zone = common.groups()
    # One C call instead of six int()s; it refuses the same impossible dates. An aware
    # datetime is built directly: .replace(tzinfo=) would cost four times as much.
    stamp = f"{year}-{_MONTHS[month]}-{day if len(day) == 2 else '0' + day}T{clock}"
    try:
        if zone is None:
            return datetime.fromisoformat(f"{stamp}+00:00")
        return datetime.fromisoformat(f"{stamp}{zone[:3]}:{zone[3:]}").astimezone(UTC)
    except (ValueError, OverflowError):
        return None


_DAYS_BEFORE_MONTH = (0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def utc_struct_time(moment: datetime) -> time.struct_time:
    """``moment.utctimetuple()`` of a datetime in UTC (naive or aware), at a third of its
    cost here."""
    year, month, day = moment.year, moment.month, moment.day
    day_of_year = _DAYS_BEFORE_MONTH[month] + day + (month > 2 and calendar.isleap(year))
    return time.struct_time((year, month, day, moment.hour, moment.minute, moment.second,
                             moment.weekday(), day_of_year, 0))


def finish(text: str) -> str:
    """feedparser's last steps for every text value: undo UTF-8 read as Latin-1, then map
    the C1 range as Windows-1252 does. Neither changes ASCII (most of a feed)."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_cp1252) if _C1.search(text) else text


def element_text(element: Any, allowed: frozenset[str] = frozenset()) -> str:
    """The stripped text of an element without children (comments count) or other attributes."""
    if len(element):
        raise Unsure
    element_attributes(element, allowed)
    return str(element.text or "").strip()


def element_attributes(element: Any, allowed: frozenset[str]) -> dict[str, str]:
    """The element's attributes by lower-cased name (as feedparser sees them)."""
    found = {}
    for name in element.keys():  # noqa: SIM118 (cheaper than building .attrib)
        key = str(name).lower()
        if name != LANG and key not in allowed:
            raise Unsure
        found[key] = str(element.get(name))
    return found


def typed_text(element: Any, default: str) -> tuple[str, str]:
    """Text and content type of a title/summary/content element."""
    attributes = element_attributes(element, frozenset({"type"}))
    kind = _TEXT_TYPES.get(attributes.get("type", default).lower())
    if kind is None:
        raise Unsure  # xhtml (markup as child elements), base64, other media types
    return element_text(element, frozenset({"type"})), kind


def title_fields(value: str, kind: str, atom: bool) -> tuple[str, str]:
    """A title and its type. RSS titles are nominally plain text; feedparser guesses HTML
    from the text itself."""
    # (looks_like_html wants a close tag or an entity: without "<" or "&" it says no)
    if (not atom and kind == "text/plain" and ("<" in value or "&" in value)
            and _FeedParserMixin.looks_like_html(value)):
        kind = "text/html"
    return finish(value), kind


def child_elements(element: Any) -> list[Any]:
    """Child elements; comments and processing instructions between them are ignored."""
    return [child for child in element if isinstance(child.tag, str)]


def check_single(children: list[Any], tags: Callable[[str], bool]) -> None:
    """Refuse a document where an element ``tags`` selects appears twice."""
    seen: set[str] = set()
    for child in children:
        if tags(child.tag):
            if child.tag in seen:
                raise Unsure  # feedparser resolves repeats by position; not worth copying
            seen.add(child.tag)


def rss_entry(base: str, title: str | None, link: str | None, guid: tuple[str, bool] | None,
              description: str | None, published: str | None,
              source: tuple[str, str | None] | None) -> Entry:
    """The entry feedparser makes of an RSS 2.0 item from the text of its elements (None:
    the element is absent): ``guid`` is (text, isPermaLink), ``source`` (text, url)."""
    title_value, title_type = "", "text/plain"
    if title is not None:
        title_value, title_type = title_fields(title.strip(), "text/plain", atom=False)
    link_value = ""
    if link is not None:
        link_value = finish(feedparser_join(base, link.strip()))
        if "&" in link_value:
            link_value = AMPERSAND_NAME.sub(r"&\g<1>", link_value.replace("&amp;", "&"))
    elif guid is not None and guid[1]:
        # A permalink guid (the default) is the entry's link if it has no <link>.
        link_value = finish(feedparser_join(base, guid[0].strip()))
    source_value = None
    if source is not None:
        # The url attribute as given; a missing one is no href.
        source_value = (finish(source[0].strip()), source[1] or "")
    # Positional, in Entry's field order: keywords would cost half as much again.
    return Entry(
        title_value, title_type, link_value, source_value,
        None if published is None else feedparser_moment(finish(published.strip())),
        "" if description is None else finish(description.strip()), "text/html")
