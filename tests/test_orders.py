"""A counterbalanced pair on the workshop server: each participant's first form first.

A course with two counterbalanced forms (built by ``kimtrain build``, which records
``roster/urutan.csv``, and released by nbgrader) is served. A participant who opens
their second form before handing in their first is refused with the first form's
title and a link, and nothing is recorded; once the first is handed in the second
opens. Participants not in the list open either form and the trainer is told; a
broken list names its file and line; a form outside a counterbalanced pair never
reads the list. The light page (server process) and a Voilà kernel's session (the
server's hooks without the light page's attributes) both go through
``kimtrain.serve.kernel``'s identity hook, so both are exercised here; the phone
itself is in ``test_a_participant_on_a_phone_is_sent_to_their_first_test``.
"""

from __future__ import annotations

import csv
import json
import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kimtrain.answers.store import FileAnswerStore
from kimtrain.course.roster import Participant, load_roster, save_roster
from kimtrain.i18n import set_language

from .browser import PHONE, screenshot
from .conftest import STARTER_BANK
from .serving import ServerProcess, pin_of

FORMS = {"awal": ("Tes Bentuk A (contoh)", ["AMAN-APK-01", "HF-BANSOS-01", "MEDIA-SIFT-01"]),
         "akhir": ("Tes Bentuk B (contoh)", ["AMAN-OTP-01", "HF-BANK-01", "AMAN-NIK-01"])}
TIMEOUT = 60_000


