"""What newsprism knows about Google News feeds: every rule that is Google's and no one else's.

The bundled topics fetch Google News searches (``news.google.com/rss/search``): RSS 2.0
that feedparser and the lxml reader read as any other. Google News has four habits of its
own, and this module is the one place that knows them (issue 18):

- each item names its publisher in ``<source url="https://www.reuters.com">Reuters</source>``
  (RSS 2.0 meant the url of the feed an item came from; Google gives the publisher's home
  page), so the article's outlet is the item's, not the channel's (``entry_source``);
- each title ends in " - {publisher}" (``headline`` removes it);
- each description only repeats the article's link, headline and publisher
  (``<a href=…>headline</a>&nbsp;&nbsp;<font color="#6f6f6f">publisher</font>``), which
  tells a reader nothing the title does not (``repeats_headline``);
- each article link is ``https://news.google.com/rss/articles/{token}?oc=5``, sometimes with
  the edition (``hl``, ``gl``, ``ceid``): parameters that pick Google's UI, not the article
  (the token names it), left out of the article's id so that one story seen through two
  editions gets one id (``article_link``).
"""

from __future__ import annotations

from newsprism.fetch.parse._entries import ArticleSource
from newsprism.fetch.parse._links import article_link as any_article_link
from newsprism.fetch.parse._links import canonical_url as any_canonical_url
from newsprism.fetch.parse._links import domain, http_url
from newsprism.fetch.parse._text import clean_text, collapsed

HOST = "news.google.com"
# Google's UI parameters, dropped from the canonical form of its links (see above).
UI_PARAMS = frozenset({"oc", "hl", "gl", "ceid"})
_DROPPED_BY_HOST = {HOST: UI_PARAMS}


def article_link(url: str) -> tuple[str, str] | None:
    """``links.article_link``: the link as stored and its canonical form (which the id
    hashes), Google's UI parameters left out of the latter; None where it is no http(s) URL."""
    return any_article_link(url, _DROPPED_BY_HOST)


def canonical_url(url: str) -> str:
    """``links.canonical_url`` with Google's UI parameters left out; raises ``ValueError``."""
    return any_canonical_url(url, _DROPPED_BY_HOST)


def entry_source(source: tuple[str, str] | None, channel: ArticleSource) -> ArticleSource:
    """The outlet of an entry whose ``<source>`` has this text and url (None: it has none):
    the publisher Google News names there, else the ``channel``'s. (Other aggregators use
    ``<source>`` the same way; a publisher's own feed has none.)"""
    if source is None:
        return channel
    title, href = source
    # The url attribute is kept as given (Google sends the publisher's home page) if http(s).
    href = http_url(href) or ""
    name = clean_text(title) or domain(href)
    if not name:
        return channel
    return ArticleSource(name=name, url=href, from_entry=True)


def headline(title: str, source: ArticleSource) -> str:
    """The title without the " - {publisher}" Google News appends, where the publisher is
    the entry's own ``<source>`` exactly, so that "China - US trade" keeps its dash."""
    suffix = f" - {source.name}"
    if source.from_entry and title.endswith(suffix) and len(title) > len(suffix):
        # ASCII spaces only: a U+2029 or NBSP before the suffix is part of the headline, and
        # the earlier system kept it (issue #3: venezuela/2026-03-02 lists "...Maduro\u2029").
        return title[: -len(suffix)].rstrip(" ")
    return title


def repeats_headline(description: str, headline: str, outlet: str) -> bool:
    """Whether a description (as plain text, white space collapsed) only repeats the
    headline, and the outlet after it, as every Google News description does."""
    words = collapsed(headline)
    return description in (words, f"{words} {outlet}")
