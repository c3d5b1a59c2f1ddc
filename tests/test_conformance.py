"""Issue #3: a drop-in successor reproduces the earlier system's real digests.

For every digest of ``../shared/corpus/news-summarizer`` the Google News feeds behind it are
rebuilt (tests/conformance.py) and newsprism runs on them with that system's ``topics.json``
at the digest's ``date``. Its Markdown must equal the original outside the highlight bullets,
our backslash escapes undone. Without the corpus those tests skip; the ones on the seed
digest and on synthetic listings always run.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from newsprism.config import Config, load_config
from newsprism.documents._raw import parse_time
from tests.conformance import (
    KNOWN_EXCEPTIONS,
    Case,
    Listing,
    Unreproducible,
    check,
    corpus_paths,
    first_difference,
    listing_owners,
    publication_times,
    read_case,
    reproduce,
    unescaped,
)
from tests.conftest import DATA, SEED_MARKDOWN, SEED_NOW

# The corpus of issue #3: 525 digests.
CORPUS_SIZES = {"india-pakistan": 175, "us-china": 176, "venezuela": 174}
DOMAIN = re.compile(r"[\w-]+(\.[\w-]+)+")


@pytest.fixture(scope="module")
def legacy() -> Config:
    return load_config(DATA / "legacy-topics.json")


@pytest.fixture
def corpus(shared_corpus: Path) -> Path:
    return shared_corpus / "news-summarizer"


# -- the corpus ------------------------------------------------------------------------------

@pytest.mark.parametrize("topic", sorted(CORPUS_SIZES))
def test_every_corpus_digest_is_reproduced_outside_the_bullets(corpus: Path, topic: str) -> None:
    config = load_config(corpus / "topics.json")  # the earlier system's own, unchanged
    outcomes = check(corpus_paths(corpus, topic), config)
    assert len(outcomes) == CORPUS_SIZES[topic]
    failing = {o.case: o.difference for o in outcomes if o.difference is not None}
    expected = {name for name in KNOWN_EXCEPTIONS if name.startswith(f"{topic}/")}
    unexpected = {name: diff for name, diff in failing.items() if name not in expected}
    report = "\n".join(f"{name}: {diff}" for name, diff in list(unexpected.items())[:5])
    assert not unexpected, f"{len(unexpected)} digests differ; the first:\n{report}"
    # A named exception that starts to pass must leave the list.
    assert set(failing) == expected


def _has(test: Callable[[Listing], bool]) -> Callable[[Case], bool]:
    return lambda case: any(test(listing) for listing in case.listings)


def _counts(*counts: int) -> Callable[[Case], bool]:
    def test(case: Case) -> bool:
        order = list(dict.fromkeys(listing.perspective for listing in case.listings))
        found = [sum(1 for item in case.listings if item.perspective == p) for p in order]
        return sorted(found, reverse=True) == sorted((c for c in counts if c), reverse=True)
    return test


# Each edge case named by the issue, with a digest of the corpus that has it: the predicate
# proves the digest still has it, the comparison that newsprism reproduces it.
CORPUS_EDGE_CASES: list[tuple[str, str, Callable[[Case], bool]]] = [
    ("U+2029 ending a title", "venezuela/2026-03-02", _has(lambda x: x.title.endswith("\u2029"))),
    ("U+200B around a title", "india-pakistan/2026-03-16",
     _has(lambda x: x.title.startswith("\u200b") and x.title.endswith("\u200b"))),
    ("a title ending in ' - {its outlet}'", "india-pakistan/2026-01-02",
     _has(lambda x: x.title.endswith(f" - {x.outlet}"))),
    ("a title with ' - ' inside", "india-pakistan/2025-12-18",
     _has(lambda x: x.title.count(" - ") == 2)),
    ("outlets that are domains", "india-pakistan/2025-12-01",
     _has(lambda x: bool(DOMAIN.fullmatch(x.outlet)))),
    ("an outlet starting with '- '", "venezuela/2026-07-22",
     _has(lambda x: x.outlet.startswith("- "))),
    ("an outlet ending with ' -'", "venezuela/2026-07-23", _has(lambda x: x.outlet.endswith(" -"))),
    ("one perspective without articles (20/0)", "us-china/2025-11-21", _counts(20, 0)),
    ("the other without articles (0/20)", "us-china/2026-01-17", _counts(0, 20)),
    ("a thin perspective: quota, then round-robin (12/8)", "venezuela/2026-06-19",
     _counts(12, 8)),
    ("a thin perspective (13/7)", "venezuela/2026-07-22", _counts(13, 7)),
    ("a thin perspective (11/9)", "venezuela/2026-05-19", _counts(11, 9)),
    ("Spanish titles with accents", "venezuela/2026-03-25",
     _has(lambda x: x.language == "es" and bool(re.search("[áéíóúñ¿¡]", x.title)))),
    ("an article from the window's first day", "venezuela/2026-07-22",
     lambda c: any(x.day == (c.now - timedelta(days=5)).date() for x in c.listings)),
    ("articles from the day before the digest", "us-china/2026-03-20",
     lambda c: any(x.day == c.now.date() - timedelta(days=1) for x in c.listings)),
    ("one headline twice from one outlet", "india-pakistan/2026-01-09",
     lambda c: len({(x.title, x.outlet) for x in c.listings}) < len(c.listings)),
    ("Markdown characters in titles", "india-pakistan/2025-11-21",
     _has(lambda x: "*" in x.title)),
    ("a run at 23:08 rather than 04:00", "us-china/2025-11-21", lambda c: c.now.hour == 23),
    ("outlets in Chinese and Korean script", "us-china/2026-03-20",
     _has(lambda x: x.outlet == "新华网")),
    ("emoji in titles", "venezuela/2026-07-23", _has(lambda x: "\U0001f6a8" in x.title)),
]


@pytest.mark.parametrize("name, predicate", [(name, test) for _, name, test in CORPUS_EDGE_CASES],
                         ids=[edge for edge, _, _ in CORPUS_EDGE_CASES])
def test_corpus_edge_case_is_reproduced(corpus: Path, name: str,
                                        predicate: Callable[[Case], bool]) -> None:
    config = load_config(corpus / "topics.json")
    case = read_case(corpus / f"{name}.md", config.settings.max_articles)
    assert predicate(case), f"{name} no longer has this edge case"
    assert first_difference(case.markdown, reproduce(case, config)) is None


# -- without the corpus: the seed and synthetic listings -----------------------------------

def test_the_seed_digest_is_reproduced(legacy: Config) -> None:
    case = read_case(SEED_MARKDOWN, legacy.settings.max_articles)
    assert first_difference(case.markdown, reproduce(case, legacy)) is None


def round_trip(case: Case, config: Config, tmp_path: Path) -> tuple[str, Case]:
    """The Markdown newsprism writes for the case's feeds, and that Markdown read back."""
    markdown = reproduce(case, config)
    path = tmp_path / case.topic / f"{case.now.date()}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(unescaped(markdown), encoding="utf-8")
    return markdown, read_case(path, config.settings.max_articles)


