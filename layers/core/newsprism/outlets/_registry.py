"""Source registry: which country a news outlet is from, read from ``data/sources.toml``.

Under ``attribution = "source"`` the outlet's country decides an article's perspective. Google
News gives each item its outlet's home page (``<source url="https://www.scmp.com">``), so the
domain is the reliable key; the display name ("SCMP", "news.cgtn.com") is the fallback."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# ISO 3166-1 alpha-2, the officially assigned codes. "UK" and "EU" are not among them.
_ISO_3166_ALPHA_2 = """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK
DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY
MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU
RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"""
_COUNTRIES = frozenset(_ISO_3166_ALPHA_2.split())
COUNTRY_CODES = _COUNTRIES
# Codes people write that ISO 3166-1 does not assign, and what they mean.
_NOT_ISO = {
    "UK": "did you mean GB?",
    "EU": "the EU is not a country: list its member states (AT, BE, BG, CY, CZ, DE, DK, EE, "
          "ES, FI, FR, GR, HR, HU, IE, IT, LT, LU, LV, MT, NL, PL, PT, RO, SE, SI, SK)",
    "EL": "did you mean GR?",
}


def country_problem(code: str) -> str | None:
    """Why ``code`` is not an ISO 3166-1 alpha-2 country code, None when it is one."""
    if code in _COUNTRIES:
        return None
    hint = _NOT_ISO.get(code, "")
    return f"{code!r} is not an ISO 3166-1 alpha-2 country code" + (f" ({hint})" if hint else "")
# A host name of at least two labels (RFC 1123 labels), lower case, ending in an alphabetic TLD.
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_KEYS = ("name", "country", "domains", "aliases", "state_affiliated", "kind", "feeds")
# How an outlet's country relates to its reports (docs/design.md, "Classify"): a newsroom's
# and a wire service's reports are from its country; an aggregator re-publishes other outlets'
# reports (MSN, Yahoo News) or contributors from anywhere (Eurasia Review), and an
# international organisation (UNICEF, NATO, the SCO, Amnesty International) speaks for no
# one country, so for both the seat's country says nothing about a report's.
KINDS = ("news", "wire", "aggregator", "international")
# Article links in Google News feeds are news.google.com redirects: they name no outlet.
_AGGREGATOR = "news.google.com"


@dataclass(frozen=True)
class Outlet:
    name: str
    country: str  # ISO 3166-1 alpha-2
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    state_affiliated: bool = False
    kind: str = "news"  # one of KINDS
    feeds: tuple[str, ...] = ()  # the outlet's own RSS or Atom feeds, for topics to name

    @property
    def attributable(self) -> bool:
        """Whether the outlet's country is the country of its reports: a newsroom's or a wire
        service's, not an aggregator's or an international organisation's."""
        return self.kind in ("news", "wire")


@dataclass(frozen=True)
class Registry:
    outlets: tuple[Outlet, ...]
    by_domain: Mapping[str, Outlet] = field(repr=False)
    by_name: Mapping[str, Outlet] = field(repr=False)  # keys normalised by _normalize

    def lookup(self, name: str, url: str = "") -> Outlet | None:
        """The outlet behind a source: by the domain of `url`, else by name, else by the name
        read as a domain ("news.cgtn.com"); None when the registry does not know it."""
        key = _normalize(name)
        found = self._by_host(_host(url)) or self.by_name.get(key)
        if found is None and _HOST.match(key):
            found = self._by_host(key)
        return found

    def named(self, name: str) -> Outlet | None:
        """The outlet called ``name`` (or one of its aliases), case and spacing ignored."""
        return self.by_name.get(_normalize(name))

    def in_countries(self, countries: Iterable[str]) -> list[Outlet]:
        """The outlets whose reports are from one of ``countries``, in registry order."""
        wanted = set(countries)
        return [o for o in self.outlets if o.country in wanted and o.attributable]

    def _by_host(self, host: str) -> Outlet | None:
        if host == _AGGREGATOR or host.endswith("." + _AGGREGATOR):
            return None
        labels = host.split(".")
        # Most specific first ("biz.chosun.com" before "chosun.com"); never the bare TLD.
        for start in range(len(labels) - 1):
            if (found := self.by_domain.get(".".join(labels[start:]))) is not None:
                return found
        return None


