"""Google News's RSS items, read in bulk: the hottest loop of a fetch (issue #4).

Every item of a Google News feed has the same six elements in the same order: title, link,
guid, pubDate, description and source. ``fastfeed._rss_item`` checks each item in Python,
element by element, before it reads one; for 100 items that checking costs more than
lxml's parsing of the whole document. Here a RELAX NG schema checks every item in one C
call, and one XPath query reads every text of every item (the source's ``url`` another):
libxml2 walks the tree, and Python sees strings, never an element.

The schema accepts an item only where ``_rss_item`` would read exactly these elements and
nothing else (no attributes but ``isPermaLink`` and ``url``, no markup inside the text), and
the values come from the same function (``fastfeed_values.rss_entry``): the entries are the
ones ``_rss_item`` gives. tests/test_feeds_bulk.py holds the two to that.
"""

from __future__ import annotations

import threading
from typing import Any, cast

from lxml import etree

from newsprism.fetch.parse._entries import Entry
from newsprism.fetch.parse._fast_values import rss_entry

# The channel: first any elements but items (fastfeed._rss checks them), then the items.
_SCHEMA = b"""\
<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start>
    <element name="channel">
      <zeroOrMore><element><anyName><except><name>item</name></except></anyName>
        <ref name="anything"/></element></zeroOrMore>
      <oneOrMore>
        <element name="item">
          <element name="title"><text/></element>
          <element name="link"><text/></element>
          <element name="guid"><optional><attribute name="isPermaLink"/></optional><text/>
          </element>
          <element name="pubDate"><text/></element>
          <element name="description"><text/></element>
          <element name="source"><attribute name="url"/><text/></element>
        </element>
      </oneOrMore>
    </element>
  </start>
  <define name="anything">
    <zeroOrMore><choice>
      <attribute><anyName/></attribute>
      <text/>
      <element><anyName/><ref name="anything"/></element>
    </choice></zeroOrMore>
  </define>
</grammar>
"""
_PER_ITEM = 6  # texts an item has: one in each of its six elements
# The text of each element of each item, in document order, where the element has exactly one
# text node. A comment or processing instruction (which RELAX NG does not see) inside the text
# splits it in two, and an empty element has none: then fewer than six texts an item are
# found, and the channel is not read here.
_TEXTS = etree.XPath("item/*[count(text()) = 1]/text()", smart_strings=False)
_SOURCE_URLS = etree.XPath("item/source/@url", smart_strings=False)

_local = threading.local()


def google_news_items(channel: Any, base: str) -> list[Entry] | None:
    """The entries of the channel's items, or None where any item is of another shape than
    Google News's (or there are none); ``base`` as for ``rss_entry``. The channel's own
    elements, which precede the items, are the caller's to read (``channel_elements``)."""
    if not _schema()(channel):
        return None
    # (plain strings: smart_strings=False)
    urls = cast(list[str], _SOURCE_URLS(channel))  # one an item: the schema requires it
    texts = cast(list[str], _TEXTS(channel))
    if not urls or len(texts) != _PER_ITEM * len(urls):
        return None
    # (The guid, the third text, stands in for a missing link only, and the schema requires
    # a link.)
    titles, links, dates, descriptions, sources = (
        texts[offset::_PER_ITEM] for offset in (0, 1, 3, 4, 5))
    return [
        rss_entry(base, title, link, None, description, date, (source, url))
        for title, link, date, description, source, url in zip(
            titles, links, dates, descriptions, sources, urls, strict=True)
    ]


def channel_elements(channel: Any) -> list[Any]:
    """The channel's own elements where ``google_news_items`` read its items: all of them
    precede the first item (the schema says so)."""
    elements = []
    for element in channel.iterchildren(etree.Element):
        if element.tag == "item":
            break
        elements.append(element)
    return elements


def _schema() -> etree.RelaxNG:
    """One validator per thread (lxml's validators keep per-call state)."""
    schema: etree.RelaxNG | None = getattr(_local, "schema", None)
    if schema is None:
        schema = etree.RelaxNG(etree.fromstring(_SCHEMA))
        _local.schema = schema
    return schema
