"""The workshop server's parts: what is served, hand-in, the trainer's view, the CLI.

The last tests start a real `kimtrain serve` and talk to it as a participant's page
does (tests/served_client.py), without a browser; tests/test_serve_browser.py drives
Chromium.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys

import pytest

from kimtrain.answers.store import FileAnswerStore
from kimtrain.assessment.blueprint import load_blueprint
from kimtrain.assessment.build import build_assessment
from kimtrain.course.roster import save_roster
from kimtrain.demo import demo_roster
from kimtrain.errors import CourseError, KimtrainError
from kimtrain.serve import (
    place_submission,
    prepare_workshop,
    read_presence,
    sweep,
    workshop_status,
)
from kimtrain.serve.network import server_urls
from kimtrain.serve.pages import landing_page, trainer_page
from kimtrain.widgets import Assessment

from .conftest import TEST_BLUEPRINT
from .serving import PRACTICE, ServerProcess, workshop_course


def _release_by_hand(course):
    """What nbgrader's release holds for our tests: the notebook without hidden tests."""
    source = build_assessment(load_blueprint(TEST_BLUEPRINT), course.root)
    release = course.folder("release", "pretest")
    release.mkdir(parents=True)
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", text, flags=re.S)
    (release / "pretest.ipynb").write_text(text, encoding="utf-8")
    (release / "kimtrain_soal.json").write_bytes((source.parent / "kimtrain_soal.json")
                                                  .read_bytes())
    return release


@pytest.fixture
def served(course, monkeypatch):
    """A prepared workshop and a session in its served folder, as a served kernel sees it."""
    _release_by_hand(course)
    save_roster(course, demo_roster(3))
    workshop = prepare_workshop(course)
    monkeypatch.setenv("KIMTRAIN_SERVER", "1")
    monkeypatch.setenv("KIMTRAIN_COURSE", str(course.root))
    return workshop


def test_only_the_release_is_served_and_answers_survive_a_refresh(course, tmp_path):
    with pytest.raises(CourseError) as empty:
        prepare_workshop(course)
    assert empty.value.key == "serve.nothing"
    with pytest.raises(CourseError) as missing:
        prepare_workshop(course, ["pretest"])
    assert missing.value.key == "serve.not_released"
    release = _release_by_hand(course)
    workshop = prepare_workshop(course)
    folder = workshop.assessment("pretest").folder
    assert sorted(p.name for p in folder.iterdir()) == ["kimtrain_soal.json", "pretest.ipynb"]
    assert "HIDDEN TESTS" not in (folder / "pretest.ipynb").read_text(encoding="utf-8")
    FileAnswerStore(folder).save_answer("pretest", "KIM-001", "AMAN-APK-01", "B")
    prepare_workshop(course)  # a restart refreshes the notebook and keeps every sheet
    assert FileAnswerStore(folder).load("pretest", "KIM-001").value("AMAN-APK-01") == "B"
    # a notebook that still holds the key is refused
    source = course.folder("source", "pretest", "pretest.ipynb")
    (release / "pretest.ipynb").write_bytes(source.read_bytes())
    with pytest.raises(CourseError) as keyed:
        prepare_workshop(course)
    assert keyed.value.key == "serve.hidden_tests"


def test_modules_are_listed_with_their_titles(served, course):
    (course.root / "modul").mkdir()
    (course.root / "modul" / PRACTICE.name).write_bytes(PRACTICE.read_bytes())
    workshop = prepare_workshop(course)
    assert [(m.title, m.url) for m in workshop.modules] == [
        ("Latihan: hoaks atau fakta?", "/voila/render/modul/latihan.ipynb")]
    with pytest.raises(CourseError):
        prepare_workshop(course, modules=[course.root / "nowhere"])


