"""How feedparser leaves each value it reads (``mixin.py`` ``pop()``), for the lxml reader.

Every rule here copies feedparser 6 (the module and function each copies are named), so
that ``_fast`` yields the values feedparser would without importing any of its private
names (issue 18: each was a break waiting for a feedparser release). The copies are held to
feedparser by tests/fetch/parse/test_feeds_fast.py, which compares the two parsers field by
field on feedparser's own test corpus and on Google News feeds, through ``feedparser.parse``.
"""

from __future__ import annotations

import contextlib
import html.entities
import re
import urllib.parse
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from newsprism.fetch.parse._entries import Entry

LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# feedparser's repair of "&amp;name;" left in links by double escaping
AMPERSAND_NAME = re.compile("&([A-Za-z0-9_]+);")
_C1 = re.compile("[\x80-\x9f]")
_TEXT_TYPES = {"text": "text/plain", "html": "text/html", "text/plain": "text/plain",
               "text/html": "text/html"}


class Unsure(Exception):
    """The document is outside the fast path's shape: feedparser decides."""


# urls.py ACCEPTABLE_URI_SCHEMES
_ACCEPTABLE_URI_SCHEMES = frozenset({
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms",
    "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips",
    "snews", "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed",
    "git", "gtalk", "irc", "ircs", "irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg"})
# urls.py _urifixer ("+-." is the range from "+" to ".", as there)
_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
# html.py _cp1252: the C1 range read as Windows-1252, but for its five unassigned bytes
_CP1252 = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
           if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
# sanitizer.py _HTMLSanitizer.acceptable_elements, the tags looks_like_html accepts
_HTML_ELEMENT_NAMES = """
    a abbr acronym address area article aside audio b big blockquote br button canvas caption
    center cite code col colgroup command datagrid datalist dd del details dfn dialog dir div
    dl dt em event-source fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header
    hr i img input ins kbd keygen label legend li m map menu meter multicol nav nextid noscript
    ol optgroup option output p pre progress q s samp section select small sound source spacer
    span strike strong sub sup table tbody td textarea tfoot th thead time tr tt u ul var video
"""
_HTML_ELEMENTS = frozenset(_HTML_ELEMENT_NAMES.split())
_CLOSE_TAG = re.compile(r"</(\w+)>")
_ENTITY = re.compile(r"&#?\w+;")
_TAG_NAME = re.compile(r"</?(\w+)")
_ENTITY_NAME = re.compile(r"&(\w+);")


def urljoin(base: str, uri: str) -> str:
    """urls.py ``_urljoin``: urllib's join, after collapsing the slashes after a scheme's
    "://" (feedparser's repair of "http:///x"); "" where urllib refuses the URL."""
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def base_uri(feed_url: str) -> str:
    """The base feedparser resolves links against: the content-location, passed through
    ``make_safe_absolute_uri`` (urls.py) once per element level (stable after a few)."""
    base = feed_url
    for _ in range(4):
        if not base:
            break
        joined = urljoin(base, base)
        safe = joined if joined.strip().split(":", 1)[0] in _ACCEPTABLE_URI_SCHEMES else ""
        following = safe or base
        if following == base:
            break
        base = following
    return base


def map_content_type(content_type: str) -> str:
    """mixin.py ``map_content_type``: Atom's short type names as media types."""
    content_type = content_type.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html",
            "xhtml": "application/xhtml+xml"}.get(content_type, content_type)


def looks_like_html(text: str) -> bool:
    """mixin.py ``looks_like_html``: feedparser's guess that an RSS title is HTML: a close
    tag or an entity, only tags its sanitizer knows, only entities HTML defines."""
    if not (_CLOSE_TAG.search(text) or _ENTITY.search(text)):
        return False
    if any(tag.lower() not in _HTML_ELEMENTS for tag in _TAG_NAME.findall(text)):
        return False
    return all(name in html.entities.entitydefs for name in _ENTITY_NAME.findall(text))


# An absolute http(s) URL that urllib's urljoin returns unchanged: printable ASCII, no
# params (";"), no fragment, no empty query, nothing urlsplit strips or rejects. (Ranges of
# ASCII, not "[^\s…]": the regex engine tests those twice as fast as a Unicode category.)
_SIMPLE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?"
                         r'(?:/[!"$-:<->@-Z^-~]*)?'  # path: no ? # ; [ \ ]
                         r'(?:\?[!"$-\[\]-~]+)?')  # query: no # \


