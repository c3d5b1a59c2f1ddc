"""Google News's RSS items, read in bulk: the hottest loop of a fetch (issue #4).

Every item of a Google News feed has the same six elements in the same order: title, link,
guid, pubDate, description and source. ``fastfeed._rss_item`` checks each item in Python,
element by element, before it reads one; for 100 items that checking costs more than
lxml's parsing of the whole document. Here a RELAX NG schema checks every item in one C
call, and the texts are read in columns from one flat list of the channel's elements.

The schema accepts an item only where ``_rss_item`` would read exactly these elements and
nothing else (no attributes but ``isPermaLink`` and ``url``, no markup inside the text), and
the values come from the same function (``fastfeed_values.rss_entry``): the entries are the
ones ``_rss_item`` gives. tests/test_feeds_bulk.py holds the two to that.
"""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree

from newsprism.entries import Entry
from newsprism.fastfeed_values import rss_entry

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
_PER_ITEM = 7  # the item and its six elements

_local = threading.local()


def google_news_items(channel: Any, items: list[Any], base: str) -> list[Entry] | None:
    """The entries of ``items`` (every item of ``channel``, in order), or None where any
    item is of another shape than Google News's; ``base`` as for ``rss_entry``."""
    if not items or not _schema()(channel):
        return None
    # The channel's nodes in document order: elements, and comments and processing
    # instructions, which the schema does not see (a comment inside a title would cut its
    # .text short). Seven nodes an item from the first item on means there are none there.
    nodes = list(channel.iter())
    first = len(nodes) - _PER_ITEM * len(items)
    if first < 1 or nodes[first] is not items[0]:
        return None
    # (The guid stands in for a missing link only, and the schema requires a link.)
    titles, links, dates, descriptions, sources = (
        [node.text or "" for node in nodes[first + offset::_PER_ITEM]]
        for offset in (1, 2, 4, 5, 6))
    urls = [node.get("url") for node in nodes[first + 6::_PER_ITEM]]
    return [
        rss_entry(base, title, link, None, description, date, (source, url))
        for title, link, date, description, source, url in zip(
            titles, links, dates, descriptions, sources, urls, strict=True)
    ]


def _schema() -> etree.RelaxNG:
    """One validator per thread (lxml's validators keep per-call state)."""
    schema: etree.RelaxNG | None = getattr(_local, "schema", None)
    if schema is None:
        schema = etree.RelaxNG(etree.fromstring(_SCHEMA))
        _local.schema = schema
    return schema