def load_registry(path: Path | None = None) -> Registry:
    """The registry in `path`, or the bundled ``sources.toml`` (read once) when none is given.
    Raises ValueError naming the file and the outlet for any problem in its content."""
    if path is None:
        return _bundled()
    return parse_registry(Path(path).read_text(encoding="utf-8"), name=str(path))


@cache
def _bundled() -> Registry:
    text = (resources.files("newsprism") / "data" / "sources.toml").read_text(encoding="utf-8")
    return parse_registry(text, name="sources.toml")


def parse_registry(text: str, *, name: str) -> Registry:
    """Validate the TOML text of a registry; `name` prefixes every error message."""
    try:
        tables = tomllib.loads(text).get("outlet")
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: invalid TOML: {exc}") from exc
    if not isinstance(tables, list) or not tables:
        raise ValueError(f"{name}: no [[outlet]] tables")
    outlets: list[Outlet] = []
    by_domain: dict[str, Outlet] = {}
    by_name: dict[str, Outlet] = {}
    for index, table in enumerate(tables):
        label = table.get("name") if isinstance(table, dict) else None
        where = f"{name}: outlet[{index}]" + (f" ({label})" if isinstance(label, str) else "")
        outlet = _outlet(table, where)
        # One owner per domain and per name, or lookups would depend on the order of the file.
        claims = [(by_domain, d, f"domain {d!r}") for d in outlet.domains]
        claims += [(by_name, _normalize(n), f"name {n!r}") for n in (outlet.name, *outlet.aliases)]
        for index_of, key, what in claims:
            if (owner := index_of.setdefault(key, outlet)) is not outlet:
                raise ValueError(f"{where}: {what} is already claimed by {owner.name!r}")
        outlets.append(outlet)
    return Registry(tuple(outlets), by_domain, by_name)


def _outlet(table: Any, where: str) -> Outlet:
    if not isinstance(table, dict):
        raise ValueError(f"{where}: expected a table")
    for key in table:
        if key not in _KEYS:
            raise ValueError(f"{where}: unknown key {key!r} (known: {', '.join(_KEYS)})")
    for key in ("name", "country"):
        if key not in table:
            raise ValueError(f"{where}: missing key {key!r}")
    name, country = table["name"], table["country"]
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: name must be a non-empty string")
    if not isinstance(country, str) or country not in _COUNTRIES:
        raise ValueError(f"{where}: country {country!r} is not an ISO 3166-1 alpha-2 code")
    domains, aliases = table.get("domains", []), table.get("aliases", [])
    for key, values in (("domains", domains), ("aliases", aliases)):
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise ValueError(f"{where}: {key} must be a list of non-empty strings")
    for domain in domains:
        if not _HOST.match(domain) or domain.startswith("www."):
            raise ValueError(f"{where}: domain {domain!r} is not a lower-case host without www.")
    state = table.get("state_affiliated", False)
    if not isinstance(state, bool):
        raise ValueError(f"{where}: state_affiliated must be true or false")
    kind = table.get("kind", "news")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    feeds = table.get("feeds", [])
    if not isinstance(feeds, list) or not all(isinstance(f, str) and _is_http(f) for f in feeds):
        raise ValueError(f"{where}: feeds must be a list of http(s) URLs")
    return Outlet(name, country, tuple(domains), tuple(aliases), state, kind, tuple(feeds))


def _normalize(name: str) -> str:
    """Case-, spacing- and apostrophe-insensitive: "People’s  Daily" ~ "people's daily"."""
    text = unicodedata.normalize("NFKC", name).replace("\u2019", "'")
    return " ".join(text.split()).casefold()


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _host(url: str) -> str:
    try:  # a bare "scmp.com" parses as a path unless it gets the "//" of a network location
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:  # e.g. an unbalanced "[" of an IPv6 literal in feed text
        return ""
    return host.rstrip(".").removeprefix("www.")
