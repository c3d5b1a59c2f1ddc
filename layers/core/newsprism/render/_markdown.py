"""The digest as Markdown: the earlier system's format byte for byte, or, where outlets'
countries decide the sides (``attribution = "source"``), the product format that shows them.

Both formats are docs/design.md, "Markdown". A digest under "feed" attribution (and so every
digest of the earlier system's ``topics.json``) is written in the earlier format.

The file is a Hugo page: YAML front matter, the highlights, ``<!--more-->`` (Hugo's summary
divider) and the numbered source list. Feed text is hostile, so every piece of it is escaped
to render as the plain text it is, in Hugo as in any CommonMark renderer (CommonMark 0.31
§2.4 backslash escapes, which goldmark and Hugo honour); the escapes change nothing for
ordinary headlines, which is why the seed still comes out unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, date

from newsprism.documents import (
    OTHER,
    Bullet,
    Classified,
    ContinuingStory,
    Digest,
    ListedArticle,
    format_time,
)
from newsprism.outlets import country_name
from newsprism.render._compare import Headline, compared_events
from newsprism.render._continuing import unverified
from newsprism.render._sources import locale_label

# Characters that start emphasis, links, images, footnotes, code spans, autolinks or raw HTML,
# and the backslash itself. "~" too: Hugo's Goldmark renders "~~text~~" as strikethrough (GFM).
# "{" and "}": Hugo takes shortcodes ("{{< name >}}", "{{% name %}}") out of the page before
# its Markdown is read (gohugo/hugo#586: extracted, replaced by placeholders, then the markup
# is processed), so a Markdown escape of "<" or "%" leaves "{{" intact: "{{% nosuchshortcode
# %}}" failed the build (issue 22). With every brace escaped no "{{" or "}}" is left for Hugo
# to find ("\{\{%"), and the escapes render as the braces they escape. (Hugo's own escape,
# "{{</* name */>}}", is for whole shortcodes in documentation: it would change any other text.)
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>~{}])")
# What goldmark's linkify extension (on in Hugo by default: markup.goldmark.extensions.linkify,
# gohugo.io/configuration/markup) makes a link of, with either "unsafe": a "www." host, a
# URL with "http:", "https:" or "ftp:" and "//", an e-mail address (goldmark's
# extension/linkify.go matches those prefixes and "@" on the raw source, at the start of a
# line, after a space, "*", "_", "~", "(" or any inline element). A backslash before the "."
# of "www.", the ":" of "://" or the "@" breaks each prefix and still renders the character
# itself. Inside a link's text linkify does not run (``pc.IsInLinkLabel()``), and the earlier
# system's titles there hold URLs that must stay as they were (venezuela/2026-05-30).
_LINKIFIED = re.compile(r"(?<=www)(?=\.)|(?=://)|(?=@)", re.IGNORECASE)
# "&amp;", "&#60;": an entity reference would be decoded (CommonMark §2.5); a bare "&" is text.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# A line ending (LF or CR, CommonMark §2.1) would end the list item; the other C0 controls have
# no business in a line either. U+2028 and friends are not line endings there: kept verbatim.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# At the start of a bullet's text these open a heading, block quote, nested list or thematic
# break inside the list item (CommonMark §4.2, §5.1-5.3).
_LEADING_MARKER = re.compile(r"^(?:[#>+-]|(\d{1,9})([.)]))")
# A link destination ends at a space or an unbalanced ")" and may not hold "<", ">" or control
# characters (CommonMark §6.3): those are percent-encoded (RFC 3986 §2.1). Braces too: Hugo
# would read "{{<" or "{{%" in a destination as a shortcode (see _INLINE_SPECIAL), and URL
# parsers percent-encode them in a path anyway (WHATWG URL, "path percent-encode set").
_URL_BREAKING = re.compile(r"[\x00-\x20\x7f()<>{}]")
# Only web links are written as links; anything else ("javascript:", "data:") stays text.
_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
# JSON leaves these unescaped, but YAML forbids or folds them inside a double-quoted scalar.
_YAML_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# The product format's notes: plain text, nothing to escape.
OTHERS_HEADING = "### Other Countries"
OTHERS_NOTE = ("Outlets from countries no perspective of this topic stands for. Listed for "
               "context, they count for no perspective.")
COMPARED_HEADING = "## How Each Side Reported It"
CONTINUING_HEADING = "## Continuing"
UNVERIFIED_NOTE = ("Unverified: the source registry does not know the outlet, or it is an "
                   "aggregator, so the article is listed under the perspective of the feed that "
                   "found it and does not count as that perspective's coverage.")


def render_markdown(digest: Digest) -> str:
    """The digest as a Hugo Markdown page: the product format under "source" attribution,
    the earlier system's otherwise."""
    classified = digest.classified
    product = classified.attribution == "source"
    articles = classified.articles
    blocks: list[list[str]] = [_front_matter(digest, product), ["## Overall Highlights"]]
    blocks += [_bullets(digest.highlights.overall), ["<!--more-->"]]
    if product and len(classified.perspectives) >= 2:
        blocks += _compared(classified)
    for perspective in classified.perspectives:
        name = escape_text(perspective.name)
        if product and perspective.countries:
            scope = "Outlets: " + ", ".join(_country(code) for code in perspective.countries)
        else:
            scope = f"{name} Sources"
        blocks.append([f"## {name} Perspective ({scope})"])
        if classified.count(perspective.id) == 0:
            blocks.append([f"- No {name} sources available for this time period."])
        else:
            blocks.append(_bullets(digest.highlights.perspectives.get(perspective.id, ())))
    if product and classified.continuing:
        blocks += [[CONTINUING_HEADING], [_continuing_line(classified, story)
                                          for story in classified.continuing]]
    noun = "article" if len(articles) == 1 else "articles"
    blocks.append(["## Sources"])
    blocks.append([f"This summary is based on {len(articles)} {noun} from the following sources:"])
    if not product:
        blocks.append([_source_line(number, listed) for number, listed in enumerate(articles, 1)])
    else:
        blocks += _product_sources(classified)
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"


