"""Our Markdown in Hugo, as the earlier system published it: with raw HTML let through
(``markup.goldmark.renderer.unsafe = true``), feed text must still come out as text, and the
summary (before ``<!--more-->``) must be the overall highlights."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from newsprism.documents._digests import Bullet
from newsprism.render._markdown import render_markdown
from tests.render.compare_cases import hostile_digest
from tests.seed_digest import seed_digest
from tests.site_helpers import EVIL_BULLET, EVIL_TITLE, Page, with_evil_articles

HUGO = shutil.which("hugo")
pytestmark = pytest.mark.skipif(
    HUGO is None, reason="hugo is not installed (Debian: apt-get install -y hugo; "
                         "make test-deps installs it)")

CONFIG = """\
baseURL = "http://127.0.0.1/"
languageCode = "en"
title = "newsprism in Hugo"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = true
"""
LAYOUTS = {
    "_default/single.html": "<main>{{ .Content }}</main>\n",
    "_default/list.html": "{{ range .Pages }}{{ .Summary }}{{ end }}\n",
    "index.html": "{{ range .Site.RegularPages }}<section>{{ .Summary }}</section>"
                  "{{ end }}\n",
}
HOSTILE_BULLET = "Beijing <script>alert(6)</script> & <a href=\"javascript:x()\">click</a>"


def build(tmp_path: Path, markdown: str) -> tuple[Page, Page]:
    """The digest page and the home page (its summary) that Hugo builds."""
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    post = tmp_path / "content" / "posts" / "us-china-2026-02-12.md"
    post.parent.mkdir(parents=True)
    post.write_text(markdown, encoding="utf-8")
    for name, text in LAYOUTS.items():
        layout = tmp_path / "layouts" / name
        layout.parent.mkdir(parents=True, exist_ok=True)
        layout.write_text(text, encoding="utf-8")
    subprocess.run([str(HUGO), "--source", str(tmp_path), "--destination", "public",
                    "--quiet"], check=True, timeout=120, capture_output=True)
    public = tmp_path / "public"
    single = (public / "posts" / "us-china-2026-02-12" / "index.html").read_text(encoding="utf-8")
    home = (public / "index.html").read_text(encoding="utf-8")
    return Page(single), Page(home)


def test_hugo_shows_hostile_feed_text_as_text(tmp_path: Path) -> None:
    digest = with_evil_articles(seed_digest())
    china = (Bullet(HOSTILE_BULLET, ()), *digest.highlights.perspectives["china"][1:])
    highlights = dataclasses.replace(
        digest.highlights, perspectives={**digest.highlights.perspectives, "china": china})
    digest = dataclasses.replace(digest, highlights=highlights)
    single, home = build(tmp_path, render_markdown(digest))

    for page in (single, home):
        assert {tag for tag, _ in page.tags} <= {"main", "section", "h2", "ul", "li", "p", "ol",
                                                 "a"}
    # Hugo's typographer curls straight quotes ("quotes" -> “quotes”): text, not markup.
    text = single.link_texts().translate(str.maketrans("“”‘’", "\"\"''"))
    assert EVIL_TITLE in text and EVIL_BULLET in text and HOSTILE_BULLET in text
    assert "<b>Outlet</b>" in text
    listed = {listed.article.url for listed in digest.classified.articles}
    hrefs = [str(a["href"]) for a in single.all("a")]
    assert len(hrefs) == 19  # every listed article but the javascript: one is a link
    assert set(hrefs) <= listed and all(h.startswith("https://") for h in hrefs)


def test_hugo_summary_is_the_overall_highlights(tmp_path: Path) -> None:
    digest = seed_digest()
    _, home = build(tmp_path, render_markdown(digest))
    items = [text.strip() for text in home.text if text.strip()]
    assert items == ["Overall Highlights", *(b.text for b in digest.highlights.overall)]


def test_hugo_shows_the_product_formats_new_sections_as_text(tmp_path: Path) -> None:
    single, home = build(tmp_path, render_markdown(hostile_digest()))
    assert {tag for tag, _ in single.tags} <= {"main", "h2", "h3", "ul", "li", "p", "ol", "a",
                                               "br"}
    text = single.link_texts().translate(str.maketrans("“”‘’", "\"\"''"))
    for plain in (EVIL_TITLE, "<b>Herald</b>", "*[x](javascript:alert(2))*", "Delhi_Times_",
                  "# <i>Truce</i>", "`Wire`"):
        assert plain in text, plain
    hrefs = [str(a["href"]) for a in single.all("a")]
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    # The comparison is a line per side in one list item; the summary stays the highlights.
    assert sum(1 for tag, _ in single.tags if tag == "br") == 2
    assert [t.strip() for t in home.text if t.strip()] == ["Overall Highlights",
                                                          "Military talks resume."]
