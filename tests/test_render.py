"""The render stage: the site's files, its links, and feed text that stays text."""

from __future__ import annotations

import dataclasses
import posixpath
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from newsprism.models import Digest, RelatedReport, dumps
from newsprism.render import render_all, render_digest
from newsprism.store import FileStore, S3Store, Store

from .seed_digest import SEED, seed_digest

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
       "form-action 'none'")
EVIL_TITLE = "<script>alert(1)</script> & \"quotes\""


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
    """The seed with a script title, a javascript: URL and a hostile outlet name."""
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
    return dataclasses.replace(
        digest, classified=dataclasses.replace(digest.classified, articles=tuple(articles))
    )


def store_digest(data: Store, digest: Digest) -> None:
    data.write(digest.key, dumps(digest.to_dict()))


@pytest.fixture
def stores(tmp_path: Path) -> tuple[FileStore, FileStore]:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    seed = seed_digest()
    store_digest(data, with_evil_articles(seed))  # us-china 2026-02-12
    store_digest(data, shifted(seed, -1))  # us-china 2026-02-11
    store_digest(data, shifted(seed, -2))  # us-china 2026-02-10
    store_digest(data, shifted(seed, -5, ("tw-china", "Taiwan vs China")))  # 2026-02-07
    store_digest(data, shifted(seed, -6, ("tw-china", "Taiwan vs China")))
    return data, site


def test_digest_is_published_in_every_format(stores: tuple[FileStore, FileStore]) -> None:
    data, site = stores
    keys = render_digest(data, site, "us-china", "2026-02-11")

    assert keys == sorted(keys)
    for key in ("us-china/2026-02-11.md", "us-china/2026-02-11.json",
                "us-china/2026-02-11/index.html", "us-china/index.html", "index.html",
                "404.html", "assets/style.css"):
        assert key in keys and site.exists(key), key
    # The neighbours' pages are refreshed: they link to this day now.
    assert "us-china/2026-02-10/index.html" in keys and "us-china/2026-02-12/index.html" in keys
    assert site.read("us-china/2026-02-11.json") == data.read("digests/us-china/2026-02-11.json")
    markdown = site.read("us-china/2026-02-11.md").decode()
    assert markdown.startswith('---\ntitle: "US vs China News - 2026-02-11"\n')


def test_seed_day_on_the_site_is_the_seed_markdown(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, seed_digest())
    render_digest(data, site, "us-china", "2026-02-12")
    assert site.read("us-china/2026-02-12.md") == SEED.read_bytes()


def test_feed_text_never_becomes_markup(stores: tuple[FileStore, FileStore]) -> None:
    data, site = stores
    render_all(data, site)
    html = site.read("us-china/2026-02-12/index.html").decode()
    digest_page = Page(html)

    assert not digest_page.all("script") and not digest_page.all("b")
    assert not digest_page.all("i")
    assert EVIL_TITLE in digest_page.link_texts()  # shown to the reader as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Outlet</b>" in digest_page.link_texts()
    assert "<i>Copycat</i>" in digest_page.link_texts()
    assert not [href for href in digest_page.hrefs if "javascript" in href.lower()]
    assert "javascript:alert" not in html.lower()  # not even as an attribute value
    assert "https://example.org/same" in digest_page.hrefs  # a web URL stays a link


def test_every_page_forbids_scripts_and_loads_only_its_own_stylesheet(
    stores: tuple[FileStore, FileStore],
) -> None:
    data, site = stores
    keys = render_all(data, site)
    pages = [key for key in keys if key.endswith(".html")]
    assert len(pages) == 9  # 5 digests, 2 archives, the index, 404
    for key in pages:
        parsed = page(site, key)
        csp = [m for m in parsed.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
        assert [m["content"] for m in csp] == [CSP], key
        assert not parsed.all("script") and not parsed.all("iframe"), key
        assert not [attrs for _, attrs in parsed.tags if "style" in attrs], key
        sheets = [link["href"] for link in parsed.all("link") if link.get("rel") == "stylesheet"]
        assert len(sheets) == 1 and not str(sheets[0]).startswith(("http:", "https:", "//"))


def test_internal_links_and_citations_resolve(stores: tuple[FileStore, FileStore]) -> None:
    data, site = stores
    keys = render_all(data, site)
    for key in keys:
        if not key.endswith(".html") or key == "404.html":  # 404 is served at any path
            continue
        parsed = page(site, key)
        for href in parsed.hrefs:
            if href.startswith(("https:", "http:")):
                continue
            target, _, fragment = href.partition("#")
            if target:
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(key), target))
                assert site.exists(resolved), f"{key}: {href}"
            else:
                assert fragment in parsed.ids, f"{key}: {href}"

    digest_page = page(site, "us-china/2026-02-12/index.html")
    citations = [a for a in digest_page.all("a") if a.get("class") == "cite"]
    assert len(citations) == 15  # every bullet of the seed cites one article
    listed = [li for li in digest_page.all("li") if str(li.get("id", "")).startswith("a-")]
    assert len(listed) == 20


