"""Participant mode in a real browser: `kimtrain serve` driven by Chromium at phone size.

One server for the module, one participant code per test, so the tests never share
an answer sheet. Screenshots (phone 390×844, laptop 1280×800) go to
test-artifacts/serve-*.png.
"""

from __future__ import annotations

import html
import json
import time
from typing import Any

import pytest

from kimtrain.answers.store import FileAnswerStore
from kimtrain.answers.values import normalise_response

from .browser import LAPTOP, PHONE, local_pages, screenshot
from .serving import ServerProcess, pin_of, workshop_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ASSESSMENT = "pretest"
TIMEOUT = 60_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    course = workshop_course(tmp_path_factory.mktemp("browser") / "kursus")
    # every page here comes from 127.0.0.1, one "device" to the server, while a room has
    # one per phone: its kernel cap is lifted (tests/test_serve_security.py tests the caps)
    process = ServerProcess(course.root, "--max-kernels-per-client", "40")
    yield course, process
    process.stop()


@pytest.fixture
def net(browser):
    """Contexts for this test; afterwards, every request must have gone to 127.0.0.1."""
    with local_pages(browser, TIMEOUT) as (new, log):
        yield (lambda size: new(**size)), log


def press(page, locator) -> None:
    """A tap on a phone, a click on a laptop."""
    if page.context.kimtrain_touch:
        locator.tap()
    else:
        locator.click()


def sheet_folder(course):
    return course.root / "serve" / "notebooks" / ASSESSMENT


def open_test(page, process, *, voila: bool = False) -> None:
    """From the start page, tap the test (its light page); wait for the identity card.
    ``voila``: open Voilà's page of the test instead (``kimtrain serve --voila``)."""
    if voila:
        page.goto(f"{process.url}voila/render/{ASSESSMENT}/{ASSESSMENT}.ipynb")
    else:
        page.goto(process.url)
        press(page, page.locator(f'a[data-assessment="{ASSESSMENT}"]'))
    page.locator(".kt-identity input.kt-code").wait_for(state="visible")


def tap_start(page) -> str:
    """Tap "Mulai"; return the card's answer once the kernel has given it."""
    press(page, page.locator(".kt-identity .kt-action"))
    page.wait_for_function(
        """() => ['saved', 'error'].includes(
            document.querySelector('.kt-identity .kt-status').dataset.status)""")
    return page.locator(".kt-identity .kt-status").inner_text()


def identify(page, code: str, pin: str) -> str:
    """Type the code and PIN, tap "Mulai"; return the welcome or the refusal."""
    page.locator(".kt-identity input.kt-code").fill(code)
    page.locator(".kt-identity input.kt-pin").fill(pin)
    return tap_start(page)


def card(page, item_id: str):
    return page.locator(f'.kt-card[data-item="{item_id}"]')


def tap_answer(page, item: Any, value: Any) -> None:
    """Answer like a participant: tap options and verdicts, type into text fields."""
    box = card(page, item.id)
    box.scroll_into_view_if_needed()
    if item.type == "single":
        press(page, box.locator(f'[data-option="{value}"]'))
    elif item.type == "multiple":
        for option in value:
            press(page, box.locator(f'[data-option="{option}"]'))
    elif item.type == "truefalse":
        press(page, box.locator(f'[data-verdict="{str(value).lower()}"]'))
    else:
        field = box.locator("textarea, input.kt-input")
        press(page, field)
        field.fill(value)
        field.press("Tab")  # leaving the field saves it
    box.locator('.kt-status[data-status="saved"]').wait_for()


def wait_saved(course, code: str, answers: dict[str, Any]) -> None:
    """Until the participant's sheet on disk holds ``answers`` (as the store keeps them)."""
    manifest = json.loads((sheet_folder(course) / "kimtrain_soal.json").read_text("utf-8"))
    public = {item["id"]: item for item in manifest["items"]}
    wanted = {i: normalise_response(public[i], v) for i, v in answers.items()}
    store = FileAnswerStore(sheet_folder(course))
    deadline = time.monotonic() + TIMEOUT / 1000
    while time.monotonic() < deadline:
        sheet = store.load(ASSESSMENT, code)
        if all(sheet.value(i) == v for i, v in wanted.items()):
            return
        time.sleep(0.1)
    raise AssertionError(f"{code}: {wanted} not saved; sheet has {sheet.to_dict()['answers']}")


def wait_chosen(page, item_id: str, expected: list[str]) -> None:
    page.wait_for_function(
        """([item, expected]) => {
            const marks = document.querySelectorAll(
                `.kt-card[data-item="${item}"] [aria-checked="true"]`);
            const got = Array.from(marks, e => e.dataset.option || e.dataset.verdict);
            return JSON.stringify(got) === JSON.stringify(expected);
        }""", arg=[item_id, expected])