def test_a_served_session_needs_code_and_pin_and_shows_nothing_before(served, course):
    """Issue 9, items 2 and 4: a code alone opens nothing and names nobody."""
    from kimtrain.serve.identity import ensure_pins, load_pins

    ensure_pins(course.root, ["KIM-001", "KIM-002", "KIM-003"])
    pins = load_pins(course.root)
    folder = served.assessment("pretest").folder
    FileAnswerStore(folder).save_answer("pretest", "KIM-002", "AMAN-APK-01", "C")
    session = Assessment("pretest", folder)
    assert session.participant is None  # never guessed
    session.mulai()
    session.soal("AMAN-APK-01")
    assert session.identity.pin_required
    refusals = []
    # the attack: another participant's code, without or with a guessed PIN; and a code
    # that is not on the roster (which must not be told apart from a wrong PIN)
    for code, pin in (("KIM-002", ""), ("kim-002", "000000"), ("KIM-099", pins["KIM-002"])):
        session._on_identity(session.identity, {"event": "identify", "code": code, "pin": pin})
        assert session.participant is None and session.identity.status == "error"
        assert session.identity.participant == ""
        assert session.widgets["AMAN-APK-01"].value is None  # nothing of the sheet
        refusals.append(session.identity.message)
    assert set(refusals) == {"Kode peserta atau PIN salah. Periksa kartu peserta Anda, atau "
                             "tanyakan kepada fasilitator."}
    assert "Budi Santoso" not in " ".join(refusals)
    assert read_presence(course.root, "pretest") == {}
    session._on_identity(session.identity, {"event": "identify", "code": "kim-002",
                                            "pin": f" {pins['KIM-002']} "})
    assert session.participant == "KIM-002"
    assert "Budi Santoso" in session.identity.message  # the name only after the PIN
    assert session.widgets["AMAN-APK-01"].value == "C"
    assert list(read_presence(course.root, "pretest")) == ["KIM-002"]


def test_kirim_hands_in_own_sheet_for_nbgrader(served, course):
    folder = served.assessment("pretest").folder
    other = Assessment("pretest", folder, participant="KIM-001")
    other.answer("AMAN-APK-01", "A")
    session = Assessment("pretest", folder, participant="KIM-002")
    session.answer("AMAN-APK-01", "B")
    session.kirim()
    card = session.submit_widget
    session._on_submit_tap(card)
    session._on_submit_tap(card)  # "Tetap kirim": most items are empty
    assert card.done, card.result
    target = course.root / "submitted" / "KIM-002" / "pretest"
    assert sorted(p.name for p in target.iterdir()) == [
        "jawaban__pretest__KIM-002.json", "kimtrain_soal.json", "pretest.ipynb",
        "timestamp.txt"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} UTC",
                        (target / "timestamp.txt").read_text(encoding="utf-8"))
    assert sweep(course.root, folder, "pretest") == []  # already there
    rows = {r.participant: r for r in workshop_status(served)[0].rows}
    assert [rows[p].state for p in ("KIM-001", "KIM-002", "KIM-003")] == [
        "started", "submitted", "waiting"]
    assert rows["KIM-002"].handed_in and rows["KIM-002"].answered == 1


def test_the_sweep_hands_in_what_a_dead_kernel_could_not(served, course):
    folder = served.assessment("pretest").folder
    store = FileAnswerStore(folder)
    store.save_answer("pretest", "KIM-003", "AMAN-APK-01", "C")
    with pytest.raises(KimtrainError):
        place_submission(course.root, folder, "pretest", "KIM-003")  # not submitted yet
    store.mark_submitted("pretest", "KIM-003")
    assert sweep(course.root, folder, "pretest") == ["KIM-003"]
    handed = FileAnswerStore(course.root / "submitted" / "KIM-003" / "pretest")
    assert handed.load("pretest", "KIM-003").value("AMAN-APK-01") == "C"
    assert handed.participants("pretest") == ["KIM-003"]


def test_pages_name_no_outside_address(served):
    statuses = workshop_status(served)
    pages = [landing_page(served, "http://192.168.1.5:8866/", "id"),
             trainer_page(served, statuses, ["http://192.168.1.5:8866/"], "id")]
    for page in pages:
        addresses = set(re.findall(r"(?:https?:)?//[\w.:-]+", page))
        assert addresses <= {"http://192.168.1.5:8866", "//www.w3.org"}, addresses
        assert "<svg" in page  # the QR code is inline
    assert "Budi Santoso" in pages[1] and "Budi Santoso" not in pages[0]  # names: trainer only


def test_addresses_for_phones():
    assert server_urls("127.0.0.1", 8866) == ["http://127.0.0.1:8866/"]
    urls = server_urls("0.0.0.0", 8866)
    assert urls and all(u.startswith("http://") and u.endswith(":8866/") for u in urls)
    assert "http://127.0.0.1:8866/" not in urls or len(urls) == 1


def test_a_busy_port_is_a_clear_message(served, course):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "kimtrain", "serve", "--course",
                              str(course.root), "--host", "127.0.0.1", "--port", str(port)],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert f"Port {port} sudah dipakai" in run.stderr


# -- a real server, spoken to like a browser page -------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    course = workshop_course(tmp_path_factory.mktemp("serve") / "kursus")
    process = ServerProcess(course.root, "--warm", "0")  # each page runs its own notebook
    yield course, process
    process.stop()


