"""The content policy (curriculum/KEBIJAKAN-KONTEN.md) holds in everything a trainee sees.

The word lists are read from the policy itself, so adding a word there extends the check.
No sentence in the modules, banks, blueprints or text catalogs may name an ethnic or
religious group together with a word of conflict or violence.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "curriculum" / "KEBIJAKAN-KONTEN.md"


def listed(label: str) -> list[str]:
    """The backticked words after '**<label>:**' in the policy."""
    text = POLICY.read_text(encoding="utf-8")
    block = text.split(f"**{label}:**", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"`([^`]+)`", block)


def pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[.!?;\n]+", text) if s.strip()]


def offending(text: str, groups: re.Pattern[str], conflict: re.Pattern[str]) -> list[str]:
    return [s.strip() for s in sentences(text) if groups.search(s) and conflict.search(s)]


def texts() -> dict[str, str]:
    """Everything participants, trainers and coordinators read, by file."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "curriculum").rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found[str(path.relative_to(ROOT))] = "\n".join("".join(c["source"]) for c in cells)
    for path in sorted((ROOT / "curriculum").glob("*.md")):
        if path != POLICY:
            found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for pattern_ in ("assessments/bank/*.yaml", "assessments/blueprints/*.yaml"):
        for path in sorted(ROOT.glob(pattern_)):
            found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "kimtrain" / "i18n").glob("*/*.json")):
        values = json.loads(path.read_text(encoding="utf-8")).values()
        found[str(path.relative_to(ROOT))] = "\n".join(str(v) for v in values)
    return found


def test_the_policy_names_its_words():
    groups, conflict = listed("Kata kelompok"), listed("Kata konflik")
    assert {"Dayak", "Madura", "Islam", "Kristen"} <= set(groups)
    assert {"ngamuk", "kerusuhan", "usir", "korban"} <= set(conflict)


def test_the_check_catches_the_kind_of_example_the_policy_forbids():
    groups, conflict = pattern(listed("Kata kelompok")), pattern(listed("Kata konflik"))
    assert offending('"Kalimantan tolak Jokowi, Dayak ngamuk, IKN gagal"', groups, conflict)
    assert offending("Semua orang Madura biang onar, usir saja", groups, conflict)
    # naming diversity to include everyone is allowed
    assert not offending("Warga desa beragam: Dayak, Banjar, Jawa, Madura dan lainnya. "
                         "Mari bergotong royong.", groups, conflict)
    assert not offending("Kerja bakti di kembali ke balai desa", groups, conflict)


def test_no_sentence_names_a_group_with_conflict_words():
    groups, conflict = pattern(listed("Kata kelompok")), pattern(listed("Kata konflik"))
    found = {name: hits for name, text in texts().items()
             if (hits := offending(text, groups, conflict))}
    assert not found, f"examples against curriculum/KEBIJAKAN-KONTEN.md: {found}"


def test_the_scan_covers_the_curriculum_banks_and_catalogs():
    names = set(texts())
    assert any(n.startswith("curriculum/04-") for n in names)
    assert "assessments/bank/etika.yaml" in names
    assert any(n.startswith("kimtrain/i18n/id/") for n in names)
    assert "curriculum/KEBIJAKAN-KONTEN.md" not in names
