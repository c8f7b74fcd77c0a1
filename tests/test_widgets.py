from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kimtrain.assessment.blueprint import load_blueprint
from kimtrain.assessment.build import build_assessment
from kimtrain.widgets import Assessment
from kimtrain.widgets.views import STATIC

from .conftest import TEST_BLUEPRINT


def show(session, item_id):
    """Display one item, as its notebook cell does, and return its widget."""
    session.soal(item_id)
    return session.widgets[item_id]


@pytest.fixture
def folder(course):
    """A released-like folder: the notebook and its manifest, no answers yet."""
    path = build_assessment(load_blueprint(TEST_BLUEPRINT), course.root)
    return path.parent


def test_a_tap_is_saved_at_once_and_shown_again_after_a_restart(folder):
    session = Assessment("pretest", folder)
    session.mulai()
    widget = show(session, "AMAN-APK-01")
    assert widget.disabled  # nobody identified yet
    session._on_identity(session.identity, {"event": "identify", "code": "kim-007"})
    assert session.participant == "KIM-007" and not widget.disabled
    widget.set_state({"value": "B"})  # what a tap in the browser sends
    assert widget.status == "saved" and "Tersimpan" in widget.message
    sheet = (folder / "jawaban__pretest__KIM-007.json").read_text(encoding="utf-8")
    assert '"AMAN-APK-01"' in sheet and '"B"' in sheet

    again = Assessment("pretest", folder)  # a new kernel: the one sheet here is picked up
    assert again.participant == "KIM-007"
    assert show(again, "AMAN-APK-01").value == "B"


def test_a_served_notebook_never_guesses_who_is_answering(folder, monkeypatch):
    Assessment("pretest", folder, participant="KIM-001").answer("AMAN-APK-01", "A")
    monkeypatch.setenv("KIMTRAIN_SERVER", "1")
    other = Assessment("pretest", folder)
    assert other.participant is None
    assert show(other, "AMAN-APK-01").value is None


def test_participants_do_not_see_each_other(folder):
    a = Assessment("pretest", folder, participant="KIM-001")
    b = Assessment("pretest", folder, participant="KIM-002")
    show(a, "HF-BANSOS-01").set_state({"value": False})
    show(b, "HF-BANSOS-01").set_state({"value": True})
    for participant, expected in (("KIM-001", False), ("KIM-002", True)):
        again = Assessment("pretest", folder, participant=participant)
        assert show(again, "HF-BANSOS-01").value is expected


def test_a_bad_answer_is_refused_with_a_message_and_nothing_saved(folder):
    session = Assessment("pretest", folder, participant="KIM-003")
    widget = show(session, "UMKM-BAYAR-01")
    widget.set_state({"value": "seratus ribu"})
    assert widget.status == "error" and "bukan angka" in widget.message
    assert not (folder / "jawaban__pretest__KIM-003.json").exists()
    widget.set_state({"value": "112.000"})
    assert widget.status == "saved"


def test_check_lists_unanswered_items(folder):
    session = Assessment("pretest", folder, participant="KIM-004")
    for item_id in session.order:
        show(session, item_id)
    session.periksa()
    check = session.check_widget
    session.widgets["AMAN-APK-01"].set_state({"value": "B"})
    session._on_check(check)
    total = len(session.order)
    assert check.result["summary"].startswith(f"1 dari {total} soal sudah dijawab")
    assert [row[0] for row in check.result["missing"]] == list(range(2, total + 1))


def test_english_switch_uses_the_items_english_text(folder, monkeypatch):
    monkeypatch.setenv("KIMTRAIN_LANG", "en")
    session = Assessment("pretest", folder, participant="KIM-005")
    widget = show(session, "AMAN-APK-01")
    assert widget.item["stem"].startswith("An unknown number")
    assert widget.labels["number"].startswith("Question 1 of")
    assert show(session, "HF-BANSOS-01").item["labels"] == ["Fact", "Hoax"]


def test_static_files_load_nothing_from_the_network():
    import kimtrain.items

    types = Path(kimtrain.items.__file__).parent
    for path in [*STATIC.iterdir(), *types.glob("*.js"), *types.glob("*.css")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://|//cdn|@import|import\s.*from\s+['\"]http", text), path


def test_importing_the_widgets_does_not_load_heavy_packages():
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import kimtrain.widgets"],
                         capture_output=True, text=True, check=True)
    modules = {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines()
               if line.startswith("import time:")}
    assert "anywidget" in modules  # the measurement works
    assert not modules & {"pandas", "matplotlib", "nbgrader", "nbformat", "yaml"}


def test_kirim_asks_once_more_when_items_are_empty_then_locks(folder):
    session = Assessment("pretest", folder, participant="KIM-006")
    widgets = [show(session, i) for i in session.order]
    session.kirim()
    card = session.submit_widget
    notes = []
    session.on_submit.append(lambda s, sheet: notes.append(sheet.participant) or "zip: x.zip")
    widgets[0].set_state({"value": "B"})
    session._on_submit_tap(card)
    assert card.result["confirm"] and not card.done
    assert session.store.load("pretest", "KIM-006").submitted_at is None
    session._on_submit_tap(card)  # "Tetap kirim"
    assert card.done and notes == ["KIM-006"] and "x.zip" in card.result["summary"]
    assert all(w.disabled for w in widgets)
    widgets[1].set_state({"value": "A"})  # too late: refused, nothing changes
    assert widgets[1].status == "error" and widgets[1].value is None
    assert session.store.load("pretest", "KIM-006").value(session.order[1]) is None
    reopened = Assessment("pretest", folder, participant="KIM-006")
    reopened.kirim()
    assert show(reopened, session.order[0]).disabled and reopened.submit_widget.done
    # the next person on this laptop is not taken for KIM-006
    assert Assessment("pretest", folder).participant is None


@pytest.mark.slow
def test_each_card_of_a_built_notebook_is_shown_exactly_once(folder, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("KIMTRAIN_PESERTA", "KIM-008")
    nb = nbformat.read(folder / "pretest.ipynb", as_version=4)
    NotebookClient(nb, resources={"metadata": {"path": str(folder)}}, timeout=60).execute()
    view = "application/vnd.jupyter.widget-view+json"
    shown = [sum(view in o.get("data", {}) for o in c.get("outputs", []))
             for c in nb.cells if c.cell_type == "code" and "ujian." in c.source]
    assert shown and all(count == 1 for count in shown), shown
