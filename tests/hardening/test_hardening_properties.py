"""Property-based tests (issue 9): any Unicode headline, outlet name, topic name or highlight
comes back as the same text from every output format, read by an independent parser.

What "the same" means, per format, for text as newsprism stores it:

- Headlines and outlet names are stored normalised by the fetch stage (``feeds.clean_text``:
  each run of C0/C1 control characters and the spaces beside it becomes one space, then
  the ends are stripped), so they are generated through that normalisation.
- YAML front matter (PyYAML) and HTML text (html.parser) give back exactly the stored text.
- Markdown (markdown-it, CommonMark as Hugo reads it): the source line's text is exactly
  ``[{language}-{region}] {title} - {outlet} ({M/D/YYYY})``.
- Atom (ElementTree, a strict XML parser): XML 1.0 cannot carry C0 controls other than tab,
  line feed and carriage return, nor U+FFFE/U+FFFF (XML 1.0 §2.2); those are dropped, and a
  carriage return reads back as a line feed (§2.11). Everything else comes back exactly.
  Highlights (headlines made sentences, or a model's text) and the topic's name are what
  a feed carries.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from newsprism.documents._digests import Bullet, Digest, PerspectiveInfo
from newsprism.documents._raw import dumps
from newsprism.fetch.parse._feeds import clean_text
from newsprism.render._atom import ATOM_NS, FeedItem, atom_feed
from newsprism.render._manifest import entry_of
from newsprism.render._markdown import render_markdown
from newsprism.render._stage import render_digest
from newsprism.render._views import digest_view
from tests.conformance import MemoryStore
from tests.hardening_helpers import hostile_markup, parse_html
from tests.seed_digest import seed_digest

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# The characters each format treats specially, and the ones that trip up parsers.
TRICKY = [
    *"<>&\"'[]()\\`*_~#!|:-=+.{}$%@", "]]>", "<!--", "-->", "&amp;", "&#60;", "&lt", "\n",
    "\r", "\t", "\x00", "\x1b", "\x7f", "\x85", "\u00a0", "\u200b", "\u200f", "\u202e",
    "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\U0001f600", "عربى", "עברית",
    "javascript:", "<script>", "---", "\\u0000"]
raw_text = st.lists(st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=["Cs"])),
                    min_size=1, max_size=40).map("".join)
stored_text = raw_text.map(clean_text).filter(bool)  # as the fetch stage stores feed text
config_text = raw_text.map(str.strip).filter(bool)  # as configuration names are kept
SEED = seed_digest()
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def with_text(title: str, outlet: str, topic_name: str = "US vs China",
              perspective_name: str = "United States",
              bullet: str | None = None) -> Digest:
    """The seed digest with its first article's headline and outlet, its topic's and first
    perspective's names, and its first highlight replaced."""
    classified = SEED.classified
    first = classified.articles[0]
    articles = (dataclasses.replace(first, article=dataclasses.replace(
        first.article, title=title, source=outlet)), *classified.articles[1:])
    perspectives = (PerspectiveInfo(classified.perspectives[0].id, perspective_name),
                    *classified.perspectives[1:])
    classified = dataclasses.replace(classified, articles=articles, topic_name=topic_name,
                                     perspectives=perspectives)
    highlights = SEED.highlights
    if bullet is not None:
        highlights = dataclasses.replace(highlights, overall=(
            Bullet(bullet, (first.article.id,)), *highlights.overall[1:]))
    return dataclasses.replace(SEED, classified=classified, highlights=highlights)


def front_matter(markdown: str) -> dict[str, Any]:
    _, front, _ = markdown.split("---\n", 2)
    document = yaml.safe_load(front)
    assert isinstance(document, dict)
    return document


