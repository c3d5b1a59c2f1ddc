"""Atom feeds (RFC 4287): one per topic and one for the whole site; an entry per digest whose
content is the digest's highlights and, where outlets' countries decide the sides, each
side's outlets and the other countries' with their countries.

Every piece of feed text is escaped twice over: as HTML inside the entry's content, and that
HTML as XML text. Characters XML 1.0 cannot carry at all (most C0 controls, surrogates,
U+FFFE/U+FFFF; XML 1.0 §2.2) are dropped first, or no reader could parse the feed.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr  # escaping only  # nosec B406

from newsprism.documents import format_time
from newsprism.render._manifest import Entry
from newsprism.render._sources import UNVERIFIED_NOTE
from newsprism.render._urls import digest_path, link
from newsprism.render._views import long_date

ATOM_NS = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FeedItem:
    """One digest in a feed."""

    topic: str
    topic_name: str
    entry: Entry
    sides: int = 2  # the topic's perspectives: "both sides" or "two sides or more"


def atom_feed(items: Sequence[FeedItem], *, path: str, title: str, subtitle: str,
              alternate: str, base: str | None) -> bytes:
    """The feed at site path ``path`` ("feed.xml", "us-china/feed.xml") with ``items`` newest
    first; ``alternate`` is the site path of the HTML page it mirrors. Links are relative to
    the feed's own address unless the site's base URL is known (RFC 4287 §2, xml:base)."""
    at = path.rpartition("/")[0] + "/" if "/" in path else ""
    items = sorted(items, key=lambda i: (i.entry.generated_at, i.topic), reverse=True)
    updated = max((item.entry.generated_at for item in items), default=None)
    where: dict[str, Any] = {"at": at, "base": base}
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang="en">',
        f"<id>{_id(path, base)}</id>",
        f"<title>{_text(title)}</title>",
        f"<subtitle>{_text(subtitle)}</subtitle>",
        f'<link rel="self" type="application/atom+xml" href={_attr(link(path, **where))}/>',
        f'<link rel="alternate" type="text/html" href={_attr(link(alternate, **where))}/>',
        # An empty feed still needs atom:updated (§4.1.1); the epoch says "nothing yet".
        f"<updated>{format_time(updated) if updated else '1970-01-01T00:00:00.000Z'}</updated>",
        "<author><name>newsprism</name></author>",
        "<generator>newsprism</generator>",
    ]
    for item in items:
        lines += _entry(item, at=at, base=base)
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode()


def _entry(item: FeedItem, *, at: str, base: str | None) -> list[str]:
    entry = item.entry
    page = digest_path(item.topic, entry.date)
    href = link(page, at=at, base=base)
    when = format_time(entry.generated_at)
    return [
        "<entry>",
        f"<id>{_id(page, base)}</id>",
        f"<title>{_text(f'{item.topic_name} — {long_date(entry.date)}')}</title>",
        f'<link rel="alternate" type="text/html" href={_attr(href)}/>',
        f"<published>{when}</published>",
        f"<updated>{when}</updated>",
        f"<category term={_attr(item.topic)} label={_attr(item.topic_name)}/>",
        f"<summary>{_text(entry.lead or 'No highlights for this day.')}</summary>",
        f'<content type="html">{_text(_content_html(entry, href, item.sides))}</content>',
        "</entry>",
    ]


def _content_html(entry: Entry, href: str, sides: int) -> str:
    """The highlights as HTML; each bullet escaped (the XML escaping comes on top)."""
    parts = []
    for section in entry.sections:
        parts.append(f"<h3>{html.escape(section.title)}</h3>")
        bullets = "".join(f"<li>{html.escape(bullet)}</li>" for bullet in section.bullets)
        if bullets or not section.outlets:  # the other countries have outlets, no highlights
            parts.append(f"<ul>{bullets}</ul>" if bullets else "<p>No highlights.</p>")
        if section.outlets:
            outlets = ", ".join(outlet.label for outlet in section.outlets)
            parts.append(f"<p>Outlets: {html.escape(outlets)}.</p>")
    if any(outlet.unverified for section in entry.sections for outlet in section.outlets):
        parts.append(f"<p>Unverified: {html.escape(UNVERIFIED_NOTE)}</p>")
    notes = [f"{entry.articles} article{'' if entry.articles == 1 else 's'}"
             + (f" ({entry.others} from other countries)" if entry.others else "")]
    if entry.compared:
        noun = "event" if entry.compared == 1 else "events"
        both = "both sides" if sides <= 2 else "two sides or more"
        notes.append(f"{entry.compared} {noun} {both} reported")
    if entry.blindspots:
        notes.append(f"{entry.blindspots} "
                     f"{'story' if entry.blindspots == 1 else 'stories'} covered by one side only")
    if entry.thin:
        notes.append("thin coverage on one side")
    if entry.continuing:
        notes.append(f"{entry.continuing} continuing "
                     f"{'story' if entry.continuing == 1 else 'stories'}")
    parts.append(f"<p>{html.escape(' · '.join(notes))}. "
                 f'<a href="{html.escape(href)}">Sources and coverage</a></p>')
    return "".join(parts)


def _id(path: str, base: str | None) -> str:
    """A permanent id (RFC 4287 §4.2.6): the page's URL when the site's base URL is known,
    else a name-based UUID (RFC 9562 §5.5) of the site path, the same on every run."""
    if base:
        return _text(base + path)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'newsprism:' + path)}"


def _text(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _attr(text: str) -> str:
    return quoteattr(_NOT_XML.sub("", text))
