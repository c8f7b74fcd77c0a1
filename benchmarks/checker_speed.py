"""Time the draft checkers on hostile input: the old price pattern against the new one,
and every checker on 400 KB of text built to make a regular expression backtrack.

    python benchmarks/checker_speed.py [--size 400000]

The old price pattern (``\\b\\d[\\d.]*\\s?(ribu|rb|juta)\\b``) restarts at every digit
after a dot and rescans the rest, so its time grows with the square of the length: it
is timed on 5 KB, 10 KB and 20 KB only, and its time on ``--size`` is extrapolated.
The new patterns are linear: each checker is timed on the full size (bypassing the
``MAX_DRAFT`` cap that ``check_draft`` applies), and ``check_draft`` on the same text
shows the cap's refusal. Goal (issue 9): under 100 ms for 400 KB.
"""

from __future__ import annotations

import argparse
import random
import re
import time

OLD_PRICE = re.compile(r"(?i)\bRp\.?\s?\d[\d.,]*|\b\d[\d.]*\s?(ribu|rb|juta)\b")


def hostile(size: int) -> dict[str, str]:
    rng = random.Random(9)
    return {
        "1.1.1.…": "1." * (size // 2),
        "a.a.a.…": "a." * (size // 2),
        'quotes """…': '"' * size,
        "1 1 1 …": "1 " * (size // 2),
        "spaces": " " * size,
        "AAAA AAAA …": "AAAA " * (size // 5),
        "random mix": "".join(rng.choice("aA1. -\"\n'!?,Rp") for _ in range(size)),
    }


def timed(fn, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=400_000)
    args = parser.parse_args()
    from kimtrain.errors import KimtrainError
    from kimtrain.practice.drafts import CHECKERS, MAX_DRAFT, _load_checkers, check_draft
    from kimtrain.practice.posts import PRICE

    _load_checkers()
    print("price pattern on '1.1.1.…' (seconds)")
    print(f"{'length':>10} {'old':>10} {'new':>10}")
    old = {}
    for size in (5_000, 10_000, 20_000):
        text = "1." * (size // 2)
        old[size] = timed(lambda s: list(OLD_PRICE.finditer(s)), text)
        new = timed(lambda s: list(PRICE.finditer(s)), text)
        print(f"{size:>10} {old[size]:>10.3f} {new:>10.4f}")
    text = "1." * (args.size // 2)
    new = timed(lambda s: list(PRICE.finditer(s)), text)
    guess = old[20_000] * (args.size / 20_000) ** 2
    print(f"{args.size:>10} {'~' + format(guess, '.0f'):>10} {new:>10.4f}   (old: extrapolated)")

    print(f"\nevery checker on {args.size:,} characters (seconds, best of 3)")
    inputs = hostile(args.size)
    print(f"{'input':<16}" + "".join(f"{k:>12}" for k in CHECKERS))
    worst = 0.0
    for name, text in inputs.items():
        row = [timed(CHECKERS[k], text) for k in CHECKERS]
        worst = max(worst, *row)
        print(f"{name:<16}" + "".join(f"{v:>12.3f}" for v in row))
    print(f"slowest: {worst:.3f} s on {args.size:,} characters")

    at_cap = hostile(MAX_DRAFT)
    cap_worst = max(timed(lambda s, k=k: check_draft(k, s), text)
                    for text in at_cap.values() for k in CHECKERS)
    print(f"\ncheck_draft at the cap ({MAX_DRAFT:,} characters): slowest {cap_worst * 1000:.1f} ms")
    start = time.perf_counter()
    try:
        check_draft("berita", inputs["1.1.1.…"])
    except KimtrainError as exc:
        refused = time.perf_counter() - start
        print(f"check_draft on {args.size:,} characters: refused in {refused * 1000:.3f} ms "
              f"({exc.key})")


if __name__ == "__main__":
    main()
