"""What the site tests share: an HTML reader, digests moved in time or made hostile, listed
articles and related reports built from an outlet and its country, and a store that counts
what is asked of it."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from newsprism.documents._digests import Bullet, Digest, ListedArticle, RelatedReport
from newsprism.documents._raw import Article, article_id, dumps
from newsprism.store import Store

CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
EVIL_TITLE = "<script>alert(1)</script> & \"quotes\""
EVIL_BULLET = "<img src=x onerror=alert(4)> **bold** [x](javascript:alert(5))"

NOW = datetime(2026, 2, 12, 4, 0, 51, 254000, tzinfo=UTC)
# (outlet, its home page, its country; None: the registry does not place it)
Outlet = tuple[str, str, str | None]
WASHINGTON = ("Washington Daily", "https://washingtondaily.example", "US")
BEIJING = ("Beijing Herald", "https://beijingherald.example", "CN")
HARBOUR = ("Harbour Post", "https://harbourpost.example", "HK")
DELHI = ("Delhi Times", "https://delhitimes.example", "IN")
TOKYO = ("Tokyo Wire", "https://tokyowire.example", "JP")
UNKNOWN = ("Nowhere Known", "https://nowhere.example", None)
PORTAL = ("Everyone's Portal", "https://portal.example", None)  # an aggregator: no country


def listed(title: str, outlet: Outlet, side: str, *, feed: str = "us",
           covered: tuple[str, ...] = (), related: tuple[RelatedReport, ...] = (),
           hours: float = 1, language: str = "en") -> ListedArticle:
    """A listed article of ``outlet``, verified when the outlet has a country."""
    name, home, country = outlet
    url = f"{home}/{re.sub(r'[^a-z]+', '-', title.lower())}"
    article = Article(id=article_id(url), title=title, url=url, source=name, source_url=home,
                      published=NOW - timedelta(hours=hours), language=language, region="US",
                      feed=f"https://feeds.example/{feed}.xml", perspective=feed)
    return ListedArticle(article, side, "test", article.id, related, covered,
                         outlet_country=country, verified=country is not None)


def report(title: str, outlet: Outlet, side: str) -> RelatedReport:
    """Another outlet's report of a story, verified when the outlet has a country."""
    name, home, country = outlet
    url = f"{home}/copy-{len(title)}"
    return RelatedReport(title, url, name, side, id=article_id(url),
                         outlet_country=country, verified=country is not None)


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def with_class(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for _, attrs in self.tags if name in str(attrs.get("class", "")).split()]

    @property
    def ids(self) -> set[str]:
        return {str(attrs["id"]) for _, attrs in self.tags if attrs.get("id")}

    @property
    def hrefs(self) -> list[str]:
        return [str(a["href"]) for a in self.all("a") + self.all("link") if a.get("href")]

    def link_texts(self) -> str:
        return "".join(self.text)


def page(site: Store, key: str) -> Page:
    return Page(site.read(key).decode())


def shifted(digest: Digest, days: int, topic: tuple[str, str] | None = None) -> Digest:
    """The digest moved to another day (and optionally another topic)."""
    classified = digest.classified
    moment = classified.generated_at + timedelta(days=days)
    topic_id, name = topic or (classified.topic, classified.topic_name)
    classified = dataclasses.replace(
        classified, topic=topic_id, topic_name=name, date=moment.date().isoformat(),
        generated_at=moment, window_start=moment - timedelta(hours=24),
    )
    return dataclasses.replace(digest, classified=classified)


def with_evil_articles(digest: Digest) -> Digest:
    """The digest with a script title, a javascript: URL, a hostile outlet name and a
    highlight that tries HTML and Markdown."""
    articles = list(digest.classified.articles)
    first, second = articles[0].article, articles[1].article
    articles[0] = dataclasses.replace(
        articles[0], article=dataclasses.replace(first, title=EVIL_TITLE)
    )
    related = (
        RelatedReport("Same story", "JavaScript:alert(3)", "<i>Copycat</i>", "us"),
        RelatedReport("Same story", "https://example.org/same", "Example Wire", "us"),
    )
    articles[1] = dataclasses.replace(
        articles[1], related=related,
        article=dataclasses.replace(second, url="javascript:alert(2)", source="<b>Outlet</b>"),
    )
    overall = (Bullet(EVIL_BULLET, (first.id,)), *digest.highlights.overall[1:])
    return dataclasses.replace(
        digest, classified=dataclasses.replace(digest.classified, articles=tuple(articles)),
        highlights=dataclasses.replace(digest.highlights, overall=overall),
    )


def section(html: str, element_id: str) -> str:
    """The HTML of the <section> labelled by the heading ``element_id``."""
    start = html.index(f'aria-labelledby="{element_id}"')
    depth, position = 1, html.index(">", start)
    while depth:
        opening = html.find("<section", position)
        closing = html.find("</section>", position)
        if opening != -1 and opening < closing:
            depth, position = depth + 1, opening + 1
        else:
            depth, position = depth - 1, closing + 1
    return html[start:position]


def story_rows(html: str) -> list[str]:
    """The rows of the "who reported each story" table, without its header."""
    table = re.findall(r'<table class="story-table".*?</table>', html, re.DOTALL)[0]
    return re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)[1:]


def labels(html: str) -> list[str]:
    return re.findall(r'<svg [^>]*aria-label="([^"]*)"', html)


def store_digest(data: Store, digest: Digest) -> None:
    data.write(digest.key, dumps(digest.to_dict()))


@dataclass
class CountingStore:
    """A store that passes every call on and counts it: ("read", "manifest/") and so on."""

    inner: Store
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def uri(self) -> str:
        return self.inner.uri

    def _count(self, operation: str, key: str) -> None:
        # Keys of digests and pages differ by date: count them by kind, not one by one.
        kind = key.split("/")[0] + "/" if "/" in key else key
        self.calls[(operation, kind)] += 1

    def read(self, key: str) -> bytes:
        self._count("read", key)
        return self.inner.read(key)

    def write(self, key: str, data: bytes, *, cache_control: str | None = None) -> None:
        self._count("write", key)
        self.inner.write(key, data, cache_control=cache_control)

    def exists(self, key: str) -> bool:
        self._count("exists", key)
        return self.inner.exists(key)

    def list(self, prefix: str) -> list[str]:
        self.calls[("list", prefix)] += 1
        return self.inner.list(prefix)

    def delete(self, key: str) -> None:
        self._count("delete", key)
        self.inner.delete(key)
