"""Feeds a topic names through the outlets registry, so that a side is read from its own
country's outlets (issue 19, "True sides"; docs/design.md, "Configuration").

- ``sites = "perspective"`` on a ``google_news`` feed: the search restricted to the outlets of
  the perspective's countries, ``{query} (site:a OR site:b …)``, split over as many searches
  as Google's word limit needs;
- ``type = "outlet"``: the outlet's own feeds, each an ``rss`` feed whose articles are credited
  to that outlet;
- a warning for a perspective's country no outlet of the registry is from.

Pure functions of one feed entry, the topic's perspectives and the registry. A problem is a
``SourcingError`` naming the entry's key it is about; ``_schema`` makes it the one-line
``ConfigError`` of the file and the full key.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator

from newsprism.config._model import Feed, Perspective
from newsprism.outlets import Outlet, Registry, country_name

# Google's search reads the first 32 words of a query and drops the rest without a word, so
# a longer list of sites would quietly search fewer outlets than it names. Google News' RSS
# search is undocumented; 32 is the limit long reported for Google's web search (e.g. the
# NSA's guide "Untangling the Web": "Google limits the number of search terms to 32
# keywords. It ignores any terms beyond that number"), kept here as the one constant to
# change should Google's differ. Each "site:x" is a word and each "OR" another, so n sites
# take 2n - 1 words.
MAX_QUERY_WORDS = 32
# Every search is one more request to news.google.com per topic and fetch run (every two
# hours). 8 searches of up to 16 sites hold a country's national press and more (the
# registry lists a country's national outlets first; India's hundred-odd outlets fit whole);
# past them, the US long tail of local stations and newsletters is left out, by design and
# without a warning (docs/design.md, "Configuration"): a warning every run of the default
# configuration would teach operators to ignore warnings.
MAX_SITE_SEARCHES = 8
SITES = ("perspective",)  # the values of ``sites``: the outlets of the feed's perspective
KEYS = ("sites", "outlet")  # the feed keys this module reads
_OUTLET_KEYS = frozenset({"type", "outlet", "perspective", "language", "region"})


class SourcingError(ValueError):
    """A feed entry the registry cannot turn into feeds: ``key`` is the entry's key at fault
    (``sites``, ``query``, ``outlet``, ``perspective``), the message says why."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key


def check_keys(feed_type: str, keys: Collection[str]) -> None:
    """Refuse keys that say nothing for a feed of ``feed_type``, rather than ignore them."""
    if feed_type == "outlet":
        if "outlet" not in keys:
            raise SourcingError("outlet", "missing (a registry name or alias)")
        if extra := sorted(set(keys) - _OUTLET_KEYS):
            raise SourcingError(extra[0], "an outlet feed takes its URLs from the registry "
                                          "(newsprism/data/sources.toml), not from the topic")
        return
    if "outlet" in keys:
        raise SourcingError("outlet", "only a feed of type \"outlet\" names an outlet")
    if "sites" in keys and feed_type != "google_news":
        raise SourcingError("sites", "only a google_news feed takes 'sites'")
    if "sites" in keys and "url" in keys:
        raise SourcingError("url", "a google_news feed with 'sites' is built from its 'query'; "
                                   "it takes no 'url'")


def site_searches(feed: Feed, sites: str, perspective: Perspective,
                  registry: Registry) -> tuple[Feed, ...]:
    """``feed``'s search restricted to the outlets of ``perspective``'s countries, in registry
    order, over as few searches as ``MAX_QUERY_WORDS`` allows, at most ``MAX_SITE_SEARCHES``
    (the outlets past them are not searched)."""
    if sites not in SITES:
        raise SourcingError("sites", f"must be one of {', '.join(map(repr, SITES))}, "
                                     f"got {sites!r}")
    if not perspective.countries:
        raise SourcingError("sites", f"perspective {perspective.id!r} lists no countries "
                                     "whose outlets to search")
    domains = _domains(registry.in_countries(perspective.countries))
    if not domains:
        raise SourcingError("sites", f"the registry has no outlet from "
                                     f"{_countries(perspective.countries)} to search")
    words = query_words(feed.query)
    room = (MAX_QUERY_WORDS - words + 1) // 2  # n sites take 2n - 1 words
    if room < 1:
        raise SourcingError("query", f"{words} words leave no room for a site (Google reads "
                                     f"{MAX_QUERY_WORDS} words of a search)")
    searches = min(math.ceil(len(domains) / room), MAX_SITE_SEARCHES)
    kept = domains[:searches * room]
    return tuple(Feed(type=feed.type, perspective=feed.perspective, language=feed.language,
                      region=feed.region,
                      query=f"{feed.query} ({' OR '.join(f'site:{d}' for d in part)})")
                 for part in _even_parts(kept, searches))