@pytest.mark.slow
def test_the_server_shows_only_this_workshop_and_no_code(server):
    _course, process = server
    status, landing = process.get("/")
    # the test opens as a light page (no kernel), the practice module through Voilà
    assert status == 200 and 'href="/ujian/pretest"' in landing
    assert "/voila/render/modul/latihan.ipynb" in landing
    status, light = process.get("/ujian/pretest")
    assert status == 200
    assert "ujian.soal" not in light and "BEGIN HIDDEN" not in light and "grade_item" not in light
    assert not re.search(r"""(?:src|href)=["']https?://""", light)
    for hidden in ("voila/tree", "voila/api/contents", "voila/render/source/pretest/pretest.ipynb",
                   "voila/render/../source/pretest/pretest.ipynb",
                   "voila/files/pretest/jawaban__pretest__KIM-001.json"):
        assert process.get(hidden)[0] in (403, 404), hidden
    status, page = process.get("/voila/render/pretest/pretest.ipynb")
    assert status == 200
    assert "ujian.soal" not in page and "BEGIN HIDDEN" not in page
    assert not re.search(r"""(?:src|href)=["']https?://""", page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    status, data = process.get("/pelatih.json")
    assert status == 200
    assert json.loads(data)["assessments"][0]["waiting"] == 6


@pytest.mark.slow
def test_a_page_cannot_run_code_on_the_server(server, tmp_path):
    from kimtrain.serve.identity import load_pins

    from .served_client import ServedPage

    course, process = server
    marker = tmp_path / "dibobol.txt"

    async def attempt():
        page = ServedPage(process.url, "pretest/pretest.ipynb")  # opening may be slow
        await page.open()
        assert page.compressed  # widget states travel deflated over the room's Wi-Fi
        try:
            code = f"open({str(marker)!r}, 'w').write('x')"
            page.timeout = 4  # a refused request gets no reply at all: wait a while only
            with pytest.raises(TimeoutError):
                await page.request("execute_request", {
                    "code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
                }, reply="execute_reply")
            page.timeout = 120
            info = await page.request("kernel_info_request", {}, reply="kernel_info_reply")
            assert info["content"]["status"] == "ok"  # the channel itself works
            state = await page.identify("KIM-005", load_pins(course.root)["KIM-005"])
            assert state["participant"] == "KIM-005"
            await page.answer("AMAN-APK-01", "B")
        finally:
            await page.close()

    asyncio.run(attempt())
    assert not marker.exists()
    sheet = FileAnswerStore(course.root / "serve" / "notebooks" / "pretest").load(
        "pretest", "KIM-005")
    assert sheet.value("AMAN-APK-01") == "B"


def test_the_trainer_page_needs_this_machine_or_the_key(served):
    from unittest import mock

    import tornado.web
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from kimtrain.serve.app import TrainerHandler

    server = mock.Mock(trainer_key="rahasia-123", workshop=served, urls=[])

    def allowed(remote_ip: str, query: str = "") -> bool:
        request = HTTPServerRequest(
            start_line=RequestStartLine("GET", f"/pelatih{query}", "HTTP/1.1"),
            headers=HTTPHeaders({"Host": "127.0.0.1:8866"}), connection=mock.Mock())
        request.remote_ip = remote_ip
        handler = TrainerHandler(tornado.web.Application(), request, server=server)
        return handler._allowed()

    assert allowed("127.0.0.1") and allowed("::1")
    assert not allowed("192.168.1.23")
    assert not allowed("192.168.1.23", "?kunci=salah")
    assert allowed("192.168.1.23", "?kunci=rahasia-123")


@pytest.mark.slow
def test_the_load_benchmark_runs_and_loses_nothing():
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "serve_load.py"
    run = subprocess.run([sys.executable, str(script), "--participants", "2", "--items", "8"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "failures                0" in run.stdout
    assert "lost answers            0 in the sheets, 0 in nbgrader's" in run.stdout
    assert "2 × 8 items (16 answers tapped" in run.stdout


def test_a_served_kernel_stays_light(served, course):
    """The server's additions to a participant kernel import no heavy package."""
    import os

    code = ("from kimtrain.widgets import Assessment\n"
            f"a = Assessment('pretest', {str(served.assessment('pretest').folder)!r})\n"
            "assert len(a.on_identify) == 1 and len(a.on_submit) == 1\n")
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True,
                         text=True, check=True, env=dict(os.environ))
    modules = {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines()
               if line.startswith("import time:")}
    assert "kimtrain" in modules
    assert not modules & {"pandas", "matplotlib", "nbgrader", "nbformat", "yaml", "voila"}
