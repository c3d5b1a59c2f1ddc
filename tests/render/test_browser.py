"""The demo site in a real browser: headless Chromium (Debian's ``chromium``) opens it from a
server on 127.0.0.1 and checks what a reader would notice: console errors, failed or foreign
requests, sideways scrolling on a phone, links that lead nowhere, and the accessibility
basics (language, landmarks, heading order, text alternatives, colour contrast).

Screenshots (desktop and phone, light and dark) are saved to .newsprism/artifacts/.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError

import pytest

from newsprism.documents import ContinuingStory, Digest
from newsprism.render._stage import render_all
from newsprism.serve import make_server, running
from newsprism.store import FileStore
from tests.chromium import Browser, Tab, find_chromium
from tests.conftest import REPO
from tests.seed_digest import seed_digest, with_coverage
from tests.site_helpers import shifted, store_digest, with_evil_articles

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install -y chromium; "
                             "make test-deps installs it)")
ARTIFACTS = REPO / ".newsprism" / "artifacts"
PHONE, DESKTOP = (375, 812), (1280, 900)
DIGEST = "us-china/2026-02-12/index.html"  # the demo's own day, from the real pipeline


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site (`make demo`: the whole pipeline on the sample feeds), plus two earlier
    days with coverage data (one thin with continuing stories, one with hostile feed text),
    so that the pager, the archive, the events both sides reported, those one side alone
    reported, the continuing stories and the warning are all on screen."""
    work = tmp_path_factory.mktemp("demo")
    spec = importlib.util.spec_from_file_location("run_demo", REPO / "demo" / "run_demo.py")
    assert spec and spec.loader
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        assert demo.main() == 0
    data = FileStore(work / ".newsprism" / "data")
    store_digest(data, with_continuing(with_coverage(shifted(seed_digest(), -1),
                                                     thin=("china",))))
    store_digest(data, with_coverage(with_evil_articles(shifted(seed_digest(), -2))))
    render_all(data, FileStore(work / ".newsprism" / "site"))
    return work / ".newsprism" / "site"


def with_continuing(digest: Digest) -> Digest:
    """The digest with two continuing stories: one first listed the day before (a page of
    the site: linked), one on a day the site never published (not linked)."""
    stories = tuple(
        ContinuingStory(f"c{day}", f"Story first listed on {day}, still reported",
                        f"https://example.org/{day}", "Associated Press", "us", day, reports=3)
        for day in ("2026-02-10", "2026-01-31"))
    return dataclasses.replace(digest, classified=dataclasses.replace(
        digest.classified, continuing=stories))


@pytest.fixture(scope="module")
def origin(site: Path) -> Iterator[str]:
    with running(make_server(site, 0)) as base_url:
        yield f"{base_url}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM
    with tempfile.TemporaryDirectory(prefix="newsprism-chromium-") as profile:
        chromium = Browser(CHROMIUM, Path(profile))
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Browser, origin: str) -> Tab:
    opened = Tab.open(browser, origin)
    opened.set_viewport(*DESKTOP)
    return opened


def crawl(tab: Tab, origin: str) -> list[str]:
    """Every page reachable from the index, in the browser; returns the pages, and fails on
    any problem a page reports or any internal link that does not resolve."""
    pages, queue, files = [], [origin + "index.html"], set()
    while queue:
        url = queue.pop(0)
        if url in pages:
            continue
        tab.goto(url)
        assert tab.problems == [], url
        assert tab.evaluate("document.title") and "Not found" not in tab.evaluate(
            "document.title"), url
        pages.append(url)
        broken = tab.evaluate("""[...document.querySelectorAll('a[href^="#"]')]
            .map(a => a.getAttribute('href').slice(1))
            .filter(id => !document.getElementById(id))""")
        assert broken == [], f"{url}: fragments without a target: {broken}"
        for link in tab.evaluate("[...document.querySelectorAll('a[href], link[href]')]"
                                 ".map(a => a.href)"):
            target = link.split("#")[0]
            if not target.startswith(origin):
                assert target.startswith(("http://", "https://")), f"{url}: {link}"
                continue
            if target.endswith((".html", "/")):
                queue.append(target + "index.html" if target.endswith("/") else target)
            else:
                files.add(target)
    for file in sorted(files):  # Markdown, JSON, feeds, assets: fetched, not rendered
        try:
            with urllib.request.urlopen(file, timeout=10) as response:
                assert response.status == 200, file
        except HTTPError as exc:
            pytest.fail(f"{file}: HTTP {exc.code}")
    return pages


