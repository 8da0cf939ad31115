"""Print the name guard's catch rate and false-warning rate on its test corpus.

The corpus (tests/data/name_guard_corpus.json, written by bench/name_guard_corpus.py) holds
session reflections without names and the same texts with one name planted. A false warning
is a text without names that gets any warning; a catch is a planted name that is warned about.

    .venv/bin/python bench/name_guard.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peersupport.privacy.names import find_possible_names, name_list  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "name_guard_corpus.json"


def main() -> None:
    texts = json.loads(CORPUS.read_text(encoding="utf-8"))["texts"]
    started = time.perf_counter()
    name_list()
    loaded = time.perf_counter()
    false_warnings = [t for t in texts if find_possible_names(t["text"])]
    missed = [
        t
        for t in texts
        if not any(word.startswith(t["name"]) for word in find_possible_names(t["planted"]))
    ]
    checked = time.perf_counter()
    print(f"texts: {len(texts)}")
    print(f"catch rate: {1 - len(missed) / len(texts):.1%} ({len(missed)} missed)")
    print(
        f"false-warning rate: {len(false_warnings) / len(texts):.1%} "
        f"({len(false_warnings)} texts without names warned)"
    )
    print(f"loading the list: {(loaded - started) * 1000:.0f} ms")
    print(f"checking {2 * len(texts)} texts: {(checked - loaded) * 1000:.0f} ms")
    for item in missed:
        print("missed:", item["name"], "|", item["planted"])
    for item in false_warnings:
        print("warned:", find_possible_names(item["text"]), "|", item["text"])


if __name__ == "__main__":
    main()