def _blueprint(folder: Path, name: str) -> None:
    title, items = FORMS[name]
    pair = "akhir" if name == "awal" else "awal"
    listed = "\n".join(f"  - {i}" for i in items)
    (folder / f"{name}.yaml").write_text(
        f"name: {name}\ntitle: {title}\ninstructions: Jawab semua soal.\n"
        f"banks: [{STARTER_BANK.as_posix()}]\nitems:\n{listed}\n"
        f"linking:\n  design: counterbalanced\n  pair: {pair}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Built with ``kimtrain build`` (the order list recorded), released by nbgrader."""
    from kimtrain.cli import main
    from kimtrain.course import create_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.demo import demo_roster
    from kimtrain.serve.identity import ensure_pins

    course = create_course(tmp_path_factory.mktemp("urutan") / "kursus", course_id="uji")
    people = demo_roster(6)
    save_roster(course, people)
    ensure_pins(course.root, [p.id for p in people])
    for name in FORMS:
        _blueprint(course.root / "blueprints", name)
    for name in FORMS:
        assert main(["build", name, "--course", str(course.root)]) == 0
        Nbgrader(course).generate(name)
    return course.root


@pytest.fixture
def course(template, tmp_path):
    from kimtrain.course.layout import open_course

    root = tmp_path / "kursus"
    shutil.copytree(template, root)
    return open_course(root)


def _orders(course: Any) -> dict[str, str]:
    """participant -> their first form, as urutan.csv says."""
    with (course.root / "roster" / "urutan.csv").open(encoding="utf-8") as handle:
        return {row["peserta"]: row["tes_pertama"] for row in csv.DictReader(handle)}


def _first_awal(course: Any) -> str:
    return next(p for p, first in sorted(_orders(course).items()) if first == "awal")


class LightPage:
    """One light page of the server's own code (``kimtrain.serve.light``), in process."""

    def __init__(self, pages: Any, name: str) -> None:
        self.pages, self.name = pages, name
        page = pages.open_page(name)
        assert page is not None, name
        self.page_id = json.loads(page.split('id="kt-config">', 1)[1].split("</script>")[0])[
            "page"]
        self.count = 0

    def call(self, widget: str, **body: Any) -> dict[str, Any]:
        self.count += 1
        status, reply = self.pages.handle(self.name, {"page": self.page_id, "widget": widget,
                                                      **body}, "10.0.0.9")
        assert status == 200
        return dict(reply["changes"])

    def identify(self, course: Any, code: str) -> dict[str, Any]:
        return self.call("identity", msg={"event": "identify", "code": code,
                                          "pin": pin_of(course, code), "token": f"t{self.count}"})

    def hand_in(self) -> None:
        self.call("submit", msg={"event": "submit", "token": f"s{self.count}"})
        changes = self.call("submit", msg={"event": "submit", "token": f"s{self.count}"})
        assert changes["submit"]["done"] is True


def _workshop(course: Any) -> Any:
    from kimtrain.serve.workshop import prepare_workshop

    return prepare_workshop(course)


def _pages(course: Any) -> Any:
    from kimtrain.serve.light import LightPages

    workshop = _workshop(course)
    return LightPages({a.name: a.folder for a in workshop.assessments}, course.root)


def _recorded(course: Any, form: str, code: str) -> list[str]:
    """What the server keeps of ``code`` on ``form``: sheet, presence, hand-in."""
    from kimtrain.handin import submitted_folder

    root = course.root
    found = []
    if code in FileAnswerStore(root / "serve" / "notebooks" / form).participants(form):
        found.append("sheet")
    if (root / "serve" / "presence" / f"{form}__{code}.json").exists():
        found.append("presence")
    if submitted_folder(root, form, code).exists():
        found.append("hand-in")
    return found


# -- the rule on the light page --------------------------------------------------------------
def _add_unlisted(course: Any) -> None:
    """KIM-031 joins after the build: on the roster, with a PIN, not in urutan.csv."""
    from kimtrain.serve.identity import ensure_pins

    save_roster(course, [*load_roster(course), Participant(
        "KIM-031", "Warga Baru (contoh)", "KIM Baru", "Ketapang", "Mentawa Baru Ketapang")])
    ensure_pins(course.root, ["KIM-031"])


def _refused_second(page: Any, url: str, course: Any, code: str) -> Any:
    """Open the second form first on a phone: refused, with a link to the first."""
    page.goto(url)
    page.locator(".kt-identity input.kt-code").fill(code)
    page.locator(".kt-identity input.kt-pin").fill(pin_of(course, code))
    page.locator(".kt-identity .kt-action").tap()
    status = page.locator('.kt-identity .kt-status[data-status="error"]')
    status.wait_for()
    assert "Ini tes kedua Anda" in status.inner_text()
    link = page.locator(".kt-identity a.kt-go-first")
    link.wait_for(state="visible")
    return link


def test_the_second_form_opens_only_after_the_first_is_handed_in(course):
    pages = _pages(course)
    code = _first_awal(course)
    second = LightPage(pages, "akhir")
    refused = second.identify(course, code)["identity"]
    assert refused["status"] == "error"
    assert "Ini tes kedua Anda" in refused["message"]
    assert "Tes Bentuk A (contoh)" in refused["message"]
    assert refused["link"] == {"href": "/ujian/awal",
                               "text": "Buka tes pertama: Tes Bentuk A (contoh)"}
    assert refused.get("participant", "") == ""
    # the cards stay closed, and nothing of the participant is kept for this form
    item = second.call("item:AMAN-OTP-01", state={"value": "A", "token": "x1"})
    assert item["item:AMAN-OTP-01"]["status"] == "error"
    assert _recorded(course, "akhir", code) == []

    first = LightPage(pages, "awal")
    welcome = first.identify(course, code)
    assert welcome["identity"]["participant"] == code and welcome["identity"]["status"] == "saved"
    first.call("item:AMAN-APK-01", state={"value": "B", "token": "a1"})
    # started but not handed in: still the first form first
    assert second.identify(course, code)["identity"]["status"] == "error"
    assert _recorded(course, "akhir", code) == []
    first.hand_in()
    assert "hand-in" in _recorded(course, "awal", code)
    opened = second.identify(course, code)["identity"]
    assert opened["participant"] == code and opened["status"] == "saved"
    assert opened["link"] == {}
    saved = second.call("item:AMAN-OTP-01", state={"value": "A", "token": "x2"})
    assert saved["item:AMAN-OTP-01"]["status"] == "saved"
    assert _recorded(course, "akhir", code) == ["sheet", "presence"]


def test_whoever_starts_with_the_other_form_starts_there(course):
    pages = _pages(course)
    code = next(p for p, first in sorted(_orders(course).items()) if first == "akhir")
    assert LightPage(pages, "akhir").identify(course, code)["identity"]["participant"] == code
    refused = LightPage(pages, "awal").identify(course, code)["identity"]
    assert "Tes Bentuk B (contoh)" in refused["message"]
    assert refused["link"]["href"] == "/ujian/akhir"


def test_a_hand_in_collected_from_an_offline_zip_counts_as_handed_in(course):
    from kimtrain.handin import install, submitted_folder

    code = _first_awal(course)
    install(submitted_folder(course.root, "awal", code), {"awal.ipynb": b"{}"},
            datetime(2026, 12, 1, 9, tzinfo=UTC))
    opened = LightPage(_pages(course), "akhir").identify(course, code)["identity"]
    assert opened["participant"] == code


def test_a_wrong_pin_says_nothing_about_the_order(course):
    code = _first_awal(course)
    page = LightPage(_pages(course), "akhir")
    refused = page.call("identity", msg={"event": "identify", "code": code, "pin": "000000",
                                         "token": "w1"})["identity"]
    assert refused["message"].startswith("Kode peserta atau PIN salah.")
    assert "Bentuk" not in refused["message"]
    assert "link" not in refused or refused["link"] == {}


def test_the_refusal_in_english(course):
    set_language("en")
    refused = LightPage(_pages(course), "akhir").identify(course, _first_awal(course))
    message = refused["identity"]["message"]
    assert message.startswith("This is your second test.") and "Tes Bentuk A" in message
    assert refused["identity"]["link"]["text"].startswith("Open your first test")


# -- the same hook in a Voilà page's kernel ----------------------------------------------------
def _kernel_session(course: Any, form: str) -> Any:
    from kimtrain.serve.kernel import server_context
    from kimtrain.serve.light import WidgetState
    from kimtrain.widgets.session import Assessment

    folder = course.root / "serve" / "notebooks" / form
    session = Assessment(form, folder, context=server_context(course.root))
    widget = WidgetState("identity", {"status": "", "message": "", "participant": "",
                                      "link": {}})
    return session, widget


def test_a_voila_kernel_refuses_the_same_way_and_links_voilas_page(course, capfd):
    _workshop(course)
    code = _first_awal(course)
    session, widget = _kernel_session(course, "akhir")
    session._on_identity(widget, {"event": "identify", "code": code,
                                  "pin": pin_of(course, code)})
    assert session.participant is None and widget.status == "error"
    assert widget.link["href"] == "/voila/render/awal/awal.ipynb"
    assert _recorded(course, "akhir", code) == []
    # a first form this server does not serve: no link, ask the trainer
    served = course.root / "serve" / "disajikan.json"
    served.write_text(json.dumps({"assessments": ["akhir"]}), encoding="utf-8")
    session._on_identity(widget, {"event": "identify", "code": code,
                                  "pin": pin_of(course, code)})
    assert widget.link == {} and "tanyakan kepada fasilitator" in widget.message
    first, card = _kernel_session(course, "awal")
    first._on_identity(card, {"event": "identify", "code": code, "pin": pin_of(course, code)})
    assert first.participant == code
    first.submit(confirm=True)  # "Kirim" recorded in the sheet, before any hand-in
    session._on_identity(widget, {"event": "identify", "code": code,
                                  "pin": pin_of(course, code)})
    assert session.participant == code and widget.status == "saved"


# -- participants not in the list ------------------------------------------------------------
def test_a_participant_not_in_the_list_opens_either_form_and_the_trainer_sees_it(course, caplog):
    from kimtrain.serve.orders import orders_section

    _add_unlisted(course)
    pages = _pages(course)
    with caplog.at_level(logging.WARNING, logger="kimtrain.serve"):
        opened = LightPage(pages, "akhir").identify(course, "KIM-031")["identity"]
    assert opened["participant"] == "KIM-031"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "KIM-031 membuka akhir" in logged and "urutan.csv" in logged
    section = orders_section(_workshop(course), "id")
    assert 'data-form="akhir"' in section
    assert "akhir: 1 peserta tidak tercantum di daftar urutan: KIM-031." in section
    assert 'data-form="awal"' not in section


def test_the_trainer_is_told_when_there_is_no_list(course):
    from kimtrain.serve.orders import orders_section

    code = _first_awal(course)
    (course.root / "roster" / "urutan.csv").unlink()
    assert LightPage(_pages(course), "akhir").identify(course, code)["identity"][
        "participant"] == code
    assert "Belum ada daftar urutan (roster/urutan.csv)" in orders_section(_workshop(course), "id")


# -- a course without a counterbalanced pair -------------------------------------------------
def test_a_form_outside_a_counterbalanced_pair_never_reads_the_list(tmp_path):
    from kimtrain.serve.identity import ensure_pins
    from kimtrain.serve.orders import orders_section

    from .serving import workshop_course

    course = workshop_course(tmp_path / "biasa")
    ensure_pins(course.root, [p.id for p in load_roster(course)])
    (course.root / "roster" / "urutan.csv").write_text("rusak;sekali\n", encoding="utf-8")
    opened = LightPage(_pages(course), "pretest").identify(course, "KIM-001")["identity"]
    assert opened["participant"] == "KIM-001" and opened["status"] == "saved"
    assert orders_section(_workshop(course), "id") == ""


# -- a broken list ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,line,column,words", [
    ("peserta;urutan;tes_pertama;tes_kedua\nKIM-001;AB;awal;akhir\n", 1, "peserta",
     "baris judul harus memuat kolom"),
    ("peserta,urutan,tes_pertama,tes_kedua\nKIM-001,AB,awal,akhir\nKIM-002,BA,akhir\n", 3, "-",
     "jumlah kolom berbeda"),
    ("peserta,urutan,tes_pertama,tes_kedua\nKIM-001,AB,awal,akhir\nKIM-001,BA,akhir,awal\n",
     3, "peserta", "tercantum dua kali"),
    ("peserta,urutan,tes_pertama,tes_kedua\nKIM-001,AB,awal,awal\n", 2, "tes_kedua",
     "tes_pertama dan tes_kedua sama"),
    ("peserta,urutan,tes_pertama,tes_kedua\nKIM 001,AB,awal,akhir\n", 2, "peserta",
     "bukan kode peserta"),
])
def test_a_broken_list_names_file_line_and_column(tmp_path, text, line, column, words):
    from kimtrain.assessment.design import OrderListError, read_order_list

    path = tmp_path / "urutan.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OrderListError) as info:
        read_order_list(path)
    said = str(info.value)
    assert said.startswith(f"{path}, baris {line}, kolom {column}: ") and words in said