def answer_plan(items: dict[str, Any], order: list[str]) -> dict[str, Any]:
    """Right answers for two items in three, wrong ones for the rest (a real mix)."""
    plan = {}
    for n, item_id in enumerate(order):
        item, right = items[item_id], n % 3 != 0
        options = list(item.options)
        if item.type == "single":
            plan[item_id] = item.key if right else next(o for o in options if o != item.key)
        elif item.type == "multiple":
            wrong = [o for o in options if o not in item.key]
            plan[item_id] = list(item.key) if right else [item.key[0], wrong[0]]
        elif item.type == "truefalse":
            plan[item_id] = item.key if right else not item.key
        elif item.type == "numeric":
            plan[item_id] = "112.000" if right else "142.000"
        elif item.type == "text":
            plan[item_id] = "Berhenti dulu" if right else "Langsung bagikan"
        else:
            plan[item_id] = ("Pesan itu hoaks. Jangan isi NIK atau OTP. Cek resmi di "
                             "cekbansos.kemensos.go.id atau kantor desa.")
    return plan


def chosen(page, item_id: str) -> list[str]:
    return card(page, item_id).locator('[aria-checked="true"]').evaluate_all(
        "els => els.map(e => e.dataset.option || e.dataset.verdict)")


def test_phone_participant_answers_everything_submits_and_nbgrader_grades_it(
        served, net, starter_items):
    from kimtrain.course.gradebook import cell_scores
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.grading import read_results, score_item

    course, process = served
    new_page, _ = net
    page = new_page(PHONE)
    page.goto(process.url)
    screenshot(page, "serve-phone-01-start")
    open_test(page, process)
    assert page.locator(".jp-CodeCell .jp-InputArea, .cm-editor").count() == 0  # no code
    assert "ujian.soal" not in page.content()
    screenshot(page, "serve-phone-02-identity")
    refused = identify(page, "KIM-077", "123123")  # not on the roster: refused
    assert refused.startswith("Kode peserta atau PIN salah.")
    assert "Siti Aminah" in identify(page, "kim-001", pin_of(course, "KIM-001"))

    # Large tap targets: every visible button and link is at least 44 px tall and the
    # page never scrolls sideways at 390 px.
    small = page.evaluate("""() => Array.from(
        document.querySelectorAll('.kimtrain button, .kimtrain input, .kimtrain textarea'))
        .filter(el => el.offsetParent !== null)
        .map(el => el.getBoundingClientRect())
        .filter(box => box.height < 44).length""")
    assert small == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    manifest = json.loads((sheet_folder(course) / "kimtrain_soal.json").read_text("utf-8"))
    order = [item["id"] for item in manifest["items"]]
    plan = answer_plan(starter_items, order)
    for n, item_id in enumerate(order):
        tap_answer(page, starter_items[item_id], plan[item_id])
        if n == 1:
            screenshot(page, "serve-phone-03-answering")
    wait_saved(course, "KIM-001", plan)
    check = page.locator(".kt-check")
    press(page, check.locator(".kt-action"))
    check.locator(".kt-summary").wait_for()
    assert check.locator(".kt-summary").inner_text().startswith(f"Semua {len(order)} soal")
    check.scroll_into_view_if_needed()
    screenshot(page, "serve-phone-04-check")
    submit = page.locator(".kt-submit")
    press(page, submit.locator(".kt-send"))
    submit.locator(".kt-check-result p").first.wait_for()
    assert "Terima kasih, KIM-001" in submit.inner_text()
    assert submit.locator(".kt-send").is_disabled()
    submit.scroll_into_view_if_needed()
    screenshot(page, "serve-phone-05-submitted")

    # The hand-in is in nbgrader's submitted/ folder; nbgrader grades exactly those answers.
    public = {item["id"]: item for item in manifest["items"]}
    stored = {i: normalise_response(public[i], v) for i, v in plan.items()}
    handed = FileAnswerStore(course.root / "submitted" / "KIM-001" / ASSESSMENT)
    assert {i: a.value for i, a in handed.load(ASSESSMENT, "KIM-001").answers.items()} == stored
    Nbgrader(course).autograde(ASSESSMENT, "KIM-001")
    results = {r.item: r for r in read_results(course.root, ASSESSMENT)
               if r.participant == "KIM-001"}
    autograded = {i for i in order if starter_items[i].type != "written"}
    assert set(results) == autograded
    scores = {c.item: c for c in cell_scores(course, ASSESSMENT) if c.participant == "KIM-001"}
    for item_id in autograded:
        spec = {"assessment": ASSESSMENT, **starter_items[item_id].scoring()}
        assert results[item_id].response == stored[item_id], item_id
        assert scores[item_id].score == pytest.approx(
            score_item(spec, stored[item_id]).points), item_id
    assert 0 < sum(scores[i].score for i in autograded) < sum(
        scores[i].max_points for i in autograded)  # the mix of right and wrong shows
    written = [i for i in order if starter_items[i].type == "written"]
    graded_nb = (course.root / "autograded" / "KIM-001" / ASSESSMENT / f"{ASSESSMENT}.ipynb")
    for item_id in written:
        assert scores[item_id].needs_manual
        assert "cekbansos.kemensos.go.id" in html.unescape(graded_nb.read_text(encoding="utf-8"))


