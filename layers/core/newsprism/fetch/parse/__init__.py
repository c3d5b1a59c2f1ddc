"""Turning the bytes of an RSS or Atom document into normalized articles. No I/O happens here."""

from newsprism.fetch.parse._feeds import NotAFeed, parse_feed

__all__ = ["NotAFeed", "parse_feed"]