def test_a_broken_list_keeps_the_pair_closed_and_the_page_working(course, caplog):
    from kimtrain.serve.orders import orders_section

    path = course.root / "roster" / "urutan.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].replace(",", ";")  # one line edited in a spreadsheet
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code = _first_awal(course)
    page = LightPage(_pages(course), "awal")
    with caplog.at_level(logging.WARNING, logger="kimtrain.serve"):
        refused = page.identify(course, code)["identity"]
    assert refused["status"] == "error"
    assert refused["message"] == (
        "Urutan tes belum dapat diperiksa karena daftar urutan rusak (roster/urutan.csv, "
        "baris 3). Minta fasilitator memperbaikinya. Belum ada yang dicatat di sini.")
    assert str(course.root) not in refused["message"]  # no path of the laptop on a phone
    assert f"{path}, baris 3, kolom -" in " ".join(r.getMessage() for r in caplog.records)
    assert _recorded(course, "awal", code) == []
    # the page keeps answering; fixed, it opens
    path.write_text("\n".join(r.replace(";", ",") for r in rows) + "\n", encoding="utf-8")
    assert f"{path}, baris 3" not in orders_section(_workshop(course), "id")
    assert page.identify(course, code)["identity"]["participant"] == code
    path.write_text("peserta;urutan\n", encoding="utf-8")
    assert f"{path}, baris 1, kolom peserta" in orders_section(_workshop(course), "id")


