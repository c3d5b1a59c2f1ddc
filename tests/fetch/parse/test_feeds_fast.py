"""The lxml fast path reads exactly what feedparser reads, or leaves the document to it."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.config import Feed
from newsprism.fetch.parse import _fast as fastfeed
from newsprism.fetch.parse import _feeds as feeds
from newsprism.fetch.parse._entries import Entry
from newsprism.fetch.parse._feeds import NotAFeed
from tests.conftest import DATA, REPO, SHARED, require_shared

NOW = datetime(2026, 2, 12, 4, 0, 51, tzinfo=UTC)
FEED = Feed(type="google_news", perspective="us", query="China trade", language="en",
            region="US")
GOOGLE_NEWS = [DATA / "feeds" / "google-news.xml", REPO / "demo" / "feeds" / "us.xml",
               REPO / "demo" / "feeds" / "china.xml"]
CORPUS = SHARED / "corpus" / "feedparser-tests"
CONTENT_TYPES = ["application/rss+xml; charset=UTF-8", "application/xml",
                 "application/atom+xml", "text/xml; charset=utf-8"]


def read_fields(channel: Any, entries: list[Entry]) -> tuple[dict[str, Any], list[Entry]]:
    """Exactly what feeds.py takes from a parser's result: the channel's title and link,
    and each entry's fields."""
    found = {key: channel[key] for key in ("title", "link") if key in channel}
    if "title_detail" in channel:
        found["title_detail.type"] = channel["title_detail"].get("type")
    return found, entries


def assert_same(content: bytes, feed_url: str, content_type: str) -> bool:
    """The fast path, where it takes the document, reads what feedparser reads and yields
    the same articles; returns whether it took it."""
    fast = fastfeed.extract(content, feed_url, content_type)
    if fast is None:
        return False
    channel, entries, malformed = feeds._feedparser_extract(content, feed_url, content_type)
    assert malformed is None
    assert read_fields(*fast) == read_fields(channel, entries)
    articles = feeds.parse_fast(content, FEED, feed_url, NOW, content_type=content_type)
    expected = feeds.parse_with_feedparser(content, FEED, feed_url, NOW,
                                           content_type=content_type)
    assert articles is not None
    assert [a.to_dict() for a in articles] == [a.to_dict() for a in expected]
    return True


@pytest.mark.parametrize("path", GOOGLE_NEWS, ids=lambda path: path.name)
def test_google_news_feeds_take_the_fast_path_and_match_feedparser(path: Path) -> None:
    content = path.read_bytes()
    for content_type in CONTENT_TYPES:
        assert assert_same(content, "https://news.google.com/rss/search?q=China", content_type)
    articles = feeds.parse_feed(content, FEED, FEED.fetch_url, NOW)
    assert articles == feeds.parse_with_feedparser(content, FEED, FEED.fetch_url, NOW)
    assert articles and all(article.source and article.url for article in articles)


def test_feedparser_corpus_field_by_field() -> None:
    require_shared(CORPUS)
    taken = with_entries = 0
    for sample in sorted(CORPUS.rglob("*.xml")):
        content = sample.read_bytes()
        for content_type in CONTENT_TYPES[:2]:
            try:
                if assert_same(content, "http://example.com/feed", content_type):
                    taken += 1
                    with_entries += bool(fastfeed.extract(content, "", content_type)[1])  # type: ignore[index]
            except AssertionError as exc:
                raise AssertionError(f"{sample.relative_to(CORPUS)} ({content_type})") from exc
    # The comparison is not vacuous: about a third of the corpus is RSS 2.0 or Atom 1.0 in
    # the shape the fast path reads, most of it with entries.
    assert taken > 1000 and with_entries > 800, (taken, with_entries)


