"""Checking a model's answer before anything of it is published (issue 6).

An answer is accepted only when it is the JSON asked for (a Markdown code fence around it is
tolerated), every bullet is a non-empty sentence within ``MAX_BULLET_CHARS`` that cites at
least one article of the list by its number, a perspective's bullets cite that perspective's
articles only (never the "Other countries" group's: another country's outlet is no side's
view, issue 19; "overall" may cite any), and each section has between 1 and ``count``
bullets where it has articles (none where it has none). Any failure raises ``InvalidAnswer``
with one line naming the place, e.g. ``overall[2].sources[0]: no article 27 (the list has
1-20)``, which is fed back to the model.
"""

from __future__ import annotations

import json
import re
from typing import Any

from newsprism.documents import OTHER, Bullet, Classified, Highlights, ListedArticle
from newsprism.llm import answer_json
from newsprism.summarize._prompt import MAX_BULLET_CHARS, number_ranges
from newsprism.text import plain_text

# JSON's "\ud83d" without its pair decodes to a lone surrogate (issue 9).
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidAnswer(ValueError):
    """The model's answer is not usable; the message says why, in one line."""


def parse_answer(text: str, classified: Classified, count: int) -> Highlights:
    """The highlights in a model's answer, with article numbers mapped to article ids."""
    document = _json(text)
    if not isinstance(document, dict):
        raise InvalidAnswer(f"expected a JSON object, got {_kind(document)}")
    for key in ("overall", "perspectives"):
        if key not in document:
            raise InvalidAnswer(f"{key}: missing")
    perspectives = document["perspectives"]
    if not isinstance(perspectives, dict):
        raise InvalidAnswer(f"perspectives: expected an object, got {_kind(perspectives)}")
    known = [p.id for p in classified.perspectives]
    for key in perspectives:
        if key not in known:
            hint = "; other countries' articles go in overall" if key == OTHER else ""
            raise InvalidAnswer(f"perspectives.{key}: no such perspective "
                                f"(have: {', '.join(known)}){hint}")
    numbers = {n: listed for n, listed in enumerate(classified.articles, 1)}
    overall = _section(document["overall"], "overall", numbers, numbers, count)
    by_perspective = {
        pid: _section(perspectives.get(pid, []), f"perspectives.{pid}",
                      {n: a for n, a in numbers.items() if a.perspective == pid}, numbers, count)
        for pid in known
    }
    return Highlights(overall=overall, perspectives=by_perspective)


def _json(text: str) -> Any:
    try:
        return answer_json(text)
    except ValueError as exc:
        raise InvalidAnswer(str(exc)) from None


def _section(value: Any, path: str, citable: dict[int, ListedArticle],
             listed: dict[int, ListedArticle], count: int) -> tuple[Bullet, ...]:
    if not isinstance(value, list):
        raise InvalidAnswer(f"{path}: expected a list, got {_kind(value)}")
    if not citable and value:
        raise InvalidAnswer(f"{path}: no articles are listed here, so no highlight can be")
    if citable and not value:
        raise InvalidAnswer(f"{path}: empty, but {len(citable)} articles are listed here")
    if len(value) > count:
        raise InvalidAnswer(f"{path}: {len(value)} highlights, at most {count} were asked for")
    return tuple(_bullet(item, f"{path}[{i}]", citable, listed)
                 for i, item in enumerate(value))


def _bullet(value: Any, path: str, citable: dict[int, ListedArticle],
            listed: dict[int, ListedArticle]) -> Bullet:
    if not isinstance(value, dict):
        raise InvalidAnswer(f"{path}: expected an object with text and sources, "
                            f"got {_kind(value)}")
    text = value.get("text")
    if not isinstance(text, str):
        raise InvalidAnswer(f"{path}.text: expected a string, got {_kind(text)}")
    # One line (a line break would end the Markdown bullet), and the normalization feed text
    # gets: a model repeating a headline repeats its bidi overrides too.
    text = plain_text(" ".join(text.split()), len(text))
    if not text:
        raise InvalidAnswer(f"{path}.text: empty")
    if _SURROGATE.search(text):  # no UTF-8 file can hold it: the digest could not be stored
        raise InvalidAnswer(f"{path}.text: an unpaired surrogate (a broken \\u escape)")
    if len(text) > MAX_BULLET_CHARS:
        raise InvalidAnswer(f"{path}.text: {len(text)} characters, at most "
                            f"{MAX_BULLET_CHARS} were asked for")
    sources = value.get("sources")
    if not isinstance(sources, list) or not sources:
        raise InvalidAnswer(f"{path}.sources: expected a non-empty list of article numbers")
    ids: list[str] = []
    for i, source in enumerate(sources):
        number = _number(source)
        if number is None:
            raise InvalidAnswer(f"{path}.sources[{i}]: expected an article number, "
                                f"got {json.dumps(source)}")
        if number not in listed:
            raise InvalidAnswer(f"{path}.sources[{i}]: no article {number} "
                                f"(the list has 1-{len(listed)})")
        if number not in citable:
            where = ("is from another country's outlet (Other countries), which only overall "
                     "may cite" if listed[number].perspective == OTHER
                     else "is listed under another perspective")
            raise InvalidAnswer(f"{path}.sources[{i}]: article {number} {where} (this "
                                f"section may cite {number_ranges(sorted(citable))})")
        ids.append(citable[number].article.id)
    return Bullet(text=text, sources=tuple(dict.fromkeys(ids)))


def _number(value: Any) -> int | None:
    # Some models quote numbers ("3") or keep the list's brackets ("[3]"): same article.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\[?\d{1,6}\]?", value.strip()):
        return int(value.strip().strip("[]"))
    return None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(value),
                                                                        type(value).__name__)
