"""Character references no parser can take cost one character, not the whole feed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.config import Feed
from newsprism.fetch.parse import _charrefs as charrefs
from newsprism.fetch.parse import _feeds as feeds

NOW = datetime(2026, 2, 12, 4, 0, 51, tzinfo=UTC)
FEED = Feed(type="rss", perspective="us", url="https://x.example/feed")
REFERENCE = re.compile(r"&#([xX]?)([0-9a-fA-F]+);")


def rss(title: str, encoding: str = "UTF-8") -> bytes:
    return (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
            "<title>T</title><link>https://x.example/</link>"
            f"<item><title>{title}</title><link>https://x.example/a</link></item>"
            "<item><title>Second</title><link>https://x.example/b</link></item>"
            "</channel></rss>").encode("latin-1")


@pytest.mark.parametrize(("reference", "text"), [
    # an emoji as its two UTF-16 halves, as some encoders write it
    ("&#55357;&#56832;", "\U0001f600"), ("&#xD83D;&#xDE00;", "\U0001f600"),
    ("&#x0d83d;&#X00DE00;", "\U0001f600"),
    # halves alone or out of order, numbers past U+10FFFF
    ("&#xD800;", "\ufffd"), ("&#56832;", "\ufffd"), ("&#xDE00;&#xD83D;", "\ufffd\ufffd"),
    ("&#xDE00;&#xD83D;&#xDE00;", "\ufffd\U0001f600"), ("&#x110000;", "\ufffd"),
    ("&#xFFFFFFFF;", "\ufffd"), ("&#1114112;", "\ufffd"), ("&#" + "9" * 5000 + ";", "\ufffd"),
    # usable references are left alone
    ("&#x10FFFF;", "\U0010ffff"), ("&#1000000;", "\U000f4240"), ("&#xD7FF;", "\ud7ff"),
    ("&#57344;", "\ue000"), ("&#x1F600;", "\U0001f600"), ("&#39;", "'"),
])
@pytest.mark.parametrize("encoding", ["UTF-8", "ISO-8859-1"])
def test_a_bad_reference_costs_one_character(reference: str, text: str, encoding: str) -> None:
    # feedparser alone raises on each bad one (kurtmckee/feedparser#591): the feed was lost
    content = rss(f"Smile {reference} now", encoding)
    articles = feeds.parse_feed(content, FEED, FEED.url, NOW)
    assert [article.title for article in articles] == [f"Smile {text} now", "Second"]
    # The fast path (UTF-8 only) reads the repaired document too, as the bench times it.
    fast = feeds.parse_fast(content, FEED, FEED.url, NOW)
    assert fast == (articles if encoding == "UTF-8" else None)


def test_a_feed_without_bad_references_is_the_same_object() -> None:
    content = rss("Plain &#39;quoted&#39; &#x1F600; &#1000000;")
    assert charrefs.repair(content) is content


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))  # (without surrogates, as hypothesis writes text)
def test_references_of_any_text_read_back_as_that_text(text: str) -> None:
    # Written as UTF-16 halves where an encoder would, the references decode to the text.
    halves = text.encode("utf-16-be")
    units = [int.from_bytes(halves[i:i + 2], "big") for i in range(0, len(halves), 2)]
    written = "".join(f"&#{unit};" for unit in units).encode()
    repaired = charrefs.repair(written).decode()
    assert REFERENCE.sub(lambda ref: chr(int(ref[2], 16 if ref[1] else 10)), repaired) == text
