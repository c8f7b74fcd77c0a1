"""Results and follow-up on the workshop server, in Chromium at phone size (390×844).

Feedback pages written by the real renderer sit in ``umpan-balik/pretest/``; the
server shows them at ``/hasil`` only after ``kimtrain feedback pretest --release``,
and only each participant's own (code + PIN); the page saves as one HTML file. The
follow-up form (``/tindak-lanjut``) takes a text and a screenshot, refuses anything
that is not a real image, and shows back whatever was typed or named as text.
Screenshots go to test-artifacts/hasil-*.png and tindak-lanjut-*.png.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from kimtrain.cli import main
from kimtrain.evaluation.followup import load_handins, write_default_taskset
from kimtrain.feedback import ItemFeedback, ParticipantFeedback, render_page

from .browser import PHONE, local_pages, screenshot
from .serving import ServerProcess, pin_of, workshop_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TIMEOUT = 60_000
HOSTILE = "<script>window.ktPwned=1</script><b>tebal</b> & \"kutip\""
HOSTILE_FILE = "<img src=x onerror=alert(1)>.png"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 110, 79)).save(buffer, "PNG")
    return buffer.getvalue()


def _feedback(course: Any) -> None:
    """One page per participant of the roster, as ``kimtrain feedback`` writes them."""
    from kimtrain.course.roster import load_roster

    folder = course.root / "umpan-balik" / "pretest"
    folder.mkdir(parents=True)
    for n, person in enumerate(load_roster(course)[:3]):
        item = ItemFeedback(1, "S-1", "single", "aman", "A1", "Soal satu", [["A", "Ya"]], "A",
                            float(n % 2), 1.0, "correct" if n % 2 else "wrong")
        page = ParticipantFeedback("pretest", "Tes Awal", person.id, person.nama, [item], False)
        (folder / f"pretest-{person.id}.html").write_text(render_page(page), encoding="utf-8")


def _certificate(course: Any) -> str:
    """KIM-001 earned a certificate (a real PDF in the trainer's out folder)."""
    from fpdf import FPDF

    from kimtrain.evaluation.results import record_certificates
    from kimtrain.reports.certificates import Certificate

    out = course.root.parent / "sertifikat"
    out.mkdir()
    pdf = FPDF()
    pdf.add_page()
    (out / "sertifikat-ABCD-2345.pdf").write_bytes(bytes(pdf.output()))
    cert = Certificate("ABCD-2345", "KIM-001", "Siti Aminah (contoh)", "", "pretest", 90.0,
                       issued="2026-12-04", file="sertifikat-ABCD-2345.pdf")
    record_certificates(course, [cert], out)
    return "ABCD-2345"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    course = workshop_course(tmp_path_factory.mktemp("hasil") / "kursus")
    _feedback(course)
    _certificate(course)
    write_default_taskset(course)
    process = ServerProcess(course.root, "--max-kernels-per-client", "40")
    yield course, process
    process.stop()


@pytest.fixture
def phone(browser):
    with local_pages(browser, TIMEOUT) as (new, _log):
        yield lambda: new(**PHONE, accept_downloads=True)


def sign_in(page: Any, process: Any, code: str, pin: str) -> None:
    page.goto(process.url + "hasil")
    page.locator("#kode").fill(code)
    page.locator("#pin").fill(pin)
    page.locator("form.kt-signin button").tap()
    page.wait_for_load_state()


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_feedback_only_to_its_owner_and_only_after_release(served, phone, tmp_path):
    course, process = served
    (course.root / "umpan-balik" / "pretest" / "dibagikan.json").unlink(missing_ok=True)
    first = phone()
    first.goto(process.url)
    assert first.locator('a[data-link="hasil"]').count() == 0  # nothing shared yet
    sign_in(first, process, "kim-001", pin_of(course, "KIM-001"))
    assert first.locator('[data-state="not-released"]').inner_text().startswith(
        "Hasil Anda belum dibagikan")
    assert first.locator("[data-feedback]").count() == 0
    assert first.locator(".kt-cert").count() == 0  # the code comes with the results
    first.goto(process.url + "hasil/pretest")
    assert "Siti Aminah" not in first.content()
    screenshot(first, "hasil-belum-dibagikan")

    assert main(["feedback", "pretest", "--release", "--course", str(course.root)]) == 0
    first.goto(process.url)
    first.locator('a[data-link="hasil"]').tap()
    first.locator('[data-feedback="pretest"]').wait_for()
    assert first.locator(".kt-who").inner_text() == "KIM-001 — Siti Aminah (contoh)"
    assert first.locator(".kt-cert .kt-code").inner_text() == "ABCD-2345"
    no_sideways_scroll(first)
    screenshot(first, "hasil-daftar")
    first.locator('[data-feedback="pretest"] a', has_text="Buka umpan balik").tap()
    first.locator("main h1").wait_for()
    text = first.locator("main").inner_text()
    assert "KIM-001 — Siti Aminah (contoh)" in text and "KIM-002" not in text
    no_sideways_scroll(first)
    screenshot(first, "hasil-umpan-balik")
    with first.expect_download() as info:
        first.locator("nav.kt-bar a.kt-save").tap()
    saved = tmp_path / "saved.html"
    info.value.save_as(saved)
    own = course.root / "umpan-balik" / "pretest" / "pretest-KIM-001.html"
    assert saved.read_bytes() == own.read_bytes()  # the self-contained page, no bar
    assert info.value.suggested_filename == "umpan-balik-pretest-KIM-001.html"
    with first.expect_download() as cert:
        first.goto(process.url + "hasil")
        first.locator(".kt-cert a.kt-save").tap()
    assert cert.value.suggested_filename == "sertifikat-ABCD-2345.pdf"

    second = phone()  # another phone, another participant
    sign_in(second, process, "KIM-002", pin_of(course, "KIM-002"))
    assert second.locator(".kt-who").inner_text() == "KIM-002 — Budi Santoso (contoh)"
    assert second.locator(".kt-cert").count() == 0  # no certificate earned
    second.goto(process.url + "hasil/pretest")
    text = second.locator("main").inner_text()
    assert "KIM-002 — Budi Santoso" in text and "KIM-001" not in text
    # a wrong PIN for someone else's code opens nothing
    second.goto(process.url + "hasil")
    second.locator("button.kt-out").tap()
    second.locator("form.kt-signin").wait_for()
    sign_in(second, process, "KIM-003", "000000")
    assert second.locator(".kt-error").inner_text().startswith("Kode peserta atau PIN salah.")
    assert "Rahmawati" not in second.content()
    screenshot(second, "hasil-pin-salah")
    # the first phone still shows its own page only; signing out ends it
    first.goto(process.url + "hasil")
    first.locator("button.kt-out").tap()
    first.locator("form.kt-signin").wait_for()
    first.goto(process.url + "hasil/pretest/unduh")
    assert "Siti Aminah" not in first.content()

    assert main(["feedback", "pretest", "--withdraw", "--course", str(course.root)]) == 0
    sign_in(second, process, "KIM-002", pin_of(course, "KIM-002"))
    assert second.locator("[data-feedback]").count() == 0


def test_followup_hand_in_form(served, phone):
    course, process = served
    page = phone()
    page.goto(process.url)
    page.locator('a[data-link="tindak-lanjut"]').tap()
    form = page.locator("form.kt-followup")
    form.wait_for()
    no_sideways_scroll(page)
    screenshot(page, "tindak-lanjut-form")
    page.locator("#kode").fill("KIM-004")
    page.locator("#pin").fill(pin_of(course, "KIM-004"))
    page.locator("#teks-TL-BERITA").fill(HOSTILE)
    page.locator("#gambar-TL-BERITA").set_input_files(
        {"name": HOSTILE_FILE, "mimeType": "image/png", "buffer": _png()})
    page.locator("form.kt-followup button[type=submit]").tap()
    card = page.locator('[data-task="TL-BERITA"]')
    card.wait_for()
    assert card.locator(".kt-text").inner_text() == HOSTILE.replace('"', '"')
    assert card.locator(".kt-image").inner_text() == f"Tangkapan layar diterima: {HOSTILE_FILE}"
    assert card.locator("b, img, script").count() == 0
    assert page.evaluate("window.ktPwned") is None
    no_sideways_scroll(page)
    screenshot(page, "tindak-lanjut-diterima")
    handin = load_handins(course)["KIM-004"]
    assert handin.tasks["TL-BERITA"].text == HOSTILE
    assert handin.image_path("TL-BERITA").read_bytes() == _png()
    assert handin.image_path("TL-BERITA").name == "TL-BERITA.png"

    # an SVG with script, named .png and sent as image/png: refused, nothing stored
    page.goto(process.url + "tindak-lanjut")
    page.locator("#kode").fill("KIM-005")
    page.locator("#pin").fill(pin_of(course, "KIM-005"))
    page.locator("#teks-TL-KLARIFIKASI").fill("Klarifikasi")
    page.locator("#gambar-TL-KLARIFIKASI").set_input_files(
        {"name": "bukti.png", "mimeType": "image/png",
         "buffer": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'})
    page.locator("form.kt-followup button[type=submit]").tap()
    error = page.locator(".kt-error")
    error.wait_for()
    assert error.inner_text() == 'Berkas "bukti.png" bukan gambar PNG, JPG atau WebP.'
    assert page.locator("#teks-TL-KLARIFIKASI").input_value() == "Klarifikasi"  # kept
    assert "KIM-005" not in load_handins(course)
    screenshot(page, "tindak-lanjut-ditolak")

    # a wrong PIN stores nothing
    page.locator("#pin").fill("999999")
    page.locator("#gambar-TL-KLARIFIKASI").set_input_files(
        {"name": "ok.png", "mimeType": "image/png", "buffer": _png()})
    page.locator("form.kt-followup button[type=submit]").tap()
    page.locator(".kt-error").wait_for()
    assert page.locator(".kt-error").inner_text().startswith("Kode peserta atau PIN salah.")
    assert "KIM-005" not in load_handins(course)
    record = json.loads((handin.folder / "kiriman.json").read_text(encoding="utf-8"))
    assert record["tasks"]["TL-BERITA"]["channel"] == "server"


def test_trainer_page_lists_release_and_hand_ins_and_forms_need_the_token(served):
    import urllib.error
    import urllib.parse
    import urllib.request

    course, process = served
    status, page = process.get("pelatih")
    assert status == 200
    assert 'data-feedback="pretest"' in page and "Hasil di ponsel peserta" in page
    assert "Tugas tindak lanjut:" in page and "dari 6 peserta sudah mengirim" in page
    # a form posted from another site (no XSRF token) is refused; nothing is checked
    for path in ("hasil", "tindak-lanjut"):
        body = urllib.parse.urlencode({"kode": "KIM-006", "pin": pin_of(course, "KIM-006"),
                                       "teks-TL-BERITA": "x"}).encode()
        request = urllib.request.Request(process.url + path, data=body, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
    assert "KIM-006" not in load_handins(course)
    with urllib.request.urlopen(process.url + "hasil", timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