ITEMS = [
    # HTML-looking titles (feedparser guesses their type), double-escaped query strings
    '<title>A &lt;b&gt;bold&lt;/b&gt; move - Reuters</title>'
    '<link>https://x.com/a?b=1&amp;amp;c=2</link><source url="https://www.reuters.com">Reuters</source>',
    # UTF-8 read as Latin-1, C1 characters, a relative link
    "<title>Caf\u00c3\u00a9 - X</title><link>/relative/path</link>",
    "<title>\u0080\u0093quote\u0094</title><link>https://x.com/\u00e9</link>",
    # CDATA, spaces around a link, an impossible date
    "<title><![CDATA[AT&T <i>x</i>]]></title><link> https://x.com/a </link>"
    "<pubDate>Mon, 32 Feb 2026 10:00:00 GMT</pubDate>",
    # guid as the link, or not
    "<title>t</title><guid>https://x.com/guid</guid>",
    '<title>t</title><guid isPermaLink="false">https://x.com/guid</guid>',
    '<title>t</title><guid isPermaLink="true">/rel</guid><link></link>',
    # comments, dates in other forms and zones
    "<title>t</title><!-- c --><link>https://x.com/a</link><pubDate>12 Feb 2026 10:00 +0800</pubDate>",
    "<title>t</title><link>https://x.com/a#frag</link><pubDate>2026-02-12T10:00:00Z</pubDate>",
    "<title>t</title><link>HTTPS://X.com/a?</link><pubDate>Thu, 12 Feb 26 10:00:00 EST</pubDate>",
    "<title>t</title><link>https://x.com/a</link><pubDate>Thu, 12 Feb 2026 10:00:00 GMT-05:00</pubDate>",
    "<title>t</title><link>https://x.com/a</link><pubDate>thu, 12 feb 2026</pubDate>",
    "<title>t</title><link>https://x.com/a</link><pubDate></pubDate>",
    # markup in descriptions, odd links, sources
    "<title>t</title><link>https://x.com/a;p?q</link>"
    "<description>&lt;script&gt;x&lt;/script&gt;Hello &amp;amp; bye</description>",
    "<title>t</title><link>http://[::1/a</link>",
    "<title>t</title><link>https://x.com/a</link><source>No url</source>",
    '<title>t</title><link>https://x.com/a</link><source url="javascript:x"></source>',
    "<title>  &#8216;Q&#8217;  </title><link>https://x.com/a&amp;b</link>",
    '<title>t</title><link>https://x.com/a</link><category domain="d">c</category>'
    '<category>e</category><enclosure url="u" length="1" type="t"/>',
    "<title>t &amp;nbsp; u</title><link>https://x.com:443/a</link>",
    "<title>\u2028t\u00a0</title><link>https://x.com/a\t</link>",
]
CHANNELS = ["", "<image><title>Logo</title><url>u</url><link>l</link></image>",
            '<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="https://x/f"/>']


@pytest.mark.parametrize("channel", CHANNELS, ids=["plain", "image", "atom-self-link"])
def test_rss_edge_cases_match_feedparser(channel: str) -> None:
    taken = 0
    for item in ITEMS:
        content = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                   f"<title>T</title><link>https://news.google.com/</link>{channel}"
                   f"<item>{item}</item></channel></rss>").encode()
        for base in ("https://news.google.com/rss/search?q=x", "http://example.com/f", ""):
            for content_type in CONTENT_TYPES[:2]:
                taken += assert_same(content, base, content_type)
    assert taken == len(ITEMS) * 3 * 2


ATOM_ENTRIES = [
    '<title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co</title><link href="/a"/>'
    "<id>urn:uuid:1</id><updated>2026-02-12T01:00:00+09:00</updated>",
    '<title>t</title><id>https://x.com/id</id><published>2026-02-12T01:00:00Z</published>',
    '<title>t</title><link rel="alternate" type="text/html" href="https://x.com/1"/>'
    '<link rel="alternate" href="https://x.com/2"/><link rel="enclosure" href="https://x/e"/>',
    '<title>t</title><link rel="self" href="https://x.com/self"/><id>/relative-id</id>',
    '<title>t</title><link href="https://x.com/a" type="application/pdf"/>',
    '<title>t</title><link href="https://x.com/a"/><content type="html">&lt;p&gt;Body&lt;/p&gt;'
    "</content>",
    '<title>t</title><link href="https://x.com/a"/><content>Body</content><summary>Sum</summary>',
    '<title>t</title><link href="https://x.com/a"/><summary type="html">S</summary><content>C</content>',
    '<title>t</title><link href="https://x.com/a"/><author><name>N</name><uri>/u</uri></author>'
    '<category term="c"/>',
]


