"""A fast path for the feeds fetched most: well-formed RSS 2.0 and Atom 1.0 in UTF-8.

feedparser is thorough and slow: about 2 ms per Google News item, so a 100-item feed costs
a fifth of a second of CPU. ``extract`` reads the same documents with lxml and returns the
channel and entries as feedparser would for the keys ``feeds.py`` reads (``title``,
``title_detail.type``, ``link``, ``source``, ``published_parsed``, ``updated_parsed``,
``summary``, ``summary_detail.type``). Each rule below follows feedparser 6 (``mixin.py``
``pop``, ``namespaces/_base.py``), reusing its helpers where they decide a value;
tests/test_feeds_fast.py holds both paths to the same articles on feedparser's own test
corpus and on Google News feeds.

The shape handled is deliberately narrow; for anything else (other formats or encodings,
a DOCTYPE, ``xml:base``, unknown elements or namespaces, markup inside text, repeated
elements whose order feedparser resolves in its own way) ``extract`` returns None and the
caller uses feedparser. The document is hostile: the parser never touches the network,
loads no DTD, expands no entities and refuses huge trees.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import threading
from collections.abc import Callable
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.datetimes.rfc822 import _parse_date_rfc822
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
_A = f"{{{ATOM}}}"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Namespaces whose mere declaration makes feedparser call a document RSS 1.0 or 0.90.
_OTHER_FORMATS = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/",
                  "backend.userland.com/rss")
_XML_ENCODING = re.compile(rb'^<\?.*encoding=[\'"](.*?)[\'"].*\?>')  # as feedparser
_ANY_BASE = etree.XPath("boolean(//@*[local-name()='base'])")  # xml:base, or feedparser's base
_C1 = re.compile("[\x80-\x9f]")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = {"text": "text/plain", "html": "text/html", "text/plain": "text/plain",
               "text/html": "text/html"}

Extracted = tuple[dict[str, Any], list[dict[str, Any]]]


class _Unsure(Exception):
    """The document is outside the fast path's shape: feedparser decides."""


def extract(content: bytes, feed_url: str, content_type: str) -> Extracted | None:
    """The channel and entries feedparser would give, or None to let feedparser parse."""
    if not _utf8_xml(content, content_type):
        return None
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError:
        return None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.xml_version not in ("1.0", None) or _ANY_BASE(root):
        return None
    base = _base_uri(feed_url)
    try:
        if root.tag == "rss" and root.get("version") == "2.0":
            return _rss(root, base)
        if root.tag == f"{_A}feed" and set(root.nsmap.values()) == {ATOM}:
            return _atom(root, base)
    except _Unsure:
        return None
    return None


_local = threading.local()


def _parser() -> etree.XMLParser:
    """One parser per thread (lxml parsers must not be shared between threads)."""
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, recover=False)
        _local.parser = parser
    return parser


def _utf8_xml(content: bytes, content_type: str) -> bool:
    """Whether feedparser would decode ``content`` as UTF-8 without complaint (RFC 3023 as
    feedparser applies it: its ``encodings.convert_to_utf8``) and lxml would agree."""
    media, _, parameters = content_type.partition(";")
    media = media.strip()  # feedparser compares it case-sensitively
    charset = ""
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    if media == "application/xml" or (media.startswith("application/")
                                      and media.endswith("+xml")):
        pass
    elif media == "text/xml" or (media.startswith("text/") and media.endswith("+xml")):
        if not charset:
            return False  # feedparser takes this as US-ASCII and flags the feed
    else:
        return False
    if charset not in ("", "utf-8", "utf8"):
        return False
    body = content[3:] if content.startswith(codecs.BOM_UTF8) else content
    # lxml reads the declaration's encoding; feedparser's own pattern (which can run past the
    # declaration, to the end of the first line) only matters when no charset was sent.
    end = body.find(b"?>", 0, 1024)
    if end < 0 and body.startswith(b"<?xml"):
        return False  # a declaration too long to read cheaply
    declarations = [body[:end + 2]] if end >= 0 else []
    if not charset and not media.startswith("text/"):
        declarations.append(body[:body.find(b"\n")] if b"\n" in body else body)
    for declaration in declarations:
        declared = _XML_ENCODING.match(declaration)
        if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
            return False
    if b"\x00" in body[:4] or body[:2] in (b"\xfe\xff", b"\xff\xfe") or body.startswith(
            b"\x4c\x6f\xa7\x94"):
        return False  # UTF-16/32 or EBCDIC, which lxml and feedparser would each detect
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _base_uri(feed_url: str) -> str:
    """The base feedparser resolves links against: the content-location, passed through
    ``make_safe_absolute_uri`` once per element level (stable after a few)."""
    base = feed_url
    for _ in range(4):
        following = (make_safe_absolute_uri(base, base) or base) if base else _urljoin("", "")
        if following == base:
            break
        base = following
    return base