# -- on a phone ------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.browser
def test_a_participant_on_a_phone_is_sent_to_their_first_test(course, browser):
    _add_unlisted(course)
    code = _first_awal(course)
    process = ServerProcess(course.root, "--warm", "0")
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        link = _refused_second(page, process.url + "ujian/akhir", course, code)
        assert link.inner_text() == "Buka tes pertama: Tes Bentuk A (contoh)"
        assert link.get_attribute("href") == "/ujian/awal"
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator('.kt-card[data-item="AMAN-OTP-01"] [data-option="A"]').is_disabled()
        screenshot(page, "orders-phone-01-second-test-first")
        assert _recorded(course, "akhir", code) == []

        link.tap()
        page.wait_for_url("**/ujian/awal")
        page.locator(".kt-identity input.kt-code").wait_for(state="visible")
        page.locator(".kt-identity .kt-action").tap()  # the tab remembers code and PIN
        page.locator('.kt-identity .kt-status[data-status="saved"]').wait_for()
        for item in FORMS["awal"][1]:
            card = page.locator(f'.kt-card[data-item="{item}"]')
            card.scroll_into_view_if_needed()
            card.locator("[data-option], [data-verdict]").first.tap()
            card.locator('.kt-status[data-status="saved"]').wait_for()
        send = page.locator(".kt-submit .kt-send")
        send.scroll_into_view_if_needed()
        send.tap()
        page.locator(".kt-submit .kt-check-result p").first.wait_for()
        assert f"Terima kasih, {code}" in page.locator(".kt-submit").inner_text()
        assert "hand-in" in _recorded(course, "awal", code)

        page.goto(process.url + "ujian/akhir")
        page.locator(".kt-identity input.kt-code").wait_for(state="visible")
        page.locator(".kt-identity .kt-action").tap()
        page.locator('.kt-identity .kt-status[data-status="saved"]').wait_for()
        assert page.locator(".kt-identity a.kt-go-first").is_hidden()
        card = page.locator('.kt-card[data-item="AMAN-OTP-01"]')
        card.locator("[data-option]").first.tap()
        card.locator('.kt-status[data-status="saved"]').wait_for()
        screenshot(page, "orders-phone-02-second-test-open")
        assert _recorded(course, "akhir", code) == ["sheet", "presence"]

        # joined after the build: opens, and the server's log says so
        page.locator(".kt-identity .kt-link").tap()  # "Ganti peserta"
        page.locator(".kt-identity input.kt-code").fill("KIM-031")
        page.locator(".kt-identity input.kt-pin").fill(pin_of(course, "KIM-031"))
        page.locator(".kt-identity .kt-action").tap()
        page.wait_for_function("""() => document.querySelector('.kt-identity .kt-title')
            .innerText.includes('KIM-031')""")
        assert "KIM-031 membuka akhir, tetapi tidak tercantum" in process.log()
    finally:
        context.close()
        process.stop()


