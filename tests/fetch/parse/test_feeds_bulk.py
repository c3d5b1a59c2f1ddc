"""Google News items read in bulk give exactly the entries the item-by-item reader gives,
and anything of another shape is left to that reader (issue #4's speed work)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newsprism.fetch.parse import _fast as fastfeed
from newsprism.fetch.parse import _fast_bulk as fastfeed_bulk
from newsprism.fetch.parse import _feeds as feeds
from newsprism.fetch.parse._entries import Entry
from newsprism.fetch.parse._fast_values import base_uri
from tests.conftest import REPO
from tests.fetch.parse.test_feeds_fast import assert_same

FEED_URL = "https://news.google.com/rss/search?q=China"
CONTENT_TYPE = "application/rss+xml; charset=UTF-8"
CHANNEL = ("<title>\"China\" - Google News</title><link>https://news.google.com/search?q=China"
           "</link><language>en-US</language><description>Google News</description>")
ITEM = ('<item><title>{title}</title><link>{link}</link><guid isPermaLink="false">g{n}</guid>'
        "<pubDate>{date}</pubDate><description>{description}</description>"
        '<source url="{url}">{source}</source></item>')
PLAIN = {"title": "China and US talk trade - Reuters", "link": "https://news.google.com/a?oc=5",
         "date": "Thu, 12 Feb 2026 02:14:00 GMT", "url": "https://www.reuters.com",
         "description": "&lt;a href=&quot;https://news.google.com/a?oc=5&quot; target=&quot;"
                        "_blank&quot;&gt;China and US talk trade&lt;/a&gt;&amp;nbsp;&amp;nbsp;"
                        "&lt;font color=&quot;#6f6f6f&quot;&gt;Reuters&lt;/font&gt;",
         "source": "Reuters"}


def document(*items: str, channel: str = CHANNEL, after: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"{channel}{''.join(items)}{after}</channel></rss>").encode()


def item(n: int = 0, **values: str) -> str:
    return ITEM.format(n=n, **{**PLAIN, **values})


def bulk(content: bytes) -> list[Entry] | None:
    """What the bulk reader gives (None: it declined)."""
    channel = etree.fromstring(content, fastfeed._parser())[0]
    return fastfeed_bulk.google_news_items(channel, base_uri(FEED_URL))


def read(content: bytes) -> tuple[list[Entry] | None, list[Entry]]:
    """What the bulk reader gives and what the item-by-item reader gives."""
    in_bulk = bulk(content)
    with mock.patch.object(fastfeed_bulk, "google_news_items", return_value=None):
        extracted = fastfeed.extract(content, FEED_URL, CONTENT_TYPE)
    assert extracted is not None
    return in_bulk, extracted[1]


GOOGLE_NEWS = [REPO / "demo" / "feeds" / "us.xml", REPO / "demo" / "feeds" / "china.xml"]


@pytest.mark.parametrize("path", GOOGLE_NEWS, ids=lambda path: path.name)
def test_google_news_feeds_are_read_in_bulk_as_item_by_item(path: Path) -> None:
    in_bulk, one_by_one = read(path.read_bytes())
    assert in_bulk is not None and len(in_bulk) == 10
    assert in_bulk == one_by_one
    assert assert_same(path.read_bytes(), FEED_URL, CONTENT_TYPE)  # and as feedparser reads


# Each of these is outside the shape the schema describes, or splits a text with a node the
# schema does not see; the item-by-item reader decides them (most it leaves to feedparser).
DECLINED = {
    "comment in a title": document(item(title="China <!-- x --> trade - Reuters")),
    "processing instruction in a source": document(item(0, source="Reu<?pi x?>ters")),
    "an empty title": document(item(title="")),
    # as many texts as six an item, but not one in each element
    "a split title and an empty description": document(
        item(0, title="China <!-- x --> trade"), item(1, description="")),
    "markup in a title": document(item(title="China <b>trade</b> - Reuters")),
    "no url on the source": document(item(0).replace(' url="https://www.reuters.com"', "")),
    "xml:lang on a title": document(item(0).replace("<title>", '<title xml:lang="en">')),
    "another attribute": document(item(0).replace("<link>", '<link rel="x">')),
    "no guid": document(item(0).replace('<guid isPermaLink="false">g0</guid>', "")),
    "an element after the items": document(item(0), after="<ttl>5</ttl>"),
    "elements in another order": document(item(0).replace(
        "<pubDate>Thu, 12 Feb 2026 02:14:00 GMT</pubDate><description>", "<description>")
        .replace("</description>", "</description><pubDate>Thu, 12 Feb 2026 02:14:00 GMT"
                 "</pubDate>")),
    "a category": document(item(0).replace("</source>", "</source><category>c</category>")),
    "an attribute on the item": document(item(0).replace("<item>", '<item id="1">')),
    "a namespaced element": document(item(0).replace(
        "</source>", '</source><media:c xmlns:media="http://search.yahoo.com/mrss/"/>')),
    "no items": document(),
}


@pytest.mark.parametrize("content", DECLINED.values(), ids=DECLINED.keys())
def test_other_shapes_are_left_to_the_item_by_item_reader(content: bytes) -> None:
    assert bulk(content) is None


# Comments and processing instructions that split no text change nothing that is read: these
# are read in bulk (the item-by-item reader leaves them to feedparser, which agrees).
UNSPLIT = {
    "comment between items": document(item(0), "<!-- ad -->", item(1)),
    "comment before a title's text": document(item(title="<!-- x -->China trade - Reuters")),
    "processing instruction after a source's text": document(item(0, source="Reuters<?pi x?>")),
    "comment between an item's elements": document(item(0).replace("</link>",
                                                                   "</link><!-- x -->")),
}


@pytest.mark.parametrize("content", UNSPLIT.values(), ids=UNSPLIT.keys())
def test_nodes_that_split_no_text_are_read_as_feedparser_reads_them(content: bytes) -> None:
    in_bulk = bulk(content)
    assert in_bulk is not None
    assert in_bulk == feeds._feedparser_extract(content, FEED_URL, CONTENT_TYPE)[1]


def test_the_schema_checks_every_item_not_only_the_first() -> None:
    assert bulk(document(item(0), item(1), item(2))) is not None
    assert bulk(document(item(0), item(1), item(2, title="x <b>y</b>"))) is None
    assert bulk(document(item(0), item(1), item(2, title="x<!-- x -->y"))) is None


def test_each_thread_has_its_own_validator() -> None:
    # lxml validators keep per-call state: the parse thread and a test must not share one.
    found: list[Any] = []
    thread = threading.Thread(target=lambda: found.append(fastfeed_bulk._schema()))
    thread.start()
    thread.join()
    assert found[0] is not fastfeed_bulk._schema()
    assert fastfeed_bulk._schema() is fastfeed_bulk._schema()


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


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_TEXT, _LINKS, _DATES, _TEXT, _TEXT, _LINKS), min_size=1,
                max_size=4))
def test_any_text_in_the_shape_reads_as_item_by_item(
        values: list[tuple[str, str, str, str, str, str]]) -> None:
    content = document(*(item(n, title=title, link=link, date=date, description=description,
                              source=source, url=url.replace("&", "&amp;"))
                         for n, (title, link, date, description, source, url)
                         in enumerate(values)))
    in_bulk, one_by_one = read(content)
    if all(text for value in values for text in value[:5]):
        assert in_bulk == one_by_one
    else:  # an empty element has no text node: the item-by-item reader's
        assert in_bulk is None