@SETTINGS
@given(outlet=stored_text, topic_name=config_text, perspective_name=config_text)
def test_yaml_front_matter_gives_back_every_name(outlet: str, topic_name: str,
                                                 perspective_name: str) -> None:
    digest = with_text("A headline", outlet, topic_name, perspective_name)
    meta = front_matter(render_markdown(digest))
    assert meta["sources"][0] == outlet
    assert meta["topicName"] == topic_name
    assert meta["title"] == f"{topic_name} News - {digest.classified.date}"
    assert meta["perspectives"][0]["name"] == perspective_name
    assert meta["draft"] is False


def source_lines(markdown: str) -> list[str]:
    """The text of each item of the Markdown's last ordered list (the sources), as a
    CommonMark renderer shows it; raw HTML allowed, so that any that got through shows."""
    html = MarkdownIt("commonmark", {"html": True}).render(markdown.split("## Sources", 1)[1])
    assert hostile_markup(html) == []
    items = re.split(r"<li>", html.split("<ol>", 1)[1])[1:]
    return ["".join(parse_html(item).text).strip() for item in items]


@SETTINGS
@given(title=stored_text, outlet=stored_text)
def test_markdown_source_line_shows_the_headline_and_outlet_as_text(title: str,
                                                                     outlet: str) -> None:
    digest = with_text(title, outlet)
    article = digest.classified.articles[0].article
    day = article.published
    [first, *_] = source_lines(render_markdown(digest))
    assert first == (f"[{article.language}-{article.region}] {title} - {outlet} "
                     f"({day.month}/{day.day}/{day.year})")


def xml_text(text: str) -> str:
    """What an XML 1.0 document can carry of ``text`` (see the module's docstring)."""
    return _NOT_XML.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


@SETTINGS
@given(bullet=raw_text.map(lambda text: " ".join(text.split())).filter(bool),
       topic_name=config_text)
def test_atom_feed_gives_back_the_highlights_and_topic_name(bullet: str,
                                                            topic_name: str) -> None:
    digest = with_text("A headline", "An outlet", topic_name=topic_name, bullet=bullet)
    view = digest_view(digest)
    feed = atom_feed([FeedItem(view.topic, view.topic_name, entry_of(view))],
                     path="us-china/feed.xml", title=f"{topic_name} — newsprism",
                     subtitle="Daily digests", alternate="us-china/", base=None)
    root = ET.fromstring(feed)  # nosec B314: our own output, not a feed
    ns = {"atom": ATOM_NS}
    assert root.findtext("atom:title", namespaces=ns) == xml_text(f"{topic_name} — newsprism")
    content = root.findtext("atom:entry/atom:content", namespaces=ns)
    assert content is not None
    assert hostile_markup(content) == []
    items = re.findall(r"<li>(.*?)</li>", content, re.DOTALL)
    assert "".join(parse_html(items[0]).text) == xml_text(bullet)


def digest_page(digest: Digest) -> str:
    site = MemoryStore()
    render_digest(MemoryStore({digest.key: _stored(digest)}), site, digest.classified.topic,
                  digest.classified.date)
    return site.read(f"{digest.classified.topic}/{digest.classified.date}/index.html").decode()


def _stored(digest: Digest) -> bytes:
    return dumps(digest.to_dict())


class Listed(HTMLParser):
    """The text of each listed headline (``.title``) and outlet (``.outlet``) of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.titles: list[str] = []
        self.outlets: list[str] = []
        self._into: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        self._into = (self.titles if "title" in classes else
                      self.outlets if "outlet" in classes else None)
        if self._into is not None:
            self._into.append("")

    def handle_endtag(self, tag: str) -> None:
        self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self._into[-1] += data


@SETTINGS
@given(title=stored_text, outlet=stored_text, topic_name=config_text)
def test_html_page_shows_the_headline_outlet_and_topic_name_as_text(
        title: str, outlet: str, topic_name: str) -> None:
    html = digest_page(with_text(title, outlet, topic_name))
    assert hostile_markup(html) == []
    found = Listed(html)
    assert title in found.titles
    assert outlet in found.outlets
    assert topic_name in "".join(parse_html(html).text)