@pytest.mark.slow
@pytest.mark.browser
def test_a_voila_page_refuses_in_its_kernel_and_the_log_names_the_unlisted(course, browser):
    """The same rule from a Voilà page's kernel (``kimtrain serve --voila``): the link is
    Voilà's page of the first test; a participant not in the list opens the test and
    the server's terminal says so."""
    _add_unlisted(course)
    code = _first_awal(course)
    process = ServerProcess(course.root, "--voila", "--warm", "0")
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        link = _refused_second(page, process.url + "voila/render/akhir/akhir.ipynb", course,
                               code)
        assert link.get_attribute("href") == "/voila/render/awal/awal.ipynb"
        screenshot(page, "orders-voila-01-second-test-first")
        assert _recorded(course, "akhir", code) == []
        page.locator(".kt-identity input.kt-code").fill("KIM-031")
        page.locator(".kt-identity input.kt-pin").fill(pin_of(course, "KIM-031"))
        page.locator(".kt-identity .kt-action").tap()
        page.locator('.kt-identity .kt-status[data-status="saved"]').wait_for()
        assert link.is_hidden()
        assert _recorded(course, "akhir", "KIM-031") == ["presence"]
        assert "KIM-031 membuka akhir, tetapi tidak tercantum" in process.log()
        status, trainer = process.get("pelatih")  # this machine: the trainer
        assert status == 200
        assert "akhir: 1 peserta tidak tercantum di daftar urutan: KIM-031." in trainer
    finally:
        context.close()
        process.stop()
