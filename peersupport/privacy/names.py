"""Finding words in free text that may be a person's name.

The names are the compact Swedish list in ``swedish_names.json``, derived from the
names-dataset and wordfreq packages by ``manage.py derive_name_list``; this module reads only
that file (once per process), never the packages themselves.

A capitalised word on the list may be a name. A name that is also an ordinary word ("Bo",
"Maj", "Hans", "Sten") counts only when it is capitalised in the middle of a sentence (at a
sentence start every word is capitalised, so there it says nothing), or when an initial or
another name follows it ("Bo B.", "Sten Holm").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NAME_LIST = Path(__file__).with_name("swedish_names.json")

# Letters, with hyphens or apostrophes inside a word ("Anna-Karin", "O'Brien").
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_PARTS = re.compile(r"['’\-]")
# What may stand between a sentence's end and its first word: spaces, quotes, brackets,
# dashes and list bullets.
_OPENING = " \t\"'“”«»‘’([{–—-•*·"
_SENTENCE_END = ".!?:;"
# An initial after a word: "Bo B." or "Bo B".
_INITIAL = re.compile(r"\s+[^\W\d_](?:\.|\b)")


@dataclass(frozen=True)
class NameList:
    names: frozenset[str]
    also_words: frozenset[str]
    s_words: frozenset[str]


@cache
def name_list() -> NameList:
    """The Swedish name list, read once per process."""
    data = json.loads(NAME_LIST.read_text(encoding="utf-8"))
    return NameList(
        names=frozenset(data["names"]),
        also_words=frozenset(data["also_words"]),
        s_words=frozenset(data["s_words"]),
    )


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start]
    stripped = before.rstrip(_OPENING + "\n\r")
    if not stripped or "\n" in before[len(stripped) :]:
        return True
    return stripped[-1] in _SENTENCE_END


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _kind(part: str, names: NameList) -> str | None:
    """ "name", "word" (a name that is also an ordinary word) or None, for one word; a
    genitive ("Annas", "Eriks") counts as the name."""
    key = part.casefold()
    genitive = key.endswith("s") and len(key) > 2 and key not in names.s_words
    for candidate in (key, key[:-1] if genitive else None):
        if candidate in names.names:
            return "name"
        if candidate in names.also_words:
            return "word"
    return None


def _word_kind(word: str, names: NameList) -> str | None:
    kinds = {_kind(part, names) for part in _PARTS.split(word) if _is_capitalised(part)}
    return "name" if "name" in kinds else "word" if "word" in kinds else None


def find_possible_names(text: str) -> list[str]:
    """The capitalised words of ``text`` that may be a person's name, each once, in the
    order they first appear and as they are written."""
    names = name_list()
    words = [match for match in _WORD.finditer(text) if _is_capitalised(match.group())]
    found: dict[str, None] = {}
    for index, match in enumerate(words):
        word = match.group()
        if word in found:
            continue
        kind = _word_kind(word, names)
        if kind == "word" and _starts_sentence(text, match.start()):
            following = words[index + 1] if index + 1 < len(words) else None
            followed_by_name = following is not None and (
                _INITIAL.match(text, match.end()) is not None
                or (
                    text[match.end() : following.start()].isspace()
                    and _word_kind(following.group(), names) is not None
                )
            )
            kind = "name" if followed_by_name else None
        if kind is not None:
            found[word] = None
    return list(found)
