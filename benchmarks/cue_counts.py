"""Count the item-quality cues of the shipped banks (the before/after table of issue 11).

    python benchmarks/cue_counts.py [ASSESSMENTS_DIR] [--compare OTHER_DIR]

Prints one Markdown table: a row per cue, a column per set (every bank item, the
pre-test, the post-test, all quizzes, all practice items). With ``--compare`` the
cells read ``before → after`` (``OTHER_DIR`` is the *before*), e.g. an export of
main: ``git archive main assessments | tar -x -C /tmp/before``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kimtrain.bank import check_banks  # noqa: E402
from kimtrain.bank.quality import blueprint_sets, cue_counts, is_practice  # noqa: E402


def table(folder: Path) -> tuple[list[str], dict[str, list[tuple[str, str]]]]:
    items, issues = check_banks([folder / "bank"])
    if issues:
        raise SystemExit("\n".join(i.render() for i in issues))
    sets, _ = blueprint_sets(sorted((folder / "blueprints").glob("*.yaml")))
    by_name = {s.name: s.items for s in sets}
    quizzes = {i.id: i for s in sets if s.name.startswith("kuis") for i in s.items}
    columns = {
        "all bank items": [i for i in items if not is_practice(i)],
        "pre-test": list(by_name.get("pretest", ())),
        "post-test": list(by_name.get("posttest", ())),
        "quizzes": list(quizzes.values()),
        "practice": [i for i in items if is_practice(i)],
    }
    # near-duplicates are counted over practice + assessment items together
    twins = cue_counts(items).near_duplicates
    out = {}
    for name, chosen in columns.items():
        rows = cue_counts(chosen).rows()
        out[name] = [(k, str(twins) if k.startswith("practice items nearly") else v)
                     for k, v in rows]
    return list(columns), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "assessments"))
    parser.add_argument("--compare", metavar="BEFORE")
    args = parser.parse_args()
    names, after = table(Path(args.folder))
    before = table(Path(args.compare))[1] if args.compare else None
    print("| cue | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for row, (label, _) in enumerate(after[names[0]]):
        cells = []
        for name in names:
            now = after[name][row][1]
            cells.append(f"{before[name][row][1]} → {now}" if before and name in before
                         else now)
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