# -- values as feedparser's pop() leaves them ----------------------------------------------

# An absolute http(s) URL that urllib's urljoin returns unchanged: ASCII host, no params
# (";"), no fragment, no empty query, nothing urlsplit strips or rejects.
_SIMPLE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?"
                         r"(?:/[^\s?#;\\\[\]]*)?(?:\?[^\s#\\]+)?")


def _join(base: str, uri: str) -> str:
    """feedparser's ``_urljoin(base, uri)`` for a link (an empty one is left alone), without
    the cost of urllib for the common absolute URL it would not change."""
    if not uri or _SIMPLE_URL.fullmatch(uri):
        return uri
    return str(_urljoin(base, uri))


def _date(value: str) -> Any:
    """feedparser's ``_parse_date``. Its first handler (W3C-DTF) rejects any value starting
    with a letter, so RFC 822 dates ("Thu, 12 Feb 2026 …") go straight to its second."""
    if value[:1].isalpha():
        try:
            parsed = _parse_date_rfc822(value)
        except (KeyError, OverflowError, ValueError, AttributeError):
            parsed = None
        if parsed and len(parsed) == 9:
            return parsed
    return _parse_date(value)



def _finish(text: str) -> str:
    """feedparser's last steps for every text value: undo UTF-8 read as Latin-1, then map
    the C1 range as Windows-1252 does. Neither changes ASCII (most of a feed)."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_cp1252) if _C1.search(text) else text


def _text(element: Any, allowed: frozenset[str] = frozenset()) -> str:
    """The stripped text of an element without children (comments count) or other attributes."""
    if len(element):
        raise _Unsure
    _attributes(element, allowed)
    return str(element.text or "").strip()


def _attributes(element: Any, allowed: frozenset[str]) -> dict[str, str]:
    """The element's attributes by lower-cased name (as feedparser sees them)."""
    found = {}
    for name in element.keys():  # noqa: SIM118 (cheaper than building .attrib)
        key = str(name).lower()
        if name != _LANG and key not in allowed:
            raise _Unsure
        found[key] = str(element.get(name))
    return found


def _typed_text(element: Any, default: str) -> tuple[str, str]:
    """Text and content type of a title/summary/content element."""
    attributes = _attributes(element, frozenset({"type"}))
    kind = _TEXT_TYPES.get(attributes.get("type", default).lower())
    if kind is None:
        raise _Unsure  # xhtml (markup as child elements), base64, other media types
    return _text(element, frozenset({"type"})), kind


def _title(value: str, kind: str, atom: bool) -> dict[str, Any]:
    # RSS titles are nominally plain text; feedparser guesses HTML from the text itself.
    if not atom and kind == "text/plain" and _FeedParserMixin.looks_like_html(value):
        kind = "text/html"
    return {"title": _finish(value), "title_detail": {"type": kind}}


def _children(element: Any) -> list[Any]:
    """Child elements; comments and processing instructions between them are ignored."""
    return [child for child in element if isinstance(child.tag, str)]


def _single(children: list[Any], tags: Callable[[str], bool]) -> None:
    seen: set[str] = set()
    for child in children:
        if tags(child.tag):
            if child.tag in seen:
                raise _Unsure  # feedparser resolves repeats by position; not worth copying
            seen.add(child.tag)


# -- RSS 2.0 --------------------------------------------------------------------------------

_RSS_CHANNEL_SKIP = frozenset({"description", "language", "copyright", "managingEditor",
                               "webMaster", "pubDate", "lastBuildDate", "generator", "docs",
                               "ttl", "cloud"})
