"""The outlets registry: which country a news outlet is from (``data/sources.toml``)."""

from newsprism.outlets._countries import country_name
from newsprism.outlets._registry import (
    COUNTRY_CODES,
    KINDS,
    Outlet,
    Registry,
    country_problem,
    load_registry,
    parse_registry,
)

__all__ = [
    "COUNTRY_CODES", "KINDS", "Outlet", "Registry", "country_name", "country_problem",
    "load_registry", "parse_registry",
]