def test_digest_page_links_neighbours_archive_and_other_formats(
    stores: tuple[FileStore, FileStore],
) -> None:
    data, site = stores
    render_all(data, site)
    hrefs = page(site, "us-china/2026-02-11/index.html").hrefs
    for href in ("../2026-02-10/index.html", "../2026-02-12/index.html", "../index.html",
                 "../2026-02-11.md", "../2026-02-11.json", "../../assets/style.css"):
        assert href in hrefs, href
    newest = page(site, "us-china/2026-02-12/index.html")
    assert not [a for a in newest.all("a") if a.get("rel") == "next"]


def test_new_day_is_linked_from_the_day_before(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, shifted(seed_digest(), -1))
    render_digest(data, site, "us-china", "2026-02-11")
    assert "../2026-02-12/index.html" not in page(site, "us-china/2026-02-11/index.html").hrefs

    store_digest(data, seed_digest())
    render_digest(data, site, "us-china", "2026-02-12")
    assert "../2026-02-12/index.html" in page(site, "us-china/2026-02-11/index.html").hrefs


def test_archive_lists_days_newest_first(stores: tuple[FileStore, FileStore]) -> None:
    data, site = stores
    render_all(data, site)
    days = [href for href in page(site, "us-china/index.html").hrefs
            if href.endswith("/index.html") and href[0].isdigit()]
    assert days == ["2026-02-12/index.html", "2026-02-11/index.html", "2026-02-10/index.html"]


def test_index_links_the_latest_digest_of_each_topic(stores: tuple[FileStore, FileStore]) -> None:
    data, site = stores
    render_all(data, site)
    index = page(site, "index.html")
    assert "us-china/2026-02-12/index.html" in index.hrefs
    assert "tw-china/2026-02-07/index.html" in index.hrefs
    assert not [href for href in index.hrefs if "2026-02-11" in href or "2026-02-06" in href]
    assert "Taiwan vs China" in index.link_texts()


def test_same_data_gives_the_same_bytes(
    tmp_path: Path, stores: tuple[FileStore, FileStore],
) -> None:
    data, site = stores
    other = FileStore(tmp_path / "other")
    first = render_all(data, site)
    assert render_all(data, other) == first
    render_digest(data, other, "us-china", "2026-02-11")
    for key in first:
        assert site.read(key) == other.read(key), key


@pytest.mark.usefixtures("aws_credentials")
def test_site_in_s3_gets_types_and_cache_headers() -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="site")
        s3.create_bucket(Bucket="data")
        data, site = S3Store("data"), S3Store("site", "www")
        store_digest(data, seed_digest())
        render_digest(data, site, "us-china", "2026-02-12")

        def head(key: str) -> tuple[str, str]:
            meta = s3.head_object(Bucket="site", Key=f"www/{key}")
            return meta["ContentType"], meta.get("CacheControl", "")

        assert head("index.html") == ("text/html; charset=utf-8", "public, max-age=300")
        assert head("us-china/2026-02-12.md")[0] == "text/markdown; charset=utf-8"
        content_type, cache = head("assets/style.css")
        assert content_type == "text/css; charset=utf-8" and "immutable" not in cache
        assert "max-age" in head("us-china/2026-02-12/index.html")[1]


def test_missing_digest_is_an_error(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    with pytest.raises(KeyError):
        render_digest(data, site, "us-china", "2026-02-12")
    assert site.list("") == []

