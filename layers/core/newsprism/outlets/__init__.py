"""The outlets registry: which country a news outlet is from (``data/sources.toml``)."""

from newsprism.outlets._countries import country_name
from newsprism.outlets._registry import Outlet, Registry, load_registry, parse_registry

__all__ = ["Outlet", "Registry", "country_name", "load_registry", "parse_registry"]
