"""Every module ends with its sources, and curriculum/SUMBER.md lists every rule it cites.

The checks read whatever modules exist (``curriculum/NN-*.ipynb``), so a module added later
needs its own ``## Sumber`` cell and its own ``## Modul NN`` section in SUMBER.md. A module's
practice bank (``Latihan("x")`` opens ``assessments/bank/latihan-x.yaml``) counts as part of
the module: a rule cited on a practice card must be listed too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CURRICULUM = ROOT / "curriculum"
SUMBER = CURRICULUM / "SUMBER.md"
MODULES = sorted(CURRICULUM.glob("[0-9][0-9]-*.ipynb"))

# UU 1/2024, UU No. 27 Tahun 2022, UU PDP 27/2022, Permenkominfo No. 08/PER/M.KOMINFO/6/2010,
# Inpres Nomor 4 Tahun 2025 ... -> "UU 1/2024", "Permenkominfo 8/2010", "Inpres 4/2025".
REGULATION = re.compile(
    r"\b(UU|PP|Perpres|Inpres|Perpu|Permen[A-Za-z]*|Kepmen[A-Za-z]*|Perda|Perbup)"
    r"(?:\s+[A-Z]{2,5}\)?)?"          # an acronym between, e.g. "UU PDP" or "(UU PDP)"
    r"\s*(?:No\.|Nomor)?\s*0*(\d+)"    # the number, without leading zeros
    r"(?:/[A-Za-z.]+)*(?:/\d{1,2})?"   # "/PER/M.KOMINFO/6" in ministerial regulations
    r"(?:\s*/\s*|\s+Tahun\s+)(\d{4})")
COURT = re.compile(r"\bPutusan\s+(?:MK|Mahkamah Konstitusi)\s*(?:No\.|Nomor)?\s*"
                   r"(\d+/PUU-[IVXL]+/\d{4})")
ARTICLE = re.compile(r"\bPasal\s+(\d+[A-Z]?)\b")


def regulations(text: str) -> set[str]:
    found = {f"{m.group(1)} {int(m.group(2))}/{m.group(3)}" for m in REGULATION.finditer(text)}
    return found | {f"Putusan MK {m.group(1)}" for m in COURT.finditer(text)}


def articles(text: str) -> set[str]:
    return {f"Pasal {m.group(1)}" for m in ARTICLE.finditer(text)}


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def module_text(path: Path) -> str:
    """The notebook's cells plus the practice bank it opens."""
    text = "\n".join("".join(c["source"]) for c in cells(path))
    for bank in re.findall(r'Latihan\("([a-z-]+)"\)', text):
        text += "\n" + (ROOT / "assessments" / "bank" / f"latihan-{bank}.yaml").read_text(
            encoding="utf-8")
    return text


def sections() -> dict[str, str]:
    """SUMBER.md split at its '## Modul NN' headings."""
    text = SUMBER.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    return {m.group(1): part for part in parts if (m := re.match(r"Modul (\d\d)\b", part))}


def test_the_citation_patterns_find_the_forms_the_curriculum_uses():
    text = ("Permenkominfo No. 08/PER/M.KOMINFO/6/2010; UU Pelindungan Data Pribadi (UU PDP) "
            "No. 27 Tahun 2022; UU 11/2008 diubah UU 1/2024; Inpres Nomor 4 Tahun 2025; Putusan MK "
            "105/PUU-XXII/2024; Pasal 27A dan Pasal 28 ayat (2); UU 7/2017 Pasal 449 ayat 5")
    assert regulations(text) == {"Permenkominfo 8/2010", "UU 27/2022", "UU 11/2008", "UU 1/2024",
                                 "Inpres 4/2025", "Putusan MK 105/PUU-XXII/2024", "UU 7/2017"}
    assert articles(text) == {"Pasal 27A", "Pasal 28", "Pasal 449"}
    assert regulations("Instruksi Presiden tentang data tunggal") == set()


def test_sumber_md_has_a_section_for_every_module_and_nothing_else():
    numbers = {p.name[:2] for p in MODULES}
    assert set(sections()) == numbers


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_a_module_ends_with_its_sources(path):
    last = "".join(cells(path)[-1]["source"])
    assert cells(path)[-1]["cell_type"] == "markdown" and last.startswith("## Sumber"), (
        f"{path.name}: the last cell must be a markdown '## Sumber' section")
    assert "curriculum/SUMBER.md" in last
    assert re.search(r"dicek 20\d\d-\d\d-\d\d", last), f"{path.name}: no 'dicek <date>' in Sumber"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_rule_a_module_cites_is_listed_in_sumber_md(path):
    section = sections()[path.name[:2]]
    text = module_text(path)
    where = f"add them to 'Modul {path.name[:2]}' in SUMBER.md"
    missing = sorted(regulations(text) - regulations(section))
    assert not missing, f"{path.name} cites {missing}; {where}"
    missing = sorted(articles(text) - articles(section))
    assert not missing, f"{path.name} cites {missing}; {where}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_source_line_is_dated_or_marked_for_confirmation(path):
    """Each bullet in a module's SUMBER.md section says when it was checked, or that it was not."""
    bullets = re.split(r"^- ", sections()[path.name[:2]], flags=re.MULTILINE)[1:]
    assert bullets, f"no sources listed for {path.name}"
    label = re.compile(r"dicek 20\d\d-\d\d-\d\d|konfirmasi ke Diskominfo Kotim|contoh|rekaan"
                       r"|modul \d\d|curriculum/|https?://")
    undated = [b.split("\n")[0] for b in bullets if not label.search(b)]
    assert not undated, f"{path.name}: sources without a check date or a label: {undated}"
