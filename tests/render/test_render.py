"""The render stage: the site's files, its links, and feed text that stays text."""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from newsprism.documents._raw import SchemaError, dumps
from newsprism.render._stage import render_all, render_digest
from newsprism.render._urls import BaseURLError
from newsprism.store import FileStore, S3Store
from tests.seed_digest import SEED, seed_digest, with_coverage
from tests.site_helpers import (
    CSP,
    EVIL_BULLET,
    EVIL_TITLE,
    Page,
    page,
    shifted,
    store_digest,
    with_evil_articles,
)


@pytest.fixture
def stores(tmp_path: Path) -> tuple[FileStore, FileStore]:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    seed = seed_digest()
    store_digest(data, with_evil_articles(seed))  # us-china 2026-02-12
    store_digest(data, shifted(seed, -1))  # us-china 2026-02-11
    store_digest(data, shifted(seed, -2))  # us-china 2026-02-10
    store_digest(data, shifted(seed, -14))  # us-china 2026-01-29
    store_digest(data, shifted(seed, -5, ("tw-china", "Taiwan vs China")))  # 2026-02-07
    store_digest(data, shifted(seed, -6, ("tw-china", "Taiwan vs China")))
    return data, site


def test_digest_is_published_in_every_format(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, shifted(seed_digest(), -1))
    keys = render_digest(data, site, "us-china", "2026-02-11")

    assert keys == sorted(keys) == site.list("")
    for key in ("us-china/2026-02-11.md", "us-china/2026-02-11.json",
                "us-china/2026-02-11/index.html", "us-china/index.html", "us-china/feed.xml",
                "index.html", "feed.xml", "about.html", "404.html", "manifest/us-china.json"):
        assert key in keys, key
    assets = [key for key in keys if key.startswith("assets/")]
    assert [re.sub(r"\.[0-9a-f]{10}\.", ".", key) for key in assets] == [
        "assets/icon.svg", "assets/style.css"]
    assert "sitemap.xml" not in keys  # a sitemap needs absolute URLs: no base URL, none
    # The stored digest, with the events both sides reported (none: the seed records no
    # coverage) added as "compared", in the stored documents' own layout.
    stored = json.loads(data.read("digests/us-china/2026-02-11.json"))
    published = site.read("us-china/2026-02-11.json")
    assert published == dumps({**stored, "compared": []})
    assert json.loads(published).pop("compared") == []
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

    for tag in ("script", "b", "i", "img"):
        assert not digest_page.all(tag), tag
    assert EVIL_TITLE in digest_page.link_texts()  # shown to the reader as text
    assert EVIL_BULLET in digest_page.link_texts()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Outlet</b>" in digest_page.link_texts()
    assert "<i>Copycat</i>" in digest_page.link_texts()
    assert not [href for href in digest_page.hrefs if "javascript" in href.lower()]
    attributes = [str(v).lower() for _, attrs in digest_page.tags for v in attrs.values()]
    assert not [v for v in attributes if "javascript:alert(2)" in v or "alert(3)" in v]
    assert "https://example.org/same" in digest_page.hrefs  # a web URL stays a link
    # The index and the archive show the highlight too, as text.
    for key in ("index.html", "us-china/index.html"):
        listing = page(site, key)
        assert EVIL_BULLET in listing.link_texts(), key
        assert not listing.all("img") and not listing.all("script"), key