_IMAGE_CHILDREN = frozenset({"title", "url", "link", "width", "height", "description"})
# What an item's children may carry: their attributes, and whether they may repeat.
_ITEM_CHILDREN = {"title": (), "link": (), "description": (), "pubDate": (), "guid": (
    "isPermaLink",), "source": ("url",), "author": (), "comments": ()}
_ITEM_REPEATED = {"category": ("domain",), "enclosure": ("url", "length", "type")}


def _rss(root: Any, base: str) -> Extracted:
    if any(other in uri.lower() for uri in root.nsmap.values() for other in _OTHER_FORMATS):
        raise _Unsure
    children = _children(root)
    if len(children) != 1 or children[0].tag != "channel" or children[0].attrib:
        raise _Unsure
    channel: dict[str, Any] = {}
    entries = []
    elements = _children(children[0])
    _single(elements, lambda tag: tag != "item" and tag != "category" and tag != f"{_A}link")
    for element in elements:
        tag = element.tag
        if tag == "item":
            entries.append(_rss_item(element, base))
        elif tag == "title":
            channel.update(_title(_text(element), "text/plain", atom=False))
        elif tag == "link":
            link = _text(element)
            link = _finish(_join(base, link))
            channel["link"] = _AMPERSAND_NAME.sub(r"&\g<1>", link)  # as feedparser
        elif tag == f"{_A}link":
            attributes = _attributes(element, frozenset({"rel", "href", "type", "title",
                                                         "hreflang", "length"}))
            # Only a rel other than "alternate" leaves the channel's link alone.
            if len(element) or "href" not in attributes or attributes.get(
                    "rel", "alternate").lower() == "alternate":
                raise _Unsure
        elif tag == "category":
            _text(element, frozenset({"domain"}))
        elif tag == "image":
            _attributes(element, frozenset())
            for child in _children(element):
                if child.tag not in _IMAGE_CHILDREN:
                    raise _Unsure
                _text(child)
        elif tag in _RSS_CHANNEL_SKIP:
            _text(element, frozenset({"domain", "port", "path", "registerprocedure",
                                      "protocol"}) if tag == "cloud" else frozenset())
        else:
            raise _Unsure
    return channel, entries


# feedparser's repair of "&amp;name;" left in links by double escaping
_AMPERSAND_NAME = re.compile("&([A-Za-z0-9_]+);")


def _rss_item(item: Any, base: str) -> dict[str, Any]:
    if item.keys():
        raise _Unsure  # rdf:about, CDF's lastmod and href all feed into the entry
    entry: dict[str, Any] = {}
    guid_link = None
    seen = set()
    for element in item:
        tag = element.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction between elements
        allowed = _ITEM_CHILDREN.get(tag)
        if allowed is None:
            allowed = _ITEM_REPEATED.get(tag)
            if allowed is None:
                raise _Unsure  # an element (or namespace) feedparser may read differently
        elif tag in seen:
            raise _Unsure  # feedparser resolves repeats by position; not worth copying
        seen.add(tag)
        if len(element) or any(name not in allowed and name != _LANG
                                for name in element.keys()):  # noqa: SIM118
            raise _Unsure  # markup or comments inside the text, or unexpected attributes
        value = (element.text or "").strip()
        if tag == "title":
            entry.update(_title(value, "text/plain", atom=False))
        elif tag == "link":
            link = _finish(_join(base, value))
            entry["link"] = _AMPERSAND_NAME.sub(r"&\g<1>", link.replace("&amp;", "&"))
        elif tag == "guid":
            # A permalink guid (the default) is the entry's link if it has no <link>.
            if element.get("isPermaLink", "true") == "true":
                guid_link = _finish(_join(base, value))
        elif tag == "description":
            entry["summary"] = _finish(value)
            entry["summary_detail"] = {"type": "text/html"}
        elif tag == "pubDate":
            entry["published_parsed"] = _date(_finish(value))
        elif tag == "source":
            href = element.get("url")
            source = {} if href is None else {"href": href}
            name = _finish(value)
            if name:
                source["title"] = name
            entry["source"] = source
    if guid_link is not None and "link" not in entry:
        entry["link"] = guid_link
    return entry


# -- Atom 1.0 -------------------------------------------------------------------------------

_LINK_ATTRIBUTES = frozenset({"rel", "href", "type", "title", "hreflang", "length"})
_PERSON_CHILDREN = frozenset({f"{_A}name", f"{_A}email", f"{_A}uri"})