def test_every_page_loads_cleanly_and_every_internal_link_resolves(
    tab: Tab, origin: str,
) -> None:
    pages = crawl(tab, origin)
    expected = {"index.html", "about.html", "us-china/index.html", DIGEST,
                "us-china/2026-02-11/index.html", "us-china/2026-02-10/index.html",
                "us-china/2026-01-01/index.html",  # the demo's earlier day
                "us-china/2026-02/index.html", "us-china/2026-01/index.html",  # its months
                "topics/u.html"}  # the directory of topics starting with U
    assert {page[len(origin):] for page in pages} == expected
    # Only this site's own files were requested, all of them successfully.
    assert all(url.startswith(origin) for url in tab.requests)


def test_missing_page_shows_the_styled_404_page(tab: Tab, origin: str) -> None:
    tab.goto(origin + "us-china/1999-01-01/index.html")
    missing = f"{origin}us-china/1999-01-01/index.html"
    assert tab.problems == [f"HTTP 404: {missing}", "console error: Failed to load resource: "
                            f"the server responded with a status of 404 (Not Found) ({missing})"]
    assert tab.evaluate("document.querySelector('h1').textContent") == "Page not found"
    # The stylesheet loaded from the root-relative link: the page is styled.
    assert tab.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"


@pytest.mark.parametrize("path", ["index.html", "about.html", "us-china/index.html", DIGEST,
                                  "us-china/2026-02-11/index.html",
                                  "us-china/2026-02-10/index.html", "404.html"])
def test_phone_width_needs_no_sideways_scrolling(tab: Tab, origin: str, path: str) -> None:
    tab.set_viewport(*PHONE, mobile=True)
    tab.goto(origin + path)
    assert tab.problems == []
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"{path}: the page is {width}px wide"


def test_perspectives_are_columns_on_a_desktop_and_stacked_on_a_phone(
    tab: Tab, origin: str,
) -> None:
    tops = "[...document.querySelectorAll('.perspective')].map(s => s.getBoundingClientRect().top)"
    tab.goto(origin + DIGEST)
    desktop = tab.evaluate(tops)
    assert len(desktop) == 2 and desktop[0] == desktop[1]
    tab.set_viewport(*PHONE, mobile=True)
    tab.goto(origin + DIGEST)
    phone = tab.evaluate(tops)
    assert phone[1] > phone[0] + 100


def test_each_sides_headlines_sit_side_by_side_on_a_desktop_and_stack_on_a_phone(
    tab: Tab, origin: str,
) -> None:
    # Seed days record coverage: two in three stories both sides reported, hostile text too.
    boxes = """[...document.querySelector('.event').querySelectorAll('.event-side')]
        .map(s => { const box = s.getBoundingClientRect(); return [box.left, box.top]; })"""
    section = "document.querySelector('.compared')"
    for path in ("us-china/2026-02-11/index.html", "us-china/2026-02-10/index.html"):
        tab.set_viewport(*DESKTOP)
        tab.goto(origin + path)
        (left_1, top_1), (left_2, top_2) = tab.evaluate(boxes)
        assert top_1 == top_2 and left_2 > left_1 + 300, path
        # The centre of the page: after the highlights, before the sides' columns.
        order = tab.evaluate("""['.overall', '.compared', '.one-sided', '.perspectives']
            .map(s => document.querySelector(s).getBoundingClientRect().top)""")
        assert order == sorted(order), path
        tab.set_viewport(*PHONE, mobile=True)
        tab.goto(origin + path)
        (left_1, top_1), (left_2, top_2) = tab.evaluate(boxes)
        assert top_2 > top_1 and left_1 == left_2, path
        assert tab.evaluate(f"{section}.scrollWidth <= {section}.clientWidth"), path
        # On a phone the continuing stories come after the comparison, not before it.
        if path.endswith("11/index.html"):
            assert tab.evaluate("""document.querySelector('.continuing').getBoundingClientRect()
                .top > document.querySelector('.one-sided').getBoundingClientRect().top""")


