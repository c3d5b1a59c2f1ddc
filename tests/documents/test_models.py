"""Stored documents: the compact form is exactly what Python's json module would write."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.documents import _raw as models

# What stored documents hold (docs/design.md, "Stored JSON"): no floats, integers well within 64 bits.
# Text is any Unicode but lone surrogates, which no UTF-8 file can hold.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=12),
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=6), children, max_size=4)),
    max_leaves=24)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=8), VALUES, max_size=6))
def test_compact_documents_are_written_as_json_writes_them(document: dict[str, Any]) -> None:
    expected = json.dumps({"schema": models.SCHEMA, **document}, sort_keys=True,
                          ensure_ascii=False, separators=(",", ":")) + "\n"
    assert models.dumps(document, compact=True) == expected.encode()


def test_hostile_text_survives_a_round_trip() -> None:
    text = 'quote " backslash \\ controls \x00\x1f\x7f\x85 line\u2028sep </script> \U0001f600'
    stored = models.dumps({"title": text}, compact=True)
    assert models.loads(stored, name="doc") == {"schema": models.SCHEMA, "title": text}
    assert stored.count(b"\n") == 1  # one line, its own newline at the end