def test_atom_edge_cases_match_feedparser() -> None:
    taken = 0
    for entry in ATOM_ENTRIES:
        content = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                   '<title type="html">Nikkei &amp;amp; Asia</title><id>tag:x</id>'
                   f'<link href="https://asia.nikkei.com/"/><entry>{entry}</entry></feed>').encode()
        for base in ("https://asia.nikkei.com/rss", ""):
            taken += assert_same(content, base, "application/atom+xml")
    assert taken == len(ATOM_ENTRIES) * 2


@pytest.mark.parametrize(("content", "content_type"), [
    # other encodings and media types are feedparser's to sort out
    (b'<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel/></rss>',
     "application/xml"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "text/xml"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "text/html"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "application/xml; charset=koi8-r"),
    ("<?xml version='1.0'?><rss version='2.0'><channel><title>caf\xe9</title></channel></rss>"
     .encode("latin-1"), "application/xml"),
    # other formats and versions
    (b'<rss version="0.91"><channel/></rss>', "application/xml"),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "application/xml"),
    (b'<feed xmlns="http://purl.org/atom/ns#" version="0.3"/>', "application/xml"),
    # DOCTYPE, xml:base, namespaced or unknown elements, markup inside text, repeats
    (b'<!DOCTYPE rss [<!ENTITY e "x">]><rss version="2.0"><channel><title>&e;</title>'
     b"</channel></rss>", "application/xml"),
    (b'<rss version="2.0"><channel xml:base="http://a/"><item><link>b</link></item></channel>'
     b"</rss>", "application/xml"),
    (b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>'
     b"<dc:title>t</dc:title></item></channel></rss>", "application/xml"),
    (b'<rss version="2.0"><channel><item><title>a<b>b</b></title></item></channel></rss>',
     "application/xml"),
    (b'<rss version="2.0"><channel><item><title>a</title><title>b</title></item></channel>'
     b"</rss>", "application/xml"),
    # not well-formed
    (b'<rss version="2.0"><channel><item><title>a & b</title></item></channel></rss>',
     "application/xml"),
])
def test_whatever_it_is_unsure_of_goes_to_feedparser(content: bytes, content_type: str) -> None:
    assert fastfeed.extract(content, "http://example.com/f", content_type) is None


def test_entities_and_external_references_are_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">'
           '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
           '<rss version="2.0"><channel><title>&x;&b;</title><item><title>&x;</title>'
           "<link>https://x.com/a</link></item></channel></rss>").encode()
    from lxml import etree
    root = etree.fromstring(xxe, fastfeed._parser())
    assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")
    assert "aaaa" not in etree.tostring(root, encoding="unicode")
    articles = feeds.parse_feed(xxe, FEED, FEED.fetch_url, NOW)  # feedparser's turn
    assert all("TOP-SECRET" not in article.title for article in articles)


def rss_items(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
            f"{''.join(f'<item>{item}</item>' for item in items)}</channel></rss>").encode()


def test_links_are_joined_as_feedparser_joins_them() -> None:
    links = ["https://x.com/a", "https://x.com", "https://x.com?q", "https://x.com/a?b=1&c=2",
             "http://x.com:8080/a/b.html", "https://x.com/a?", "https://x.com/a#", "https://x.com/a;p",
             "HTTPS://x.com/a", "https:///x.com/a", "https://x.com/a b", "https://x.com/é?q=ü",
             "https://bücher.example/a", "https://[::1]/a", "http://[::1/a", "https://x.com/a\\b",
             "//x.com/a", "/a/b", "a/b", "?q", "#f", "javascript:alert(1)", "ftp://x.com/a",
             "https://user:pw@x.com/a", "https://x.com/%41?%42", "https://x.com/a?b?c"]
    content = rss_items(*(f"<title>t</title><link>{escape(link)}</link>" for link in links))
    for base in ("https://news.google.com/rss/search?q=x", "http://example.com/f", ""):
        assert assert_same(content, base, CONTENT_TYPES[0]), base


