"""The parser's own readings of common values give exactly what the general code gives.

The lxml reader reads the two common date shapes itself (``_dates``), and an article link
that is printable ASCII is split without urllib (``_links``); these properties hold each to
the general reading (feedparser's, through its public ``parse``, and urllib's) on generated
values, the odd ones included. (Issue 18 removed the other shortcuts and their tests.)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from unittest import mock
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.config import Feed
from newsprism.documents import _raw as models
from newsprism.documents._raw import RawRun
from newsprism.fetch.parse import _feeds as feeds
from newsprism.fetch.parse import _google_news as google_news
from newsprism.fetch.parse import _links as links
from tests.fetch.parse.test_feeds_fast import CONTENT_TYPES, assert_same, rss_items

NOW = datetime(2026, 2, 12, 4, 0, 51, tzinfo=UTC)
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Thursday", "thu", ""]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
          "feb", "Foo"]
ZONES = ["GMT", "+0000", "-0000", "+0530", "-0330", "+1400", "-1200", "+9959", "EST", "Z",
         "UT", "gmt", "+05:30", ""]


@st.composite
def rfc822_dates(draw: st.DrawFn) -> str:
    """Dates as feeds write them, mostly well-formed, some impossible or oddly spelled."""
    day = draw(st.sampled_from(DAYS))
    prefix = f"{day}, " if day else ""
    number = draw(st.integers(0, 32))
    date = f"{number:02d}" if draw(st.booleans()) else str(number)
    year = draw(st.sampled_from(["0001", "0005", "1999", "2026", "9999", "99", "26"]))
    clock = ":".join(f"{draw(st.integers(0, 61)):02d}" for _ in range(3))
    zone = draw(st.sampled_from(ZONES))
    return f"{prefix}{date} {draw(st.sampled_from(MONTHS))} {year} {clock} {zone}".strip()


@st.composite
def rfc3339_dates(draw: st.DrawFn) -> str:
    """Dates as Atom feeds write them, some impossible or oddly spelled."""
    fields = [f"{draw(st.sampled_from([1, 5, 1999, 2026, 9999])):04d}",
              *(f"{draw(st.integers(0, top)):02d}" for top in (13, 32, 25, 61, 61))]
    fraction = draw(st.sampled_from(["", ".5", ".123456789"]))
    zone = draw(st.sampled_from(["Z", "z", "+00:00", "-05:30", "+09:00", "+14:00", "+23:59",
                                 "+24:00", "-99:99", "+0900", ""]))
    separator = draw(st.sampled_from(["T", "t", " "]))
    return (f"{fields[0]}-{fields[1]}-{fields[2]}{separator}{fields[3]}:{fields[4]}:"
            f"{fields[5]}{fraction}{zone}")


def assert_dates_read_as_feedparser(values: list[str]) -> None:
    """An RSS item dated by each value reads as feedparser reads it (``assert_same``)."""
    content = rss_items(*(f"<title>t</title><link>https://x.com/{n}</link>"
                          f"<pubDate>{escape(value)}</pubDate>" for n, value in enumerate(values)))
    assert assert_same(content, "https://x.com/feed", CONTENT_TYPES[0]), values


# Text an XML document can hold (no controls but white space, no surrogates).
_XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"),
                                  include_characters=" \t\n"), max_size=40)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(rfc822_dates(), rfc3339_dates(), _XML_TEXT), min_size=1,
                max_size=8))
def test_dates_are_read_as_feedparser_reads_them(values: list[str]) -> None:
    assert_dates_read_as_feedparser(values)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.datetimes(min_value=datetime(1, 1, 2),
                                       max_value=datetime(9999, 12, 30)),
                          st.sampled_from(["GMT", "+0000", "+0100", "-0800", "+1245"])),
                min_size=1, max_size=8))
def test_every_moment_is_read_as_feedparser_reads_it(
        moments: list[tuple[datetime, str]]) -> None:
    assert_dates_read_as_feedparser(
        [moment.strftime(f"%a, %d %b {moment.year:04d} %H:%M:%S {zone}") for moment, zone
         in moments]
        + [f"{moment.year:04d}{moment.strftime('-%m-%dT%H:%M:%S')}"
           f"{'Z' if zone == 'GMT' else f'{zone[:3]}:{zone[3:]}'}" for moment, zone in moments])


_PRINTABLE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=25)
_PARAMETERS = st.lists(st.sampled_from(["utm_source=x", "oc=5", "hl=en-US", "a=1", "", "b",
                                        "fbclid=z", "q=a?b", "UTM_medium=y", "x=%20"]),
                       max_size=4)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTPS", "ftp", "javascript"]))
    host = draw(st.one_of(st.sampled_from(["news.google.com", "www.reuters.com", "a.b", ""]),
                          st.from_regex(r"[a-zA-Z0-9.\-_@]{0,15}", fullmatch=True)))
    port = draw(st.sampled_from(["", "", ":443", ":80", ":8080", ":"]))
    path = draw(st.one_of(st.just(""), _PRINTABLE.map(lambda text: "/" + text)))
    query = draw(st.one_of(st.just(""), _PARAMETERS.map(lambda pairs: "?" + "&".join(pairs))))
    fragment = draw(st.sampled_from(["", "#", "#top", "#a?b"]))
    spaces = draw(st.sampled_from(["", " ", "\t"]))
    return f"{spaces}{scheme}://{host}{port}{path}{query}{fragment}{spaces}"


def _canonical_through_urlsplit(url: str) -> str | Exception:
    never = re.compile(r"(?!)")
    with mock.patch.object(links, "_PLAIN_URL", never):
        try:
            return links.canonical_url(url)
        except ValueError as exc:
            return exc


@settings(max_examples=500, deadline=None)
@given(st.one_of(urls(), st.text(max_size=40), st.sampled_from(
    ["https://x.com/a b", " https://x.com/\x85", "http://x.com/a\x00b", "https://x.com/é"])))
def test_an_article_link_is_checked_and_canonicalized_as_any_url(url: str) -> None:
    # Article links take their own uncached path; outlet URLs the cached one.
    link = links.http_url(url)
    expected = None if link is None else (link, links.canonical_url(link))
    assert links.article_link(url) == expected


@settings(max_examples=500, deadline=None)
@given(st.one_of(urls(), st.text(max_size=40)))
def test_plain_link_shortcut_is_urlsplit(url: str) -> None:
    expected = _canonical_through_urlsplit(url)
    try:
        got: str | Exception = links.canonical_url(url)
    except ValueError as exc:
        got = exc
    if isinstance(expected, Exception):
        assert isinstance(got, ValueError), (url, got)
    else:
        assert got == expected, url


def test_a_google_news_description_that_repeats_the_article_leaves_no_summary() -> None:
    link = "https://news.google.com/rss/articles/CBMiXYZ?oc=5"
    google = (f'<a href="{link}" target="_blank">Talks  resume</a>&nbsp;&nbsp;'
              '<font color="#6f6f6f">Reuters</font>')
    assert google_news.repeats_headline("Talks resume Reuters", "Talks resume", "Reuters")
    assert feeds._summary(google, "text/html", "Talks resume", "Reuters") == ""
    # Another headline is news the title does not carry: it stays.
    assert not google_news.repeats_headline("Talks resume Reuters", "Talks end", "Reuters")
    assert feeds._summary(google, "text/html", "Talks end", "Reuters") == "Talks resume Reuters"


def test_an_entry_dated_in_year_5_is_stored_and_read_back() -> None:
    # A hostile feed dates an entry in year 5: its run must still load (strftime's "%Y"
    # wrote "5-01-01", which fromisoformat refuses, so classify could not read the run).
    feed = Feed(type="rss", perspective="us", url="https://x.example/feed")
    body = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T'
            b"</title><link>https://x.example/</link><item><title>Old</title>"
            b"<link>https://x.example/a</link><pubDate>Sat, 01 Jan 0005 00:00:00 GMT</pubDate>"
            b"</item></channel></rss>")
    articles = feeds.parse_feed(body, feed, feed.fetch_url, NOW)
    assert articles[0].published == datetime(5, 1, 1, tzinfo=UTC)
    run = RawRun(topic="t", run_id="r", fetched_at=NOW, feeds=(), articles=tuple(articles))
    stored = models.dumps(run.to_dict(), compact=True)
    assert b'"published":"0005-01-01T00:00:00.000Z"' in stored
    assert RawRun.from_dict(models.loads(stored, name="run")) == run


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)),
                                               timezone(timedelta(hours=8, minutes=45))])))
def test_time_shortcut_is_isoformat_in_milliseconds(moment: datetime) -> None:
    expected = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    assert models.format_time(moment) == expected.removesuffix("+00:00") + "Z"


def test_times_are_written_as_javascript_writes_them() -> None:
    moment = datetime(2026, 2, 12, 4, 0, 51, 254_999, tzinfo=UTC)
    assert models.format_time(moment) == "2026-02-12T04:00:51.254Z"
    beijing = moment.astimezone(timezone(timedelta(hours=8)))
    assert models.format_time(beijing) == "2026-02-12T04:00:51.254Z"
