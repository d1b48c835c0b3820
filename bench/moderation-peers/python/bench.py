"""Times the PyPI profanity filters on the benchmark corpus, one after the other on this
thread, and prints their results as JSON for the Rust driver (see ../src/peers.rs).

Usage: python bench.py --corpus corpus.jsonl [--passes 5] [--budget-secs 10]
"""

import argparse
import json
import sys
import time
from importlib.metadata import version

# The budget is checked once every this many messages, as the Rust side does.
CHECK_EVERY = 64


def build_better_profanity():
    from better_profanity import profanity

    # The library's documented setup: its default word list.
    profanity.load_censor_words()
    return profanity.contains_profanity


PEERS = [("better-profanity", "better-profanity", build_better_profanity)]


def measure(flags, lines, texts, passes, budget):
    flagged = [line["id"] for line, text in zip(lines, texts) if flags(text)]
    timed = 0
    hits = 0
    start = time.perf_counter()
    done = False
    for _ in range(passes):
        for text in texts:
            if flags(text):
                hits += 1
            timed += 1
            if timed % CHECK_EVERY == 0 and time.perf_counter() - start >= budget:
                done = True
                break
        if done:
            break
    seconds = time.perf_counter() - start
    return {"flagged": flagged, "timed_messages": timed, "seconds": seconds}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--budget-secs", type=float, default=10.0)
    args = parser.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    texts = [line["text"] for line in lines]

    engines = []
    for engine, package, build in PEERS:
        ver = "?"
        try:
            ver = version(package)
            print(f"timing {engine} {ver} ...", file=sys.stderr, flush=True)
            result = measure(build(), lines, texts, args.passes, args.budget_secs)
            engines.append({"engine": engine, "version": ver, **result})
        except Exception as e:  # a crashing peer is a result, not the end of the run
            engines.append({"engine": engine, "version": ver, "error": f"{type(e).__name__}: {e}"})
    json.dump({"engines": engines}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