def test_dates_are_read_as_feedparser_reads_them() -> None:
    moment = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)
    dates = [email.utils.format_datetime(moment + timedelta(hours=h, minutes=7 * h),
                                         usegmt=True) for h in range(-400, 400, 13)]
    dates += ["Thu, 12 Feb 2026 02:14:00 +0800", "Thu, 12 Feb 2026 02:14:00 -0330",
              "Thu, 12 Feb 2026 02:14:00 EST", "Thu, 12 Feb 2026 02:14 GMT", "12 Feb 2026",
              "Thursday, 12 Feb 2026 02:14:00 GMT", "Thu, 30 Feb 2026 02:14:00 GMT",
              "Thu, 12 Foo 2026 02:14:00 GMT", "Thu, 12 Feb 99 02:14:00 GMT", "Thu 12 Feb",
              "Thu, 12 Feb 2026 25:14:00 GMT", "2026-02-12T02:14:00Z", "Sun Jan  4 16:29:06 2004",
              "Thu, 12 Feb 2026 02:14:00 Etc/GMT", "", "t", "T12", "2026-02-12T02:14:00.5+09:30",
              "2026-02-12t02:14:00z", "2026-02-30T02:14:00Z", "0001-01-01T00:30:00+01:00",
              "2026-02-12T02:14:00+24:00", "2026-02-12T24:00:00Z"]
    content = rss_items(*(f"<title>t</title><link>https://x.com/</link><pubDate>{escape(value)}"
                          "</pubDate>" for value in dates))
    assert assert_same(content, "https://x.com/f", CONTENT_TYPES[0])
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            + "".join(f'<entry><title>t</title><link href="https://x.com/"/><published>'
                      f"{escape(value)}</published><updated>2026-02-12T02:14:00Z</updated></entry>"
                      for value in dates) + "</feed>").encode()
    assert assert_same(atom, "https://x.com/f", "application/atom+xml")


# Text of the kinds the values' rules treat specially: entities, markup-looking text, white
# space, non-ASCII and mojibake, C1 controls, CDATA, relative and odd links, odd dates.
_PIECES = st.sampled_from([
    "China", " ", "  ", "\t", "\n", "&amp;", "&lt;b&gt;", "&lt;/i&gt;", "&#8217;", "é", "Ã©",
    "\u0093", "\u00a0", "\u2028", "<![CDATA[a&b<c>]]>", "&quot;", "-", " - Reuters", "Reuters",
])
_TEXT = st.lists(st.one_of(_PIECES, st.text(alphabet="abcXYZ019 .,'", max_size=6)),
                 max_size=6).map("".join)
_LINKS = st.sampled_from([
    "https://news.google.com/rss/articles/CBMi?oc=5", " https://x.com/a ", "/relative/path",
    "HTTPS://X.com/a?b=1&amp;amp;c=2", "https://x.com/a#frag", "javascript:alert(1)", "",
    "https://x.com/\u00e9", "http://[::1/a", "https://x.com/a b",
])
_DATES = st.sampled_from([
    "Thu, 12 Feb 2026 02:14:00 GMT", "12 Feb 2026 10:00:00 +0800", "Mon, 32 Feb 2026 10:00:00 GMT",
    "2026-02-12T10:00:00Z", "thu, 12 feb 2026", "", "Thu, 12 Feb 2026 02:14:00 -0530",
    "Sat, 01 Jan 0001 00:30:00 +0100", "Thu, 12 Feb 2026 02:14:00 +9959",
])
GOOGLE_NEWS_ITEM = (
    '<item><title>{title}</title><link>{link}</link><guid isPermaLink="false">g{n}</guid>'
    "<pubDate>{date}</pubDate><description>{description}</description>"
    '<source url="{url}">{source}</source></item>')


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_TEXT, _LINKS, _DATES, _TEXT, _TEXT, _LINKS), min_size=1,
                max_size=4))
def test_any_text_in_the_google_news_shape_reads_as_feedparser_reads_it(
        values: list[tuple[str, str, str, str, str, str]]) -> None:
    items = "".join(GOOGLE_NEWS_ITEM.format(n=n, title=title, link=link, date=date,
                                            description=description, source=source,
                                            url=url.replace("&", "&amp;"))
                    for n, (title, link, date, description, source, url) in enumerate(values))
    content = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>"China"'
               " - Google News</title><link>https://news.google.com/search?q=China</link>"
               f"{items}</channel></rss>").encode()
    assert assert_same(content, "https://news.google.com/rss/search?q=China", CONTENT_TYPES[0])


def test_not_a_feed_is_reported_the_same_either_way() -> None:
    for content in (b"<html><body>hi</body></html>", b'<rss version="2.0"><channel><item>'):
        with pytest.raises(NotAFeed):
            feeds.parse_feed(content, FEED, FEED.fetch_url, NOW)
