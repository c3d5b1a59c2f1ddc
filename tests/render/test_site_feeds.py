"""The Atom feeds (RFC 4287) and the sitemap, parsed back as a reader and a crawler would."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import feedparser
import pytest

from newsprism.documents._digests import Bullet
from newsprism.render._stage import render_all, render_digest
from newsprism.store import FileStore
from tests.seed_digest import seed_digest
from tests.site_helpers import EVIL_BULLET, Page, shifted, store_digest, with_evil_articles

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://news.example.org/np/"


@pytest.fixture
def data(tmp_path: Path) -> FileStore:
    """25 days of us-china (2026-01-19 .. 2026-02-12) and 2 of tw-china."""
    store = FileStore(tmp_path / "data")
    for days in range(-24, 1):
        store_digest(store, shifted(seed_digest(), days))
    for days in (-3, -2):
        store_digest(store, shifted(seed_digest(), days, ("tw-china", "Taiwan vs China")))
    return store


def atom(site: FileStore, key: str) -> ET.Element:
    return ET.fromstring(site.read(key))


def test_topic_feed_has_the_newest_digests_with_their_highlights(
    tmp_path: Path, data: FileStore,
) -> None:
    site = FileStore(tmp_path / "site")
    render_all(data, site)
    parsed = feedparser.parse(site.read("us-china/feed.xml"))

    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "US vs China — newsprism"
    entries = parsed.entries
    assert len(entries) == 20  # the newest 20 of 25
    assert entries[0].title == "US vs China — Thursday 12 February 2026"
    assert entries[-1].title == "US vs China — Saturday 24 January 2026"
    assert entries[0].link == "2026-02-12/"  # relative to the feed: no base URL was given
    assert entries[0].updated_parsed[:6] == (2026, 2, 12, 4, 0, 51)
    seed = seed_digest()
    content = entries[0].content[0].value
    texts = [b.text for b in seed.highlights.overall]
    texts += [b.text for bullets in seed.highlights.perspectives.values() for b in bullets]
    for text in texts:
        assert Page(f"<li>{text}</li>").link_texts() in Page(content).link_texts()
    assert entries[0].summary == seed.highlights.overall[0].text
    assert len({entry.id for entry in entries}) == 20


def test_feeds_follow_rfc_4287(tmp_path: Path, data: FileStore) -> None:
    site = FileStore(tmp_path / "site")
    render_all(data, site)
    for key in ("feed.xml", "us-china/feed.xml", "tw-china/feed.xml"):
        feed = atom(site, key)
        assert feed.tag == f"{ATOM}feed", key
        for name in ("id", "title", "updated", "author"):  # §4.1.1: exactly one each
            assert len(feed.findall(f"{ATOM}{name}")) == 1, (key, name)
        assert [link.get("rel") for link in feed.findall(f"{ATOM}link")] == ["self", "alternate"]
        updated = [str(e.findtext(f"{ATOM}updated")) for e in feed.findall(f"{ATOM}entry")]
        assert feed.findtext(f"{ATOM}updated") == max(updated), key
        assert updated == sorted(updated, reverse=True), key  # newest first
        for entry in feed.findall(f"{ATOM}entry"):  # §4.1.2
            for name in ("id", "title", "updated", "content"):
                assert len(entry.findall(f"{ATOM}{name}")) == 1, (key, name)
            assert str(entry.findtext(f"{ATOM}id")).startswith("urn:uuid:")  # §4.2.6
            datetime.fromisoformat(str(entry.findtext(f"{ATOM}updated")))  # RFC 3339


def test_entry_ids_are_stable_and_shared_by_the_site_and_topic_feeds(
    tmp_path: Path, data: FileStore,
) -> None:
    first, second = FileStore(tmp_path / "first"), FileStore(tmp_path / "second")
    render_all(data, first)
    for date in ("2026-02-10", "2026-02-11", "2026-02-12"):  # a site built day by day
        render_digest(data, second, "us-china", date)

    def ids(site: FileStore, key: str) -> dict[str, str]:
        return {str(e.findtext(f"{ATOM}title")): str(e.findtext(f"{ATOM}id"))
                for e in atom(site, key).findall(f"{ATOM}entry")}

    topic, everything = ids(first, "us-china/feed.xml"), ids(first, "feed.xml")
    assert ids(second, "us-china/feed.xml").items() <= topic.items()
    assert {t: i for t, i in everything.items() if t.startswith("US")}.items() <= topic.items()


def test_site_feed_merges_topics_newest_first(tmp_path: Path, data: FileStore) -> None:
    site = FileStore(tmp_path / "site")
    render_all(data, site)
    parsed = feedparser.parse(site.read("feed.xml"))
    assert not parsed.bozo
    titles = [entry.title for entry in parsed.entries]
    assert len(titles) == 20
    assert titles[:4] == ["US vs China — Thursday 12 February 2026",
                          "US vs China — Wednesday 11 February 2026",
                          "US vs China — Tuesday 10 February 2026",
                          "Taiwan vs China — Tuesday 10 February 2026"]
    assert parsed.entries[0].link == "us-china/2026-02-12/"
    assert [tag.term for tag in parsed.entries[3].tags] == ["tw-china"]


def test_hostile_highlights_stay_text_and_the_feed_stays_xml(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    digest = with_evil_articles(seed_digest())
    nasty = "Control \x0b\x1f chars, ]]> and \ufffe & <b>tags</b>"
    overall = (*digest.highlights.overall, Bullet(nasty, ()))
    store_digest(data, dataclasses.replace(
        digest, highlights=dataclasses.replace(digest.highlights, overall=overall)))
    render_digest(data, site, "us-china", "2026-02-12")

    for key in ("feed.xml", "us-china/feed.xml"):
        feed = atom(site, key)  # a parse error would raise here
        html = str(feed.find(f"{ATOM}entry/{ATOM}content").text)  # type: ignore[union-attr]
        parsed = Page(html)
        assert {tag for tag, _ in parsed.tags} == {"h3", "ul", "li", "p", "a"}, key
        assert EVIL_BULLET in parsed.link_texts()
        assert "Control  chars, ]]> and  & <b>tags</b>" in parsed.link_texts()
        assert not feedparser.parse(site.read(key)).bozo


def test_with_a_base_url_links_and_ids_are_absolute(tmp_path: Path, data: FileStore) -> None:
    site = FileStore(tmp_path / "site")
    render_all(data, site, base_url=BASE.rstrip("/"))
    parsed = feedparser.parse(site.read("us-china/feed.xml"))
    assert parsed.feed.id == BASE + "us-china/feed.xml"
    assert [link.href for link in parsed.feed.links] == [BASE + "us-china/feed.xml",
                                                         BASE + "us-china/"]
    assert parsed.entries[0].id == parsed.entries[0].link == BASE + "us-china/2026-02-12/"
    assert f'<link rel="canonical" href="{BASE}us-china/2026-02-12/">' in (
        site.read("us-china/2026-02-12/index.html").decode())


def sitemap_urls(site: FileStore) -> dict[str, str | None]:
    """Every URL the sitemap index leads to, with its lastmod, as a crawler collects them."""
    index = ET.fromstring(site.read("sitemap.xml"))
    assert index.tag == f"{SITEMAP}sitemapindex"
    urls: dict[str, str | None] = {}
    for entry in index.findall(f"{SITEMAP}sitemap"):
        loc = str(entry.findtext(f"{SITEMAP}loc"))
        assert loc.startswith(BASE)
        urlset = ET.fromstring(site.read(loc[len(BASE):]))
        assert urlset.tag == f"{SITEMAP}urlset"
        urls.update({str(u.findtext(f"{SITEMAP}loc")): u.findtext(f"{SITEMAP}lastmod")
                     for u in urlset.findall(f"{SITEMAP}url")})
    return urls


def test_sitemap_lists_every_page_with_a_base_url_only(tmp_path: Path, data: FileStore) -> None:
    plain = FileStore(tmp_path / "plain")
    render_all(data, plain)
    assert not plain.exists("sitemap.xml")

    site = FileStore(tmp_path / "site")
    render_all(data, site, base_url=BASE)
    index = ET.fromstring(site.read("sitemap.xml"))
    assert [e.findtext(f"{SITEMAP}loc") for e in index] == [
        BASE + "sitemaps/site.xml", BASE + "sitemaps/tw-china.xml", BASE + "sitemaps/us-china.xml"]
    urls = sitemap_urls(site)
    # index, about, 2 directory pages; 2 archives, 3 month pages, 27 digests
    assert len(urls) == 1 + 1 + 2 + 2 + 3 + 25 + 2
    assert urls[BASE + "tw-china/"] == "2026-02-10"
    assert urls[BASE + "us-china/2026-01-19/"] == "2026-01-19"
    assert BASE + "about.html" in urls and BASE + "topics/u.html" in urls
    for loc in urls:
        assert loc.startswith(BASE)
        path = loc[len(BASE):]
        assert site.exists(path + "index.html" if path.endswith("/") or not path else path)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", m) for m in urls.values() if m)  # W3C-DTF


def test_a_topic_sitemap_splits_at_the_protocols_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism.render import _sitemap
    from newsprism.render._manifest import empty_manifest
    from newsprism.render._views import digest_view

    monkeypatch.setattr(_sitemap, "MAX_URLS", 10)
    manifest = empty_manifest("us-china")
    for days in range(-11, 1):
        manifest = manifest.with_digest(digest_view(shifted(seed_digest(), days), published=[]))
    parts = _sitemap.topic_sitemaps(manifest, ["2026-01", "2026-02"], BASE)
    assert list(parts) == ["us-china.xml", "us-china-2.xml"]
    locs = [u.findtext(f"{SITEMAP}loc") for body in parts.values()
            for u in ET.fromstring(body)]
    assert len(locs) == len(set(locs)) == 1 + 2 + 12  # archive, 2 months, 12 digests
    assert [len(ET.fromstring(body)) for body in parts.values()] == [10, 5]


def test_command_line_takes_the_base_url_from_option_or_environment(
    tmp_path: Path, data: FileStore, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from newsprism import cli

    stores = ["--data", str(data.root), "--site", str(tmp_path / "site")]
    assert cli.main(["render", "--all", "--base-url", BASE, *stores]) == 0
    assert FileStore(tmp_path / "site").exists("sitemap.xml")

    monkeypatch.setenv("SITE_BASE_URL", "https://env.example.org")
    other = ["--data", str(data.root), "--site", str(tmp_path / "env")]
    assert cli.main(["render", "--date", "2026-02-12", "--topic", "us-china", *other]) == 0
    assert b"<loc>https://env.example.org/us-china/2026-02-12/</loc>" in (
        FileStore(tmp_path / "env").read("sitemaps/us-china.xml"))
    assert b"<loc>https://env.example.org/sitemaps/us-china.xml</loc>" in (
        FileStore(tmp_path / "env").read("sitemap.xml"))

    capsys.readouterr()
    bad = ["--data", str(data.root), "--site", str(tmp_path / "bad")]
    assert cli.main(["render", "--all", "--base-url", "example.org", *bad]) == 2
    assert capsys.readouterr().err == (
        "newsprism: error: --base-url: site base URL 'example.org': expected an absolute "
        "http(s) URL, e.g. https://news.example.org/\n")
    assert not (tmp_path / "bad").exists()
