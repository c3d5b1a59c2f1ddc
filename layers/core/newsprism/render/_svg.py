"""The coverage pictures: small inline SVG drawn from counts, no script and no style attribute.

Colours come from the stylesheet (``.tone-N`` classes set ``fill``), so the pictures follow the
light and dark themes, and the page's Content-Security-Policy (``style-src 'self'``) never has
to allow an inline style. Each picture is ``role="img"`` with a text label: a screen reader
hears the numbers the picture shows (WCAG 1.1.1). Every piece of text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

MARK = 10  # px: one report in a story's row of marks
GAP = 3  # px between marks
MAX_MARKS = 6  # a side with more reports of a story shows this many and says "+N"


@dataclass(frozen=True)
class Segment:
    """One perspective's share of a picture."""

    label: str  # the perspective's name
    count: int
    tone: int  # 1-4: the perspective's colour and mark shape; 0: neutral


def balance_bar(segments: Sequence[Segment], *, noun: str = "article") -> Markup:
    """One bar split by perspective in proportion to its articles ("10 US, 10 China")."""
    label = _label(segments, noun)
    total = sum(segment.count for segment in segments)
    rects = []
    x = 0.0
    for segment in segments:
        if segment.count <= 0 or total == 0:
            continue
        width = 100 * segment.count / total
        rects.append(f'<rect class="tone-{segment.tone}" x="{x:.2f}" y="0" '
                     f'width="{width:.2f}" height="6"/>')
        x += width
    if not rects:  # no article at all: an empty, outlined bar rather than nothing
        rects.append('<rect class="empty" x="0" y="0" width="100" height="6"/>')
    # preserveAspectRatio="none": the bar stretches to the width CSS gives it.
    return Markup(  # label escaped; the rest numbers  # nosec B704
        '<svg class="balance" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}" focusable="false"><title>{escape(label)}</title>'
        + "".join(rects) + "</svg>"
    )


def marks(segment: Segment, *, noun: str = "report") -> Markup:
    """One mark per report of a story by one perspective. Each perspective has its own shape
    as well as its colour, so the picture reads without colour vision (WCAG 1.4.1)."""
    label = _label([segment], noun)
    shown = min(segment.count, MAX_MARKS)
    shapes = [_shape(segment.tone, position * (MARK + GAP)) for position in range(shown)]
    width = max(shown * (MARK + GAP) - GAP, 1)
    hidden = segment.count - shown
    more = f'<span class="more-marks">+{hidden}</span>' if hidden else ""
    return Markup(  # label escaped; the rest numbers  # nosec B704
        f'<svg class="marks" width="{width}" height="{MARK}" viewBox="0 0 {width} {MARK}" '
        f'role="img" aria-label="{escape(label)}" focusable="false">'
        f"<title>{escape(label)}</title>" + "".join(shapes) + "</svg>" + more
    )


def _shape(tone: int, x: int) -> str:
    half = MARK / 2
    if tone == 2:
        return f'<circle class="tone-2" cx="{x + half:g}" cy="{half:g}" r="{half:g}"/>'
    if tone == 3:
        return (f'<polygon class="tone-3" points="{x + half:g},0 {x + MARK},{half:g} '
                f'{x + half:g},{MARK} {x},{half:g}"/>')
    if tone == 4:
        return (f'<polygon class="tone-4" points="{x + half:g},0 {x + MARK},{MARK} '
                f'{x},{MARK}"/>')
    return f'<rect class="tone-{tone}" x="{x}" y="0" width="{MARK}" height="{MARK}"/>'


def _label(segments: Sequence[Segment], noun: str) -> str:
    """ "United States: 10 articles, China: 9 articles" """
    parts = [f"{s.label}: {s.count} {noun}{'' if s.count == 1 else 's'}" for s in segments]
    return ", ".join(parts) or f"no {noun}s"
