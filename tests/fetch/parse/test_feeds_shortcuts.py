"""The shortcuts the parser takes for speed (issue #4) give exactly what the general code gives.

Each shortcut handles the common shape of a value (an RFC 822 date in GMT, a plain https link,
a Google News article link or description, a time in UTC) without the general machinery;
these properties hold it to that machinery on generated values, the odd ones included.
"""

from __future__ import annotations

import calendar
import html
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from unittest import mock

from feedparser.datetimes import _parse_date
from feedparser.urls import _urljoin
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsprism.config._model import Feed
from newsprism.documents import _raw as models
from newsprism.documents._raw import RawRun
from newsprism.fetch.parse import _feeds as feeds
from newsprism.fetch.parse import _links as links
from newsprism.fetch.parse._entries import utc_datetime
from newsprism.fetch.parse._fast_values import (
    feedparser_date,
    feedparser_join,
    feedparser_moment,
    utc_struct_time,
)

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


@settings(max_examples=400, deadline=None)
@given(st.one_of(rfc822_dates(), st.text(max_size=40)))
def test_date_shortcut_is_feedparser(value: str) -> None:
    parsed = _parse_date(value)
    assert feedparser_date(value) == parsed
    # The moment an entry keeps, without the detour through a struct_time.
    assert feedparser_moment(value) == (None if parsed is None else utc_datetime(parsed))


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
       st.sampled_from(["GMT", "+0000", "+0100", "-0800", "+1245"]))
def test_date_shortcut_reads_every_moment_as_feedparser(moment: datetime, zone: str) -> None:
    value = moment.strftime(f"%a, %d %b {moment.year:04d} %H:%M:%S {zone}")
    assert feedparser_date(value) == _parse_date(value)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
def test_struct_time_shortcut_is_utctimetuple(moment: datetime) -> None:
    built = utc_struct_time(moment)
    assert type(built) is time.struct_time
    assert built == moment.utctimetuple()


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
            return links.canonical_url.__wrapped__(url)
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
        got: str | Exception = links.canonical_url.__wrapped__(url)
    except ValueError as exc:
        got = exc
    if isinstance(expected, Exception):
        assert isinstance(got, ValueError), (url, got)
    else:
        assert got == expected, url


@st.composite
def google_news_links(draw: st.DrawFn) -> str:
    """Links near Google News's article shape, most of them of it exactly."""
    prefix = draw(st.sampled_from(["https://news.google.com/rss/articles/"] * 4 + [
        "http://news.google.com/rss/articles/", "https://NEWS.google.com/rss/articles/",
        "https://news.google.com/rss/articles", "https://news.google.com:443/rss/articles/",
        " https://news.google.com/rss/articles/"]))
    token = draw(st.one_of(
        st.from_regex(r"[A-Za-z0-9_-]{0,40}", fullmatch=True),
        st.lists(st.sampled_from(["CBMi", "-", "_", "=", "/", "?", "#", "%2F", " ", "é",
                                  "\x00", "\x85", ">", "&", ".", "~"]), max_size=6).map("".join)))
    query = draw(st.sampled_from(["?oc=5"] * 4 + ["", "?oc=5&hl=en-US", "?oc=6", "?OC=5",
                                                 "?oc=5#top", "?oc=5 ", "?hl=en&oc=5"]))
    return f"{prefix}{token}{query}"


@settings(max_examples=500, deadline=None)
@given(google_news_links(), st.sampled_from(["https://news.google.com/rss/search?q=x", ""]))
def test_google_news_link_shortcut_is_the_general_reading(url: str, base: str) -> None:
    # canonical_url and feedparser's _urljoin never take the shortcut: they are the reference.
    general: str | None
    try:
        general = links.canonical_url(url.strip())
    except ValueError:
        general = None
    google = links.google_news_article(url)
    assert google is None or google == general, url
    link = links.http_url(url)
    expected = None if link is None else (link, links.canonical_url(link))
    assert links.article_link(url) == expected, url
    assert feedparser_join(base, url) == _urljoin(base, url), url