def _product_sources(classified: Classified) -> list[list[str]]:
    """The sides' articles, each outlet with its country, then the other countries' under a
    heading of their own. Numbers are list positions, as on the page."""
    numbered = list(enumerate(classified.articles, 1))
    sides = [(n, listed) for n, listed in numbered if listed.perspective != OTHER]
    others = [(n, listed) for n, listed in numbered if listed.perspective == OTHER]
    blocks = [[_source_line(n, listed, _outlet_place(classified, listed)) for n, listed in sides]]
    if any(not classified.counts(listed) for _, listed in sides):
        blocks.append([UNVERIFIED_NOTE])
    if others:
        blocks += [[OTHERS_HEADING], [OTHERS_NOTE]]
        blocks.append([_source_line(n, listed, _outlet_place(classified, listed))
                       for n, listed in others])
    return blocks


def _outlet_place(classified: Classified, listed: ListedArticle) -> str:
    """What follows the outlet's name: ", Japan", ", unverified", ", Japan, unverified"."""
    unverified = listed.perspective != OTHER and not classified.counts(listed)
    return _place(listed.outlet_country, unverified)


def _place(code: str | None, unverified: bool) -> str:
    return _place_named(country_name(code) if code else "", unverified)


def _place_named(country: str, unverified: bool) -> str:
    where = f", {escape_text(country)}" if country else ""
    return where + (", unverified" if unverified else "")


def _compared(classified: Classified) -> list[list[str]]:
    """One item per event two sides or more reported: a line per side (hard line breaks,
    CommonMark §6.7) with its headlines and outlets, then the other countries'."""
    events = compared_events(classified)
    if not events:
        own = ("both sides' own outlets" if len(classified.perspectives) == 2
               else "more than one side's own outlets")
        return [[COMPARED_HEADING], [f"No event today was reported by {own}."]]
    items = []
    for event in events:
        lines = [f"{escape_text(side.name)}: " + _headlines(side.headlines, side.more)
                 for side in event.sides]
        if event.others:
            lines.append("Other countries: " + _headlines(event.others, event.more_others))
        lines = [_LEADING_MARKER.sub(_escape_marker, line) for line in lines]
        items.append("- " + "\\\n  ".join(lines))
    return [[COMPARED_HEADING], items]


def _headlines(headlines: Sequence[Headline], more: int) -> str:
    """ "[Title](url) - Outlet, Country; Outlet B, Country · [Other title](url) - …" """
    parts = []
    for headline in headlines:
        link = _linked(headline.title, headline.href)
        outlets = "; ".join(escape_text(o.name) + _place_named(o.country, o.unverified)
                            for o in headline.outlets)
        parts.append(f"{link} - {outlets}")
    if more:
        parts.append(f"and {more} more {'report' if more == 1 else 'reports'}")
    return " · ".join(parts) or "no report from its outlets"


