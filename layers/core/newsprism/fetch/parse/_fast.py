"""A fast path for the feeds fetched most: well-formed RSS 2.0 and Atom 1.0 in UTF-8.

feedparser is thorough and slow: a production-shaped fetch invocation (one topic, two Google
News feeds of 100 items) costs seven times the CPU through feedparser alone that it costs
with this reader (bench/fetch_invocation.py). ``extract`` reads the same documents with lxml
and returns the channel as feedparser would for the keys ``_feeds`` reads (``title``,
``title_detail.type``, ``link``) and each entry as the ``Entry`` that feedparser's entry
gives. Each rule follows feedparser 6 (``mixin.py`` ``pop``, ``namespaces/_base.py``); the
per-value rules are in ``_fast_values``, the dates in ``_dates``. tests/fetch/parse/
test_feeds_fast.py holds both paths to the same entries and articles on feedparser's own
test corpus and on Google News feeds.

The shape handled is deliberately narrow; for anything else (other formats or encodings,
a DOCTYPE, ``xml:base``, unknown elements or namespaces, markup inside text, repeated
elements whose order feedparser resolves in its own way) ``extract`` returns None and the
caller uses feedparser. The document is hostile: the parser never touches the network,
loads no DTD, expands no entities and refuses huge trees.
"""

from __future__ import annotations

import codecs
import re
import threading
from typing import Any, NamedTuple

from lxml import etree

from newsprism.fetch.parse import _dates as dates
from newsprism.fetch.parse._entries import Entry
from newsprism.fetch.parse._fast_values import (
    AMPERSAND_NAME,
    LANG,
    ItemTexts,
    Unsure,
    base_uri,
    check_single,
    child_elements,
    element_attributes,
    element_text,
    feedparser_join,
    finish,
    map_content_type,
    rss_entry,
    title_fields,
    typed_text,
    urljoin,
)

ATOM = "http://www.w3.org/2005/Atom"
_A = f"{{{ATOM}}}"
# Namespaces whose mere declaration makes feedparser call a document RSS 1.0 or 0.90.
_OTHER_FORMATS = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/",
                  "backend.userland.com/rss")
_XML_ENCODING = re.compile(rb'^<\?.*encoding=[\'"](.*?)[\'"].*\?>')  # as feedparser
_ANY_BASE = etree.XPath("boolean(//@*[local-name()='base'])")  # xml:base, or feedparser's base
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

Extracted = tuple[dict[str, Any], list[Entry]]


def extract(content: bytes, feed_url: str, content_type: str) -> Extracted | None:
    """The channel and entries feedparser would give, or None to let feedparser parse."""
    if not _utf8_xml(content, content_type):
        return None
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError:
        return None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.xml_version not in ("1.0", None):
        return None
    base = base_uri(feed_url)
    try:
        if root.tag == "rss" and root.get("version") == "2.0":
            extracted = _rss(root, base)
        elif root.tag == f"{_A}feed" and set(root.nsmap.values()) == {ATOM}:
            extracted = _atom(root, base)
        else:
            return None
    except Unsure:
        return None
    # Checked last, and only when the bytes could hold such an attribute: after an XPath
    # query, walking the tree costs lxml half as much again (bench/fetch_bench.py).
    if b"base" in content and _ANY_BASE(root):
        return None
    return extracted


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
        line = body[:body.find(b"\n")] if b"\n" in body else body
        # The pattern backtracks over the whole line, often the whole document (Google News
        # sends one line): only an "encoding=" after the declaration can change its answer.
        if line.find(b"encoding=", end + 2 if end >= 0 else 0) >= 0:
            declarations.append(line)
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


# -- RSS 2.0 --------------------------------------------------------------------------------

_RSS_CHANNEL_SKIP = frozenset({"description", "language", "copyright", "managingEditor",
                               "webMaster", "pubDate", "lastBuildDate", "generator", "docs",
                               "ttl", "cloud"})
_IMAGE_CHILDREN = frozenset({"title", "url", "link", "width", "height", "description"})
_CLOUD_ATTRIBUTES = frozenset({"domain", "port", "path", "registerprocedure", "protocol"})
_LINK_ATTRIBUTES = frozenset({"rel", "href", "type", "title", "hreflang", "length"})
# The children an item may have and the attributes each may carry (xml:lang on any);
# only categories and enclosures may repeat.
_ITEM_ATTRIBUTES = {tag: frozenset({LANG, *names}) for tag, names in (
    ("title", ()), ("link", ()), ("description", ()), ("pubDate", ()), ("author", ()),
    ("comments", ()), ("guid", ("isPermaLink",)), ("source", ("url",)),
    ("category", ("domain",)), ("enclosure", ("url", "length", "type")))}