def test_every_page_forbids_scripts_and_loads_only_its_own_files(
    stores: tuple[FileStore, FileStore],
) -> None:
    data, site = stores
    keys = render_all(data, site)
    pages = [key for key in keys if key.endswith(".html")]
    # 6 digests, 2 archives, 3 month pages, 2 directory pages, the index, about, 404
    assert len(pages) == 16
    for key in pages:
        parsed = page(site, key)
        csp = [m for m in parsed.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
        assert [m["content"] for m in csp] == [CSP], key
        assert not parsed.all("script") and not parsed.all("iframe"), key
        assert not parsed.all("style") and not parsed.all("img"), key
        assert not [attrs for _, attrs in parsed.tags if "style" in attrs], key
        assert not [attrs for _, attrs in parsed.tags
                    if any(name.startswith("on") for name in attrs)], key
        loaded = [str(link["href"]) for link in parsed.all("link")
                  if link.get("rel") in ("stylesheet", "icon")]
        assert len(loaded) == 2, key
        assert not [href for href in loaded if href.startswith(("http:", "https:", "//"))], key
        assert page(site, key).all("html") == [{"lang": "en"}], key


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

    digest_page = page(site, "us-china/2026-02-11/index.html")
    assert len(digest_page.with_class("cite")) == 15  # every bullet of the seed cites one
    listed = [li for li in digest_page.all("li") if str(li.get("id", "")).startswith("a-")]
    assert len(listed) == 20


def test_404_page_links_from_the_site_root(tmp_path: Path) -> None:
    data = FileStore(tmp_path / "data")
    store_digest(data, seed_digest())
    plain, based = FileStore(tmp_path / "plain"), FileStore(tmp_path / "based")
    render_digest(data, plain, "us-china", "2026-02-12")
    render_digest(data, based, "us-china", "2026-02-12", base_url="https://news.example.org/np")

    assert "/index.html" in page(plain, "404.html").hrefs
    hrefs = page(based, "404.html").hrefs
    assert "https://news.example.org/np/index.html" in hrefs
    assert next(h for h in hrefs if "assets/style." in h).startswith("https://news.example.org/np/")


def test_digest_page_links_neighbours_archive_feed_and_other_formats(
    stores: tuple[FileStore, FileStore],
) -> None:
    data, site = stores
    render_all(data, site)
    parsed = page(site, "us-china/2026-02-11/index.html")
    for href in ("../2026-02-10/index.html", "../2026-02-12/index.html", "../index.html",
                 "../2026-02-11.md", "../2026-02-11.json", "../feed.xml", "../../feed.xml",
                 "../../about.html"):
        assert href in parsed.hrefs, href
    assert [a["href"] for a in parsed.all("a") if a.get("rel") == "prev"] == [
        "../2026-02-10/index.html"]
    newest = page(site, "us-china/2026-02-12/index.html")
    assert not [a for a in newest.all("a") if a.get("rel") == "next"]
    assert "Latest digest" in newest.link_texts()


def test_new_day_is_linked_from_the_day_before(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, shifted(seed_digest(), -1))
    render_digest(data, site, "us-china", "2026-02-11")
    assert "../2026-02-12/index.html" not in page(site, "us-china/2026-02-11/index.html").hrefs

    store_digest(data, seed_digest())
    keys = render_digest(data, site, "us-china", "2026-02-12")
    assert "us-china/2026-02-11/index.html" in keys
    assert "../2026-02-12/index.html" in page(site, "us-china/2026-02-11/index.html").hrefs
    # The day before keeps its Markdown and JSON: only its page changed.
    assert "us-china/2026-02-11.md" not in keys


def test_archive_lists_days_newest_first_by_month(stores: tuple[FileStore, FileStore]) -> None:
    data, site = stores
    render_all(data, site)
    archive = page(site, "us-china/index.html")
    days = [href for href in archive.hrefs
            if href.endswith("/index.html") and href[0].isdigit() and len(href) > 18]
    assert days == ["2026-02-12/index.html", "2026-02-11/index.html", "2026-02-10/index.html",
                    "2026-01-29/index.html"]
    months = [str(h["id"]) for h in archive.all("h2") if "id" in h]
    assert months == ["m-2026-02", "m-2026-01"]
    # Every month has its own page, linked from the archive, listing that month's days.
    assert {"2026-02/index.html", "2026-01/index.html"} <= set(archive.hrefs)
    january = page(site, "us-china/2026-01/index.html")
    assert [h for h in january.hrefs if h.endswith("/index.html") and len(h) > 18] == [
        "../2026-01-29/index.html"]
    chunks = archive.text
    assert chunks.index("February 2026") < chunks.index("Thursday 12 February 2026")
    assert chunks.index("Tuesday 10 February 2026") < chunks.index("January 2026")
    assert "Thursday 29 January 2026" in chunks[chunks.index("January 2026"):]
    assert "4 daily digests" in archive.link_texts()


def test_index_shows_the_latest_digest_of_each_topic(stores: tuple[FileStore, FileStore]) -> None:
    data, site = stores
    render_all(data, site)
    index = page(site, "index.html")
    assert "us-china/2026-02-12/index.html" in index.hrefs
    assert "tw-china/2026-02-07/index.html" in index.hrefs
    assert not [href for href in index.hrefs if "2026-02-11" in href or "2026-02-06" in href]
    assert "Taiwan vs China" in index.link_texts()
    assert "us-china/feed.xml" in index.hrefs and "tw-china/index.html" in index.hrefs


def test_same_data_gives_the_same_bytes_day_by_day_or_all_at_once(
    tmp_path: Path, stores: tuple[FileStore, FileStore],
) -> None:
    data, site = stores
    first = render_all(data, site)
    assert render_all(data, FileStore(tmp_path / "again")) == first
    for key in first:
        assert site.read(key) == FileStore(tmp_path / "again").read(key), key

    daily = FileStore(tmp_path / "daily")  # the site as the daily runs build it
    for topic, dates in (("tw-china", ["2026-02-06", "2026-02-07"]),
                         ("us-china", ["2026-01-29", "2026-02-10", "2026-02-11", "2026-02-12"])):
        for date in dates:
            render_digest(data, daily, topic, date)
    assert daily.list("") == site.list("")
    for key in first:
        assert daily.read(key) == site.read(key), key


@pytest.mark.usefixtures("aws_credentials")
def test_site_in_s3_gets_types_and_cache_headers() -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="site")
        s3.create_bucket(Bucket="data")
        data, site = S3Store("data"), S3Store("site", "www")
        store_digest(data, seed_digest())
        keys = render_digest(data, site, "us-china", "2026-02-12",
                             base_url="https://news.example.org/")

        def head(key: str) -> tuple[str, str]:
            meta = s3.head_object(Bucket="site", Key=f"www/{key}")
            return meta["ContentType"], meta.get("CacheControl", "")

        short = "public, max-age=300"
        assert head("index.html") == ("text/html; charset=utf-8", short)
        assert head("us-china/index.html") == ("text/html; charset=utf-8", short)
        assert head("feed.xml") == ("application/atom+xml", short)
        assert head("us-china/feed.xml") == ("application/atom+xml", short)
        assert head("sitemap.xml") == ("application/xml", short)
        assert head("us-china/2026-02-12.md") == ("text/markdown; charset=utf-8",
                                                  "public, max-age=86400")
        assert head("us-china/2026-02-12.json") == ("application/json", "public, max-age=86400")
        assert head("us-china/2026-02-12/index.html") == ("text/html; charset=utf-8",
                                                          "public, max-age=3600")
        [css] = [key for key in keys if key.endswith(".css")]
        [icon] = [key for key in keys if key.endswith(".svg")]
        immutable = "public, max-age=31536000, immutable"
        assert head(css) == ("text/css; charset=utf-8", immutable)
        assert head(icon) == ("image/svg+xml", immutable)
        assert head("manifest/us-china.json") == ("application/json", "no-cache")