UNUSUAL_LISTINGS = {
    "U+2028 inside a title": {"title": "Trade truce holds\u2028for now"},
    "NBSP and U+200B in a title": {"title": "\u200bTariffs\u00a0rise again\u200b"},
    "U+2029 before Google's suffix": {"title": "Así se reacomoda el poder\u2029"},
    "title ending in its outlet's name": {"title": "Exports fall - Reuters", "outlet": "Reuters"},
    "title containing ' - '": {"title": "China - US talks resume - live"},
    "outlet that is a domain": {"outlet": "scmp.com"},
    "outlet with dashes at its ends": {"outlet": "- emisoraatlantico.com.co -"},
    # No closing tag or entity: feedparser would take the title for HTML and reduce it to text.
    "Markdown and HTML in a title": {"title": "*Bold* _claims_ [sic](x) <script> `c` \\ & ~~z~~"},
    "Spanish accents": {"title": "¿Qué pasará con la economía? Análisis", "outlet": "El País"},
    "emoji and CJK": {"title": "🚨 Talks collapse", "outlet": "新华网"},
}


@pytest.mark.parametrize("change", UNUSUAL_LISTINGS.values(), ids=UNUSUAL_LISTINGS.keys())
def test_unusual_titles_and_outlets_come_back_unchanged(legacy: Config, tmp_path: Path,
                                                        change: dict[str, str]) -> None:
    seed = read_case(SEED_MARKDOWN, legacy.settings.max_articles)
    # One article of each perspective (the first and the last listed) gets the change.
    listings = list(seed.listings)
    for position in (0, -1):
        listing = listings[position]
        listings[position] = dataclasses.replace(listing, title=change.get("title", listing.title),
                                                 outlet=change.get("outlet", listing.outlet))
    case = dataclasses.replace(seed, listings=tuple(listings))
    _, back = round_trip(case, legacy, tmp_path)
    assert back.listings == case.listings