def feedparser_join(base: str, uri: str) -> str:
    """``urljoin(base, uri)`` for a link (an empty one is left alone), without the cost of
    urllib for the common absolute URL it would not change."""
    if not uri or _SIMPLE_URL.fullmatch(uri):
        return uri
    return urljoin(base, uri)


def finish(text: str) -> str:
    """feedparser's last steps for every text value: undo UTF-8 read as Latin-1, then map
    the C1 range as Windows-1252 does. Neither changes ASCII (most of a feed)."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_CP1252) if _C1.search(text) else text


def element_text(element: Any, allowed: frozenset[str] = frozenset()) -> str:
    """The stripped text of an element without children (comments count) or other attributes."""
    if len(element):
        raise Unsure
    element_attributes(element, allowed)
    return str(element.text or "").strip()


def element_attributes(element: Any, allowed: frozenset[str]) -> dict[str, str]:
    """The element's attributes by lower-cased name (as feedparser sees them)."""
    found = {}
    for name in element.keys():  # noqa: SIM118 (cheaper than building .attrib)
        key = str(name).lower()
        if name != LANG and key not in allowed:
            raise Unsure
        found[key] = str(element.get(name))
    return found


def typed_text(element: Any, default: str) -> tuple[str, str]:
    """Text and content type of a title/summary/content element."""
    attributes = element_attributes(element, frozenset({"type"}))
    kind = _TEXT_TYPES.get(attributes.get("type", default).lower())
    if kind is None:
        raise Unsure  # xhtml (markup as child elements), base64, other media types
    return element_text(element, frozenset({"type"})), kind


def title_fields(value: str, kind: str, atom: bool) -> tuple[str, str]:
    """A title and its type. RSS titles are nominally plain text; feedparser guesses HTML
    from the text itself."""
    # (looks_like_html wants a close tag or an entity: without "<" or "&" it says no)
    if (not atom and kind == "text/plain" and ("<" in value or "&" in value)
            and looks_like_html(value)):
        kind = "text/html"
    return finish(value), kind


def child_elements(element: Any) -> list[Any]:
    """Child elements; comments and processing instructions between them are ignored."""
    return [child for child in element if isinstance(child.tag, str)]


def check_single(children: list[Any], tags: Callable[[str], bool]) -> None:
    """Refuse a document where an element ``tags`` selects appears twice."""
    seen: set[str] = set()
    for child in children:
        if tags(child.tag):
            if child.tag in seen:
                raise Unsure  # feedparser resolves repeats by position; not worth copying
            seen.add(child.tag)


class ItemTexts(NamedTuple):
    """The text of each element of an RSS item that feedparser's entry reads (None: the
    item has no such element); ``guid`` with its isPermaLink, ``source`` with its url."""

    title: str | None
    link: str | None
    guid: tuple[str, bool] | None
    description: str | None
    published: str | None
    source: tuple[str, str | None] | None


def rss_entry(base: str, item: ItemTexts, published: datetime | None) -> Entry:
    """The entry feedparser makes of an RSS 2.0 item with these texts; ``published`` is its
    pubDate as ``_dates`` read it."""
    title_value, title_type = "", "text/plain"
    if item.title is not None:
        title_value, title_type = title_fields(item.title.strip(), "text/plain", atom=False)
    link_value = ""
    if item.link is not None:
        link_value = finish(feedparser_join(base, item.link.strip()))
        if "&" in link_value:
            link_value = AMPERSAND_NAME.sub(r"&\g<1>", link_value.replace("&amp;", "&"))
    elif item.guid is not None and item.guid[1]:
        # A permalink guid (the default) is the entry's link if it has no <link>.
        link_value = finish(feedparser_join(base, item.guid[0].strip()))
    source = None
    if item.source is not None:
        # The url attribute as given; a missing one is no href.
        source = (finish(item.source[0].strip()), item.source[1] or "")
    return Entry(
        title=title_value, title_type=title_type, link=link_value, source=source,
        published=published,
        summary="" if item.description is None else finish(item.description.strip()),
        summary_type="text/html")