def test_other_countries_follow_the_sides_columns_at_full_width(tab: Tab, origin: str) -> None:
    # The demo day lists outlets from India and South Korea: no side's, so not a third column.
    boxes = """[...document.querySelectorAll('.perspective, .others')].map(s => {
        const box = s.getBoundingClientRect();
        return [s.classList.contains('others'), box.top, box.bottom, box.width]; })"""
    tab.goto(origin + DIGEST)
    found = tab.evaluate(boxes)
    assert [others for others, *_ in found] == [False, False, True]
    (_, _, first_bottom, side_width), (_, _, second_bottom, _), (_, top, _, width) = found
    assert top > max(first_bottom, second_bottom) and width > 1.5 * side_width
    assert "India" in tab.evaluate("document.querySelector('.others').textContent")


def test_screenshots_of_desktop_and_phone(tab: Tab, origin: str) -> None:
    shots = []
    for name, (width, height), mobile, dark in (
        ("desktop", DESKTOP, False, False), ("phone", PHONE, True, False),
        ("desktop-dark", DESKTOP, False, True),
    ):
        tab.set_viewport(width, height, mobile=mobile, dark=dark)
        for page, path in (("digest", "us-china/2026-02-11/index.html"), ("index", "index.html")):
            tab.goto(origin + path)
            shot = ARTIFACTS / f"{page}-{name}.png"
            tab.screenshot(shot)
            shots.append(shot)
            header = shot.read_bytes()[:24]
            assert header[:8] == b"\x89PNG\r\n\x1a\n"
            assert int.from_bytes(header[16:20], "big") == width, shot
    assert tab.problems == []
    print("screenshots:", *shots, sep="\n  ")


# Runs in the page through DevTools (the pages themselves run no script): every problem of
# structure or contrast, as strings.
A11Y_AUDIT = r"""(() => {
  const problems = [];
  const html = document.documentElement;
  if (html.lang !== "en") problems.push("html lang: " + html.lang);
  if (document.querySelectorAll("main").length !== 1) problems.push("not one <main>");
  if (!document.querySelector("body > header")) problems.push("no banner <header>");
  if (!document.querySelector("body > footer")) problems.push("no contentinfo <footer>");
  for (const nav of document.querySelectorAll("nav"))
    if (!nav.getAttribute("aria-label")) problems.push("<nav> without a label");
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .map(h => Number(h.tagName[1]));
  if (levels.filter(l => l === 1).length !== 1) problems.push("not one <h1>: " + levels);
  levels.forEach((level, i) => {
    if (i > 0 && level > levels[i - 1] + 1) problems.push("heading skips a level: " + levels);
  });
  for (const img of document.querySelectorAll("img"))
    if (!img.hasAttribute("alt")) problems.push("img without alt: " + img.src);
  for (const svg of document.querySelectorAll("svg")) {
    const named = svg.getAttribute("role") === "img" && svg.getAttribute("aria-label");
    if (!named && svg.getAttribute("aria-hidden") !== "true")
      problems.push("svg without a text alternative");
  }
  for (const a of document.querySelectorAll("a"))
    if (!(a.textContent.trim() || a.getAttribute("aria-label")))
      problems.push("link without a name: " + a.href);
  for (const id of new Set([...document.querySelectorAll("[id]")].map(e => e.id)))
    if (document.querySelectorAll("#" + CSS.escape(id)).length > 1)
      problems.push("duplicate id: " + id);

  // WCAG 2.x contrast (1.4.3): 4.5:1, or 3:1 for large text.
  const parse = c => {
    const m = c.match(/rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/);
    if (!m) return null;
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const over = (top, below) => top.slice(0, 3).map((v, i) => v * top[3] + below[i] * (1 - top[3]));
  const luminance = rgb => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = element => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c === null) return null;
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    let color = matchMedia("(prefers-color-scheme: dark)").matches ? [0, 0, 0] : [255, 255, 255];
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(element)) continue;
    seen.add(element);
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (style.visibility === "hidden" || box.width <= 1 || box.height <= 1) continue;
    const fg = parse(style.color), bg = background(element);
    if (fg === null || bg === null) { problems.push("unreadable colour: " + style.color); continue; }
    const [l1, l2] = [luminance(over(fg, bg)), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed)
      problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: "${walker.currentNode.textContent.trim().slice(0, 40)}" (${style.color} on rgb(${bg.map(Math.round)}))`);
  }
  return problems;
})()"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("path", ["index.html", "about.html", "us-china/index.html", DIGEST,
                                  "us-china/2026-02-11/index.html", "404.html"])
def test_accessibility_basics(tab: Tab, origin: str, path: str, dark: bool) -> None:
    tab.set_viewport(*DESKTOP, dark=dark)
    tab.goto(origin + path)
    assert tab.evaluate(A11Y_AUDIT) == []
