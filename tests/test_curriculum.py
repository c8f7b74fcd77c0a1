"""The curriculum: fifteen one-session modules that run headless, each with practice widgets
(ten from issue 5, five more from issue 12 for the KIM brief's thin parts)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from kimtrain.bank.model import COMPETENCIES
from kimtrain.lab import curriculum_dir
from kimtrain.practice.banks import load_practice

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(curriculum_dir().glob("[0-9][0-9]-*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SECTIONS = ("## Tujuan pembelajaran", "## Diskusi dan refleksi", "## Catatan untuk fasilitator")


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def source(nb: nbformat.NotebookNode, kind: str) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == kind)


def test_fifteen_modules_numbered_in_order():
    assert [p.name[:2] for p in MODULES] == [f"{n:02d}" for n in range(1, 16)]
    assert [read(p).metadata["kimtrain"]["module"] for p in MODULES] == list(range(1, 16))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_a_module_has_what_a_trainer_needs(path):
    nb = read(path)
    nbformat.validate(nb)
    meta = nb.metadata["kimtrain"]
    assert 45 <= meta["duration_minutes"] <= 180
    assert meta["competencies"] and set(meta["competencies"]) <= set(COMPETENCIES)
    text = source(nb, "markdown")
    assert f"**Durasi:** {meta['duration_minutes']} menit" in text
    for section in SECTIONS:
        assert section in text
    assert not re.search(r"\bkamu\b", text, re.IGNORECASE)  # "Anda", never "kamu"
    for cell in nb.cells:  # committed without outputs
        assert cell.cell_type != "code" or (not cell.outputs and cell.execution_count is None)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_practice_items_exist_and_their_competencies_are_listed(path):
    nb = read(path)
    code = source(nb, "code")
    bank = re.search(r'Latihan\("([a-z-]+)"\)', code)
    assert bank, "every module opens its practice bank"
    items = load_practice(bank.group(1))
    shown = re.findall(r'latihan\.soal\("([A-Z0-9-]+)"\)', code)
    assert shown and set(shown) <= set(items)
    listed = set(nb.metadata["kimtrain"]["competencies"])
    assert {items[i].competency for i in shown} <= listed


def test_the_readme_table_lists_every_module_with_its_duration_and_competencies():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): m for m in re.finditer(
        r"^\| (\d\d) \| \[([^\]]+)\]\(curriculum/([^)]+)\) \| (\d+) menit \| ([^|]+) \|$",
        readme, re.MULTILINE)}
    assert sorted(rows) == [p.name[:2] for p in MODULES]
    for path in MODULES:
        meta = read(path).metadata["kimtrain"]
        row = rows[path.name[:2]]
        assert row.group(2) == meta["title"] and row.group(3) == path.name
        assert int(row.group(4)) == meta["duration_minutes"]
        assert re.findall(r"\b[A-Z]\d\b", row.group(5)) == meta["competencies"]


@pytest.mark.slow
@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_module_runs_headless_with_at_least_three_practice_widgets(path, tmp_path):
    from nbclient import NotebookClient

    copy = tmp_path / path.name  # files a module writes (module 8's picture) land here
    shutil.copy(path, copy)
    nb = read(copy)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    shown = [o.data[WIDGET_VIEW]["model_id"] for c in nb.cells for o in c.get("outputs", [])
             if WIDGET_VIEW in o.get("data", {})]
    practice = [m for m in shown if state[m]["state"].get("mode") == "practice"]
    assert len(practice) >= 3
    assert len(shown) == len(set(shown))  # each card shown once, not twice
    for model in practice:
        widget = state[model]["state"]
        assert widget["labels"]["badge"] == "Latihan"  # visibly practice, not a test
        assert not widget.get("feedback") and not widget.get("result")  # nothing answered yet
