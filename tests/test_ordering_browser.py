"""The "ordering" widget in a real phone browser: `kimtrain serve` (Voilà underneath)
driven by Chromium at 360 px, by tapping only (no dragging).

Screenshots: test-artifacts/ordering-phone-*.png.
"""

from __future__ import annotations

import pytest

from .browser import Network, chromium, screenshot
from .serving import ServerProcess, pin_of
from .test_ordering_flow import BLUEPRINT, SIFT
from .test_serve_browser import card, identify, open_test, press, wait_saved

pytestmark = [pytest.mark.slow, pytest.mark.browser]

NAME = "pretest"
SMALL_PHONE = {"viewport": {"width": 360, "height": 780}, "device_scale_factor": 2,
               "is_mobile": True, "has_touch": True, "locale": "id-ID"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.course import create_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.course.roster import save_roster
    from kimtrain.demo import demo_roster

    course = create_course(tmp_path_factory.mktemp("urutan-browser") / "kursus",
                           course_id="uji")
    course.blueprint(NAME).write_text(BLUEPRINT, encoding="utf-8")
    build_assessment(load_blueprint(course.blueprint(NAME)), course.root)
    Nbgrader(course).generate(NAME)
    save_roster(course, demo_roster(2))
    # a practice module as the curriculum writes one (curriculum/04 uses this card)
    import nbformat

    module = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Latihan: urutan cek fakta"),
        nbformat.v4.new_code_cell('from kimtrain.practice import Latihan\n\n'
                                  'latihan = Latihan("hoaks")\n'
                                  'latihan.soal("LAT-HOAKS-URUT")')])
    (course.root / "modul").mkdir()
    nbformat.write(module, course.root / "modul" / "urutan.ipynb")
    process = ServerProcess(course.root, "--max-kernels-per-client", "40")
    yield course, process
    process.stop()


def marks(page, item_id: str) -> dict[str, str]:
    """step id -> the number shown on it ("" when not placed yet)."""
    return card(page, item_id).locator(".kt-step").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.step,"
        " e.querySelector('.kt-mark').textContent]))")


def test_phone_participant_orders_steps_by_tapping(served):
    course, process = served
    log = Network()
    with chromium() as browser:
        context = log.watch(browser.new_context(**SMALL_PHONE))
        context.set_default_timeout(60_000)
        context.kimtrain_touch = True
        page = context.new_page()
        open_test(page, process)
        identify(page, "KIM-001", pin_of(course, "KIM-001"))
        box = card(page, SIFT)
        box.scroll_into_view_if_needed()
        assert "Ketuk langkah-langkah di bawah sesuai urutannya" in box.inner_text()
        assert box.locator(".kt-step-yours").is_hidden()  # nothing placed yet

        for step in ("C", "D", "A", "B"):
            press(page, box.locator(f'[data-step="{step}"]'))
        wait_saved(course, "KIM-001", {SIFT: ["C", "D", "A", "B"]})
        assert marks(page, SIFT) == {"A": "3", "B": "4", "C": "1", "D": "2"}
        assert box.locator(".kt-step-count").inner_text() == "4 dari 4 langkah sudah diurutkan"
        assert box.locator(".kt-step-order li").all_inner_texts()[0].startswith("Berhenti dulu")
        first = box.locator('[data-step="C"]')
        assert first.get_attribute("aria-pressed") == "true"
        assert first.get_attribute("aria-label").endswith(", urutan ke-1")
        screenshot(page, "ordering-phone-01-placed")

        # a tap on a numbered step takes it back; the later ones move up
        press(page, box.locator('[data-step="D"]'))
        wait_saved(course, "KIM-001", {SIFT: ["C", "A", "B"]})
        assert marks(page, SIFT) == {"A": "2", "B": "3", "C": "1", "D": ""}
        assert box.locator('[data-step="D"]').get_attribute("aria-pressed") == "false"
        press(page, box.locator('[data-step="D"]'))
        wait_saved(course, "KIM-001", {SIFT: ["C", "A", "B", "D"]})

        # large tap targets, nothing wider than the phone
        small = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.kt-card[data-type="ordering"] button')).filter(el => el.offsetParent !== null)
            .map(el => el.getBoundingClientRect()).filter(b => b.height < 44).length""")
        assert small == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # "Ulangi dari awal" empties the order, and a reload shows what was saved
        press(page, box.locator(".kt-step-reset"))
        wait_saved(course, "KIM-001", {SIFT: None})
        assert set(marks(page, SIFT).values()) == {""}
        for step in ("C", "D", "A", "B"):
            press(page, box.locator(f'[data-step="{step}"]'))
        wait_saved(course, "KIM-001", {SIFT: ["C", "D", "A", "B"]})
        page.reload()
        page.locator(".kt-identity input.kt-code").wait_for(state="visible")
        identify(page, "KIM-001", pin_of(course, "KIM-001"))
        page.wait_for_function(
            f"""() => document.querySelector(
                '.kt-card[data-item="{SIFT}"] [data-step="B"] .kt-mark').textContent === "4" """)
        card(page, SIFT).scroll_into_view_if_needed()
        screenshot(page, "ordering-phone-02-after-reload")
        context.close()
    log.assert_local()


def test_practice_card_checks_an_order_and_lets_the_participant_retry(served):
    _course, process = served
    log = Network()
    with chromium() as browser:
        context = log.watch(browser.new_context(**SMALL_PHONE))
        context.set_default_timeout(60_000)
        context.kimtrain_touch = True
        page = context.new_page()
        page.goto(process.url)
        press(page, page.locator("a.kt-module"))
        box = card(page, "LAT-HOAKS-URUT")
        box.locator(".kt-step").first.wait_for()
        assert box.locator(".kt-badge").inner_text() == "Latihan"
        for step in ("C", "B", "D", "A"):  # sources, photo, coverage, decide: one swap
            press(page, box.locator(f'[data-step="{step}"]'))
        page.wait_for_function(
            """() => document.querySelector(
                '.kt-card[data-item="LAT-HOAKS-URUT"] [data-step="A"] .kt-mark')
                .textContent === "4" """)
        press(page, box.locator('[data-action="check"]'))
        feedback = box.locator('.kt-feedback[data-verdict="partial"]')
        feedback.wait_for()
        assert "5 dari 6 pasangan langkah sudah dalam urutan yang benar" in feedback.inner_text()
        assert box.locator('[data-step="C"]').is_disabled()
        screenshot(page, "ordering-phone-03-practice-partial")
        press(page, box.locator('[data-action="retry"]'))
        page.wait_for_function(
            """() => !document.querySelector(
                '.kt-card[data-item="LAT-HOAKS-URUT"] [data-step="C"]').disabled""")
        for step in ("C", "D", "B", "A"):
            press(page, box.locator(f'[data-step="{step}"]'))
        page.wait_for_function(
            """() => document.querySelector(
                '.kt-card[data-item="LAT-HOAKS-URUT"] [data-step="A"] .kt-mark')
                .textContent === "4" """)
        press(page, box.locator('[data-action="check"]'))
        box.locator('.kt-feedback[data-verdict="correct"]').wait_for()
        assert "Tepat!" in box.locator(".kt-feedback").inner_text()
        screenshot(page, "ordering-phone-04-practice-correct")
        context.close()
    log.assert_local()