_ITEM_REPEATS = frozenset({"category", "enclosure"})


def _rss(root: Any, base: str) -> Extracted:
    if any(other in uri.lower() for uri in root.nsmap.values() for other in _OTHER_FORMATS):
        raise Unsure
    children = child_elements(root)
    if len(children) != 1 or children[0].tag != "channel" or children[0].attrib:
        raise Unsure
    channel: dict[str, Any] = {}
    items = []
    elements = child_elements(children[0])
    check_single(elements, lambda tag: tag != "item" and tag != "category" and tag != f"{_A}link")
    for element in elements:
        tag = element.tag
        if tag == "item":
            items.append(element)
        elif tag == "title":
            _set_title(channel, element_text(element), "text/plain", atom=False)
        elif tag == "link":
            link = element_text(element)
            link = finish(feedparser_join(base, link))
            channel["link"] = AMPERSAND_NAME.sub(r"&\g<1>", link)  # as feedparser
        elif tag == f"{_A}link":
            attributes = element_attributes(element, _LINK_ATTRIBUTES)
            # Only a rel other than "alternate" leaves the channel's link alone.
            if len(element) or "href" not in attributes or attributes.get(
                    "rel", "alternate").lower() == "alternate":
                raise Unsure
        elif tag == "category":
            element_text(element, frozenset({"domain"}))
        elif tag == "image":
            element_attributes(element, frozenset())
            for child in child_elements(element):
                if child.tag not in _IMAGE_CHILDREN:
                    raise Unsure
                element_text(child)
        elif tag in _RSS_CHANNEL_SKIP:
            element_text(element, _CLOUD_ATTRIBUTES if tag == "cloud" else frozenset())
        else:
            raise Unsure
    texts = [_rss_item(item) for item in items]
    published = dates.read([None if text.published is None else text.published.strip()
                            for text in texts])
    return channel, [rss_entry(base, text, dates.utc(moment))
                     for text, moment in zip(texts, published, strict=True)]


def _rss_item(item: Any) -> ItemTexts:
    """One item's texts: each child is checked once, then the few needed are read by name."""
    if item.keys():
        raise Unsure  # rdf:about, CDF's lastmod and href all feed into the entry
    children: dict[str, Any] = {}
    for element in item:
        tag = element.tag
        allowed = _ITEM_ATTRIBUTES.get(tag)
        if allowed is None:
            if isinstance(tag, str):
                raise Unsure  # an element (or namespace) feedparser may read differently
            continue  # a comment or processing instruction between elements
        if len(element) or not allowed.issuperset(element.keys()):
            raise Unsure  # markup or comments inside the text, or unexpected attributes
        if tag in children:
            raise Unsure  # feedparser resolves repeats by position; not worth copying
        if tag not in _ITEM_REPEATS:
            children[tag] = element
    guid = children.get("guid")
    source = children.get("source")
    return ItemTexts(
        title=_text_of(children.get("title")), link=_text_of(children.get("link")),
        guid=None if guid is None else (guid.text or "", guid.get("isPermaLink", "true") == "true"),
        description=_text_of(children.get("description")),
        published=_text_of(children.get("pubDate")),
        source=None if source is None else (source.text or "", source.get("url")))


def _text_of(element: Any) -> str | None:
    return None if element is None else element.text or ""


# -- Atom 1.0 -------------------------------------------------------------------------------

_PERSON_CHILDREN = frozenset({f"{_A}name", f"{_A}email", f"{_A}uri"})


def _atom(root: Any, base: str) -> Extracted:
    element_attributes(root, frozenset())  # a version attribute means Atom 0.3
    channel: dict[str, Any] = {}
    entries: list[_AtomEntry] = []
    elements = child_elements(root)
    check_single(elements, lambda tag: tag not in (f"{_A}entry", f"{_A}link", f"{_A}category",
                                                   f"{_A}author", f"{_A}contributor"))
    feed_id = None
    for element in elements:
        tag = element.tag
        if tag == f"{_A}entry":
            entries.append(_atom_entry(element, base))
        elif tag == f"{_A}title":
            value, kind = typed_text(element, "text")
            _set_title(channel, value, kind, atom=True)
        elif tag == f"{_A}link":
            _atom_link(element, base, channel)
        elif tag == f"{_A}id":
            feed_id = _id(element, base)
        elif not _atom_common(element):
            if tag in (f"{_A}subtitle", f"{_A}rights"):
                typed_text(element, "text")
            elif tag == f"{_A}generator":
                element_text(element, frozenset({"uri", "version"}))
            elif tag in (f"{_A}icon", f"{_A}logo"):
                element_text(element)
            else:
                raise Unsure
    if feed_id is not None:
        channel.setdefault("link", feed_id)  # as an entry's, the feed's id stands in
    moments = dates.read([date for entry in entries for date in (entry.published,
                                                                 entry.updated)])
    return channel, [
        Entry(title=entry.title, title_type=entry.title_type, link=entry.link, source=None,
              # feedparser's entry is dated when it was published, else when updated.
              published=dates.utc(published if published is not None else updated),
              summary=entry.summary, summary_type=entry.summary_type)
        for entry, published, updated in zip(entries, moments[::2], moments[1::2],
                                             strict=True)]


