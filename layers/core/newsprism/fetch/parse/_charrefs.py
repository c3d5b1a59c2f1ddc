"""Numeric character references no parser can turn into a character, repaired before parsing.

An emoji written by an encoder that counts UTF-16 units comes out as two references, one
per surrogate (``&#55357;&#56832;`` for U+1F600), and broken feeds carry lone surrogates and
numbers past U+10FFFF. lxml refuses such a document, and feedparser's loose parser raises on
each of them (``chr(c).encode("utf-8")``: kurtmckee/feedparser#591), so one reference cost
the whole feed. Here a surrogate pair becomes the reference of the character it encodes and
anything else unusable becomes U+FFFD, as an HTML tokenizer reads it (WHATWG HTML, "numeric
character reference end state"). References are ASCII, so this works on the raw bytes of any
ASCII-compatible encoding, before the encoding is known.
"""

from __future__ import annotations

import re

# What might be a bad reference: a hexadecimal D800-DFFF or one of six digits or more, a
# decimal 55000-57999 or one of seven digits or more. ``repair`` decides on each; a feed
# without any (nearly all) costs one search.
_CANDIDATE = re.compile(rb"&#(?:[xX]0*([dD][89a-fA-F][0-9a-fA-F]{2}|[0-9a-fA-F]{6,})"
                        rb"|0*(5[5-7][0-9]{3}|[0-9]{7,}));")
_REPLACEMENT = 0xFFFD
_LAST_CODE_POINT = 0x10FFFF


def repair(content: bytes) -> bytes:
    """``content`` with its unusable numeric character references replaced (see above)."""
    # Every candidate starts "&#": a byte search finds the first one (if any) several times
    # faster than the pattern would, stopping at each of the "&" that escaped HTML is full of.
    first = content.find(b"&#")
    if first < 0:
        return content
    matches = list(_CANDIDATE.finditer(content, first))
    if not matches:
        return content
    pieces = []
    done = 0  # content before this offset is in pieces
    paired = False  # the match was the low half of the pair before it
    for index, match in enumerate(matches):
        if paired:
            paired = False
            continue
        code, end = _code(match), match.end()
        following = matches[index + 1] if index + 1 < len(matches) else None
        if (0xD800 <= code <= 0xDBFF and following is not None and following.start() == end
                and 0xDC00 <= (low := _code(following)) <= 0xDFFF):
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            end, paired = following.end(), True
        elif 0xD800 <= code <= 0xDFFF or code > _LAST_CODE_POINT:
            code = _REPLACEMENT
        else:
            continue  # a usable reference that only looked like a candidate
        pieces += [content[done:match.start()], b"&#x%X;" % code]
        done = end
    pieces.append(content[done:])
    return b"".join(pieces)


def _code(match: re.Match[bytes]) -> int:
    hexadecimal, decimal = match.groups()
    digits = (hexadecimal or decimal).lstrip(b"0")
    if len(digits) > 8:  # past any code point; int() refuses strings of thousands of digits
        return _LAST_CODE_POINT + 1
    return int(digits or b"0", 16 if hexadecimal else 10)
