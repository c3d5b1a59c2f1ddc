"""The seed digest (tests/data/us-china-2026-02-12.md) rebuilt as a ``Digest``.

The seed is the earlier system's output, so a ``Digest`` with its content must render back to
the same bytes. Its front matter gives the topic, clock and perspectives; its numbered lines
give the articles, listed perspective by perspective (the first ``count`` articles belong to
the first perspective, and so on). The seed has no publication times, only days: articles are
placed at noon UTC of their day. Each bullet cites the article listed at its position in its
section, which is enough for tests that follow citations.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsprism.documents._digests import (
    Bullet,
    Classified,
    Coverage,
    Digest,
    Highlights,
    ListedArticle,
    PerspectiveInfo,
    RelatedReport,
)
from newsprism.documents._raw import Article, article_id, parse_time

SEED = Path(__file__).parent / "data" / "us-china-2026-02-12.md"

_SOURCE_LINE = re.compile(
    r"^(\d+)\. \[(\w+)-(\w+)\] \[(.*)\]\((\S+)\) - (.*) \((\d+)/(\d+)/(\d{4})\)$"
)


def seed_digest(path: Path = SEED) -> Digest:
    """The digest of the seed, or of another file of the earlier system in the same format."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = {key: value for key, _, value in (line.partition(": ") for line in front.split("\n"))}
    perspectives, counts = _perspectives(front)
    sections = _sections(body)

    owners = [p.id for p, count in zip(perspectives, counts, strict=True) for _ in range(count)]
    articles = []
    lines = [match for line in sections["Sources"] if (match := _SOURCE_LINE.match(line))]
    for match, perspective in zip(lines, owners, strict=True):
        _, language, region, title, url, source, month, day, year = match.groups()
        article = Article(
            id=article_id(url), title=title, url=url, source=source, source_url="",
            published=datetime(int(year), int(month), int(day), 12, tzinfo=UTC),
            language=language, region=region, feed="", perspective=perspective,
        )
        articles.append(ListedArticle(article, perspective, "feed", article.id))

    def bullets(section: str, cited: list[ListedArticle]) -> tuple[Bullet, ...]:
        texts = [line[2:] for line in sections[section] if line.startswith("- ")]
        return tuple(
            Bullet(text, (cited[i % len(cited)].article.id,) if cited else ())
            for i, text in enumerate(texts)
        )

    generated_at = parse_time(meta["date"])
    classified = Classified(
        topic=meta["topic"],
        topic_name=json.loads(meta["topicName"]),
        date=generated_at.date().isoformat(),
        generated_at=generated_at,
        window_start=generated_at - timedelta(hours=24),
        perspectives=tuple(perspectives),
        articles=tuple(articles),
        # The earlier system listed every article under its feed's side: its digests are
        # "feed" attribution, which keeps its Markdown format.
        attribution="feed",
    )
    highlights = Highlights(
        overall=bullets("Overall Highlights", articles),
        perspectives={
            p.id: bullets(f"{p.name} Perspective ({p.name} Sources)",
                          [a for a in articles if a.perspective == p.id])
            for p in perspectives
        },
    )
    return Digest(classified=classified, highlights=highlights, summarizer="seed")


def _perspectives(front: str) -> tuple[list[PerspectiveInfo], list[int]]:
    ids = [json.loads(v) for v in re.findall(r"^  - id: (.*)$", front, re.MULTILINE)]
    names = [json.loads(v) for v in re.findall(r"^    name: (.*)$", front, re.MULTILINE)]
    counts = [int(v) for v in re.findall(r"^    count: (\d+)$", front, re.MULTILINE)]
    return [PerspectiveInfo(i, n) for i, n in zip(ids, names, strict=True)], counts


def _sections(body: str) -> dict[str, list[str]]:
    """The body's lines by ``## `` heading (blank lines dropped).

    Split at "\n" only: titles in the earlier system's files hold U+2029, which ``splitlines``
    would take for a line break.
    """
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in body.split("\n"):
        if line.startswith("## "):
            current = sections.setdefault(line[3:], [])
        elif line and line != "<!--more-->":
            current.append(line)
    return sections


# Outlets that "also reported" a story, by perspective, for digests with coverage data.
_OTHER_OUTLETS = {"us": ("Associated Press", "https://apnews.com"),
                  "china": ("Global Times", "https://www.globaltimes.cn")}


def with_coverage(digest: Digest, *, thin: tuple[str, ...] = ()) -> Digest:
    """The digest with what classify adds for the site: related reports and ``covered_by``
    (two stories in three are reported by both sides, the third by its own side only; the
    three Westinghouse reports are one story), and per-perspective coverage counts, where the
    perspectives in ``thin`` carry the coverage-health warning."""
    ids = [p.id for p in digest.classified.perspectives]
    articles = list(digest.classified.articles)
    westinghouse = [listed for listed in articles if "Westinghouse" in listed.article.title]
    story_of = {listed.article.id: westinghouse[0].article.id for listed in westinghouse}
    updated = []
    for index, listed in enumerate(articles):
        own = listed.perspective
        other = next(p for p in ids if p != own)
        side = other if index % 3 != 2 else own
        name, home = _OTHER_OUTLETS.get(side, ("Example Wire", "https://wire.example.org"))
        related = (RelatedReport(f"Report on: {listed.article.title}",
                                 f"{home}/story/{listed.article.id}", name, side),)
        covered = tuple(p for p in ids if p in {own, side})
        updated.append(replace(listed, story=story_of.get(listed.article.id, listed.story),
                               related=related, covered_by=covered))
    coverage = {
        pid: Coverage(fetched=60 - 20 * i, in_window=40 - 12 * i, on_topic=22 - 6 * i,
                      listed=digest.classified.count(pid), thin=pid in thin)
        for i, pid in enumerate(ids)
    }
    classified = replace(digest.classified, articles=tuple(updated), coverage=coverage)
    return replace(digest, classified=classified)
