"""The coordinator notebook runs headless against a course like the demo's, its dropdowns
change what it shows, and it is committed without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from kimtrain.reports.explore import ALL, choices, explore

from .synth import SMALL_KECAMATAN, synth_course

NOTEBOOK = Path(__file__).resolve().parent.parent / "curriculum" / "koordinator" / \
    "eksplorasi-hasil.ipynb"


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synth_course(tmp_path_factory.mktemp("nb") / "kursus", participants=40, items=12,
                        small_group=2)


def test_the_notebook_is_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_explore_offers_only_groups_large_enough(synth):
    from kimtrain.reports import ReportOptions, build_report

    report = build_report(synth.course, ReportOptions(pre="pretest", post="posttest"))
    offered = [value for _, value in choices(report)["kecamatan"]]
    assert offered[0] == ALL and SMALL_KECAMATAN not in offered and len(offered) > 2
    view = explore(report, offered[1], "pre", "aman")
    assert view.group.n_pre >= 5 and offered[1] in view.title
    everyone = explore(report)
    assert everyone.group.n_post == report.groups[0].n_post
    hidden = explore(report, SMALL_KECAMATAN, "post", "aman")
    assert hidden.group.suppressed and hidden.competencies.iloc[:, 1].eq("–").all()


@pytest.mark.slow
def test_the_notebook_executes_and_its_widgets_respond(synth, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("KIMTRAIN_KURSUS", str(synth.course.root))
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "sebelum = tampilan.title\n"
        "pilih_kecamatan.value = pilihan['kecamatan'][1][1]\n"
        "pilih_tes.value = 'pre'\n"
        "pilih_domain.value = 'media'\n"
        "sesudah = tampilkan()\n"
        "print('SEBELUM', sebelum)\n"
        "print('SESUDAH', sesudah.title, sesudah.group.n_pre)"))
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.output_type == "stream")
    assert "Tes yang dibaca: pretest, posttest" in text
    before = next(line for line in text.splitlines() if line.startswith("SEBELUM"))
    after = next(line for line in text.splitlines() if line.startswith("SESUDAH"))
    assert "Semua kecamatan" in before and "posttest" in before
    assert "pretest" in after and "Literasi Media" in after and "Semua" not in after
    widgets = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets  # the dropdowns were displayed