def test_missing_digest_is_an_error(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    with pytest.raises(KeyError):
        render_digest(data, site, "us-china", "2026-02-12")
    assert site.list("") == []


@pytest.mark.parametrize("base_url", ["news.example.org", "ftp://example.org/",
                                      "https://example.org/?a=1", "https:///path"])
def test_bad_base_url_is_a_clear_error(tmp_path: Path, base_url: str) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, seed_digest())
    with pytest.raises(BaseURLError, match="site base URL"):
        render_digest(data, site, "us-china", "2026-02-12", base_url=base_url)
    assert not site.root.exists()  # nothing written


def test_damaged_manifest_is_reported_and_render_all_repairs_it(
    stores: tuple[FileStore, FileStore],
) -> None:
    data, site = stores
    render_all(data, site)
    site.write("manifest/us-china.json", b'{"schema": 1, "topic": "us-china"')
    before = site.read("us-china/index.html")
    with pytest.raises(SchemaError, match=r"manifest/us-china.json: not valid JSON"):
        render_digest(data, site, "us-china", "2026-02-12")
    assert site.read("us-china/index.html") == before  # nothing half-written

    site.write("manifest/us-china.json", b'{"schema": 1, "topic": "us-china"}')
    with pytest.raises(SchemaError, match="render --all"):
        render_digest(data, site, "us-china", "2026-02-12")
    render_all(data, site)
    render_digest(data, site, "us-china", "2026-02-12")


def test_render_all_drops_topics_that_have_no_digest_left(
    stores: tuple[FileStore, FileStore],
) -> None:
    data, site = stores
    render_all(data, site)
    for date in ("2026-02-06", "2026-02-07"):
        data.delete(f"digests/tw-china/{date}.json")
    render_all(data, site)
    assert not site.exists("manifest/tw-china.json")
    assert "tw-china/index.html" not in page(site, "index.html").hrefs


def test_pages_show_stored_country_state_affiliation_and_unknown_outlets(tmp_path: Path) -> None:
    # Classify stores each outlet's country (under "feed" attribution too, as here); the page
    # shows what it stored and asks the registry only about state affiliation.
    digest = with_coverage(seed_digest())
    # What classify would have stored; Global Times' country deliberately not.
    stored = {"South China Morning Post": "HK", "Associated Press": "US", "Yicai Global": "CN"}

    def country(source: str) -> str | None:
        return stored.get(source)

    articles = tuple(
        dataclasses.replace(listed, outlet_country=country(listed.article.source),
                            related=tuple(dataclasses.replace(r, outlet_country=country(r.source))
                                          for r in listed.related))
        for listed in digest.classified.articles)
    digest = dataclasses.replace(
        digest, classified=dataclasses.replace(digest.classified, articles=articles))
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, digest)
    render_digest(data, site, "us-china", "2026-02-12")
    html = site.read("us-china/2026-02-12/index.html").decode()

    def meta_of(outlet: str) -> str:
        return str(re.findall(rf'<span class="outlet">{outlet}</span>(.*?)</span>\n', html)[0])

    assert '<span class="country">Hong Kong</span>' in meta_of("South China Morning Post")
    assert "state-affiliated" not in meta_of("South China Morning Post")
    assert "country unknown" in meta_of("mykxlg.com")
    # No country stored for Global Times: none shown, whatever the registry says (China); its
    # state affiliation still comes from the registry.
    assert ('<span class="country unknown">country unknown</span> · '
            '<span class="badge">state-affiliated</span>') in meta_of("Global Times")
    # Under "feed" attribution nothing is marked unverified: every article counts.
    assert "unverified" not in html
    # The related reports: each outlet with its country, and the side it counts for when
    # its country does not say it (Global Times' country was not stored: it stays unknown).
    assert "Also reported by" in html and "Associated Press</a> (United States)" in html
    assert "Global Times</a> (China side)" in html