def _summary_before_the_shortcuts(value: str, kind: str, title: str, source: str) -> str:
    """``feeds._summary`` as it was written before issue #4's speed work."""
    if kind in ("text/html", "application/xhtml+xml"):
        value = html.unescape(feeds._TAG.sub(" ", feeds._SCRIPT.sub(" ", value)))
    text = " ".join(feeds._CONTROL_RUN.sub(" ", value).split())
    headline = " ".join(title.split())
    if text in ("", headline, f"{headline} {source}"):
        return ""
    if len(text) > feeds.SUMMARY_LIMIT:
        text = text[: feeds.SUMMARY_LIMIT - 1].rstrip() + "…"
    return text


_HTML_PIECES = st.sampled_from([
    "&nbsp;", "&nbsp", "&amp;nbsp;", "&amp&nbsp;", "&#160;", "&lt;b&gt;", "&", "&amp", "<",
    ">", "<b>", "</a>", '<a href="https://x/?a=1&amp;b=2">', "<script>x()</script>",
    "<SCRIPT>y</script >", "<style>p{}</style>", "<s>", "\x00", "\x85", "\x9f", "\xa0",
    "\u2028", " ", "  ", "\n", "\t", "Headline", "Reuters", "é",
])


_ODD_TEXT = st.lists(st.one_of(_HTML_PIECES, st.text(max_size=8)), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_ODD_TEXT, _ODD_TEXT.map(feeds.clean_text), _ODD_TEXT.map(feeds.clean_text),
       st.one_of(st.just("https://news.google.com/rss/articles/CBMi?oc=5"), _ODD_TEXT),
       st.sampled_from(["text/html", "text/plain", "application/xhtml+xml"]))
@example(value="", title="Talks", source="Reuters", link='https://x/">', kind="text/html")
@example(value="", title="Talks", source="Reuters  Asia", link="https://x/", kind="text/html")
@example(value="", title="AT&amp;T", source="Reuters", link="https://x/", kind="text/html")
def test_summary_shortcuts_change_nothing(value: str, title: str, source: str, link: str,
                                          kind: str) -> None:
    # (The headline and the outlet come from clean_text, as they do in feeds._article.)
    descriptions = [value, f"{title} {source}", title]
    for text in (value, f"{title} {source}", title):
        descriptions += [
            f'<a href="https://x">{text}</a>&nbsp;&nbsp;<font>{source}</font>',
            # Google News's exact shape, with odd text in each of its places
            f'<a href="{link}" target="_blank">{text}</a>&nbsp;&nbsp;'
            f'<font color="#6f6f6f">{source}</font>',
            f'<a href="{link}" target="_blank">{title}</a>&nbsp;&nbsp;'
            f'<font color="#6f6f6f">{text}</font>',
            f'<a href="{text}" target="_blank">{title}</a>&nbsp;&nbsp;'
            f'<font color="#6f6f6f">{source}</font>']
    for description in descriptions:
        assert feeds._summary(description, kind, title, source, link) == (
            _summary_before_the_shortcuts(description, kind, title, source)), description


def test_a_google_news_description_that_repeats_the_article_leaves_no_summary() -> None:
    link = "https://news.google.com/rss/articles/CBMiXYZ?oc=5"
    google = (f'<a href="{link}" target="_blank">Talks resume</a>&nbsp;&nbsp;'
              '<font color="#6f6f6f">Reuters</font>')
    assert feeds._is_google_news_repeat(google, link, "Talks resume", "Reuters")
    assert feeds._summary(google, "text/html", "Talks resume", "Reuters", link) == ""
    # Another headline is news the title does not carry: it stays, read the general way.
    assert not feeds._is_google_news_repeat(google, link, "Talks end", "Reuters")
    assert feeds._summary(google, "text/html", "Talks end", "Reuters", link) == (
        "Talks resume Reuters")


@settings(max_examples=300, deadline=None)
@given(st.tuples(st.integers(-1, 10_001), st.integers(-1, 13), st.integers(-1, 32),
                 st.integers(-1, 25), st.integers(-1, 61), st.integers(-1, 62)))
def test_published_shortcut_is_timegm(fields: tuple[int, int, int, int, int, int]) -> None:
    moment = time.struct_time((*fields, 0, 1, 0))
    try:
        expected = datetime.fromtimestamp(calendar.timegm(moment), UTC)
    except (ValueError, OverflowError, OSError):
        expected = None
    assert utc_datetime(moment) == expected


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
