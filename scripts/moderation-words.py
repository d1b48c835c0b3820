#!/usr/bin/env python3
"""Prints the most frequent words of a language, one a line, most frequent first.

Usage: moderation-words.py LANG COUNT

Reads wordfreq's frequency lists (CC BY-SA 4.0). Only tokens made of letters (and the
combining marks some scripts need) are printed; numbers and punctuation are skipped.
Used by scripts/moderation-dictionaries and by the engine's false-positive sweep.
"""

import sys
import unicodedata

try:
    from wordfreq import top_n_list
except ImportError:
    sys.exit(
        "moderation-words.py needs the Python package wordfreq: "
        "pip install -r scripts/requirements.txt"
    )


def is_word(token: str) -> bool:
    return any(c.isalpha() for c in token) and all(
        c.isalpha() or unicodedata.category(c).startswith("M") for c in token
    )


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lang, count = sys.argv[1], int(sys.argv[2])
    # Ask for more than needed: tokens that are not words are dropped.
    words = [w for w in top_n_list(lang, count * 2) if is_word(w)][:count]
    sys.stdout.write("".join(w + "\n" for w in words))


if __name__ == "__main__":
    main()
