"""The records the parsers produce: ``Entry`` (what an article takes from one feed entry,
whichever parser read it) and ``ArticleSource`` (the outlet an article is credited to).

feedparser gives each entry as a dict of many keys; the lxml reader (``_fast``) reads the
same values itself. Both end as an ``Entry``, so that ``_feeds`` builds articles from one
shape, and tests/fetch/parse/test_feeds_fast.py compares the two parsers on exactly these
fields.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any, NamedTuple


class Entry(NamedTuple):
    """One entry's values as feedparser leaves them (before our own normalization).

    A NamedTuple: a fetch builds one per entry, and a tuple is the cheapest record Python
    builds (keyword construction included).
    """

    title: str
    title_type: str  # feedparser's title_detail.type: "text/plain", "text/html", …
    link: str
    # The entry's own <source> (Google News names each item's publisher there), as
    # (title, href), either possibly empty; None where the entry has none.
    source: tuple[str, str] | None
    published: datetime | None  # published, else updated, in UTC; None: no usable date
    summary: str
    summary_type: str


class ArticleSource(NamedTuple):
    """The outlet an article is credited to."""

    name: str
    url: str  # its home page, "" when unknown
    from_entry: bool  # named by the entry's own <source>, not by the channel


def from_feedparser(entry: Any) -> Entry:
    """The ``Entry`` of one of feedparser's entries (or a dict shaped like one)."""
    title_detail = entry.get("title_detail")
    summary_detail = entry.get("summary_detail")
    source = entry.get("source")
    # dict.get skips FeedParserDict's deprecated updated->published key mapping
    # (feedparser issue 310).
    moment = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    return Entry(
        title=str(entry.get("title", "")),
        title_type=detail_type(title_detail, "text/plain"),
        link=str(entry.get("link", "")),
        source=((str(source.get("title", "")), str(source.get("href", "")))
                if isinstance(source, dict) else None),
        published=None if moment is None else utc_datetime(moment),
        summary=str(entry.get("summary", "")),
        # RSS descriptions are HTML; a summary copied from Atom content carries no type.
        summary_type=detail_type(summary_detail, "text/html"),
    )


def detail_type(detail: Any, default: str) -> str:
    """The content type of one of feedparser's ``*_detail`` dicts (``title_detail``…)."""
    return str(detail.get("type", default)) if isinstance(detail, dict) else default


def utc_datetime(moment: Any) -> datetime | None:
    """The UTC datetime of feedparser's ``struct_time`` (UTC); None if it is unusable.

    Fields out of range (a leap second, "31 Feb") roll over as ``calendar.timegm`` rolls
    them.
    """
    try:
        return datetime.fromtimestamp(calendar.timegm(moment), UTC)
    except (ValueError, OverflowError, OSError, TypeError):
        return None