def _continuing_line(classified: Classified, story: ContinuingStory) -> str:
    link = _linked(story.title, story.url)
    place = _place(story.outlet_country, unverified(classified, story))
    try:
        first = date.fromisoformat(story.first_listed)
        day = f"{first.month}/{first.day}/{first.year}"
    except ValueError:  # a damaged document's date, as stored
        day = escape_text(story.first_listed)
    today = f"{story.reports} {'report' if story.reports == 1 else 'reports'} today"
    line = f"{link} - {escape_text(story.source)}{place} (first listed {day}; {today})"
    return "- " + _LEADING_MARKER.sub(_escape_marker, line)


def _country(code: str | None) -> str:
    # A stored document is read back from a store: its country code is escaped like feed text.
    return escape_text(country_name(code or ""))


def _front_matter(digest: Digest, product: bool) -> list[str]:
    classified = digest.classified
    outlets = list(dict.fromkeys(listed.article.source for listed in classified.articles))
    lines = [
        "---",
        f"title: {_yaml_string(f'{classified.topic_name} News - {classified.date}')}",
        f"date: {format_time(classified.generated_at)}",
        f"topic: {classified.topic}",  # a slug (config checks it), written unquoted as before
        f"topicName: {_yaml_string(classified.topic_name)}",
        f"sources: [{', '.join(_yaml_string(outlet) for outlet in outlets)}]",
        f"articleCount: {len(classified.articles)}",
        "perspectives:",
    ]
    for perspective in classified.perspectives:
        lines += [
            f"  - id: {_yaml_string(perspective.id)}",
            f"    name: {_yaml_string(perspective.name)}",
            f"    count: {classified.count(perspective.id)}",
        ]
        if product:
            codes = ", ".join(_yaml_string(code) for code in perspective.countries)
            lines.append(f"    countries: [{codes}]")
    lines += [f"{p.id}Sources: {classified.count(p.id)}" for p in classified.perspectives]
    if product:  # not "{id}Sources": "other" could be a perspective's id
        lines.append(f"otherCountries: {classified.count(OTHER)}")
    return [*lines, "draft: false", "---"]


def _bullets(bullets: tuple[Bullet, ...]) -> list[str]:
    lines = []
    for bullet in bullets:
        text = escape_text(bullet.text).lstrip()  # leading spaces would make a code block
        if text.strip():
            lines.append("- " + _LEADING_MARKER.sub(_escape_marker, text))
    return lines


def _source_line(number: int, listed: ListedArticle, place: str = "") -> str:
    article = listed.article
    published = article.published.astimezone(UTC)
    # "[en-US] ", as the earlier system wrote it; "[en] " for a feed without a region, nothing
    # for one without a language or region (not "[-]", issue 22).
    locale = locale_label(article.language, article.region)
    prefix = f"[{escape_text(locale)}] " if locale else ""
    link = _linked(article.title, article.url)
    day = f"{published.month}/{published.day}/{published.year}"
    return f"{number}. {prefix}{link} - {escape_text(article.source)}{place} ({day})"


def escape_text(text: str, *, link_text: bool = False) -> str:
    """Feed text as Markdown that renders as exactly that text in Hugo: no markup, no raw
    HTML, no shortcode, no link; ``link_text`` when it is the text of a link, where nothing
    is made a link of (``_LINKIFIED``)."""
    text = _CONTROL.sub(" ", text)
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    if not link_text:
        text = _LINKIFIED.sub(r"\\", text)
    return _ENTITY.sub(r"\\&", text)


def _linked(title: str, url: str | None) -> str:
    """A headline as a link to ``url`` when that is a web URL, else as text."""
    if url and _WEB_URL.match(url):
        return f"[{escape_text(title, link_text=True)}]({escape_url(url)})"
    return escape_text(title)


def escape_url(url: str) -> str:
    """A URL as a Markdown link destination that ends where the URL ends."""
    url = _URL_BREAKING.sub(lambda match: f"%{ord(match.group()):02X}", url)
    # Backslash escapes and entities are decoded inside a destination too (CommonMark §6.3);
    # escaping them with a backslash keeps the URL's bytes (percent-encoding would change them).
    return _ENTITY.sub(r"\\&", url.replace("\\", "\\\\"))


def _escape_marker(match: re.Match[str]) -> str:
    if match.group(1):  # "2026. A year of ..." would start an ordered list
        return f"{match.group(1)}\\{match.group(2)}"
    return "\\" + match.group()


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar: JSON escaping (YAML 1.2 is a superset of JSON)."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", quoted)