def _atom(root: Any, base: str) -> Extracted:
    _attributes(root, frozenset())  # a version attribute means Atom 0.3
    channel: dict[str, Any] = {}
    entries = []
    elements = _children(root)
    _single(elements, lambda tag: tag not in (f"{_A}entry", f"{_A}link", f"{_A}category",
                                              f"{_A}author", f"{_A}contributor"))
    feed_id = None
    for element in elements:
        tag = element.tag
        if tag == f"{_A}entry":
            entries.append(_atom_entry(element, base))
        elif tag == f"{_A}title":
            value, kind = _typed_text(element, "text")
            channel.update(_title(value, kind, atom=True))
        elif tag == f"{_A}link":
            _atom_link(element, base, channel)
        elif tag == f"{_A}id":
            feed_id = _id(element, base)
        elif not _atom_common(element):
            if tag in (f"{_A}subtitle", f"{_A}rights"):
                _typed_text(element, "text")
            elif tag == f"{_A}generator":
                _text(element, frozenset({"uri", "version"}))
            elif tag in (f"{_A}icon", f"{_A}logo"):
                _text(element)
            else:
                raise _Unsure
    if feed_id is not None:
        channel.setdefault("link", feed_id)  # as an entry's, the feed's id stands in
    return channel, entries


def _atom_entry(entry_element: Any, base: str) -> dict[str, Any]:
    _attributes(entry_element, frozenset())
    entry: dict[str, Any] = {}
    elements = _children(entry_element)
    _single(elements, lambda tag: tag not in (f"{_A}link", f"{_A}category", f"{_A}author",
                                              f"{_A}contributor"))
    entry_id = content = None
    for element in elements:
        tag = element.tag
        if tag == f"{_A}title":
            value, kind = _typed_text(element, "text")
            entry.update(_title(value, kind, atom=True))
        elif tag == f"{_A}link":
            _atom_link(element, base, entry)
        elif tag == f"{_A}id":
            entry_id = _id(element, base)
        elif tag == f"{_A}published":
            entry["published_parsed"] = _date(_finish(_text(element)))
        elif tag == f"{_A}updated":
            entry["updated_parsed"] = _date(_finish(_text(element)))
        elif tag == f"{_A}summary":
            value, kind = _typed_text(element, "text")
            entry["summary"] = _finish(value)
            entry["summary_detail"] = {"type": kind}
        elif tag == f"{_A}content":
            value, _ = _typed_text(element, "text")  # src= (content elsewhere) is refused
            content = _finish(value)
        elif tag == f"{_A}rights":
            _typed_text(element, "text")
        elif not _atom_common(element):
            raise _Unsure
    # feedparser copies text or HTML content into a missing summary (without its type),
    # and an entry's id (a permalink unless it says otherwise) into a missing link.
    if content is not None:
        entry.setdefault("summary", content)
    if entry_id is not None:
        entry.setdefault("link", entry_id)
    return entry


def _atom_link(element: Any, base: str, context: dict[str, Any]) -> None:
    """feedparser's ``_start_link``: the last alternate HTML link is the context's link."""
    attributes = _attributes(element, _LINK_ATTRIBUTES)
    if len(element) or "href" not in attributes:
        raise _Unsure  # without href, feedparser reads the element's text as the link
    rel = attributes.get("rel", "alternate").lower()
    kind = attributes.get("type", "application/atom+xml" if rel == "self" else "text/html")
    if rel == "alternate" and _FeedParserMixin.map_content_type(kind.lower()) in _HTML_TYPES:
        context["link"] = _urljoin(base, attributes["href"])


def _id(element: Any, base: str) -> str:
    value = _text(element)
    return _finish(_join(base, value))


def _atom_common(element: Any) -> bool:
    """Skip (after checking) the elements that never reach our fields."""
    tag = element.tag
    if tag in (f"{_A}author", f"{_A}contributor"):
        _attributes(element, frozenset())
        for child in _children(element):
            if child.tag not in _PERSON_CHILDREN:
                raise _Unsure
            _text(child)
        return True
    if tag == f"{_A}category":
        _text(element, frozenset({"term", "scheme", "label"}))
        return True
    if tag == f"{_A}updated":
        _text(element)
        return True
    return False
