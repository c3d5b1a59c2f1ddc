"""The render stage: stored digests into the static site (``docs/design.md``, "Site")."""

from newsprism.render._stage import RenderIncomplete, render_all, render_digest
from newsprism.render._urls import BaseURLError, parse_base_url

__all__ = ["BaseURLError", "RenderIncomplete", "parse_base_url", "render_all", "render_digest"]
