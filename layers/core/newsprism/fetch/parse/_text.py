"""Feed text as plain text: titles, outlet names and descriptions.

Feed text is untrusted; it is kept as plain text here (escaping is the renderer's job), put
through ``text.plain_text``, the one normalization every output relies on (docs/design.md,
"Markdown": control and invisible display characters out, lengths capped).
"""

from __future__ import annotations

import html
import re

from newsprism.text import OUTLET_LIMIT, SUMMARY_LIMIT, TITLE_LIMIT, capped, plain_text

_TAG = re.compile(r"<[^>]*>")
# Script and style bodies are code, not text (a description is hostile HTML).
# (ASCII: as in HTML, "<ſcript>" is no script tag, though Unicode case-folding says it is.)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL | re.ASCII)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def clean_text(text: str, limit: int = OUTLET_LIMIT) -> str:
    """``plain_text``, white space stripped at both ends: each run of control characters (and
    the spaces beside it) one space, bidirectional and other invisible display controls
    removed, at most ``limit`` characters (an outlet name's cap unless told).

    Other unusual characters (U+00A0, U+2028, U+200B) stay: the earlier system's digests
    carry them verbatim, and the Markdown output must match it.
    """
    return plain_text(text.strip(), limit).strip()


def title_text(value: str, kind: str, limit: int = TITLE_LIMIT) -> str:
    """Plain text of a title: feedparser leaves HTML-typed titles (Atom ``type="html"`` or
    ``"xhtml"``) as markup, which we reduce to text; plain-text titles are already decoded.

    Capped before Google News' " - {outlet}" suffix is removed: ``TITLE_LIMIT`` leaves room
    for it on every real headline (see there)."""
    if kind in HTML_TYPES:
        value = html.unescape(_TAG.sub("", value))
    return clean_text(value, limit)


def description_text(value: str, kind: str) -> str:
    """A description as plain text with its white space collapsed, at most ``SUMMARY_LIMIT``
    characters: HTML (as RSS descriptions are) loses its script and style bodies and its tags,
    and its entities are decoded."""
    if kind in HTML_TYPES:
        value = html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", value)))
    # Capped once collapsed: indentation left by the tags counts for nothing.
    return capped(collapsed(plain_text(value, len(value))), SUMMARY_LIMIT)


def collapsed(text: str) -> str:
    """The words of ``text`` joined by single spaces."""
    return " ".join(text.split())
