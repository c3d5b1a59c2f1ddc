"""Renders that run at once, and damaged documents: nothing published is lost, one topic's
damage never costs another its pages, and a rebuild never deletes what it could not read."""

from __future__ import annotations

import itertools
import json
from functools import partial
from pathlib import Path

import pytest

from newsprism.render import RenderIncomplete
from newsprism.render._stage import render_all, render_digest
from newsprism.store import FileStore
from tests.hardening_helpers import together
from tests.seed_digest import seed_digest
from tests.site_helpers import Page, shifted, store_digest

DAYS = [shifted(seed_digest(), -n) for n in range(8)]  # 2026-02-05 .. 2026-02-12
DATES = sorted(d.classified.date for d in DAYS)


def page(site: FileStore, key: str) -> Page:
    return Page(site.read(key).decode())


@pytest.mark.parametrize("trial", range(3))
def test_eight_renders_of_one_topic_at_once_keep_eight_days(tmp_path: Path, trial: int) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    for digest in DAYS:
        store_digest(data, digest)
    together(*[partial(render_digest, data, site, "us-china", date,
                       base_url="https://news.example.org/") for date in DATES])

    manifest = json.loads(site.read("manifest/us-china.json"))
    assert [entry["date"] for entry in manifest["entries"]] == DATES
    archive = page(site, "us-china/index.html")
    assert [h for h in archive.hrefs if len(h) == len("2026-02-12/index.html")
            and h[0].isdigit()] == [f"{d}/index.html" for d in reversed(DATES)]
    feed = site.read("us-china/feed.xml").decode()
    assert all(f"us-china/{date}/" in feed for date in DATES)
    assert all(f"us-china/{date}/" in site.read("sitemaps/us-china.xml").decode()
               for date in DATES)
    # Each day's page links to the days either side of it, whoever rendered last.
    for before, after in itertools.pairwise(DATES):
        assert f"../{after}/index.html" in page(site, f"us-china/{before}/index.html").hrefs
        assert f"../{before}/index.html" in page(site, f"us-china/{after}/index.html").hrefs


def test_two_topics_rendered_at_once_into_a_new_site_are_both_listed(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    topics = [("us-china", "US vs China"), ("uk-china", "UK vs China"),
              ("tw-china", "Taiwan vs China"), ("india-china", "India vs China")]
    for topic in topics:
        store_digest(data, shifted(seed_digest(), 0, topic))
    together(*[partial(render_digest, data, site, topic_id, "2026-02-12")
               for topic_id, _ in topics])
    home = page(site, "index.html")
    for topic_id, _ in topics:
        assert f"{topic_id}/2026-02-12/index.html" in home.hrefs
    assert "../us-china/index.html" in page(site, "topics/u.html").hrefs
    assert "../uk-china/index.html" in page(site, "topics/u.html").hrefs
    feed = site.read("feed.xml").decode()
    assert all(f"{topic_id}/2026-02-12/" in feed for topic_id, _ in topics)


def test_a_damaged_manifest_of_one_topic_never_fails_another(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, shifted(seed_digest(), -1))
    store_digest(data, shifted(seed_digest(), -1, ("tw-china", "Taiwan vs China")))
    render_all(data, site)
    site.write("manifest/tw-china.json", b"{not json")
    site.write("manifest/_site.json", b"[]")  # and the site summary too
    store_digest(data, seed_digest())
    render_digest(data, site, "us-china", "2026-02-12")
    home = page(site, "index.html")
    assert "us-china/2026-02-12/index.html" in home.hrefs
    # The summary was rebuilt from the readable manifests: tw-china's damage costs it its
    # card until it renders again, never us-china its render.
    assert json.loads(site.read("manifest/_site.json"))["recent"][0]["topic"] == "us-china"


def test_render_all_keeps_what_it_could_not_read_and_says_so(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, seed_digest())
    store_digest(data, shifted(seed_digest(), -1, ("tw-china", "Taiwan vs China")))
    render_all(data, site)
    data.write("digests/tw-china/2026-02-11.json", b"{damaged")
    with pytest.raises(RenderIncomplete, match=r"digests/tw-china/2026-02-11\.json") as failed:
        render_all(data, site)
    assert failed.value.written  # everything readable was published all the same
    assert site.exists("manifest/tw-china.json")
    home = page(site, "index.html")
    assert "tw-china/2026-02-11/index.html" in home.hrefs
    assert "us-china/2026-02-12/index.html" in home.hrefs


def test_a_site_published_before_the_summary_existed_keeps_every_topic(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, shifted(seed_digest(), -1))
    store_digest(data, shifted(seed_digest(), -1, ("tw-china", "Taiwan vs China")))
    render_all(data, site)
    for key in site.list("manifest/_"):  # as an older version left the site
        site.delete(key)
    store_digest(data, seed_digest())
    render_digest(data, site, "us-china", "2026-02-12")
    home = page(site, "index.html")
    assert "tw-china/2026-02-11/index.html" in home.hrefs
    assert "../tw-china/index.html" in page(site, "topics/t.html").hrefs


def test_published_json_carries_no_feed_credentials_or_query(tmp_path: Path) -> None:
    import dataclasses

    digest = seed_digest()
    articles = list(digest.classified.articles)
    secret = "https://user:pass@feeds.example/private.xml?token=s3cr3t#frag"
    articles[0] = dataclasses.replace(
        articles[0], article=dataclasses.replace(articles[0].article, feed=secret))
    digest = dataclasses.replace(digest, classified=dataclasses.replace(
        digest.classified, articles=tuple(articles)))
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, digest)
    render_digest(data, site, "us-china", "2026-02-12")
    published = site.read("us-china/2026-02-12.json").decode()
    assert "s3cr3t" not in published and "pass@" not in published and "#frag" not in published
    assert json.loads(published)["articles"][0]["feed"] == "https://feeds.example/private.xml"
    assert "s3cr3t" in data.read("digests/us-china/2026-02-12.json").decode()  # stored whole


def test_render_all_on_the_command_line_names_the_damage_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsprism import cli

    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, seed_digest())
    data.write("digests/tw-china/2026-02-11.json", b"{damaged")
    assert cli.main(["render", "--all", "--data", str(data.root),
                     "--site", str(site.root)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("error: 1 damaged stored document left out: "
                              "digests/tw-china/2026-02-11.json")
    assert site.exists("us-china/2026-02-12/index.html")