def test_a_reload_mid_test_keeps_earlier_answers(served, net, starter_items):
    course, process = served
    new_page, _ = net
    page = new_page(PHONE)
    open_test(page, process)
    identify(page, "KIM-002", pin_of(course, "KIM-002"))
    first = {"AMAN-APK-01": "B", "HF-BANSOS-01": False, "UMKM-BAYAR-01": "112.000",
             "AMAN-NIK-01": ["A", "C"]}
    for item_id, value in first.items():
        tap_answer(page, starter_items[item_id], value)
    wait_saved(course, "KIM-002", first)
    page.reload()  # a new kernel runs the notebook again
    page.locator(".kt-identity input.kt-code").wait_for(state="visible")
    # this tab remembers the code and PIN: one tap on "Mulai"
    assert page.locator(".kt-identity input.kt-code").input_value() == "KIM-002"
    assert chosen(page, "AMAN-APK-01") == []  # nothing shown before identifying
    assert "Budi" in tap_start(page)
    wait_chosen(page, "AMAN-APK-01", ["B"])
    wait_chosen(page, "HF-BANSOS-01", ["false"])
    wait_chosen(page, "AMAN-NIK-01", ["A", "C"])
    field = card(page, "UMKM-BAYAR-01").locator("input")
    page.wait_for_function("el => el.value === '112.000'", arg=field.element_handle())
    tap_answer(page, starter_items["AMAN-OTP-01"], "C")  # and answering goes on
    sheet = FileAnswerStore(sheet_folder(course)).load(ASSESSMENT, "KIM-002")
    assert sheet.answered() == {*first, "AMAN-OTP-01"}


def test_two_participants_at_once_keep_to_their_own_answers(served, net, starter_items):
    course, process = served
    new_page, _ = net
    one, two = new_page(PHONE), new_page(LAPTOP)
    open_test(one, process)
    open_test(two, process)
    screenshot(two, "serve-laptop-01-test")
    identify(one, "KIM-003", pin_of(course, "KIM-003"))
    tap_answer(one, starter_items["AMAN-APK-01"], "A")
    tap_answer(one, starter_items["HF-BANSOS-01"], True)
    identify(two, "KIM-004", pin_of(course, "KIM-004"))
    assert chosen(two, "AMAN-APK-01") == [] and chosen(two, "HF-BANSOS-01") == []
    tap_answer(two, starter_items["AMAN-APK-01"], "D")
    tap_answer(one, starter_items["AMAN-OTP-01"], "B")
    wait_saved(course, "KIM-003", {"AMAN-APK-01": "A", "HF-BANSOS-01": True, "AMAN-OTP-01": "B"})
    wait_saved(course, "KIM-004", {"AMAN-APK-01": "D"})
    assert chosen(one, "AMAN-APK-01") == ["A"] and chosen(two, "AMAN-APK-01") == ["D"]
    assert chosen(two, "AMAN-OTP-01") == []
    screenshot(two, "serve-laptop-02-answering")
    store = FileAnswerStore(sheet_folder(course))
    assert {k: a.value for k, a in store.load(ASSESSMENT, "KIM-003").answers.items()} == {
        "AMAN-APK-01": "A", "HF-BANSOS-01": True, "AMAN-OTP-01": "B"}
    assert {k: a.value for k, a in store.load(ASSESSMENT, "KIM-004").answers.items()} == {
        "AMAN-APK-01": "D"}

    trainer = new_page(LAPTOP)
    trainer.goto(process.url + "pelatih")
    for code, state in (("KIM-003", "started"), ("KIM-004", "started"), ("KIM-006", "waiting")):
        assert trainer.locator(f'tr[data-participant="{code}"]').get_attribute(
            "data-state") == state
    screenshot(trainer, "serve-laptop-03-trainer")


