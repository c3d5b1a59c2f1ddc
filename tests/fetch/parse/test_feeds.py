"""Parsing and normalizing feeds: what a reader later sees as title, outlet, link and date."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from pathlib import Path

import pytest

from newsprism.config import Feed
from newsprism.documents._raw import Article, article_id
from newsprism.fetch.parse._feeds import NotAFeed, parse_feed
from newsprism.fetch.parse._google_news import canonical_url
from newsprism.text import SUMMARY_LIMIT
from tests.conftest import DATA, REPO, require_shared

FEEDS = DATA / "feeds"
NOW = datetime(2026, 2, 12, 4, 0, 51, 254000, tzinfo=UTC)
FEED = Feed(type="rss", perspective="china", url="https://feeds.example.com/world/rss.xml",
            language="en", region="HK")


def parse(name: str, feed: Feed = FEED, feed_url: str | None = None) -> list[Article]:
    content = (FEEDS / name).read_bytes()
    return parse_feed(content, feed, feed.fetch_url if feed_url is None else feed_url, NOW)


def rss(items: str, channel: str = "<title>Outlet</title><link>https://outlet.example/</link>"
        ) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{channel}'
            f"{items}</channel></rss>").encode()


def item(title: str = "A title", link: str = "https://outlet.example/a", extra: str = "") -> str:
    return f"<item><title>{title}</title><link>{link}</link>{extra}</item>"


# -- Google News ---------------------------------------------------------------------------


def test_google_news_suffix_is_stripped_only_when_it_is_the_source() -> None:
    articles = parse("google-news.xml")
    assert [(a.title, a.source, a.source_url) for a in articles] == [
        ("China trade negotiator met Westinghouse Electric CEO on Tuesday, commerce ministry "
         "says", "The Standard (HK)", "https://www.thestandard.com.hk"),
        # Only the trailing " - Reuters" goes; the dash inside the headline stays.
        ("China - US trade truce holds as talks resume", "Reuters", "https://www.reuters.com"),
        # "Global Times Online" is not the <source> text "Global Times": the title is kept.
        ("Beijing answers Washington on tariffs - Global Times Online", "Global Times",
         "https://www.globaltimes.cn"),
        ("AT&T, ‘Xi’s plan’ & the chip war", "South China Morning Post", "https://www.scmp.com"),
    ]


def test_google_news_link_is_kept_but_its_id_ignores_google_parameters() -> None:
    first = parse("google-news.xml")[0]
    assert first.url == "https://news.google.com/rss/articles/CBMi2wFBVV95cUxQZlhZ?oc=5"
    assert first.id == article_id("https://news.google.com/rss/articles/CBMi2wFBVV95cUxQZlhZ")


def test_suffix_without_a_source_element_is_part_of_the_title() -> None:
    [article] = parse_feed(rss(item("Tariffs rise - Reuters")), FEED, FEED.fetch_url, NOW)
    assert (article.title, article.source) == ("Tariffs rise - Reuters", "Outlet")


def test_ordinary_feed_keeps_a_suffix_naming_its_channel() -> None:
    content = rss(item("Tariffs rise - Reuters"), channel="<title>Reuters</title>")
    [article] = parse_feed(content, FEED, FEED.fetch_url, NOW)
    assert (article.title, article.source) == ("Tariffs rise - Reuters", "Reuters")


def test_source_names_containing_a_dash_are_stripped_whole() -> None:
    source = '<source url="https://www.chinadaily.com.cn">China Daily - World</source>'
    [article] = parse_feed(rss(item("Talks - day two - China Daily - World", extra=source)),
                           FEED, FEED.fetch_url, NOW)
    assert (article.title, article.source) == ("Talks - day two", "China Daily - World")


def test_title_that_is_only_the_suffix_is_not_emptied() -> None:
    source = '<source url="https://www.reuters.com">Reuters</source>'
    [article] = parse_feed(rss(item(" - Reuters", extra=source)), FEED, FEED.fetch_url, NOW)
    assert article.title == "- Reuters"


# -- ordinary feeds ------------------------------------------------------------------------


def test_rss_outlet_is_the_channel_title_and_the_origin_of_its_link() -> None:
    articles = parse("rss2.xml")
    assert {(a.source, a.source_url) for a in articles} == {
        ("China Daily - World", "https://www.chinadaily.com.cn")}


def test_atom_outlet_and_html_typed_titles_become_text() -> None:
    articles = parse("atom.xml")
    assert [(a.title, a.source, a.source_url) for a in articles] == [
        ("Taiwan drills & the Strait", "Nikkei & Asia", "https://asia.nikkei.com"),
        ("Only updated", "Nikkei & Asia", "https://asia.nikkei.com"),
    ]


def test_channel_without_title_is_named_by_its_domain() -> None:
    content = rss(item(), channel="<link>https://www.Example.org:8443/news</link>")
    [article] = parse_feed(content, FEED, FEED.fetch_url, NOW)
    assert (article.source, article.source_url) == ("example.org", "https://www.example.org:8443")


def test_channel_without_link_falls_back_to_the_feed_url() -> None:
    [article] = parse_feed(rss(item(), channel=""), FEED, FEED.fetch_url, NOW)
    assert (article.source, article.source_url) == ("feeds.example.com",
                                                    "https://feeds.example.com")


def test_configuration_fields_are_carried_and_entry_order_kept() -> None:
    feed = Feed(type="google_news", perspective="us", query="China trade", language="en",
                region="US")
    articles = parse("google-news.xml", feed)
    assert {(a.language, a.region, a.perspective, a.feed) for a in articles} == {
        ("en", "US", "us", feed.fetch_url)}
    assert [a.published for a in articles] == sorted((a.published for a in articles),
                                                     reverse=True)  # the fixture's order


# -- dates ---------------------------------------------------------------------------------


def test_dates_are_utc_and_missing_or_bad_dates_take_the_fetch_time() -> None:
    by_title = {a.title: a.published for a in parse("rss2.xml")}
    assert by_title == {
        "Trade talks continue in Geneva": datetime(2026, 2, 12, 1, 30, tzinfo=UTC),  # +0800
        "Relative link, no date": NOW,
        "Unparseable date": NOW,
    }
    assert all(moment.utcoffset() == timedelta(0) for moment in by_title.values())


def test_atom_published_wins_over_updated() -> None:
    published = [a.published for a in parse("atom.xml")]
    assert published == [datetime(2026, 2, 12, 3, 0, tzinfo=UTC),  # published -05:00
                         datetime(2026, 2, 11, 23, 0, tzinfo=UTC)]  # only updated, +09:00


def test_fetch_time_in_another_zone_is_stored_as_utc() -> None:
    local = NOW.astimezone(timezone(timedelta(hours=8)))
    [article] = parse_feed(rss(item()), FEED, FEED.fetch_url, local)
    assert article.published == NOW and article.published.tzinfo == UTC


# -- hostile and broken entries ------------------------------------------------------------


def test_markup_in_titles_is_kept_as_text_and_control_characters_become_spaces() -> None:
    titles = [a.title for a in parse("hostile.xml")]
    assert titles[0] == '<script>alert("x")</script> &amp; <b>bold</b>'  # decoded once only
    assert titles[1] == "<img src=x onerror=alert(1)> CDATA & co"
    # tab, LF and CR become one space; U+00A0, U+2028 and U+200B stay as the old digests have them
    assert titles[2].endswith("and tab newline kept: nbsp\xa0and\u2028line sep\u200b")
    assert not any(unicodedata.category(ch) == "Cc" for title in titles for ch in title)


def test_whitespace_around_line_breaks_collapses_but_double_spaces_elsewhere_stay() -> None:
    content = rss(item("  Trade talks \n\t   continue  in Geneva \r\n"))
    [article] = parse_feed(content, FEED, FEED.fetch_url, NOW)
    assert article.title == "Trade talks continue  in Geneva"


def test_only_http_links_with_titles_are_kept() -> None:
    articles = parse("rss2.xml")
    assert [a.url for a in articles] == [
        "https://www.chinadaily.com.cn/a/202602/12/WS1.html?utm_source=rss&utm_medium=feed",
        # relative links resolve against the URL the feed was fetched from (RFC 3986 5.1.3)
        "https://feeds.example.com/a/202602/12/WS2.html",
        "https://www.chinadaily.com.cn/a/202602/12/WS4.html",
    ]  # javascript:, data:, the empty title and the missing link are gone


def test_relative_link_without_a_base_is_dropped() -> None:
    assert parse_feed(rss(item(link="/a/1"), channel=""), FEED, "", NOW) == []


@pytest.mark.parametrize("link", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "ftp://example.org/a",
    "mailto:x@example.org", "http://", "//example.org/scheme-relative",
])
def test_non_http_links_are_dropped(link: str) -> None:
    assert parse_feed(rss(item(link=link), channel=""), FEED, "", NOW) == []


def test_source_url_that_is_not_http_is_not_kept() -> None:
    source = '<source url="javascript:alert(1)">Reuters</source>'
    [article] = parse_feed(rss(item("X - Reuters", extra=source)), FEED, FEED.fetch_url, NOW)
    assert (article.title, article.source, article.source_url) == ("X", "Reuters", "")


# -- not feeds -----------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "reason"), [
    ((FEEDS / "not-a-feed.html").read_bytes(), "no RSS or Atom content"),
    (b"", "empty body"),
    (b"  \n", "empty body"),
    (b'{"items": []}', "not well-formed"),
])
def test_bodies_that_are_not_feeds_are_refused(content: bytes, reason: str) -> None:
    with pytest.raises(NotAFeed, match=reason):
        parse_feed(content, FEED, FEED.fetch_url, NOW)


def test_a_feed_with_no_entries_is_a_feed() -> None:
    assert parse_feed(rss(""), FEED, FEED.fetch_url, NOW) == []


def test_body_that_names_a_file_is_not_opened(tmp_path: Path) -> None:
    # feedparser opens bare bytes as a file name if it can: the body must never be one.
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(item()))
    with pytest.raises(NotAFeed):
        parse_feed(str(path).encode(), FEED, FEED.fetch_url, NOW)


# -- canonical URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://News.Example.COM/Path/A?x=1", "https://news.example.com/Path/A?x=1"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("http://example.com:443/a", "http://example.com:443/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a#comments", "https://example.com/a"),
    ("https://example.com/a?utm_source=rss&id=7&UTM_Medium=x&fbclid=1&gclid=2",
     "https://example.com/a?id=7"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),  # order kept
    ("https://example.com/a?oc=5", "https://example.com/a?oc=5"),  # only Google's oc goes
    ("https://news.google.com/rss/articles/CBMi?oc=5&hl=en-US&gl=US&ceid=US:en",
     "https://news.google.com/rss/articles/CBMi"),
    ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize("url", ["javascript:alert(1)", "/relative", "https://", "https://:80/"])
def test_canonical_url_refuses_non_http(url: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(url)


def test_tracking_variants_of_one_link_share_an_id() -> None:
    content = rss(item(link="https://Outlet.example/a?utm_source=x#top")
                  + item(link="https://outlet.example:443/a"))
    first, second = parse_feed(content, FEED, FEED.fetch_url, NOW)
    assert first.id == second.id and first.url != second.url


# -- feedparser's own test corpus ----------------------------------------------------------


def corpus_samples(kind: str) -> list[Path]:
    return sorted(require_shared(f"corpus/feedparser-tests/{kind}").rglob("*.xml"))


@pytest.mark.parametrize("kind", ["rss", "atom10", "atom", "rdf"])
def test_feedparser_wellformed_feeds_are_recognized(kind: str) -> None:
    samples = corpus_samples(f"wellformed/{kind}")
    assert samples
    refused = []
    for sample in samples:
        try:
            parse_feed(sample.read_bytes(), FEED, "http://example.com/feed", NOW)
        except NotAFeed as exc:
            refused.append(f"{sample.name}: {exc}")
    assert refused == []


def test_feedparser_corpus_never_breaks_the_article_invariants() -> None:
    samples = corpus_samples("")  # well-formed and ill-formed, including the sanitizer's
    assert len(samples) > 1000
    articles: list[Article] = []
    for sample in samples:
        try:
            articles += parse_feed(sample.read_bytes(), FEED, "http://example.com/feed", NOW)
        except NotAFeed:
            continue  # e.g. CDF channels without a title: not something we fetch
    assert articles  # a few dozen samples have an entry with both a title and a link
    for article in articles:
        assert article.url.startswith(("http://", "https://")), article
        assert article.title and article.title == article.title.strip(), article
        assert not any(unicodedata.category(ch) == "Cc" for ch in article.title), article
        assert article.published.tzinfo == UTC, article


# -- summaries -----------------------------------------------------------------------------


def test_google_news_descriptions_that_repeat_the_headline_leave_no_summary() -> None:
    articles = parse_feed((REPO / "demo" / "feeds" / "us.xml").read_bytes(), FEED,
                          FEED.fetch_url, NOW)
    assert articles and [a.summary for a in articles] == [""] * len(articles)


def test_summary_is_the_description_as_plain_text() -> None:
    description = ("&lt;p&gt;Talks  resume &lt;b&gt;today&lt;/b&gt;&lt;/p&gt;&lt;p&gt;in "
                   "Geneva&amp;amp;Bern&lt;/p&gt;&lt;script&gt;steal(1)&lt;/script&gt;"
                   "&lt;style&gt;p {}&lt;/style&gt; &#8212;\tU.S. &amp;amp; China")
    [article] = parse_feed(rss(item(extra=f"<description>{description}</description>")),
                           FEED, FEED.fetch_url, NOW)
    assert article.summary == "Talks resume today in Geneva&Bern — U.S. & China"


def test_summary_of_a_cluster_keeps_the_other_headlines() -> None:
    description = ('&lt;ol&gt;&lt;li&gt;&lt;a href="https://news.google.com/1"&gt;Tariffs rise'
                   '&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;Reuters&lt;/font&gt;'
                   '&lt;/li&gt;&lt;li&gt;&lt;a href="https://news.google.com/2"&gt;Beijing hits '
                   'back&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;Global Times'
                   "&lt;/font&gt;&lt;/li&gt;&lt;/ol&gt;")
    source = '<source url="https://www.reuters.com">Reuters</source>'
    [article] = parse_feed(rss(item("Tariffs rise - Reuters", extra=source
                                    + f"<description>{description}</description>")),
                           FEED, FEED.fetch_url, NOW)
    assert article.summary == "Tariffs rise Reuters Beijing hits back Global Times"


def test_plain_text_atom_summaries_are_not_taken_for_markup_and_long_ones_are_cut() -> None:
    text = "1 < 2 and 3 > 2. " * 100
    content = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>O</title><entry><title>T</title>'
               f'<link href="https://o.example/1"/><summary>{escape(text)}</summary></entry></feed>')
    [article] = parse_feed(content.encode(), FEED, FEED.fetch_url, NOW)
    assert article.summary.startswith("1 < 2 and 3 > 2. 1 < 2")
    assert len(article.summary) == SUMMARY_LIMIT and article.summary.endswith("…")


# -- broken documents and encodings --------------------------------------------------------


def test_malformed_xml_with_nothing_recoverable_says_where_it_breaks() -> None:
    content = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>\n<item><ti'
    with pytest.raises(NotAFeed, match=r"malformed XML at line 3, column \d+"):
        parse_feed(content, FEED, FEED.fetch_url, NOW)


def test_malformed_xml_keeps_the_entries_feedparser_recovers() -> None:
    content = rss(item("Tariffs & trade") + "<item><title>Cut off</titl></item>")
    assert [a.title for a in parse_feed(content, FEED, FEED.fetch_url, NOW)] == [
        "Tariffs & trade"]


@pytest.mark.parametrize(("encoding", "header"), [
    ("ISO-8859-1", "application/rss+xml"), ("windows-1252", "application/rss+xml"),
    (None, "application/rss+xml; charset=windows-1252"),  # said only by the server
    (None, "text/xml; charset=ISO-8859-1"),
])
def test_legacy_encodings_are_decoded(encoding: str | None, header: str) -> None:
    codec = encoding or header.rpartition("=")[2]
    title = "Café “Quotes” €5" if codec.lower() == "windows-1252" else "Café Zürich ½"
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    content = (declaration + '<rss version="2.0"><channel><title>Outlet</title>'
               f"<item><title>{title}</title><link>https://o.example/é</link></item>"
               "</channel></rss>").encode(codec)
    [article] = parse_feed(content, FEED, FEED.fetch_url, NOW, content_type=header)
    assert (article.title, article.url) == (title, "https://o.example/é")