class _AtomEntry(NamedTuple):
    """An Atom entry's values; its dates as written (None: no such element)."""

    title: str
    title_type: str
    link: str
    published: str | None
    updated: str | None
    summary: str
    summary_type: str


def _atom_entry(entry_element: Any, base: str) -> _AtomEntry:
    element_attributes(entry_element, frozenset())
    entry: dict[str, Any] = {}
    elements = child_elements(entry_element)
    check_single(elements, lambda tag: tag not in (f"{_A}link", f"{_A}category", f"{_A}author",
                                                   f"{_A}contributor"))
    entry_id = content = None
    for element in elements:
        tag = element.tag
        if tag == f"{_A}title":
            value, kind = typed_text(element, "text")
            _set_title(entry, value, kind, atom=True)
        elif tag == f"{_A}link":
            _atom_link(element, base, entry)
        elif tag == f"{_A}id":
            entry_id = _id(element, base)
        elif tag == f"{_A}published":
            entry["published"] = element_text(element)
        elif tag == f"{_A}updated":
            entry["updated"] = element_text(element)
        elif tag == f"{_A}summary":
            value, kind = typed_text(element, "text")
            entry["summary"] = finish(value)
            entry["summary_detail"] = {"type": kind}
        elif tag == f"{_A}content":
            value, _ = typed_text(element, "text")  # src= (content elsewhere) is refused
            content = finish(value)
        elif tag == f"{_A}rights":
            typed_text(element, "text")
        elif not _atom_common(element):
            raise Unsure
    # feedparser copies text or HTML content into a missing summary (without its type),
    # and an entry's id (a permalink unless it says otherwise) into a missing link.
    if content is not None:
        entry.setdefault("summary", content)
    if entry_id is not None:
        entry.setdefault("link", entry_id)
    title_detail = entry.get("title_detail", {})
    summary_detail = entry.get("summary_detail", {})
    return _AtomEntry(
        title=entry.get("title", ""), title_type=title_detail.get("type", "text/plain"),
        link=entry.get("link", ""), published=entry.get("published"),
        updated=entry.get("updated"), summary=entry.get("summary", ""),
        # A summary copied from the content carries no type: feedparser's default.
        summary_type=summary_detail.get("type", "text/html"))


def _set_title(context: dict[str, Any], value: str, kind: str, atom: bool) -> None:
    context["title"], title_type = title_fields(value, kind, atom)
    context["title_detail"] = {"type": title_type}


def _atom_link(element: Any, base: str, context: dict[str, Any]) -> None:
    """feedparser's ``_start_link``: the last alternate HTML link is the context's link."""
    attributes = element_attributes(element, _LINK_ATTRIBUTES)
    if len(element) or "href" not in attributes:
        raise Unsure  # without href, feedparser reads the element's text as the link
    rel = attributes.get("rel", "alternate").lower()
    kind = attributes.get("type", "application/atom+xml" if rel == "self" else "text/html")
    if rel == "alternate" and map_content_type(kind) in _HTML_TYPES:
        context["link"] = urljoin(base, attributes["href"])


def _id(element: Any, base: str) -> str:
    value = element_text(element)
    return finish(feedparser_join(base, value))


def _atom_common(element: Any) -> bool:
    """Skip (after checking) the elements that never reach our fields."""
    tag = element.tag
    if tag in (f"{_A}author", f"{_A}contributor"):
        element_attributes(element, frozenset())
        for child in child_elements(element):
            if child.tag not in _PERSON_CHILDREN:
                raise Unsure
            element_text(child)
        return True
    if tag == f"{_A}category":
        element_text(element, frozenset({"term", "scheme", "label"}))
        return True
    if tag == f"{_A}updated":
        element_text(element)
        return True
    return False