def outlet_feeds(name: str, perspective: str | None, perspectives: Iterable[Perspective],
                 registry: Registry, *, language: str = "", region: str = "") -> tuple[Feed, ...]:
    """One ``rss`` feed per feed the registry lists for the outlet called ``name``, for
    ``perspective``, or when that is None, the one perspective claiming the outlet's country."""
    if not name:
        raise SourcingError("outlet", "must not be empty")
    outlet = registry.named(name)
    if outlet is None:
        raise SourcingError("outlet", f"no outlet {name!r} in the registry "
                                      "(newsprism/data/sources.toml)")
    if not outlet.attributable:
        raise SourcingError("outlet", f"{outlet.name!r} is an aggregator: its country says "
                                      "nothing about the side of its reports")
    if not outlet.feeds:
        raise SourcingError("outlet", f"the registry lists no feeds for {outlet.name!r}")
    country = _countries([outlet.country])
    claiming = [p.id for p in perspectives if outlet.country in p.countries]
    if perspective is None:
        if not claiming:
            raise SourcingError("outlet", f"no perspective of this topic claims {country}, "
                                          f"the country of {outlet.name!r}")
        if len(claiming) > 1:
            raise SourcingError("perspective", f"missing: {', '.join(claiming)} all claim "
                                               f"{country}, the country of {outlet.name!r}")
        perspective = claiming[0]
    elif perspective not in claiming:
        others = f" ({', '.join(claiming)} does)" if claiming else ""
        raise SourcingError("perspective", f"perspective {perspective!r} does not claim "
                                           f"{country}, the country of {outlet.name!r}{others}")
    home = f"https://{outlet.domains[0]}" if outlet.domains else ""
    return tuple(Feed(type="rss", perspective=perspective, url=url, language=language,
                      region=region, outlet=outlet.name, outlet_url=home)
                 for url in outlet.feeds)


def unsourced(countries: Iterable[str], registry: Registry) -> Iterator[tuple[int, str]]:
    """(index, warning) for each country no outlet of the registry is from: no article can be
    verified as that side's, whatever the feeds find."""
    for index, code in enumerate(countries):
        if not registry.in_countries([code]):
            yield index, (f"no outlet of the registry is from {_countries([code])}; this "
                          "perspective's articles from there can only come from unverified "
                          "outlets")


def query_words(query: str) -> int:
    """The words of ``query`` as Google counts them: each term between spaces, an ``OR`` and
    each word of a quoted phrase included; a lone bracket or quote is none."""
    return sum(1 for term in query.split() if any(char.isalnum() for char in term))


def _domains(outlets: Iterable[Outlet]) -> list[str]:
    """Each outlet's primary domain, once; one under another listed domain is left out, since
    "site:cnn.com" finds cnnespanol.cnn.com too and the words are better spent."""
    domains = list(dict.fromkeys(o.domains[0] for o in outlets if o.domains))
    listed = set(domains)

    def under_another(domain: str) -> bool:
        labels = domain.split(".")
        return any(".".join(labels[start:]) in listed for start in range(1, len(labels)))

    return [d for d in domains if not under_another(d)]


def _even_parts(items: list[str], count: int) -> Iterator[list[str]]:
    """``items`` in ``count`` consecutive parts whose sizes differ by one at most, so that no
    search carries a short tail of sites."""
    size, extra = divmod(len(items), count)
    start = 0
    for index in range(count):
        end = start + size + (index < extra)
        yield items[start:end]
        start = end


def _countries(codes: Iterable[str]) -> str:
    return ", ".join(f"{code!r} ({country_name(code)})" for code in codes)