def test_served_pages_load_fonts_and_icons_from_this_machine(served, net):
    _course, process = served
    new_page, log = net
    page = new_page(PHONE)
    page.goto(process.url)
    press(page, page.locator("a.kt-module"))  # the practice module, served as an app
    verdicts = page.locator(".kt-verdict")
    verdicts.first.wait_for()
    press(page, page.locator('[data-verdict="false"]'))
    page.locator('.kt-feedback[data-verdict="correct"]').wait_for()
    assert "Benar, ini hoaks." in page.locator(".kt-feedback").inner_text()
    screenshot(page, "serve-phone-06-practice")
    loaded = page.evaluate("""async () => {
        const faces = await document.fonts.load('900 16px "Font Awesome 5 Free"');
        return faces.length;
    }""")
    assert loaded > 0  # the icon font came from the local bundle
    fonts = [url for kind, url in log.requests if kind == "font"]
    assert fonts and all(url.startswith(process.url) for url in fonts)
    family = page.locator(".kt-card").evaluate("el => getComputedStyle(el).fontFamily")
    assert "Liberation Sans" in family or "system-ui" in family


def test_phone_pin_flow_shows_nothing_before_the_pin(served, net, starter_items):
    """Issue 9, items 2 and 4, as a participant sees them at phone size."""
    course, process = served
    new_page, _ = net
    page = new_page(PHONE)
    FileAnswerStore(sheet_folder(course)).save_answer(ASSESSMENT, "KIM-005", "AMAN-APK-01", "A")
    open_test(page, process)
    assert page.locator(".kt-identity .kt-title").inner_text() == (
        "Ketik kode peserta dan PIN dari kartu Anda, lalu ketuk Mulai.")
    pin = page.locator(".kt-identity input.kt-pin")
    assert pin.get_attribute("type") == "password" and pin.get_attribute("inputmode") == "numeric"
    # someone else's code, with the PIN left empty or guessed: refused alike, nothing shown
    for guess in ("", "111112"):
        refusal = identify(page, "KIM-005", guess)
        assert refusal == ("Kode peserta atau PIN salah. Periksa kartu peserta Anda, atau "
                           "tanyakan kepada fasilitator.")
        assert chosen(page, "AMAN-APK-01") == []
        text = page.locator("body").inner_text()
        assert "Dewi" not in text and "KIM-005" not in page.locator(".kt-title").inner_text()
    screenshot(page, "serve-phone-07-wrong-pin")
    welcome = identify(page, "KIM-005", pin_of(course, "KIM-005"))
    assert "KIM-005" in welcome
    wait_chosen(page, "AMAN-APK-01", ["A"])
    screenshot(page, "serve-phone-08-pin-accepted")


def test_a_restarted_kernel_is_noticed_and_nothing_unsaved_says_saved(served, net,
                                                                     starter_items):
    """Issue 9, item 5: the kernel dies; the next tap says "muat ulang", never "Tersimpan".
    (Voilà's page; the light page's counterpart is in test_serve_light.py.)"""
    import os
    import signal

    import psutil

    course, process = served
    new_page, _ = net
    page = new_page(PHONE)
    open_test(page, process, voila=True)
    identify(page, "KIM-006", pin_of(course, "KIM-006"))
    tap_answer(page, starter_items["AMAN-APK-01"], "B")
    wait_saved(course, "KIM-006", {"AMAN-APK-01": "B"})
    kernel_id = page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    victim = next(p for p in psutil.Process(process.proc.pid).children(recursive=True)
                  if kernel_id in " ".join(p.cmdline()))
    os.kill(victim.pid, signal.SIGKILL)  # Jupyter restarts it, blank: no widgets
    time.sleep(3)
    box = card(page, "HF-BANSOS-01")
    box.scroll_into_view_if_needed()
    press(page, box.locator('[data-verdict="false"]'))
    status = box.locator(".kt-status")
    assert status.get_attribute("data-status") == "saving"  # at once: not "Tersimpan"
    assert "Tersimpan" not in status.inner_text()
    box.locator('.kt-status[data-status="lost"]').wait_for(timeout=30_000)
    assert "Muat ulang halaman" in status.inner_text()
    banner = page.locator("#kt-lost")
    banner.wait_for()
    assert "Belum tersimpan" in banner.inner_text()
    assert banner.locator("button").inner_text() == "Muat ulang halaman"
    screenshot(page, "serve-phone-09-kernel-lost")
    sheet = FileAnswerStore(sheet_folder(course)).load(ASSESSMENT, "KIM-006")
    assert sheet.value("HF-BANSOS-01") is None and sheet.value("AMAN-APK-01") == "B"
    press(page, banner.locator("button"))  # reload: a new kernel, one tap on "Mulai"
    page.locator(".kt-identity input.kt-code").wait_for(state="visible")
    assert "KIM-006" in tap_start(page)
    wait_chosen(page, "AMAN-APK-01", ["B"])
    wait_chosen(page, "HF-BANSOS-01", [])
    tap_answer(page, starter_items["HF-BANSOS-01"], False)  # and now it is saved
    wait_saved(course, "KIM-006", {"AMAN-APK-01": "B", "HF-BANSOS-01": False})
