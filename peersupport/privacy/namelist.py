"""Deriving the compact Swedish name list from ranked names and word frequencies.

Used only by ``manage.py derive_name_list``; the site loads the list it writes (see
``peersupport.privacy.names``). Kept apart from the command so the rules can be tested on small
inputs without the 2 GB names package.

Many Swedish names are also ordinary words ("Bo", "Maj", "Per", "Hans", "Berg"). A word's
frequency in Swedish text (wordfreq, case-folded) counts both uses, so a word is judged by how
much more often it is written than other names of the same rank: a name is written about as
often as its neighbours in the ranking, a word that is also a name far more often.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Rank bands within which names are compared (ranks 1–2, 3–9, 10–29, …).
RANK_BANDS = (1, 3, 10, 30, 100, 300, 1000, 3000, 10000)
# Zipf units above the band's median (1 = ten times as frequent): from here a name is also an
# ordinary word; from DROP_EXCESS on it is a word or a place that crept into the name data
# ("Stockholm", "Familjen", "Hej") and is left out.
WORD_EXCESS = 1.0
DROP_EXCESS = 3.0
# Below this frequency (Zipf 3.5: about once in 300,000 words) a name is not a word a writer
# would start a sentence with, however it compares with rarer names of its rank.
WORD_FLOOR = 3.5


@dataclass(frozen=True)
class Judgement:
    name: str
    rank: int
    frequency: float
    excess: float

    @property
    def also_a_word(self) -> bool:
        return self.excess >= WORD_EXCESS and self.frequency >= WORD_FLOOR

    @property
    def not_a_name(self) -> bool:
        return self.excess >= DROP_EXCESS


def _single_word(name: str) -> bool:
    # Double names ("Anna-Karin", "Carl Johan") are matched part by part.
    return len(name) >= 2 and name.isalpha()


def _band_start(rank: int) -> int:
    return max(start for start in RANK_BANDS if start <= rank)


def judge(ranked: Sequence[str], *, frequency: Callable[[str], float]) -> list[Judgement]:
    """Each single-word name of a ranked list, with how far its frequency in Swedish text
    lies above the median of the names ranked near it."""
    names = [name for name in ranked if _single_word(name)]
    frequencies = [frequency(name.casefold()) for name in names]
    by_band: dict[int, list[float]] = {}
    for rank, value in enumerate(frequencies, start=1):
        by_band.setdefault(_band_start(rank), []).append(value)
    medians = {start: statistics.median(values) for start, values in by_band.items()}
    return [
        Judgement(
            name=name,
            rank=rank,
            frequency=value,
            excess=value - medians[_band_start(rank)],
        )
        for rank, (name, value) in enumerate(zip(names, frequencies, strict=True), start=1)
    ]


def derive(
    *,
    female: Sequence[str],
    male: Sequence[str],
    surnames: Sequence[str],
    frequency: Callable[[str], float],
) -> dict[str, list[str]]:
    """The list the privacy guard loads: ``names`` (case-folded, warned wherever capitalised)
    and ``also_words`` (names that are also ordinary words, warned only when capitalised
    mid-sentence). A name listed under several kinds is judged where it ranks best – Björn
    is a top first name first, and a bear only rarely.

    ``s_words`` are the words that look like a name's genitive but are written at least as
    often as the name itself, so are words of their own ("klass" beside Klas, "minnas"
    beside Minna); the guard reads every other name + "s" as the name."""
    best: dict[str, Judgement] = {}
    for ranked in (female, male, surnames):
        for judgement in judge(ranked, frequency=frequency):
            key = judgement.name.casefold()
            if key not in best or judgement.rank < best[key].rank:
                best[key] = judgement
    kept = {key: j for key, j in best.items() if not j.not_a_name}
    names = sorted(key for key, j in kept.items() if not j.also_a_word)
    also_words = sorted(key for key, j in kept.items() if j.also_a_word)
    s_words = sorted(
        key + "s"
        for key in kept
        if key + "s" not in kept and frequency(key + "s") >= max(frequency(key), WORD_FLOOR)
    )
    return {"names": names, "also_words": also_words, "s_words": s_words}