def synthetic_case(config: Config, counts: dict[str, int]) -> Case:
    """A us-china digest of the seed's clock listing ``counts`` articles per perspective,
    the newest on the digest's day, the older ones back to the window's first day."""
    now = parse_time(SEED_NOW)
    topic = config.topic("us-china")
    feeds = {feed.perspective: feed for feed in topic.feeds}
    days = [now.date()] * 8 + [now.date() - timedelta(days=1)] * 8 + [
        (now - config.settings.max_age).date()] * 4  # has room after 04:00:51
    seen: dict[str, int] = {}
    listings = []
    for perspective in listing_owners(counts, config.settings.max_articles):
        number = seen[perspective] = seen.get(perspective, 0) + 1
        listings.append(Listing(
            title=f"Report {number} from the {perspective} side",
            url=f"https://news.google.com/rss/articles/{perspective}-{number}?oc=5",
            outlet=f"Outlet {number}", language=feeds[perspective].language,
            region=feeds[perspective].region, day=days[number - 1], perspective=perspective))
    return Case("us-china/synthetic", "us-china", now, tuple(listings), "")


@pytest.mark.parametrize("us, china", [(10, 10), (14, 6), (6, 14), (20, 0), (0, 20), (3, 2)])
def test_thin_perspectives_are_balanced_as_the_earlier_system_did(
        legacy: Config, tmp_path: Path, us: int, china: int) -> None:
    case = synthetic_case(legacy, {"us": us, "china": china})
    markdown, back = round_trip(case, legacy, tmp_path)
    assert back.listings == case.listings
    assert f"usSources: {us}\nchinaSources: {china}\n" in markdown
    for name, count in (("United States", us), ("China", china)):
        line = f"\n- No {name} sources available for this time period.\n"
        assert (line in markdown) == (count == 0)


def test_a_headline_listed_twice_by_one_outlet_stays_twice(legacy: Config,
                                                         tmp_path: Path) -> None:
    case = synthetic_case(legacy, {"us": 10, "china": 10})
    twin = dataclasses.replace(case.listings[1], title=case.listings[0].title,
                               outlet=case.listings[0].outlet)
    case = dataclasses.replace(case, listings=(case.listings[0], twin, *case.listings[2:]))
    _, back = round_trip(case, legacy, tmp_path)
    assert back.listings == case.listings


def test_a_url_is_listed_once_even_when_both_searches_return_it(legacy: Config) -> None:
    case = synthetic_case(legacy, {"us": 10, "china": 10})
    echo = dataclasses.replace(case.listings[10], url=case.listings[0].url)
    case = dataclasses.replace(case, listings=(*case.listings[:10], echo, *case.listings[11:]))
    markdown = reproduce(case, legacy)
    assert markdown.count(f"({case.listings[0].url})") == 1
    assert "usSources: 10\n" in markdown  # the first search's copy is the one kept


# -- the pieces ------------------------------------------------------------------------------

@pytest.mark.parametrize("counts, owners", [
    ({"a": 10, "b": 10}, "a" * 10 + "b" * 10),
    ({"a": 12, "b": 8}, "a" * 10 + "b" * 8 + "aa"),
    ({"a": 6, "b": 14}, "a" * 6 + "b" * 14),
    ({"a": 20, "b": 0}, "a" * 20),
    ({"a": 3, "b": 2}, "aaabb"),
    ({"a": 8, "b": 7, "c": 5}, "a" * 6 + "b" * 6 + "c" * 5 + "aba"),
])
def test_listing_owners_follow_quota_then_round_robin(counts: dict[str, int],
                                                      owners: str) -> None:
    assert "".join(listing_owners(counts, 20)) == owners


