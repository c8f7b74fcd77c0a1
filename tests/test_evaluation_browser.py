"""Attendance and the reaction survey on the workshop server, in Chromium at phone size.

One `kimtrain serve` for the module. A participant signs in for a session at /hadir
with code and PIN, the trainer sees it on /pelatih and marks a participant without a
phone; a participant fills in the survey at /survei and sends it. Then the anonymity
check: several participants answer through the real server, and nothing the server
stored or logged links an answer to its writer. Screenshots: test-artifacts/eval-*.png.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import time
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kimtrain.evaluation.attendance import PLAN_FILE, read_day
from kimtrain.evaluation.survey import load_survey, survey_path
from kimtrain.evaluation.survey_store import answered, read_answers

from .browser import LAPTOP, PHONE, local_pages, screenshot
from .serving import ServerProcess, pin_of, workshop_course

pytestmark = [pytest.mark.slow]

TIMEOUT = 60_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    course = workshop_course(tmp_path_factory.mktemp("evaluasi") / "kursus", participants=12)
    today = date.today().isoformat()
    (course.root / PLAN_FILE).write_text(
        "activity: Bimtek KIM uji (contoh)\nplace: Aula (contoh)\ndays:\n"
        f"  - date: {today}\n    sessions:\n"
        '      - {part: pagi, module: 01 Mengenal KIM, start: "00.00", end: "12.00"}\n'
        '      - {part: siang, module: 07 Menulis berita desa, start: "12.00", end: "23.59"}\n',
        encoding="utf-8")
    process = ServerProcess(course.root, "--max-kernels-per-client", "40")
    yield course, process
    process.stop()


@pytest.fixture
def net(browser):
    with local_pages(browser, TIMEOUT) as (new, _log):
        yield lambda size: new(**size)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
def test_phone_signs_in_for_a_session_and_the_trainer_sees_it_and_marks_another(served, net):
    course, process = served
    page = net(PHONE)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(process.url)
    page.locator('a[data-link="hadir"]').tap()
    page.locator('form[data-form="hadir"]').wait_for()
    no_sideways_scroll(page)
    screenshot(page, "eval-phone-01-hadir")
    page.get_by_text("Pagi (00.00–12.00) · 01 Mengenal KIM").tap()
    page.locator("#kt-kode").fill("kim-001")
    page.locator("#kt-pin").fill("000000")
    page.get_by_role("button", name="Saya hadir").tap()
    refused = page.locator('[data-result="error"]')
    assert refused.inner_text().startswith("Kode peserta atau PIN salah.")
    assert page.locator("#kt-kode").input_value() == "kim-001"  # the code stays, the PIN not
    assert page.locator("#kt-pin").input_value() == ""
    assert page.locator('input[name="sesi"]:checked').get_attribute("value").endswith("/pagi")
    page.locator("#kt-pin").fill(pin_of(course, "KIM-001"))
    page.get_by_role("button", name="Saya hadir").tap()
    done = page.locator('[data-result="ok"]').inner_text()
    assert done.startswith("Terima kasih, Siti Aminah (contoh). Kehadiran Anda di sesi Pagi")
    no_sideways_scroll(page)
    screenshot(page, "eval-phone-02-hadir-tercatat")
    marks = read_day(course.root, date.today())
    assert [(m.participant, m.session.split("/")[1], m.via) for m in marks] == [
        ("KIM-001", "pagi", "ponsel")]
    clock = marks[0].time[:5].replace(":", ".")
    assert clock in done

    trainer = net(LAPTOP)
    trainer.goto(process.url + "pelatih")
    row = trainer.locator('section.kt-hadir tr[data-hadir="KIM-001"]')
    assert f"{clock} ponsel" in row.inner_text()
    section = trainer.locator("section.kt-hadir")
    section.locator('input[name="kode"]').fill("kim-002")
    section.locator('select[name="sesi"]').select_option(f"{date.today().isoformat()}/siang")
    section.get_by_role("button", name="Tandai hadir").click()
    assert trainer.locator('[data-result="ok"]').inner_text().startswith(
        "Budi Santoso (contoh) ditandai hadir di sesi Siang")
    trainer.goto(process.url + "pelatih")
    cells = trainer.locator('section.kt-hadir tr[data-hadir="KIM-002"] td')
    assert cells.nth(4).inner_text().endswith("fasilitator") and cells.nth(3).inner_text() == ""
    screenshot(trainer, "eval-laptop-03-pelatih-hadir")
    assert dialogs == []


@pytest.mark.browser
def test_phone_fills_in_the_survey_and_sends_it(served, net):
    course, process = served
    survey = load_survey(survey_path(course.root))
    page = net(PHONE)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(process.url)
    page.locator('a[data-link="survei"]').tap()
    page.locator('form[data-form="survei"]').wait_for()
    no_sideways_scroll(page)
    screenshot(page, "eval-phone-04-survei")
    chosen = {item.id: 1 + n % 5 for n, item in enumerate(survey.items)}
    first, rest = survey.items[0], survey.items[1:]
    page.locator(f'fieldset[data-item="{first.id}"] label.kt-choice').nth(
        chosen[first.id] - 1).tap()
    hostile = '<img src=x onerror=alert(1)> Wi-Fi "putus" & <b>lambat</b>'
    page.locator('textarea[data-question="saran"]').fill(hostile)
    page.locator('textarea[data-question="berguna"]').fill("Cek fakta foto lama.")
    page.locator("#kt-kode").fill("KIM-003")
    page.locator("#kt-pin").fill(pin_of(course, "KIM-003"))
    page.evaluate("document.querySelector('form[data-form=survei]').noValidate = true")
    page.get_by_role("button", name="Kirim survei").tap()
    note = page.locator('[data-result="error"]').inner_text()
    assert note == f"Masih ada {len(rest)} pernyataan yang belum dipilih jawabannya " \
                   "(bertanda merah)."
    assert page.locator("fieldset.kt-item.missing").count() == len(rest)
    assert page.locator(f'fieldset[data-item="{first.id}"] input:checked').get_attribute(
        "value") == str(chosen[first.id])  # nothing chosen is lost
    assert page.locator('textarea[data-question="saran"]').input_value() == hostile
    assert read_answers(course.root) == []  # nothing stored yet
    for item in rest:
        box = page.locator(f'fieldset[data-item="{item.id}"]')
        box.scroll_into_view_if_needed()
        box.locator("label.kt-choice").nth(chosen[item.id] - 1).tap()
    page.locator("#kt-pin").fill(pin_of(course, "KIM-003"))
    screenshot(page, "eval-phone-05-survei-terisi")
    page.get_by_role("button", name="Kirim survei").tap()
    assert page.locator('[data-result="ok"]').inner_text() == \
        "Terima kasih! Jawaban survei Anda sudah tersimpan tanpa nama."
    no_sideways_scroll(page)
    screenshot(page, "eval-phone-06-survei-terkirim")
    [stored] = read_answers(course.root)
    assert stored.scores == chosen
    assert stored.texts == {"saran": hostile, "berguna": "Cek fakta foto lama."}
    assert "KIM-003" in answered(course.root, date.today())

    page.goto(process.url + "survei")  # once a day
    for item in survey.items:
        page.locator(f'fieldset[data-item="{item.id}"] label.kt-choice').nth(2).tap()
    page.locator("#kt-kode").fill("KIM-003")
    page.locator("#kt-pin").fill(pin_of(course, "KIM-003"))
    page.get_by_role("button", name="Kirim survei").tap()
    assert page.locator('[data-result="error"]').inner_text() == \
        "Anda sudah mengisi survei hari ini. Terima kasih!"
    assert len(read_answers(course.root)) == 1
    assert dialogs == []  # the typed markup never ran

    trainer = net(LAPTOP)
    trainer.goto(process.url + "pelatih")
    assert trainer.locator("section.kt-hadir [data-survey]").get_attribute("data-survey") \
        == "1"


def _post(process, path: str, fields: dict[str, str], source: str = "127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", process.port, timeout=60,
                                      source_address=(source, 0))
    try:
        conn.request("POST", path, body=urlencode(fields),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        conn.close()


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_no_survey_answer_can_be_joined_to_its_participant(served):
    """Participants sign in and answer in a random order, each with answers of their own
    (a unique phrase); afterwards no stored file and no log line holds both an answer and
    anything that identifies its writer, the stored order is not the order of answering,
    and the files keep no time of an answer."""
    course, process = served
    survey = load_survey(survey_path(course.root))
    people = [f"KIM-{n:03d}" for n in range(4, 12)]
    random.Random(15).shuffle(people)
    before = answered(course.root, date.today())
    phrases = {}
    for n, code in enumerate(people):
        status, _ = _post(process, "/hadir", {"kode": code, "pin": pin_of(course, code),
                                              "sesi": f"{date.today().isoformat()}/siang"})
        assert status == 200
        phrase = f"jejak{n}{code[-3:]}unik"  # tells the test who wrote it
        phrases[code] = phrase
        fields = {f"skor_{i.id}": str(1 + (n + k) % 5) for k, i in enumerate(survey.items)}
        fields |= {"teks_berguna": phrase, "teks_saran": f"saran {phrase}", "kode": code,
                   "pin": pin_of(course, code)}
        status, body = _post(process, "/survei", fields, source=f"127.0.0.{2 + n}")
        assert status == 200 and 'data-result="ok"' in body
        time.sleep(1.1)  # a second apart: any stored time would tell them apart
    assert answered(course.root, date.today()) == before | set(people)

    from kimtrain.course.layout import open_course
    from kimtrain.course.roster import load_roster

    roster = {p.id: p for p in load_roster(open_course(course.root))}
    identifying = {code: [code.encode(), roster[code].nama.encode(),
                          f"127.0.0.{2 + n}".encode()] for n, code in enumerate(people)}
    stored = _files(course.root)
    log = process.log_path.read_bytes()
    for phrase in phrases.values():
        holding = [p for p, data in stored.items() if phrase.encode() in data]
        assert [p.name for p in holding] == ["jawaban.json"], holding
        for other_code, marks in identifying.items():
            for mark in marks:
                for path in holding:
                    assert mark not in stored[path], (path, other_code)
        assert phrase.encode() not in log
    answers_file = next(p for p in stored if p.name == "jawaban.json")
    data = json.loads(answers_file.read_text(encoding="utf-8"))
    assert all(set(a) == {"skor", "teks"} for a in data)
    text = answers_file.read_text(encoding="utf-8")
    assert not re.search(r"\d\d:\d\d|\d{4}-\d\d-\d\d|127\.0\.0", text)
    order = [a["teks"]["berguna"] for a in data if a["teks"]["berguna"].startswith("jejak")]
    given = [phrases[c] for c in people]
    assert sorted(order) == sorted(given)
    assert order != given and order != sorted(given) and order != given[::-1]
    midnight = datetime.combine(date.today(), datetime.min.time()).timestamp()
    folder = answers_file.parent
    for path in (answers_file, folder / "sudah-mengisi.json", folder, folder.parent):
        assert path.stat().st_mtime == midnight, path
    # the log has the page requests (as any web server) but nothing about an answer
    survey_lines = [line for line in log.decode("utf-8", "replace").splitlines()
                    if "survei" in line.lower() and "POST" not in line]
    assert survey_lines == [], survey_lines


def test_only_the_trainer_marks_by_hand_and_only_todays_sessions_open(served):
    course, process = served
    from kimtrain.serve.identity import load_pins

    token = re.search(
        r'name="token" value="([^"]+)"', process.get("pelatih")[1]).group(1)
    session = f"{date.today().isoformat()}/pagi"
    fields = {"kode": "KIM-012", "sesi": session, "token": token}
    assert _post(process, "/pelatih/hadir", fields, source="127.0.0.9")[0] == 403  # no key
    assert _post(process, "/pelatih/hadir", {**fields, "token": "x"})[0] == 403
    status, body = _post(process, "/pelatih/hadir", {**fields, "kode": "KIM-404"})
    assert status == 200 and "KIM-404" in body and 'data-result="error"' in body
    assert not any(m.participant == "KIM-012" for m in read_day(course.root, date.today()))
    # a phone cannot sign in for another day's session, even with the right PIN
    status, body = _post(process, "/hadir", {"kode": "KIM-012", "pin": load_pins(
        course.root)["KIM-012"], "sesi": "2020-01-01/pagi"})
    assert status == 200 and "Pilih salah satu sesi hari ini." in body
    assert not any(m.participant == "KIM-012" for m in read_day(course.root, date.today()))
    status, body = _post(process, "/pelatih/hadir", fields)
    assert status == 200 and 'data-result="ok"' in body
    assert [m.via for m in read_day(course.root, date.today())
            if m.participant == "KIM-012"] == ["pelatih"]
