"""The whole path, feeds to site, against the earlier system's digest of 2026-02-12."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from newsprism import cli
from newsprism.classify._stage import classify_topic
from newsprism.config import load_config
from newsprism.documents._raw import parse_time
from newsprism.fetch._stage import fetch_topics
from newsprism.render._stage import render_digest
from newsprism.store import FileStore
from newsprism.summarize._stage import summarize_topic
from tests.conftest import DATA, REPO, SEED_MARKDOWN, SEED_NOW

FEEDS = REPO / "demo" / "feeds"


def google_news(request: httpx.Request) -> httpx.Response:
    """Serve the sample feeds where the earlier system's two us-china searches would be."""
    query = parse_qs(urlsplit(str(request.url)).query)["q"][0]
    name = "us.xml" if query.startswith("China (") else "china.xml"
    return httpx.Response(200, content=(FEEDS / name).read_bytes(),
                          headers={"Content-Type": "application/rss+xml; charset=UTF-8"})


def outside_bullets(text: str) -> list[str]:
    return [line for line in text.splitlines(keepends=True) if not line.startswith("- ")]


def test_sample_feeds_with_the_earlier_systems_settings_give_the_seed(tmp_path: Path) -> None:
    config = load_config(DATA / "legacy-topics.json")
    topic = config.topic("us-china")
    now = parse_time(SEED_NOW)
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")

    runs = fetch_topics(config, [topic], data, now, transport=httpx.MockTransport(google_news))
    assert [feed.status for feed in runs[0].feeds] == ["ok", "ok"]
    classify_topic(config, topic, data, now)
    digest = summarize_topic(config, "us-china", "2026-02-12", data)
    render_digest(data, site, "us-china", "2026-02-12")

    produced = site.read("us-china/2026-02-12.md").decode()
    expected = SEED_MARKDOWN.read_text(encoding="utf-8")
    assert outside_bullets(produced) == outside_bullets(expected)
    # Every bullet cites listed articles only.
    listed = {listed.article.id for listed in digest.classified.articles}
    sections = [digest.highlights.overall, *digest.highlights.perspectives.values()]
    assert all(b.sources and set(b.sources) <= listed for bullets in sections for b in bullets)
    assert [len(digest.highlights.perspectives[p]) for p in ("us", "china")] == [5, 5]


def test_stages_rerun_give_identical_bytes(tmp_path: Path) -> None:
    config = load_config(DATA / "legacy-topics.json")
    topic = config.topic("us-china")
    now = parse_time(SEED_NOW)
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    fetch_topics(config, [topic], data, now, transport=httpx.MockTransport(google_news))

    def outputs() -> dict[str, bytes]:
        classify_topic(config, topic, data, now)
        summarize_topic(config, "us-china", "2026-02-12", data)
        render_digest(data, site, "us-china", "2026-02-12")
        keys = data.list("classified/") + data.list("digests/")
        return {k: data.read(k) for k in keys} | {k: site.read(k) for k in site.list("")}

    assert outputs() == outputs()


def test_demo_runs_the_real_fetch_path_and_reports_where_the_digest_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_demo", REPO / "demo" / "run_demo.py")
    assert spec and spec.loader
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    monkeypatch.chdir(tmp_path)
    assert demo.main() == 0
    site = tmp_path / ".newsprism" / "site"
    markdown = (site / "us-china" / "2026-02-12.md").read_text()
    assert markdown.startswith('---\ntitle: "US vs China News - 2026-02-12"\n')
    assert (site / "us-china" / "2026-02-12" / "index.html").is_file()
    err = capsys.readouterr().err
    assert "ok     us-china/us              10 articles" in err
    out = capsys.readouterr().out + err
    assert ".newsprism/site/us-china/2026-02-12.md" in out or "2026-02-12.md" in out
    # The product defaults move outlets to their own country's side: SCMP is Hong Kong's.
    stored = json.loads((tmp_path / ".newsprism/data/classified/us-china/2026-02-12.json").read_text())
    scmp = [a for a in stored["articles"] if a["source"] == "South China Morning Post"]
    assert scmp and all(a["perspective"] == "china" for a in scmp)
    # The demo's earlier day, 2026-01-01: one event both sides' own outlets reported, shown
    # once with each side's headline, and one event several US outlets alone reported.
    page = (site / "us-china" / "2026-01-01" / "index.html").read_text()
    assert "How each side reported it" in page
    assert "Xi says reunification of China and Taiwan" in page  # Washington Examiner
    assert "In New Year’s speech, Xi urges growth" in page  # South China Morning Post
    assert "1 event with several outlets" in page


def test_cli_config_errors_are_one_line_exit_2_and_write_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "topics.toml"
    text = (REPO / "demo" / "topics.toml").read_text().replace(
        'perspective = "china"', 'perspective = "prc"').replace("{base_url}", "http://127.0.0.1:9")
    config.write_text(text)
    status = cli.main(["run", "--config", str(config), "--data", str(tmp_path / "data"),
                       "--site", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert status == 2
    assert err == (f"newsprism: error: {config}: topics[us-china].feeds[1].perspective: "
                   "no perspective 'prc' in this topic (have: china, us)\n")
    assert not (tmp_path / "data").exists() and not (tmp_path / "site").exists()


@pytest.mark.parametrize("args, message", [
    (["run", "--topic", "nope"], "topics: no topic 'nope'"),
    (["run", "--now", "yesterday"], "--now: not an ISO 8601 time: 'yesterday'"),
    (["summarize", "--date", "2026-13-01"], "--date: expected YYYY-MM-DD, got '2026-13-01'"),
])
def test_cli_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           args: list[str], message: str) -> None:
    status = cli.main([*args, "--data", str(tmp_path / "data"), "--site", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert status == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "data").exists()


def test_cli_exits_1_when_every_feed_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import newsprism.fetch

    real = newsprism.fetch.fetch_topics

    def refused(*args: object, **kwargs: object) -> object:
        def fail(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)
        return real(*args, **kwargs, transport=httpx.MockTransport(fail))  # type: ignore[arg-type]

    monkeypatch.setattr(newsprism.fetch, "fetch_topics", refused)
    status = cli.main(["run", "--topic", "us-china", "--now", SEED_NOW,
                       "--data", str(tmp_path / "data"), "--site", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert status == 1
    feeds = len(load_config().topic("us-china").feeds)
    assert err.count("error  us-china/") == feeds  # one line per failed feed
    assert "no digest: us-china: no articles to list" in err
    assert not (tmp_path / "site").exists()