def test_publication_times_keep_the_listed_order_inside_the_window() -> None:
    now = parse_time("2026-02-12T04:00:51.254Z")
    start = now - timedelta(days=5)
    days = [date(2026, 2, 12)] * 3 + [date(2026, 2, 11)] * 20 + [date(2026, 2, 7)]
    times = publication_times(days, now, start)
    assert [t.date() for t in times] == days
    assert all(a > b for a, b in itertools.pairwise(times))
    assert all(start < t <= now and t.microsecond == 0 for t in times)


@pytest.mark.parametrize("days, reason", [
    ([date(2026, 2, 11), date(2026, 2, 12)], "not newest first"),
    ([date(2026, 2, 13)], "outside the window"),
    ([date(2026, 2, 6)], "outside the window"),
])
def test_days_no_feed_can_give_are_reported(days: list[date], reason: str) -> None:
    now = parse_time("2026-02-12T04:00:51.254Z")
    with pytest.raises(Unreproducible, match=reason):
        publication_times(days, now, now - timedelta(days=5))


def test_an_impossible_digest_is_an_outcome_not_a_crash(legacy: Config, tmp_path: Path) -> None:
    text = SEED_MARKDOWN.read_text(encoding="utf-8").replace("(2/11/2026)", "(2/13/2026)", 1)
    (tmp_path / "us-china").mkdir()
    (tmp_path / "us-china" / "2026-02-12.md").write_text(text, encoding="utf-8")
    broken = tmp_path / "us-china" / "2026-02-13.md"
    broken.write_text(text.replace("count: 10", "count: 11", 1), encoding="utf-8")
    outcomes = check(corpus_paths(tmp_path), legacy)
    assert [o.case for o in outcomes] == ["us-china/2026-02-12", "us-china/2026-02-13"]
    assert "cannot rebuild its feeds: listed 2026-02-13 after" in str(outcomes[0].difference)
    assert "ValueError" in str(outcomes[1].difference)


SEED_TEXT = SEED_MARKDOWN.read_text(encoding="utf-8")


def _seed_with(*changes: tuple[str, str]) -> str:
    text = SEED_TEXT
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("original, produced", [
    (SEED_TEXT, SEED_TEXT),
    (SEED_TEXT, _seed_with(("- China is", "- Beijing is"))),  # a highlight: not compared
    (_seed_with(("A riskier", "A *riskier <era>")), _seed_with(("A riskier", "A \\*riskier \\<era\\>"))),
    (_seed_with(("- Yicai Global", "- Yicai_Global")), _seed_with(("- Yicai Global", "- Yicai\\_Global"))),
])
def test_comparison_ignores_only_bullets_and_our_escapes(original: str, produced: str) -> None:
    assert first_difference(original, produced) is None


@pytest.mark.parametrize("produced, shown", [
    (_seed_with(("Yicai Global (2/12", "Yicai Global (2/11")), "Yicai Global (2/11/2026)"),
    (_seed_with(("usSources: 10", "usSources: 9")), "usSources: 9"),
    (_seed_with(('"Yicai Global"', '"Yicai\\_Global"')), "Yicai\\\\_Global"),  # front matter
    (_seed_with(("<!--more-->\n", "")), "<!--more-->"),
    (_seed_with(("## Overall Highlights\n\n- ", "## Overall Highlights\n\n")), "China is"),
    (SEED_TEXT + "\n", "lines outside the bullets"),
])
def test_comparison_finds_any_other_difference(produced: str, shown: str) -> None:
    difference = first_difference(SEED_TEXT, produced)
    assert difference is not None and shown in difference


def test_no_sources_line_is_compared() -> None:
    original = SEED_TEXT.replace("## China Perspective (China Sources)\n\n",
                                 "## China Perspective (China Sources)\n\n"
                                 "- No China sources available for this time period.\n")
    assert first_difference(original, SEED_TEXT) is not None
    assert first_difference(original, original) is None

