"""The demo course with a post-test, as its readers see it in Chromium: the report at
1280 px opens on the summary, the feedback page at 390 px opens on the short card and
never scrolls sideways. Screenshots go to test-artifacts/results-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from kimtrain.cli import main

from .browser import LAPTOP, PHONE, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from kimtrain.demo import run_demo

    out = tmp_path_factory.mktemp("hasil")
    result = run_demo(out / "demo", posttest=True)
    root = str(result.course.root)
    assert main(["report", "--pre", "pretest", "--post", "posttest", "--course", root,
                 "--out", str(out / "laporan")]) == 0
    assert main(["feedback", "posttest", "--course", root]) == 0
    return result.course, out


def _open(browser: Any, size: dict[str, Any], path) -> Any:
    context = browser.new_context(**size)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:")) else route.abort())
    page = context.new_page()
    page.goto(path.as_uri())
    return page


def test_report_opens_on_the_summary_at_1280(browser, demo):
    _course, out = demo
    page = _open(browser, LAPTOP, out / "laporan" / "laporan.html")
    first_h2 = page.locator("h2").first
    assert first_h2.inner_text() == "Ringkasan untuk pimpinan"
    sentences = page.locator("ol.say li")
    assert 5 <= sentences.count() <= 6
    box = sentences.first.bounding_box()
    assert box is not None and box["y"] + box["height"] < LAPTOP["viewport"]["height"]
    assert "11 mengikuti keduanya" in sentences.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # the contents links reach the follow-up list, which names the one who left early
    page.get_by_role("link", name="1. Peserta yang perlu tindak lanjut").click()
    follow = page.locator("#follow_up")
    assert "tidak mengikuti post-test" in follow.inner_text()
    screenshot(page, "results-report-followup-1280")
    for img in page.locator("img").all():  # every chart drawn, none broken
        assert page.evaluate("(el) => el.naturalWidth", img.element_handle()) > 100
    page.goto((out / "laporan" / "laporan.html").as_uri())
    screenshot(page, "results-report-1280")
    summary = _open(browser, LAPTOP, out / "laporan" / "ringkasan.html")
    assert summary.locator("ol.say li").count() == sentences.count()
    screenshot(summary, "results-summary-page-1280")
    pdf = summary.pdf(format="A4", print_background=True)
    assert _pages(pdf) == 1  # the summary prints on one A4 page
    page.context.close()
    summary.context.close()


def _pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_feedback_opens_on_the_short_card_at_390(browser, demo):
    course, _out = demo
    path = course.root / "umpan-balik" / "posttest" / "posttest-KIM-006.html"
    page = _open(browser, PHONE, path)
    total = page.locator(".total")
    assert "dari" in total.inner_text() and "%" in total.inner_text()
    assert total.bounding_box()["y"] < 400
    assert page.get_by_text("Kemajuan sejak").is_visible()
    assert page.get_by_text("Yang perlu dipelajari berikutnya").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".card[id^=soal-]").count() == 0  # no items before the key
    screenshot(page, "results-feedback-390")
    # after the key is released: items to learn first, the correct ones folded away
    assert main(["feedback", "posttest", "--reveal", "--course", str(course.root)]) == 0
    page.goto(path.as_uri())
    items = page.locator(".card[id^=soal-]")
    assert items.count() > 10
    correct = page.locator("details .card[id^=soal-]")
    assert correct.count() >= 1 and not correct.first.is_visible()
    assert "Benar" not in items.first.locator(".v").inner_text()
    page.locator("summary", has_text="Soal yang Anda jawab benar").click()
    assert correct.first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("h2", has_text="Soal untuk dipelajari").evaluate(
        "(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8)")
    screenshot(page, "results-feedback-revealed-390")
    page.context.close()


def test_report_has_the_learning_and_follow_up_chapters_on_the_demo(browser, demo):
    """The demo's simulated follow-up hand-ins reach the report as the application
    chapter (level 3): per skill, per KIM group and per kecamatan, after the learning
    chapter; the same tables go to the workbook and CSV."""
    _course, out = demo
    page = _open(browser, LAPTOP, out / "laporan" / "laporan.html")
    learning = page.locator("#bab-belajar")
    assert learning.inner_text().startswith("Bab: Hasil belajar")
    chapter = page.locator("#penerapan")
    assert chapter.locator("h2").inner_text().startswith("Bab: Penerapan setelah pelatihan")
    assert [h.inner_text() for h in chapter.locator("h3").all()] == [
        "Penerapan per keterampilan", "Penerapan per kelompok KIM", "Penerapan per kecamatan"]
    rows = chapter.locator("table").first.locator("tbody tr")
    assert rows.count() == 2  # the default task set: news item, hoax clarification
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[:3] == ["Menulis dan mengunggah berita desa", "TL-BERITA", "12"]
    assert cells[-1].endswith("%")
    meaning = chapter.locator("p.artinya").inner_text()
    assert "Menulis dan mengunggah berita desa:" in meaning and "peserta" in meaning
    groups = chapter.locator("table").nth(1).locator("tbody tr td:first-child").all_inner_texts()
    assert groups == ["KIM Habaring Hurung", "KIM Pesisir Pandaran"]
    order = page.evaluate("""() => [...document.querySelectorAll('h2')].map(h => h.id
        || h.closest('section')?.id || '')""")
    assert order.index("bab-belajar") < order.index("follow_up") < order.index("penerapan")
    assert page.locator('nav.toc a[href="#penerapan"]').count() == 1
    chapter.scroll_into_view_if_needed()
    screenshot(page, "results-report-application-1280")
    for key in ("penerapan", "penerapan_kim", "penerapan_kecamatan"):
        assert (out / "laporan" / "csv" / f"{key}.csv").exists()
    page.context.close()
