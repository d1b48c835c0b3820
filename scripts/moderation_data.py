"""What the scripts that regenerate the moderation engine's word data share: the shipped
languages, the endings the engine reads after a whole-word term, the English list's
spellings, and folding words as the engine folds them (its `fold-words` example).

Imported by scripts/moderation-lexicons and scripts/moderation-rustrict.
"""

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "moderation" / "data"
# Every shipped language, in the engine's order (`SHIPPED` in
# moderation/src/engine/languages.rs).
LANGS = ["en", "es", "pt", "fr", "de", "it", "ru", "tr", "ar", "hi", "ja", "ko", "zh"]
# The endings the engine reads after any term matched as a whole word (`SUFFIXES` in
# moderation/src/engine/lexicon.rs).
ENDINGS = ["s", "es", "ed", "er", "ers", "ing", "ings", "in", "y", "z"]


def languages_not_shipped() -> list:
    """The languages wordfreq knows and the engine does not ship, sorted. The scripts that
    call it check that wordfreq is installed."""
    from wordfreq import available_languages

    return sorted(set(available_languages()) - set(LANGS))


def build_folder() -> None:
    """Builds the `fold-words` example that `fold` runs."""
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "-p", "ivschat-moderation",
         "--example", "fold-words"], cwd=ROOT, check=True,
    )


def fold(lines, mode="--keys"):
    """Each line folded as the engine folds text, in order (`build_folder` first); with
    `--lookalike-keys`, with Cyrillic and Greek letters read as the Latin letters they look
    like (the second, disguised form the engine compiles such a term in)."""
    # Where cargo put it: CARGO_TARGET_DIR when set, as for the build.
    target = ROOT / (os.environ.get("CARGO_TARGET_DIR") or "target")
    exe = target / "release" / "examples" / "fold-words"
    out = subprocess.run(
        [str(exe), mode], input="".join(l + "\n" for l in lines),
        capture_output=True, text=True, check=True,
    ).stdout
    return out.split("\n")[: len(lines)]


def english_spellings(rustrict: bool = False) -> list:
    """The spellings of the English list and its supplement (en-profanity.json,
    en-additions.json), and with `rustrict` of rustrict's terms too (en-rustrict.json), in
    their order: `*` after a letter means "may repeat", and runs already do that."""
    return [spelling for spelling, _ in english_entries(rustrict)]


def english_entries(rustrict: bool = False) -> list:
    """`english_spellings`, each with its entry (`tags`, `severity`)."""
    names = ["en-profanity.json", "en-additions.json"] + (["en-rustrict.json"] if rustrict else [])
    terms = []
    for name in names:
        for entry in json.loads((DATA / name).read_text(encoding="utf-8")):
            terms += [(a.replace("*", ""), entry) for a in entry["match"].split("|")]
    return terms
