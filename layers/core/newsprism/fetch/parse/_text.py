"""Feed text as plain text: titles, outlet names and descriptions.

Feed text is untrusted; it is kept as plain text here (escaping is the renderer's job).
"""

from __future__ import annotations

import html
import re

# A run of C0/C1 control characters (Unicode category Cc), with the ASCII spaces around it.
_CONTROL_RUN = re.compile(r" *[\x00-\x1f\x7f-\x9f][\x00-\x1f\x7f-\x9f ]*")
_TAG = re.compile(r"<[^>]*>")
# Script and style bodies are code, not text (a description is hostile HTML).
# (ASCII: as in HTML, "<ſcript>" is no script tag, though Unicode case-folding says it is.)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL | re.ASCII)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def clean_text(text: str) -> str:
    """Replace each run of control characters (and the spaces beside it) by one space, strip.

    Other unusual characters (U+00A0, U+2028, U+200B) stay: the earlier system's digests
    carry them verbatim, and the Markdown output must match it.
    """
    if text.isprintable():  # no control character (the common case), nothing to replace
        return text.strip()
    return _CONTROL_RUN.sub(" ", text).strip()


def title_text(value: str, kind: str) -> str:
    """Plain text of a title: feedparser leaves HTML-typed titles (Atom ``type="html"`` or
    ``"xhtml"``) as markup, which we reduce to text; plain-text titles are already decoded."""
    if kind in HTML_TYPES:
        value = html.unescape(_TAG.sub("", value))
    return clean_text(value)


def description_text(value: str, kind: str) -> str:
    """A description as plain text with its white space collapsed: HTML (as RSS descriptions
    are) loses its script and style bodies and its tags, and its entities are decoded."""
    if kind in HTML_TYPES:
        value = html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", value)))
    return collapsed(_CONTROL_RUN.sub(" ", value))


def collapsed(text: str) -> str:
    """The words of ``text`` joined by single spaces."""
    return " ".join(text.split())
